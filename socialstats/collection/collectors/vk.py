"""VK API client: member counts and the latest posts of communities, within VK's request limit.

Two modes, chosen by the token's kind (`VK_TOKEN_KIND`, or learnt from VK's answers):
- **execute** (user or community token): `groups.getById` with up to 500 ids or screen names per call,
  25 calls per `execute` (12,500 pages per request); `wall.get` with `count=11` (the pinned post is
  dropped), 25 per `execute`. A community token cannot read walls (`wall.get` refuses it with error 27):
  member counts only.
- **plain** (service token, which `execute` refuses with error 28): `groups.getById` 500 per request,
  one `wall.get` per community.
Screen names go into `groups.getById` as they are (it takes them) and the ids it answers are stored;
`utils.resolveScreenName` is never needed. Every request is a POST (batches exceed the 2 KB GET limit)
and takes a place in the token's sliding one-second window (`limits.py`), shared by all workers when
Redis is configured. Error 6 pauses the window for everyone and the request is sent again.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
from django.utils.translation import gettext as _

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
    chunked,
    excerpt,
    post_stats,
)
from .limits import LocalWindow, SlidingWindow

EXECUTE_CALLS = 25  # VKScript may make at most 25 API calls
IDS_PER_CALL = 500  # groups.getById takes at most 500 ids
WALL_COUNT = 11  # the 10 latest posts plus a possibly pinned one
TOO_MANY_PAUSE = 1.1  # seconds every worker waits after error 6 (vk-io waits 1.133 s)

RETRIED_CODES = {1, 6, 9, 10}  # unknown, too many requests, flood control, internal server error
TOKEN_CODES = {5, 27, 28}  # user / group / application authorization failed
GROUP_AUTH = 27  # "method is unavailable with group auth": wall.get with a community token
APP_AUTH = 28  # "method is unavailable with service token": execute with a service token
QUOTA_CODE = 29  # the method's daily quota is used up
INVALID_PARAM = 100  # "group_ids is undefined": no such id or screen name
PREFIXED_ID = re.compile(r"^(?:club|public|event)(\d+)$")
# A post's kind from its first attachment's `type` (the post object's `attachments`); a `copy_history` is a repost.
ATTACHMENT_KINDS = {"photo": "photo", "posted_photo": "photo", "video": "video", "link": "link"}


class TokenKind:
    USER = "user"
    COMMUNITY = "community"
    SERVICE = "service"
    ALL = (USER, COMMUNITY, SERVICE)


@dataclass(frozen=True)
class VkCallError:
    """A failed call: a `false` inside an `execute` (explained by `execute_errors`) or a failed request."""

    code: int | None
    message: str

    def __str__(self) -> str:
        return f"VK error {self.code}: {self.message}" if self.code is not None else self.message


class VkApiError(Exception):
    def __init__(self, code: int | None, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class ExecuteRefused(Exception):
    """VK refused `execute` for this token (error 28): it is a service token."""


def _token_message(code: int) -> str:
    return (
        f"VK rejected the access token (error {code}); VK collection stopped. "
        "Check or replace VK_API_TOKEN (a user or service token is needed for wall.get)."
    )


def _groups_of(value: object) -> list[dict]:
    """`groups.getById` answers a list (v5.131) or {"groups": [...], "profiles": [...]} (v5.199)."""
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    if isinstance(value, dict):
        return [item for item in value.get("groups", []) if isinstance(item, dict)]
    return []


def _vkscript(method: str, params: dict[str, object]) -> str:
    return f"API.{method}({json.dumps(params, ensure_ascii=False, separators=(',', ':'))})"


def _count(value: object) -> int | None:
    if isinstance(value, dict) and isinstance(value.get("count"), int):
        return value["count"]
    return None


def _post_kind(item: dict) -> str:
    if item.get("copy_history"):
        return "repost"
    attachments = item.get("attachments")
    first = attachments[0] if isinstance(attachments, list) and attachments else None
    return ATTACHMENT_KINDS.get(first.get("type"), "text") if isinstance(first, dict) else "text"


def _post_data(item: dict, group_id: int) -> PostData:
    """One wall.get item as kept (Post): its link is https://vk.com/wall<owner_id>_<id>."""
    owner_id = item["owner_id"] if isinstance(item.get("owner_id"), int) else -group_id
    text = item.get("text") or ""
    history = item.get("copy_history")
    if not text and isinstance(history, list) and history and isinstance(history[0], dict):
        text = history[0].get("text") or ""  # a repost without a comment: the reposted text
    return PostData(
        external_id=str(item["id"]),
        published_at=dt.datetime.fromtimestamp(item["date"], tz=dt.UTC),
        url=f"https://vk.com/wall{owner_id}_{item['id']}",
        excerpt=excerpt(text),
        kind=_post_kind(item),
        likes=_count(item.get("likes")),
        comments=_count(item.get("comments")),
        reposts=_count(item.get("reposts")),
        views=_count(item.get("views")),
        is_pinned=bool(item.get("is_pinned")),
    )


