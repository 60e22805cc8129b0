"""Telegram: subscriber counts through the Bot API, post dates and views from the public preview t.me/s/<name>.

One `getChatMemberCount` per channel (by `@username`), then one preview page. 429 answers are obeyed
(`parameters.retry_after`), 400 "chat not found" marks the page, 401 stops the network. The preview's
markup is undocumented: when it cannot be read the snapshot keeps the subscriber count only.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import httpx
from bs4 import BeautifulSoup

from ...models import PageStatus
from .base import (
    Collector,
    CollectorStopped,
    Metrics,
    Outcome,
    PageRef,
    PageResult,
    PostData,
    RetryPolicy,
    TokenBucket,
    TransientError,
    excerpt,
    post_stats,
)

BOT_RPS = 20.0  # well below the 30/s broadcast limit; no read limit is published
WEB_RPS = 2.0  # minet's 0.5 s between preview pages
NUMBER = re.compile(r"^\s*([\d.,]+)\s*([KkMm]?)\s*$")
# A post's kind from the preview's markup (forwarded first: a forwarded photo is a repost), then its media.
KIND_MARKUP = (
    ("repost", ".tgme_widget_message_forwarded_from"),
    ("video", ".tgme_widget_message_video_player, .tgme_widget_message_roundvideo_player"),
    ("photo", ".tgme_widget_message_photo_wrap"),
    ("link", ".tgme_widget_message_link_preview"),
)


def parse_count(text: str) -> int | None:
    """`184` → 184, `1.2K` → 1200, `10.7M` → 10 700 000 (the preview's abbreviated counters)."""
    match = NUMBER.match(text.replace("\xa0", "").replace(" ", ""))
    if not match:
        return None
    number = float(match.group(1).replace(",", "."))
    factor = {"k": 1_000, "m": 1_000_000}.get(match.group(2).lower(), 1)
    return round(number * factor)


def parse_preview(html: str) -> list[dict] | None:
    """Posts of a t.me/s page, newest first: date, views, reactions (as likes), replies (as comments),
    and what is kept of each (`post`: a PostData with the link https://t.me/<channel>/<id>).

    None when the page is not a public channel preview (no `tgme_channel_info` block).
    """
    soup = BeautifulSoup(html, "html.parser")
    if soup.select_one(".tgme_channel_info") is None:
        return None
    posts = []
    for message in soup.select(".tgme_widget_message[data-post]"):
        if "service_message" in (message.get("class") or []):
            continue
        time_tag = message.select_one(".tgme_widget_message_date time[datetime]")
        if time_tag is None:
            continue
        try:
            date = dt.datetime.fromisoformat(str(time_tag["datetime"]))
        except ValueError:
            continue
        if date.tzinfo is None:  # the preview writes an offset (UTC); never keep a naive time
            date = date.replace(tzinfo=dt.UTC)
        views_tag = message.select_one(".tgme_widget_message_views")
        reactions = [
            parse_count(reaction.get_text(" ", strip=True).split()[-1])
            for reaction in message.select(".tgme_widget_message_reactions .tgme_reaction")
            if reaction.get_text(strip=True)
        ]
        replies_tag = message.select_one(".tgme_widget_message_reply_count")
        post = {
            "date": date,
            "views": parse_count(views_tag.get_text()) if views_tag else None,
            "likes": sum(r for r in reactions if r),
            "comments": parse_count(replies_tag.get_text()) if replies_tag else 0,
            "reposts": None,
        }
        channel, _slash, post_id = str(message["data-post"]).rpartition("/")
        if channel and post_id.isdigit():
            text_tag = message.select_one(".tgme_widget_message_text")
            post["post"] = PostData(
                external_id=post_id,
                published_at=date,
                url=f"https://t.me/{channel}/{post_id}",
                excerpt=excerpt(text_tag.get_text(" ") if text_tag else ""),
                kind=next((kind for kind, selector in KIND_MARKUP if message.select_one(selector)), "text"),
                likes=post["likes"],
                comments=post["comments"],
                views=post["views"],
            )
        posts.append(post)
    posts.sort(key=lambda post: post["date"], reverse=True)
    return posts


class TelegramCollector(Collector):
    network = "telegram"

    def __init__(
        self,
        *,
        api_url: str,
        web_url: str,
        token: str,
        timeout: float = 15.0,
        bot_bucket: TokenBucket | None = None,
        web_bucket: TokenBucket | None = None,
        retry: RetryPolicy | None = None,
        client: httpx.Client | None = None,
    ):
        super().__init__()
        self.api_url = api_url.rstrip("/")
        self.web_url = web_url.rstrip("/")
        self.token = token
        self.bot_bucket = bot_bucket or TokenBucket(BOT_RPS)
        self.web_bucket = web_bucket or TokenBucket(WEB_RPS)
        self.retry = retry or RetryPolicy()
        self.client = client or httpx.Client(timeout=timeout, follow_redirects=True)

    def _get(self, bucket: TokenBucket, url: str, **params: str) -> httpx.Response:
        bucket.acquire()
        self.http_requests += 1
        try:
            response = self.client.get(url, params=params)
        except httpx.TimeoutException as error:
            raise TransientError("Telegram did not answer in time") from error
        except httpx.TransportError as error:
            raise TransientError(f"Telegram connection failed ({error.__class__.__name__})") from error
        if response.status_code >= 500:
            raise TransientError(f"Telegram answered HTTP {response.status_code}")
        return response

    def _member_count_once(self, handle: str) -> int | PageResult | str:
        # The token is part of the URL: messages below never include the URL.
        response = self._get(
            self.bot_bucket, f"{self.api_url}/bot{self.token}/getChatMemberCount", chat_id=f"@{handle}"
        )
        try:
            body = response.json()
        except ValueError as error:
            raise TransientError(f"Telegram answered HTTP {response.status_code}, not JSON") from error
        if body.get("ok") and isinstance(body.get("result"), int):
            return body["result"]
        description = str(body.get("description", ""))
        code = body.get("error_code", response.status_code)
        if code == 401:
            raise CollectorStopped(
                "Telegram rejected the bot token (401 Unauthorized); Telegram collection stopped. "
                "Check TELEGRAM_BOT_TOKEN."
            )
        if code == 429:
            retry_after = (body.get("parameters") or {}).get("retry_after")
            raise TransientError("Telegram: too many requests", wait=float(retry_after or 1))
        if code == 400 and "chat not found" in description.lower():
            return "not_found"
        return f"Telegram error {code}: {description}"

    def _preview(self, handle: str) -> list[dict] | None:
        try:
            response = self._get(self.web_bucket, f"{self.web_url}/s/{handle}")
        except TransientError:
            return None
        if response.status_code != 200:
            return None
        return parse_preview(response.text)

    def collect(self, pages: list[PageRef], *, now: dt.datetime) -> Iterator[list[PageResult]]:
        for page in pages:
            handle = page.handle.lstrip("@")
            try:
                count = self.retry.call(lambda handle=handle: self._member_count_once(handle))
            except TransientError as error:
                yield [PageResult(page.id, Outcome.FAILED, error=str(error))]
                continue
            if count == "not_found":
                yield [PageResult(page.id, Outcome.MARKED, status=PageStatus.NOT_FOUND, error="chat not found")]
                continue
            if isinstance(count, str):
                yield [PageResult(page.id, Outcome.FAILED, error=count)]
                continue
            metrics = Metrics(subscribers=int(count))
            posts = self._preview(handle)
            if posts is not None:
                # The preview shows about 20 posts; older ones exist unless it shows fewer.
                stats = post_stats(posts, now=now, more_exist=len(posts) >= 20, has_reposts=False)
                metrics.posts_30d = stats.posts_30d
                metrics.last_post_at = stats.last_post_at
                metrics.posts_counted = stats.posts_counted
                metrics.likes = stats.likes
                metrics.comments = stats.comments
                metrics.views = stats.views
                metrics.posts = [post["post"] for post in posts if "post" in post]
            yield [PageResult(page.id, Outcome.COLLECTED, status=PageStatus.ACTIVE, metrics=metrics)]
