"""Keeping the posts a collection read (docs/posts.md «Collection»): one batch of results at a time.

Called from the collection's write of a batch, inside its transaction; it makes no HTTP request (the posts
come with the results the collectors already read for the snapshot's sums).

- A post younger than `POSTS_KEEP_DAYS` is inserted or refreshed (its reactions keep growing): one upsert on
  (page, external_id) for the batch. A reappearing post loses its `deleted_at`. The page's subscribers of
  this result are stored with the post when it is inserted and not changed by refreshes (the reports divide
  by them).
- An older post is inserted the first time it is read (the 003 engagement of a page that posts rarely
  reaches back further than the window) and never updated after: it keeps its last values.
- A kept post inside the window and within the span the collector read this time (not older than the oldest
  non-pinned post read), which the network no longer returned, gets `deleted_at` and keeps its values.
  Pages whose posts could not be read (`Metrics.posts` None: a closed wall, no preview, no bot admin) are
  left alone.

The post's `engagement_rate` and `err_rate` (the reports' rates over its stored subscribers) are generated columns:
PostgreSQL and SQLite compute them from each inserted or refreshed row, so they are not among `COLUMNS`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ..models import Post
from ..signals import posts_stored
from .collectors.base import PageResult, PostData

COLUMNS = [
    "page_id",
    "external_id",
    "url",
    "published_at",
    "excerpt",
    "kind",
    "likes",
    "comments",
    "reposts",
    "views",
    "is_pinned",
    "subscribers",
    "weekday",
    "hour",
    "first_seen_at",
    "refreshed_at",
    "deleted_at",
]
# What a refresh changes: everything but the page, the id, when the post was first seen and the page's
# subscribers then (the reports' rates divide by them).
REFRESHED = [column for column in COLUMNS if column not in ("page_id", "external_id", "subscribers", "first_seen_at")]


def _row(page_id: int, data: PostData, subscribers: int | None, now: object) -> tuple:
    adapt = connection.ops.adapt_datetimefield_value
    local = timezone.localtime(data.published_at)  # Moscow: the heat map's weekday and hour
    return (
        page_id,
        data.external_id[:64],
        data.url[:500],
        adapt(data.published_at),
        data.excerpt[:500],
        data.kind,
        data.likes,
        data.comments,
        data.reposts,
        data.views,
        data.is_pinned,
        subscribers,
        local.isoweekday(),
        local.hour,
        now,
        now,
        None,
    )


ROWS_PER_STATEMENT = 1000  # rows of one VALUES list (SQLite's parameter limit lowers it)


def _insert(rows: list[tuple], *, refresh: bool) -> None:
    """INSERT … ON CONFLICT (page, external_id): DO UPDATE the refreshed columns, or DO NOTHING.

    Not `bulk_create`, which spends about 0.4 ms of Python per post preparing model fields. PostgreSQL gets
    the rows as one array per column (`unnest`: 17 parameters whatever the number of posts; a long VALUES
    list costs psycopg about 12 µs per parameter to parse); SQLite a VALUES list per chunk
    (docs/posts.md «Cost»)."""
    quote = connection.ops.quote_name
    action = (
        "DO UPDATE SET " + ", ".join(f"{quote(column)} = excluded.{quote(column)}" for column in REFRESHED)
        if refresh
        else "DO NOTHING"
    )
    head = f"INSERT INTO {quote(Post._meta.db_table)} ({', '.join(map(quote, COLUMNS))})"
    tail = f"ON CONFLICT ({quote('page_id')}, {quote('external_id')}) {action}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            fields = [Post._meta.get_field("page" if column == "page_id" else column) for column in COLUMNS]
            types = [
                field.rel_db_type(connection) if field.is_relation else field.db_type(connection) for field in fields
            ]
            arrays = ", ".join(f"%s::{db_type}[]" for db_type in types)
            cursor.execute(
                f"{head} SELECT * FROM unnest({arrays}) {tail}", [list(column) for column in zip(*rows, strict=True)]
            )
            return
        size = max(1, min(ROWS_PER_STATEMENT, connection.ops.bulk_batch_size(COLUMNS, rows)))
        placeholder = f"({', '.join(['%s'] * len(COLUMNS))})"
        for start in range(0, len(rows), size):
            chunk = rows[start : start + size]
            cursor.execute(
                f"{head} VALUES {', '.join([placeholder] * len(chunk))} {tail}",
                [value for row in chunk for value in row],
            )


def posts_store(results: list[PageResult], *, now: dt.datetime | None = None) -> int:
    """Store the posts of one batch of results; returns how many posts were marked deleted."""
    now = now or timezone.now()
    window_start = now - dt.timedelta(days=settings.POSTS_KEEP_DAYS)
    stamp = connection.ops.adapt_datetimefield_value(now)
    fresh: list[tuple] = []
    old: list[tuple] = []
    read: dict[int, set[str]] = {}  # page → ids of the posts read now
    span: dict[int, dt.datetime] = {}  # page → the oldest non-pinned post read (deletions are judged after it)
    for result in {result.page_id: result for result in results}.values():  # one result per page
        posts = result.metrics.posts if result.metrics is not None else None
        if posts is None:
            continue
        by_id = {post.external_id: post for post in posts}  # the network may repeat a post; keep one
        read[result.page_id] = set(by_id)
        dates = [post.published_at for post in by_id.values() if not post.is_pinned]
        if dates:
            span[result.page_id] = max(min(dates), window_start)
        for post in by_id.values():
            row = _row(result.page_id, post, result.metrics.subscribers, stamp)
            (fresh if post.published_at >= window_start else old).append(row)
    if fresh:
        _insert(fresh, refresh=True)
    if old:
        _insert(old, refresh=False)
    if read:  # the apps above (news: links to published items) look at the posts once they are committed
        page_ids = sorted(read)
        transaction.on_commit(lambda: posts_stored.send(sender=Post, page_ids=page_ids))
    if not span:
        return 0
    kept = Post.objects.filter(
        page_id__in=list(span), published_at__gte=window_start, deleted_at__isnull=True
    ).values_list("pk", "page_id", "external_id", "published_at")
    gone = [
        pk
        for pk, page_id, external_id, published_at in kept.iterator(chunk_size=5000)
        if published_at >= span[page_id] and external_id not in read[page_id]
    ]
    for start in range(0, len(gone), 900):  # within SQLite's oldest limit of 999 parameters
        Post.objects.filter(pk__in=gone[start : start + 900]).update(deleted_at=now)
    return len(gone)
