"""Writes: a published news item linked to the posts it appeared in — by its link, or a confirmed suggestion."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from socialstats.models import Post

from ..models import NewsItem, NewsPostLink, NewsPostRejection, NewsStatus, PostLinkHow
from .matching import key_tail, post_key
from .selectors import chain_paths, chain_posts


def links_from_published_url(*, item: NewsItem) -> int:
    """Link a published item to the stored post its «link to the post» points to (on a page of its
    organisation or above). Returns how many links were made (0 or 1; 0 when the post is not stored yet —
    the next collection's `posts_stored` signal tries again; a post a reviewer unlinked is not linked again)."""
    if item.status != NewsStatus.PUBLISHED:
        return 0
    key = post_key(item.published_url)
    tail = key_tail(key)
    if not key or not tail:
        return 0
    rejected = set(NewsPostRejection.objects.filter(item=item).values_list("post_id", flat=True))
    for post in chain_posts(item).filter(url__icontains=tail).order_by("pk"):
        if post_key(post.url) == key and post.pk not in rejected:
            _link, created = NewsPostLink.objects.get_or_create(
                item=item, post=post, defaults={"how": PostLinkHow.ENTERED_LINK}
            )
            return int(created)
    return 0


def links_for_pages(*, page_ids: list[int]) -> int:
    """After a collection stored posts of these pages: link the published items whose link points to one of
    them. Items of the pages' organisations and of the organisations below them, published within
    POSTS_KEEP_DAYS; four queries and one insert whatever the numbers; a pair a reviewer unlinked is not
    linked again. Returns the links made."""
    if not page_ids:
        return 0
    since = timezone.now() - dt.timedelta(days=settings.POSTS_KEEP_DAYS)
    by_key: dict[str, list[tuple[str, int]]] = {}
    for post_id, url, path in Post.objects.filter(page__in=page_ids, published_at__gte=since).values_list(
        "pk", "url", "page__organisation__path"
    ):
        key = post_key(url)
        if key:
            by_key.setdefault(key, []).append((path, post_id))
    if not by_key:
        return 0
    paths = {path for found in by_key.values() for path, _post_id in found}
    below = Q()
    for path in paths:
        below |= Q(organisation__path__startswith=path)
    items = (
        NewsItem.objects.filter(below, status=NewsStatus.PUBLISHED, reviewed_at__gte=since)
        .exclude(published_url="")
        .select_related("organisation")
    )
    links = []
    for item in items:
        chain = set(chain_paths(item))
        links.extend(
            NewsPostLink(item=item, post_id=post_id, how=PostLinkHow.ENTERED_LINK)
            for path, post_id in by_key.get(post_key(item.published_url), [])
            if path in chain
        )
    if not links:
        return 0
    post_ids = {link.post_id for link in links}
    existing = set(NewsPostLink.objects.filter(post_id__in=post_ids).values_list("item_id", "post_id"))
    existing |= set(NewsPostRejection.objects.filter(post_id__in=post_ids).values_list("item_id", "post_id"))
    new = [link for link in links if (link.item_id, link.post_id) not in existing]
    NewsPostLink.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def _candidate(item: NewsItem, post_id) -> Post:
    """The post a reviewer chose for a published item; refused with a message naming what is wrong."""
    if item.status != NewsStatus.PUBLISHED:
        raise ValidationError(_("Only a published news item can be linked to posts."))
    try:
        pk = int(post_id)
    except (TypeError, ValueError):
        raise ValidationError({"post": _("Choose a post from the suggestions.")}) from None
    post = chain_posts(item).filter(pk=pk).first()
    if post is None:
        raise ValidationError(
            {"post": _("This post is not on a page of the item's organisation or of the organisations above it.")}
        )
    return post


@transaction.atomic
def post_link_confirm(*, item: NewsItem, post_id, by) -> NewsPostLink:
    """A reviewer confirms the item appeared in the post (a suggestion, or one they rejected before)."""
    post = _candidate(item, post_id)
    if NewsPostLink.objects.filter(item=item, post=post).exists():
        raise ValidationError(_("The news item is already linked to this post."))
    NewsPostRejection.objects.filter(item=item, post=post).delete()
    return NewsPostLink.objects.create(item=item, post=post, how=PostLinkHow.SUGGESTION, confirmed_by=by)


@transaction.atomic
def post_link_reject(*, item: NewsItem, post_id, by) -> NewsPostRejection:
    """A reviewer says the suggested post is not this item: it is not suggested again."""
    post = _candidate(item, post_id)
    if NewsPostLink.objects.filter(item=item, post=post).exists():
        raise ValidationError(_("The news item is already linked to this post."))
    rejection, _new = NewsPostRejection.objects.get_or_create(item=item, post=post, defaults={"rejected_by": by})
    return rejection


@transaction.atomic
def post_link_remove(*, item: NewsItem, post_id, by) -> NewsPostLink:
    """A reviewer says the item did not appear in a linked post: the link is deleted («Отвязать»).

    A confirmed suggestion may be suggested again. A post linked by the item's own «link to the post» is
    also recorded as rejected: otherwise the next collection would link it by that link again. Returns the
    deleted link (with its post), for the message."""
    try:
        pk = int(post_id)
    except (TypeError, ValueError):
        raise ValidationError(_("The news item is not linked to this post.")) from None
    link = NewsPostLink.objects.select_related("post__page").filter(item=item, post_id=pk).first()
    if link is None:
        raise ValidationError(_("The news item is not linked to this post."))
    NewsPostLink.objects.filter(pk=link.pk).delete()
    if link.how == PostLinkHow.ENTERED_LINK:
        NewsPostRejection.objects.get_or_create(item=item, post_id=pk, defaults={"rejected_by": by})
    return link
