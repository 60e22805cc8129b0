"""Odnoklassniki: member counts through `group.getInfo`, 100 group ids per signed request.

Signature (apiok.ru "methods"): all parameters except `sig` and `access_token`, sorted by key,
concatenated as `key=value` without separators, then `md5(that + secret)` in lower case, where the
secret is `md5(access_token + application_secret_key)` (lower case) with a token, or the application
secret key itself without one. Screen names (ok.ru/<name>) are resolved once with `url.getInfo`.

No posts: OK documents no method that lists a group's posts (docs/posts.md «Why OK stores no posts»).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator

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
)

UIDS_PER_CALL = 100  # the documented maximum of the sibling group.getUserGroupsByIds; unconfirmed for getInfo
OK_RPS = 5.0  # no per-second limit is published; stay modest
RETRIED_CODES = {1, 2, 8}  # unknown, service temporarily unavailable, flood blocked
STOP_CODES = {9, 11, 101, 102, 103, 104, 105, 210}  # blocked, limit, key/session/signature, app disabled


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest().lower()


def ok_signature(params: dict[str, str], *, application_secret: str, access_token: str = "") -> str:
    secret = _md5(access_token + application_secret) if access_token else application_secret
    signed = "".join(f"{key}={params[key]}" for key in sorted(params) if key not in ("sig", "access_token"))
    return _md5(signed + secret)


class OkCollector(Collector):
    network = "ok"

    def __init__(
        self,
        *,
        api_url: str,
        application_key: str,
        application_secret: str,
        access_token: str = "",
        timeout: float = 15.0,
        bucket: TokenBucket | None = None,
        retry: RetryPolicy | None = None,
        client: httpx.Client | None = None,
    ):
        super().__init__()
        self.api_url = api_url
        self.application_key = application_key
        self.application_secret = application_secret
        self.access_token = access_token
        self.bucket = bucket or TokenBucket(OK_RPS)
        self.retry = retry or RetryPolicy()
        self.client = client or httpx.Client(timeout=timeout)

    def signed(self, method: str, **params: str) -> dict[str, str]:
        data = {"application_key": self.application_key, "format": "json", "method": method, **params}
        data["sig"] = ok_signature(data, application_secret=self.application_secret, access_token=self.access_token)
        if self.access_token:
            data["access_token"] = self.access_token
        return data

    def _call_once(self, method: str, params: dict[str, str]) -> object:
        self.bucket.acquire()
        self.http_requests += 1
        try:
            response = self.client.post(self.api_url, data=self.signed(method, **params))
        except httpx.TimeoutException as error:
            raise TransientError("OK did not answer in time") from error
        except httpx.TransportError as error:
            raise TransientError(f"OK connection failed ({error.__class__.__name__})") from error
        if response.status_code >= 500:
            raise TransientError(f"OK answered HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError as error:
            raise TransientError(f"OK answered HTTP {response.status_code}, not JSON") from error
        if isinstance(body, dict) and "error_code" in body:
            code, message = body.get("error_code"), str(body.get("error_msg", ""))
            if code in STOP_CODES:
                raise CollectorStopped(
                    f"OK refused the request (error {code}: {message}); OK collection stopped. "
                    "Check OK_APPLICATION_KEY, OK_APPLICATION_SECRET and OK_ACCESS_TOKEN."
                )
            if code in RETRIED_CODES:
                raise TransientError(f"OK error {code}: {message}")
            return OkError(f"OK error {code}: {message}")
        return body

    def _call(self, method: str, params: dict[str, str]) -> object:
        try:
            return self.retry.call(lambda: self._call_once(method, params))
        except TransientError as error:
            return OkError(str(error))

    def _resolve(self, page: PageRef) -> str | PageResult:
        if page.external_id.isdigit():
            return page.external_id
        if page.handle.isdigit():
            return page.handle
        answer = self._call("url.getInfo", {"url": f"https://ok.ru/{page.handle}"})
        if isinstance(answer, OkError):
            return PageResult(page.id, Outcome.FAILED, error=f"resolving the link: {answer}")
        if isinstance(answer, dict) and answer.get("type") == "GROUP" and answer.get("objectId"):
            return str(answer.get("objectIdStr") or answer["objectId"])
        return PageResult(page.id, Outcome.MARKED, status=PageStatus.NOT_FOUND, error="no such OK group")

    def collect(self, pages: list[PageRef], *, now: dt.datetime) -> Iterator[list[PageResult]]:
        ids: dict[int, str] = {}
        unresolved: list[PageResult] = []
        for page in pages:
            resolved = self._resolve(page)
            if isinstance(resolved, PageResult):
                unresolved.append(resolved)
            else:
                ids[page.id] = resolved
        if unresolved:
            yield unresolved
        resolved_pages = [page for page in pages if page.id in ids]
        for batch in chunked(resolved_pages, UIDS_PER_CALL):
            answer = self._call(
                "group.getInfo",
                {"uids": ",".join(ids[p.id] for p in batch), "fields": "uid,name,shortname,members_count"},
            )
            results = []
            if isinstance(answer, OkError):
                yield [PageResult(p.id, Outcome.FAILED, error=f"member count: {answer}") for p in batch]
                continue
            groups = answer.get("groups", []) if isinstance(answer, dict) else answer
            by_uid = {str(g.get("uid")): g for g in groups or [] if isinstance(g, dict)}
            for page in batch:
                external_id = ids[page.id] if ids[page.id] != page.external_id else ""
                group = by_uid.get(ids[page.id])
                members = group.get("members_count") if group else None
                if group is None:
                    results.append(
                        PageResult(page.id, Outcome.MARKED, status=PageStatus.NOT_FOUND, error="no such OK group")
                    )
                elif not isinstance(members, int):
                    results.append(
                        PageResult(page.id, Outcome.FAILED, external_id=external_id, error="OK gave no member count")
                    )
                else:
                    results.append(
                        PageResult(
                            page.id,
                            Outcome.COLLECTED,
                            status=PageStatus.ACTIVE,
                            metrics=Metrics(members),
                            external_id=external_id,
                        )
                    )
            yield results


class OkError(str):
    """A non-transient OK error for one request: its pages fail, the others go on."""

    __slots__ = ()