def page_target(page: PageRef) -> str:
    """What `groups.getById` is asked for: the stored id, the id in club123/public123, else the screen name."""
    if page.external_id.isdigit():
        return page.external_id
    match = PREFIXED_ID.match(page.handle.lower())
    return match.group(1) if match else page.handle.lower()


class VkCollector(Collector):
    network = "vk"

    def __init__(
        self,
        *,
        api_url: str,
        token: str,
        version: str = "5.199",
        token_kind: str = "",
        timeout: float = 15.0,
        limiter: SlidingWindow | None = None,
        retry: RetryPolicy | None = None,
        client: httpx.Client | None = None,
    ):
        super().__init__()
        if token_kind and token_kind not in TokenKind.ALL:
            raise ValueError(f"VK_TOKEN_KIND must be one of {', '.join(TokenKind.ALL)} or empty")
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.version = version
        self.configured_kind = token_kind
        self.kind = token_kind  # "" until VK's answers tell
        self.limiter = limiter or LocalWindow(3)
        self.retry = retry or RetryPolicy()
        self.client = client or httpx.Client(timeout=timeout)

    # --- what the run log says ---------------------------------------------------------------------

    def summary(self) -> str:
        values = {
            "rate": _("at most %(limit)s requests in any second") % {"limit": self.limiter.limit},
            "learnt": "" if self.configured_kind else " " + _("(learnt from VK's answers)"),
        }
        if self.kind == TokenKind.SERVICE:
            return (
                _(
                    "VK mode: plain requests, service token%(learnt)s: groups.getById 500 per request and "
                    "wall.get one per community, %(rate)s."
                )
                % values
            )
        if self.kind == TokenKind.COMMUNITY:
            return (
                _(
                    "VK mode: execute, community token%(learnt)s, %(rate)s; wall.get does not accept a community "
                    "token, so posts were not collected (use a user or service token for them)."
                )
                % values
            )
        values["kind"] = _("user token") if self.kind == TokenKind.USER else _("user or community token")
        return _("VK mode: execute (25 calls per request), %(kind)s%(learnt)s, %(rate)s.") % values

    # --- HTTP -------------------------------------------------------------------------------------

    def _post_once(self, method: str, params: dict[str, object]) -> dict:
        data = {**params, "access_token": self.token, "v": self.version}
        with self.limiter.slot():  # held from sending until the answer is in
            self.http_requests += 1
            try:
                response = self.client.post(f"{self.api_url}/{method}", data=data)
            except httpx.TimeoutException as error:
                raise TransientError("VK did not answer in time") from error
            except httpx.TransportError as error:
                raise TransientError(f"VK connection failed ({error.__class__.__name__})") from error
        if response.status_code >= 500:
            raise TransientError(f"VK answered HTTP {response.status_code}")
        if response.status_code != 200:
            raise VkApiError(None, f"VK answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise TransientError("VK answered something that is not JSON") from error
        error = body.get("error")
        if error:
            code, message = error.get("error_code"), str(error.get("error_msg", ""))
            if code == APP_AUTH and method == "execute":
                raise ExecuteRefused(message)
            if code in TOKEN_CODES:
                raise CollectorStopped(_token_message(code))
            if code == QUOTA_CODE:
                raise CollectorStopped("VK daily quota reached (error 29); VK collection stopped until tomorrow.")
            if code == 6:
                # Everyone using this token waits, then the same request goes again: no page lost or doubled.
                self.limiter.pause(TOO_MANY_PAUSE)
                raise TransientError("VK error 6: too many requests per second", wait=TOO_MANY_PAUSE)
            if code in RETRIED_CODES:
                raise TransientError(f"VK error {code}: {message}")
            raise VkApiError(code, f"VK error {code}: {message}")
        return body

    def _post(self, method: str, params: dict[str, object]) -> dict:
        return self.retry.call(lambda: self._post_once(method, params))

    def _execute(self, calls: list[tuple[str, dict]]) -> list[object]:
        """One `execute` request; a whole-request failure becomes a `VkCallError` for each call."""
        code = f"return [{','.join(_vkscript(method, params) for method, params in calls)}];"
        try:
            body = self._post("execute", {"code": code})
        except (TransientError, VkApiError) as error:
            return [VkCallError(getattr(error, "code", None), str(error))] * len(calls)
        values = body.get("response")
        if not isinstance(values, list) or len(values) != len(calls):
            return [VkCallError(None, "VK execute answered an unexpected shape")] * len(calls)
        errors = iter(body.get("execute_errors") or [])
        results: list[object] = []
        for (method, _params), value in zip(calls, values, strict=True):
            if value is False:
                detail = next(errors, {}) or {}
                code = detail.get("error_code")
                if code in TOKEN_CODES and not (code == GROUP_AUTH and method == "wall.get"):
                    raise CollectorStopped(_token_message(code))
                results.append(VkCallError(code, str(detail.get("error_msg", "call failed"))))
            else:
                results.append(value)
        return results

    def _run_execute(self, calls: list[tuple[str, dict]]) -> list[object]:
        """Run calls 25 per `execute`; calls that failed transiently inside an execute are run again."""
        results: list[object] = [None] * len(calls)
        pending = list(range(len(calls)))
        for attempt in range(self.retry.attempts):
            again: list[int] = []
            for chunk in chunked(pending, EXECUTE_CALLS):
                for index, value in zip(chunk, self._execute([calls[i] for i in chunk]), strict=True):
                    results[index] = value
                    if isinstance(value, VkCallError) and value.code in RETRIED_CODES:
                        again.append(index)
            if not again or attempt == self.retry.attempts - 1:
                break
            self.retry.sleep(self.retry.delay(attempt, TransientError("retry failed calls")))
            pending = again
        return results

    def _run_plain(self, calls: list[tuple[str, dict]]) -> list[object]:
        results: list[object] = []
        for method, params in calls:
            try:
                results.append(self._post(method, params).get("response"))
            except (TransientError, VkApiError) as error:
                results.append(VkCallError(getattr(error, "code", None), str(error)))
        return results

    def _calls(self, calls: list[tuple[str, dict]]) -> list[object]:
        """Each call's answer or `VkCallError`, through `execute` unless the token is a service token."""
        if self.kind != TokenKind.SERVICE:
            try:
                return self._run_execute(calls)
            except ExecuteRefused:
                self.kind = TokenKind.SERVICE  # execute refuses only service tokens; go on without it
        return self._run_plain(calls)

    # --- collection -------------------------------------------------------------------------------

    def _groups(self, targets: list[str]) -> tuple[dict[str, dict], dict[str, VkCallError]]:
        """Group objects by id and by screen name for ids and screen names, 500 per `groups.getById` call.

        A call VK refuses with error 100 (no such id or screen name; VK does not document whether one
        unknown name fails its whole batch) is split in halves and asked again until the unknown one is
        alone; it then stays missing (not found). Other failures fail their targets.
        """
        found: dict[str, dict] = {}
        failed: dict[str, VkCallError] = {}
        pending = list(chunked(targets, IDS_PER_CALL))
        while pending:
            calls = [("groups.getById", {"group_ids": ",".join(batch), "fields": "members_count"}) for batch in pending]
            again: list[list[str]] = []
            for batch, answer in zip(pending, self._calls(calls), strict=True):
                if isinstance(answer, VkCallError):
                    if answer.code == INVALID_PARAM and len(batch) > 1:
                        half = len(batch) // 2
                        again += [batch[:half], batch[half:]]
                    elif answer.code != INVALID_PARAM:
                        failed.update(dict.fromkeys(batch, answer))
                    continue
                for group in _groups_of(answer):
                    if isinstance(group.get("id"), int):
                        found[str(group["id"])] = group
                    if group.get("screen_name"):
                        found[str(group["screen_name"]).lower()] = group
            pending = again
        return found, failed

    def collect(self, pages: list[PageRef], *, now: dt.datetime) -> Iterator[list[PageResult]]:
        for chunk in chunked(pages, IDS_PER_CALL * EXECUTE_CALLS):
            yield from self._collect_chunk(chunk, now)

    def _collect_chunk(self, pages: list[PageRef], now: dt.datetime) -> Iterator[list[PageResult]]:
        targets = {page.id: page_target(page) for page in pages}
        groups, failed = self._groups(list(dict.fromkeys(targets.values())))
        done: list[PageResult] = []
        open_pages: list[tuple[PageRef, int, int]] = []  # page, group id, members
        for page in pages:
            target = targets[page.id]
            group = groups.get(target)
            if target in failed:
                done.append(PageResult(page.id, Outcome.FAILED, error=f"member count: {failed[target]}"))
                continue
            if group is None or not isinstance(group.get("id"), int):
                done.append(
                    PageResult(page.id, Outcome.MARKED, status=PageStatus.NOT_FOUND, error="no such VK community")
                )
                continue
            # A screen name's id is stored, so later runs ask by id (screen names can change, ids do not).
            external_id = str(group["id"]) if page.external_id != str(group["id"]) else ""
            members = group.get("members_count")

            def result(outcome: str, external_id: str = external_id, page: PageRef = page, **fields) -> PageResult:
                return PageResult(page.id, outcome, external_id=external_id, **fields)

            if group.get("deactivated") in ("deleted", "banned"):
                status = PageStatus.DELETED if group["deactivated"] == "deleted" else PageStatus.BANNED
                done.append(result(Outcome.MARKED, status=status, error=f"community {group['deactivated']}"))
            elif group.get("is_closed") in (1, 2):
                if isinstance(members, int):
                    done.append(result(Outcome.COLLECTED, status=PageStatus.CLOSED, metrics=Metrics(members)))
                else:
                    done.append(result(Outcome.MARKED, status=PageStatus.CLOSED, error="closed community"))
            elif not isinstance(members, int):
                done.append(result(Outcome.FAILED, error="VK returned no member count"))
            elif self.kind == TokenKind.COMMUNITY:
                done.append(result(Outcome.COLLECTED, status=PageStatus.ACTIVE, metrics=Metrics(members)))
            else:
                open_pages.append((page, group["id"], members))
        if done:
            yield done
        for chunk in chunked(open_pages, EXECUTE_CALLS):
            if self.kind == TokenKind.COMMUNITY:
                walls: list[object] = [None] * len(chunk)
            else:
                walls = self._calls(
                    [("wall.get", {"owner_id": -group_id, "count": WALL_COUNT}) for _page, group_id, _m in chunk]
                )
                if any(isinstance(wall, VkCallError) and wall.code == GROUP_AUTH for wall in walls):
                    self.kind = TokenKind.COMMUNITY  # walls refuse community tokens: counts only from now on
                elif not self.kind and any(isinstance(wall, dict) for wall in walls):
                    self.kind = TokenKind.USER  # execute and wall.get both accepted it
            yield [
                PageResult(
                    page.id,
                    Outcome.COLLECTED,
                    status=PageStatus.ACTIVE,
                    external_id=str(group_id) if page.external_id != str(group_id) else "",
                    metrics=self._metrics(members, wall, now, group_id),
                )
                for (page, group_id, members), wall in zip(chunk, walls, strict=True)
            ]

    @staticmethod
    def _metrics(members: int, wall: object, now: dt.datetime, group_id: int) -> Metrics:
        """Subscribers always; post metrics and the posts read when the wall answered (error 15 etc. leave
        them empty)."""
        if not isinstance(wall, dict) or not isinstance(wall.get("items"), list):
            return Metrics(members)
        items = [item for item in wall["items"] if isinstance(item, dict)]
        posts = [
            {
                "date": dt.datetime.fromtimestamp(item["date"], tz=dt.UTC),
                "likes": _count(item.get("likes")),
                "comments": _count(item.get("comments")),
                "reposts": _count(item.get("reposts")),
                "views": _count(item.get("views")),
            }
            for item in items
            if not item.get("is_pinned") and isinstance(item.get("date"), int)
        ]
        posts.sort(key=lambda post: post["date"], reverse=True)
        total = wall.get("count") if isinstance(wall.get("count"), int) else len(items)
        stats = post_stats(posts, now=now, more_exist=total > len(items))
        return Metrics(
            subscribers=members,
            posts_30d=stats.posts_30d,
            last_post_at=stats.last_post_at,
            posts_counted=stats.posts_counted,
            likes=stats.likes,
            comments=stats.comments,
            reposts=stats.reposts,
            views=stats.views,
            posts=[
                _post_data(item, group_id)
                for item in items
                if isinstance(item.get("id"), int) and isinstance(item.get("date"), int)
            ],
        )
