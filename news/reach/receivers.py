"""Signal receivers: the nightly collection's posts are linked to the published news that point to them."""

from __future__ import annotations

from socialstats.signals import posts_stored

from .services import links_for_pages


def _link_published_news(sender, *, page_ids: list[int], **kwargs) -> None:
    links_for_pages(page_ids=page_ids)


def connect() -> None:
    posts_stored.connect(_link_published_news, dispatch_uid="news_link_published_news")
