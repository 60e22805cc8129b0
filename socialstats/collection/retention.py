"""Retention of the kept posts (docs/posts.md «Retention»): posts older than `POSTS_KEEP_DAYS` are deleted,
their history lives on in the snapshots and the analytics tables.

Kept whatever their age:
- each page's `KEEP_NEWEST` (10) newest posts that are neither deleted nor pinned: the 003 engagement reads a
  page's last 10 posts, and a page that posts rarely reaches back further than the window (the collectors
  read the same 10 each night, so nothing is inserted again only to be deleted the next night);
- posts another model refers to (news.NewsPostLink, news.NewsPostRejection, …): found generically through
  `Post._meta.related_objects`, so socialstats does not import the apps above it;
- a pinned post not marked deleted: the collectors read it every night whatever its age, so deleting it would
  only insert it again (with a new first-seen time and subscriber count) the next night.

One set-based DELETE per range of `BATCH_IDS` ids (at most that many rows a statement, each committed on its
own: short locks while the collection writes). Idempotent: a second call deletes nothing.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import connection
from django.db.models import Exists, Max, Min, OuterRef, QuerySet
from django.utils import timezone

from ..models import Post
from .collectors.base import POSTS_FOR_SUMS

logger = logging.getLogger(__name__)

KEEP_NEWEST = POSTS_FOR_SUMS  # the 003 engagement's last 10 posts
BATCH_IDS = 10_000


def _referenced(posts: QuerySet[Post]) -> QuerySet[Post]:
    """`posts` without those any other model points at (a foreign key, one-to-one or many-to-many)."""
    for rel in Post._meta.related_objects:
        if rel.many_to_many:
            through = rel.through
            field = rel.field.m2m_reverse_field_name()
        else:
            through = rel.related_model
            field = rel.field.name
        posts = posts.exclude(Exists(through._base_manager.filter(**{field: OuterRef("pk")})))
    return posts


def prunable(cutoff: dt.datetime, *, network: str | None = None) -> QuerySet[Post]:
    """The posts published before `cutoff` that retention may delete (optionally of one network's pages)."""
    newest = (
        Post.objects.filter(page=OuterRef("page"), deleted_at__isnull=True, is_pinned=False)
        .order_by("-published_at", "-pk")
        .values("pk")[:KEEP_NEWEST]
    )
    posts = Post.objects.filter(published_at__lt=cutoff)
    if network:
        posts = posts.filter(page__network=network)
    return _referenced(posts.exclude(pk__in=newest).exclude(is_pinned=True, deleted_at__isnull=True))


def posts_prune(*, now: dt.datetime | None = None, network: str | None = None, dry_run: bool = False) -> int:
    """Delete the posts retention does not keep; returns how many were deleted (or would be, `dry_run`)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.POSTS_KEEP_DAYS)
    candidates = prunable(cutoff, network=network)
    if dry_run:
        return candidates.count()
    old = Post.objects.filter(published_at__lt=cutoff)
    if network:
        old = old.filter(page__network=network)
    bounds = old.aggregate(lo=Min("pk"), hi=Max("pk"))
    if bounds["lo"] is None:
        return 0
    quote = connection.ops.quote_name
    head = f"DELETE FROM {quote(Post._meta.db_table)} WHERE {quote(Post._meta.pk.column)} IN "
    deleted = 0
    for start in range(bounds["lo"], bounds["hi"] + 1, BATCH_IDS):
        batch = candidates.filter(pk__gte=start, pk__lt=start + BATCH_IDS).values("pk")
        sql, params = batch.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"{head}({sql})", params)
            deleted += cursor.rowcount
    if deleted:
        logger.info("posts retention: %s posts published before %s deleted", deleted, cutoff)
    return deleted
