"""The 003 engagement from the kept posts (docs/posts.md): mean (likes + comments + reposts) over a page's
last 10 posts ÷ its subscribers, in %. The same figure as the snapshot's sums give
(`reports.facts.PageFact.engagement`) for the posts the collection read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db.models import F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from ..collection.collectors.base import POSTS_FOR_SUMS
from ..models import Post, Snapshot, SocialPage

POSTS_FOR_ENGAGEMENT = POSTS_FOR_SUMS  # the snapshot sums and this figure cover the same last 10 posts


def post_interactions(likes: int | None, comments: int | None, reposts: int | None) -> int:
    return (likes or 0) + (comments or 0) + (reposts or 0)


def engagement(posts: Sequence[Post], subscribers: int | None) -> float | None:
    """Mean interactions of `posts` ÷ `subscribers`, in %. None without posts or subscribers, or where the
    network counts no likes (MAX gives views only), as the snapshot's figure."""
    if not posts or not subscribers or all(post.likes is None for post in posts):
        return None
    total = sum(post_interactions(post.likes, post.comments, post.reposts) for post in posts)
    return total / len(posts) * 100.0 / subscribers


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def last_posts(*, page_ids: Iterable[int], on: dt.date, count: int = POSTS_FOR_ENGAGEMENT) -> dict[int, list[Post]]:
    """Each page's `count` newest posts published by the end of `on` (Moscow time), newest first: pinned
    posts left out (as the collectors leave them out of the sums), and posts deleted by then. One query."""
    end = _end_of(on)
    ranked = (
        Post.objects.filter(page_id__in=list(page_ids), published_at__lt=end, is_pinned=False)
        .filter(Q(deleted_at__isnull=True) | Q(deleted_at__gte=end))
        .annotate(
            rank=Window(RowNumber(), partition_by=F("page_id"), order_by=[F("published_at").desc(), F("pk").desc()])
        )
        .filter(rank__lte=count)
        .order_by("page_id", "rank")
    )
    posts: dict[int, list[Post]] = {}
    for post in ranked:
        posts.setdefault(post.page_id, []).append(post)
    return posts


def engagement_from_posts(*, page_ids: Iterable[int], on: dt.date) -> dict[int, float | None]:
    """Each page's 003 engagement on `on` from its kept posts and its latest subscriber count by then.
    Two queries whatever the number of pages."""
    ids = list(page_ids)
    posts = last_posts(page_ids=ids, on=on)
    latest = Snapshot.objects.filter(page_id=OuterRef("pk"), date__lte=on).order_by("-date")
    subscribers = dict(
        SocialPage.objects.filter(pk__in=ids)
        .annotate(subscribers_on=Subquery(latest.values("subscribers")[:1]))
        .values_list("pk", "subscribers_on")
    )
    return {page_id: engagement(posts.get(page_id, []), subscribers.get(page_id)) for page_id in ids}
