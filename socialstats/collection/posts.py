"""Keeping the posts a collection read (docs/posts.md «Collection»): one batch of results at a time.

Called from the collection's write of a batch, inside its transaction; it makes no HTTP request (the posts
come with the results the collectors already read for the snapshot's sums).

- A post younger than `POSTS_KEEP_DAYS` is inserted or refreshed (its reactions keep growing): one upsert on
  (page, external_id) for the batch. A reappearing post loses its `deleted_at`.
- An older post is inserted the first time it is read (the 003 engagement of a page that posts rarely
  reaches back further than the window) and never updated after: it keeps its last values.
- A kept post inside the window and within the span the collector read this time (not older than the oldest
  non-pinned post read), which the network no longer returned, gets `deleted_at` and keeps its values.
  Pages whose posts could not be read (`Metrics.posts` None: a closed wall, no preview, no bot admin) are
  left alone.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from ..models import Post
from .collectors.base import PageResult, PostData

REFRESHED_FIELDS = [
    "url",
    "published_at",
    "excerpt",
    "kind",
    "likes",
    "comments",
    "reposts",
    "views",
    "is_pinned",
    "refreshed_at",
    "deleted_at",
]


def _post(page_id: int, data: PostData, now: dt.datetime) -> Post:
    return Post(
        page_id=page_id,
        external_id=data.external_id[:64],
        url=data.url[:500],
        published_at=data.published_at,
        excerpt=data.excerpt[:500],
        kind=data.kind,
        likes=data.likes,
        comments=data.comments,
        reposts=data.reposts,
        views=data.views,
        is_pinned=data.is_pinned,
        first_seen_at=now,
        refreshed_at=now,
        deleted_at=None,
    )


def posts_store(results: list[PageResult], *, now: dt.datetime | None = None) -> int:
    """Store the posts of one batch of results; returns how many posts were marked deleted."""
    now = now or timezone.now()
    window_start = now - dt.timedelta(days=settings.POSTS_KEEP_DAYS)
    fresh: list[Post] = []
    old: list[Post] = []
    read: dict[int, set[str]] = {}  # page → ids of the posts read now
    span: dict[int, dt.datetime] = {}  # page → the oldest non-pinned post read (deletions are judged after it)
    for result in results:
        posts = result.metrics.posts if result.metrics is not None else None
        if posts is None:
            continue
        by_id = {post.external_id: post for post in posts}  # the network may repeat a post; keep one
        read[result.page_id] = set(by_id)
        dates = [post.published_at for post in by_id.values() if not post.is_pinned]
        if dates:
            span[result.page_id] = max(min(dates), window_start)
        for post in by_id.values():
            (fresh if post.published_at >= window_start else old).append(_post(result.page_id, post, now))
    if fresh:
        Post.objects.bulk_create(
            fresh,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["page", "external_id"],
            update_fields=REFRESHED_FIELDS,
        )
    if old:
        Post.objects.bulk_create(old, batch_size=1000, ignore_conflicts=True)
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
    for start in range(0, len(gone), 5000):
        Post.objects.filter(pk__in=gone[start : start + 5000]).update(deleted_at=now)
    return len(gone)
