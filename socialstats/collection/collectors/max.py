"""MAX (the messenger VK launched in 2025): channel subscribers and, where the bot is an admin, post views.

The MAX Bot API (docs: dev.max.ru; shapes as in the MAX client libraries, see shared/reference §3a):
- the bot token goes in the `Authorization` header only (never in the URL);
- `GET /chats?count=100&marker=…` lists the chats and channels the bot has been added to, with
  `participants_count` and `link`; one request per 100 channels;
- `GET /chats/{link}` finds a public channel by its link name (for channels the bot is not in);
- `GET /messages?chat_id=…&count=11` reads the latest messages, each with `stat.views` in channels;
  it needs the bot to be an **administrator** of the channel (403 otherwise).
At most 30 requests per second (the documented limit), in the same sliding window as VK's. 429 waits
(`Retry-After` when given) and is sent again; 401 stops MAX (the token was revoked or is wrong).
A channel where the bot is not an admin keeps its subscriber count; the page is flagged
(`needs_bot_admin`) and named in the run log, so its admin can add the bot.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from urllib.parse import quote

import httpx
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    TransientError,
    excerpt,
    post_stats,
)
from .limits import LocalWindow, SlidingWindow

MAX_RPS = 30  # requests per second, the Bot API's documented limit
CHATS_PER_PAGE = 100
MESSAGES = 11  # the 10 latest posts, and one more to know whether older ones exist
NAMED_IN_LOG = 20  # channels without the bot named in the run log (the rest counted)
# A post's kind from its first attachment's `type` (MessageBody.attachments); a forwarded message
# (`link.type` "forward") is a repost.
ATTACHMENT_KINDS = {"image": "photo", "video": "video", "share": "link"}


def _link_name(link: object) -> str:
    """`https://max.ru/Name` or `@Name` or `Name` → `name`."""
    text = str(link or "").strip().rstrip("/")
    return text.rsplit("/", 1)[-1].lstrip("@").lower()


def _post_data(message: dict, date: dt.datetime, views: int | None) -> PostData | None:
    """One message as kept (Post): its id `body.mid`, its public `url` (MAX gives it for public channels)."""
    body = message.get("body") if isinstance(message.get("body"), dict) else {}
    if not body.get("mid"):
        return None
    link = message.get("link") if isinstance(message.get("link"), dict) else {}
    attachments = body.get("attachments") if isinstance(body.get("attachments"), list) else []
    first = attachments[0] if attachments and isinstance(attachments[0], dict) else {}
    kind = "repost" if link.get("type") == "forward" else ATTACHMENT_KINDS.get(first.get("type"), "text")
    text = body.get("text") or ""
    if not text and kind == "repost" and isinstance(link.get("message"), dict):
        text = link["message"].get("text") or ""  # a forward without a comment: the forwarded text
    url = message.get("url")
    return PostData(
        external_id=str(body["mid"]),
        published_at=date,
        url=url if isinstance(url, str) and url.startswith("https://") else "",
        excerpt=excerpt(text),
        kind=kind,
        views=views,
    )


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


class MaxCollector(Collector):
    network = "max"

    def __init__(
        self,
        *,
        api_url: str,
        token: str,
        bot_name: str = "",
        timeout: float = 15.0,
        limiter: SlidingWindow | None = None,
        retry: RetryPolicy | None = None,
        client: httpx.Client | None = None,
    ):
        super().__init__()
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.bot_name = bot_name
        self.limiter = limiter or LocalWindow(MAX_RPS)
        self.retry = retry or RetryPolicy()
        self.client = client or httpx.Client(timeout=timeout)
        self.without_admin: list[str] = []  # channels whose posts need the bot as an admin

    def summary(self) -> str:
        if not self.without_admin:
            return ""
        named = ", ".join(self.without_admin[:NAMED_IN_LOG])
        more = len(self.without_admin) - NAMED_IN_LOG
        if more > 0:
            named += " " + _("and %(count)s more") % {"count": more}
        count = len(self.without_admin)
        return ngettext(
            "MAX: %(count)s channel without the bot as an administrator, so only its subscribers were counted: "
            "%(names)s. Its admin should add %(bot)s as a channel administrator.",
            "MAX: %(count)s channels without the bot as an administrator, so only their subscribers were counted: "
            "%(names)s. Their admins should add %(bot)s as a channel administrator.",
            count,
        ) % {"count": count, "names": named, "bot": self.bot_name or _("the portal's bot")}

    # --- HTTP -------------------------------------------------------------------------------------

    def _get_once(self, path: str, params: dict[str, object] | None = None) -> httpx.Response:
        with self.limiter.slot():
            self.http_requests += 1
            try:
                response = self.client.get(
                    f"{self.api_url}{path}", params=params, headers={"Authorization": self.token}
                )
            except httpx.TimeoutException as error:
                raise TransientError("MAX did not answer in time") from error
            except httpx.TransportError as error:
                raise TransientError(f"MAX connection failed ({error.__class__.__name__})") from error
        if response.status_code == 401:
            raise CollectorStopped(
                "MAX rejected the bot token (401 Unauthorized); MAX collection stopped. Check MAX_BOT_TOKEN."
            )
        if response.status_code == 429:
            raise TransientError("MAX: too many requests (429)", wait=_retry_after(response))
        if response.status_code >= 500:
            raise TransientError(f"MAX answered HTTP {response.status_code}")
        return response

    def _get(self, path: str, params: dict[str, object] | None = None) -> httpx.Response:
        return self.retry.call(lambda: self._get_once(path, params))

    @staticmethod
    def _json(response: httpx.Response) -> dict:
        try:
            body = response.json()
        except ValueError:
            return {}
        return body if isinstance(body, dict) else {}

    @staticmethod
    def _error(response: httpx.Response) -> str:
        body = MaxCollector._json(response)
        detail = body.get("message") or body.get("code") or response.reason_phrase
        return f"MAX answered HTTP {response.status_code}: {detail}"

    # --- collection -------------------------------------------------------------------------------

    def _bot_chats(self) -> dict[str, dict]:
        """The channels the bot has been added to, by link name (one request per 100)."""
        chats: dict[str, dict] = {}
        marker: object = None
        while True:
            params: dict[str, object] = {"count": CHATS_PER_PAGE}
            if marker is not None:
                params["marker"] = marker
            response = self._get("/chats", params)
            if response.status_code != 200:
                raise CollectorStopped(f"{self._error(response)}; MAX collection stopped (the bot's chats).")
            body = self._json(response)
            for chat in body.get("chats") or []:
                # `status` is the bot's own: "removed" (kicked) and "left" mean it is no longer inside.
                if isinstance(chat, dict) and chat.get("link") and chat.get("status", "active") == "active":
                    chats[_link_name(chat["link"])] = chat
            marker = body.get("marker")
            if marker is None or not body.get("chats"):
                return chats

    def _find(self, page: PageRef) -> dict | PageResult:
        response = self._get(f"/chats/{quote(page.handle, safe='')}")
        if response.status_code == 200:
            return self._json(response)
        if response.status_code == 404:
            return PageResult(page.id, Outcome.MARKED, status=PageStatus.NOT_FOUND, error="no such MAX channel")
        return PageResult(page.id, Outcome.FAILED, error=self._error(response))

    def _posts(self, chat_id: object) -> list[dict] | None:
        """The latest messages as post dicts (newest first), or None when the bot may not read them."""
        response = self._get("/messages", {"chat_id": chat_id, "count": MESSAGES})
        if response.status_code != 200:
            return None
        posts = []
        for message in self._json(response).get("messages") or []:
            if not isinstance(message, dict) or not isinstance(message.get("timestamp"), int):
                continue
            stat = message.get("stat") if isinstance(message.get("stat"), dict) else {}
            date = dt.datetime.fromtimestamp(message["timestamp"] / 1000, tz=dt.UTC)
            views = stat.get("views") if isinstance(stat.get("views"), int) else None
            posts.append({"date": date, "views": views, "post": _post_data(message, date, views)})
        posts.sort(key=lambda post: post["date"], reverse=True)
        return posts

    def collect(self, pages: list[PageRef], *, now: dt.datetime) -> Iterator[list[PageResult]]:
        member_of = self._bot_chats()
        for page in pages:
            try:
                chat = member_of.get(page.handle.lower()) or self._find(page)
            except TransientError as error:
                yield [PageResult(page.id, Outcome.FAILED, error=str(error))]
                continue
            if isinstance(chat, PageResult):
                yield [chat]
                continue
            count = chat.get("participants_count")
            if chat.get("status") == "closed":  # the channel itself was closed
                yield [PageResult(page.id, Outcome.MARKED, status=PageStatus.DELETED, error="channel closed")]
                continue
            if not isinstance(count, int):
                yield [PageResult(page.id, Outcome.FAILED, error="MAX returned no participants_count")]
                continue
            metrics = Metrics(subscribers=count)
            external_id = str(chat.get("chat_id") or "")
            posts: list[dict] | None = None
            needs_admin: bool | None = True
            if page.handle.lower() in member_of:
                try:
                    posts = self._posts(chat.get("chat_id"))
                    needs_admin = posts is None
                except TransientError:
                    needs_admin = None  # MAX did not answer: subscribers only, nothing learnt about the bot
            if needs_admin:
                self.without_admin.append(page.handle)
            if posts is not None:
                stats = post_stats(
                    posts[: MESSAGES - 1],
                    now=now,
                    more_exist=len(posts) >= MESSAGES,
                    has_likes=False,
                    has_comments=False,
                    has_reposts=False,
                )
                metrics.posts_30d = stats.posts_30d
                metrics.last_post_at = stats.last_post_at
                metrics.posts_counted = stats.posts_counted
                metrics.views = stats.views
                metrics.posts = [post["post"] for post in posts if post["post"] is not None]
            yield [
                PageResult(
                    page.id,
                    Outcome.COLLECTED,
                    status=PageStatus.ACTIVE,
                    metrics=metrics,
                    external_id=external_id if external_id != page.external_id else "",
                    needs_bot_admin=needs_admin,
                )
            ]
