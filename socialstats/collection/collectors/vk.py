"""VK API client: member counts and the latest posts of communities, bundled into `execute` requests.

Requests (docs/collection.md has the arithmetic):
- screen names without a stored id: `utils.resolveScreenName`, 25 per `execute`, once per page ever;
- member counts: `groups.getById` with up to 500 ids per call, 25 calls per `execute`;
- the latest posts: `wall.get` with `count=11` (the pinned post is dropped), 25 calls per `execute`.
Every request is a POST (batches exceed the 2 KB GET limit) and waits for the per-token token bucket.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from ...models import PageStatus
from .base import (
    Collector,
    CollectorStopped,
    Metrics,
    Outcome,
    PageRef,
    PageResult,
    RetryPolicy,
    TokenBucket,
    TransientError,
    chunked,
    post_stats,
)

EXECUTE_CALLS = 25  # VKScript may make at most 25 API calls
IDS_PER_CALL = 500  # groups.getById takes at most 500 ids
WALL_COUNT = 11  # the 10 latest posts plus a possibly pinned one

RETRIED_CODES = {1, 6, 9, 10}  # unknown, too many requests, flood control, internal server error
TOKEN_CODES = {5, 27, 28}  # user / group / application authorization failed
QUOTA_CODE = 29  # the method's daily quota is used up
WALL_DENIED = 15  # closed wall, wall disabled, group blocked
PREFIXED_ID = re.compile(r"^(?:club|public|event)(\d+)$")
GROUP_TYPES = {"group", "page", "event"}


@dataclass(frozen=True)
class VkCallError:
    """A failed call inside an `execute` (a `false` in the response, explained by `execute_errors`)."""

    code: int | None
    message: str

    def __str__(self) -> str:
        return f"VK error {self.code}: {self.message}" if self.code is not None else self.message


class VkApiError(Exception):
    def __init__(self, code: int | None, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


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


def _call(method: str, params: dict[str, object]) -> str:
    return f"API.{method}({json.dumps(params, ensure_ascii=False, separators=(',', ':'))})"


def _count(value: object) -> int | None:
    if isinstance(value, dict) and isinstance(value.get("count"), int):
        return value["count"]
    return None


class VkCollector(Collector):
    network = "vk"

    def __init__(
        self,
        *,
        api_url: str,
        token: str,
        version: str = "5.199",
        rps: float = 3.0,
        timeout: float = 15.0,
        bucket: TokenBucket | None = None,
        retry: RetryPolicy | None = None,
        client: httpx.Client | None = None,
    ):
        super().__init__()
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.version = version
        self.bucket = bucket or TokenBucket(rps)
        self.retry = retry or RetryPolicy()
        self.client = client or httpx.Client(timeout=timeout)

    # --- HTTP -------------------------------------------------------------------------------------

    def _post_once(self, method: str, params: dict[str, object]) -> dict:
        self.bucket.acquire()
        self.http_requests += 1
        try:
            response = self.client.post(
                f"{self.api_url}/{method}", data={**params, "access_token": self.token, "v": self.version}
            )
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
            if code in TOKEN_CODES:
                raise CollectorStopped(_token_message(code))
            if code == QUOTA_CODE:
                raise CollectorStopped("VK daily quota reached (error 29); VK collection stopped until tomorrow.")
            if code == 6:
                raise TransientError("VK error 6: too many requests per second", wait=1.1)
            if code in RETRIED_CODES:
                raise TransientError(f"VK error {code}: {message}")
            raise VkApiError(code, f"VK error {code}: {message}")
        return body

    def _post(self, method: str, params: dict[str, object]) -> dict:
        return self.retry.call(lambda: self._post_once(method, params))

    def _execute(self, calls: list[str]) -> list[object]:
        """One `execute` request; a whole-request failure becomes a `VkCallError` for each call."""
        try:
            body = self._post("execute", {"code": f"return [{','.join(calls)}];"})
        except (TransientError, VkApiError) as error:
            return [VkCallError(getattr(error, "code", None), str(error))] * len(calls)
        values = body.get("response")
        if not isinstance(values, list) or len(values) != len(calls):
            return [VkCallError(None, "VK execute answered an unexpected shape")] * len(calls)
        errors = iter(body.get("execute_errors") or [])
        results: list[object] = []
        for value in values:
            if value is False:
                detail = next(errors, {}) or {}
                code = detail.get("error_code")
                if code in TOKEN_CODES:
                    raise CollectorStopped(_token_message(code))
                results.append(VkCallError(code, str(detail.get("error_msg", "call failed"))))
            else:
                results.append(value)
        return results

    def _run_calls(self, calls: list[str]) -> list[object]:
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

    # --- collection -------------------------------------------------------------------------------

    def _resolve(self, pages: list[PageRef]) -> tuple[dict[int, int], list[PageResult]]:
        """Numeric group id per page id; pages that cannot be resolved come back as results."""
        ids: dict[int, int] = {}
        unresolved: list[PageRef] = []
        for page in pages:
            match = PREFIXED_ID.match(page.handle.lower())
            if page.external_id.isdigit():
                ids[page.id] = int(page.external_id)
            elif match:
                ids[page.id] = int(match.group(1))
            else:
                unresolved.append(page)
        results: list[PageResult] = []
        answers = self._run_calls([_call("utils.resolveScreenName", {"screen_name": p.handle}) for p in unresolved])
        for page, answer in zip(unresolved, answers, strict=True):
            if isinstance(answer, VkCallError):
                results.append(PageResult(page.id, Outcome.FAILED, error=f"resolving the screen name: {answer}"))
            elif isinstance(answer, dict) and answer.get("type") in GROUP_TYPES and answer.get("object_id"):
                ids[page.id] = int(answer["object_id"])
            else:  # [] = no such screen name; a user or an application is not a community
                results.append(
                    PageResult(page.id, Outcome.MARKED, status=PageStatus.NOT_FOUND, error="no such VK community")
                )
        return ids, results

    def collect(self, pages: list[PageRef], *, now: dt.datetime) -> Iterator[list[PageResult]]:
        ids, unresolved = self._resolve(pages)
        if unresolved:
            yield unresolved
        resolved = [page for page in pages if page.id in ids]
        # Ids found through utils.resolveScreenName are stored; club123/public123 carry theirs in the handle.
        newly_resolved = {
            page.id
            for page in resolved
            if not page.external_id.isdigit() and not PREFIXED_ID.match(page.handle.lower())
        }
        for chunk in chunked(resolved, IDS_PER_CALL * EXECUTE_CALLS):
            yield from self._collect_chunk(chunk, ids, newly_resolved, now)

    def _collect_chunk(
        self, pages: list[PageRef], ids: dict[int, int], newly_resolved: set[int], now: dt.datetime
    ) -> Iterator[list[PageResult]]:
        def result(page: PageRef, outcome: str, **fields) -> PageResult:
            external_id = str(ids[page.id]) if page.id in newly_resolved else ""
            return PageResult(page.id, outcome, external_id=external_id, **fields)

        batches = list(chunked(pages, IDS_PER_CALL))
        calls = [
            _call("groups.getById", {"group_ids": ",".join(str(ids[p.id]) for p in batch), "fields": "members_count"})
            for batch in batches
        ]
        done: list[PageResult] = []
        open_pages: list[tuple[PageRef, int]] = []
        for batch, answer in zip(batches, self._run_calls(calls), strict=True):
            if isinstance(answer, VkCallError):
                done.extend(result(p, Outcome.FAILED, error=f"member count: {answer}") for p in batch)
                continue
            groups = {group.get("id"): group for group in _groups_of(answer)}
            for page in batch:
                group = groups.get(ids[page.id])
                members = group.get("members_count") if group else None
                if group is None:
                    done.append(result(page, Outcome.MARKED, status=PageStatus.NOT_FOUND, error="no such VK community"))
                elif group.get("deactivated") in ("deleted", "banned"):
                    status = PageStatus.DELETED if group["deactivated"] == "deleted" else PageStatus.BANNED
                    done.append(result(page, Outcome.MARKED, status=status, error=f"community {group['deactivated']}"))
                elif group.get("is_closed") in (1, 2):
                    if isinstance(members, int):
                        done.append(result(page, Outcome.COLLECTED, status=PageStatus.CLOSED, metrics=Metrics(members)))
                    else:
                        done.append(result(page, Outcome.MARKED, status=PageStatus.CLOSED, error="closed community"))
                elif not isinstance(members, int):
                    done.append(result(page, Outcome.FAILED, error="VK returned no member count"))
                else:
                    open_pages.append((page, members))
        if done:
            yield done
        for chunk in chunked(open_pages, EXECUTE_CALLS):
            walls = self._run_calls(
                [_call("wall.get", {"owner_id": -ids[page.id], "count": WALL_COUNT}) for page, _members in chunk]
            )
            yield [
                result(page, Outcome.COLLECTED, status=PageStatus.ACTIVE, metrics=self._metrics(members, wall, now))
                for (page, members), wall in zip(chunk, walls, strict=True)
            ]

    @staticmethod
    def _metrics(members: int, wall: object, now: dt.datetime) -> Metrics:
        """Subscribers always; post metrics when the wall answered (error 15 etc. leave them empty)."""
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
        )
