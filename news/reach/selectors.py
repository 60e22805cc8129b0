"""Reads: which posts a published news item appeared in, and which posts look like it (suggestions).

Suggestions are computed when a page is read, from the posts stored at that moment: posts collected
tonight are suggested tomorrow morning without any job in between. Rejected pairs and linked posts are
left out. A fixed number of queries for any number of items (three).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import F, QuerySet

from orgs.models import OrgKind
from socialstats.models import Post

from ..models import NewsItem, NewsPostLink, NewsPostRejection, NewsStatus
from .matching import Match, similarity, words

SUGGESTIONS_PER_ITEM = 3


def chain_paths(item: NewsItem) -> list[str]:
    """The item's organisation and the organisations above it: whose pages may carry the item."""
    return [*item.organisation.ancestor_paths, item.organisation.path]


def match_window(item: NewsItem) -> tuple[dt.datetime, dt.datetime]:
    """Posts published from the item's first sending to POST_MATCH_DAYS after it are compared with it."""
    start = item.first_submitted_at or item.submitted_at or item.created_at
    return start, start + dt.timedelta(days=settings.POST_MATCH_DAYS)


def chain_posts(item: NewsItem) -> QuerySet[Post]:
    """Posts on the pages of the item's organisation and of the organisations above it."""
    return Post.objects.filter(page__organisation__path__in=chain_paths(item))


@dataclass
class Suggestion:
    post: Post
    match: Match


@dataclass
class Reach:
    links: list[NewsPostLink] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def reached(self) -> bool:
        return bool(self.links)

    @property
    def on_territorial(self) -> bool:
        """A linked post is on a territorial organisation's page (what the 002 resolution asks for)."""
        return any(link.post.page.organisation.kind == OrgKind.TERRITORIAL for link in self.links)


def _suggestions(item: NewsItem, posts: Iterable[Post], skip: set[int]) -> list[Suggestion]:
    start, end = match_window(item)
    paths = set(chain_paths(item))
    item_words = words(f"{item.title} {item.text}")
    title_words = words(item.title)
    found = []
    for post in posts:
        if post.pk in skip or post.org_path not in paths or not start <= post.published_at < end:
            continue
        match = similarity(item_words, post.excerpt, title_words)
        if match.is_suggestion:
            found.append(Suggestion(post, match))
    found.sort(key=lambda suggestion: (-suggestion.match.score, suggestion.post.published_at))
    return found[:SUGGESTIONS_PER_ITEM]


def attach_reach(items: Iterable[NewsItem]) -> None:
    """Set `item.reach` (a Reach) on each published item and None on the others. Three queries at most."""
    items = list(items)
    published = [item for item in items if item.status == NewsStatus.PUBLISHED]
    for item in items:
        item.reach = Reach() if item.status == NewsStatus.PUBLISHED else None
    if not published:
        return
    by_id = {item.pk: item for item in published}
    taken: dict[int, set[int]] = defaultdict(set)
    for link in (
        NewsPostLink.objects.filter(item__in=list(by_id))
        .select_related("post__page__organisation", "confirmed_by")
        .order_by("post__published_at", "pk")
    ):
        by_id[link.item_id].reach.links.append(link)
        taken[link.item_id].add(link.post_id)
    for item_id, post_id in NewsPostRejection.objects.filter(item__in=list(by_id)).values_list("item_id", "post_id"):
        taken[item_id].add(post_id)
    windows = [match_window(item) for item in published]
    posts = list(
        Post.objects.filter(
            page__organisation__path__in={path for item in published for path in chain_paths(item)},
            published_at__gte=min(start for start, _ in windows),
            published_at__lt=max(end for _, end in windows),
            deleted_at__isnull=True,
        )
        .exclude(excerpt="")
        .select_related("page__organisation")
        .annotate(org_path=F("page__organisation__path"))
    )
    for item in published:
        item.reach.suggestions = _suggestions(item, posts, taken[item.pk])
