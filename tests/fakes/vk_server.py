"""A fake of the VK API with the documented shapes, usable through respx or as a real local HTTP server.

Implements `groups.getById` (both response shapes), `wall.get`, `utils.resolveScreenName` and `execute`
(the VKScript `return [API.method({...}), ...];` form the collector sends, with `false` +
`execute_errors` for failed inner calls). Errors can be scheduled per request. Every request is logged
with its time so tests can check the rate.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import httpx

NOW = int(time.time())  # "now" (unixtime, at import) the posts are dated against


@dataclass
class FakeGroup:
    id: int
    members: int | None = 1000
    screen_name: str = ""
    is_closed: int = 0
    deactivated: str | None = None
    posts: list[dict] | None = None  # wall.get items, newest first (pinned may come first)
    wall_error: int | None = None  # wall.get fails inside execute with this code


def synthetic_group(group_id: int) -> FakeGroup:
    """Deterministic data for any id (the benchmark's 30,000 pages without storing them)."""
    posts = [
        {
            "id": 100 - n,
            "owner_id": -group_id,
            "from_id": -group_id,
            "date": NOW - n * 86400 * 4,
            "likes": {"count": (group_id + n) % 50},
            "comments": {"count": n % 3},
            "reposts": {"count": n % 5},
            "views": {"count": 100 + n},
            **({"is_pinned": 1} if n == 0 else {}),
        }
        for n in range(11)
    ]
    return FakeGroup(id=group_id, members=group_id % 100_000, screen_name=f"club{group_id}", posts=posts)


@dataclass
class FakeVk:
    token: str = "vk-test-token"
    shape: str = "5.199"  # "5.199" → {"groups": [...], "profiles": []}; "5.131" → a list
    synthetic: bool = False  # every positive id exists (see synthetic_group)
    clock: Callable[[], float] = time.monotonic
    groups: dict[int, FakeGroup] = field(default_factory=dict)
    screen_names: dict[str, tuple[int, str]] = field(default_factory=dict)
    # Whole-request answers to give before the normal ones, one per request in order: an int = a VK error
    # code, a string of digits ("502", "500") = that HTTP status with an empty body, "sleep:2.5" = answer
    # normally but only after that many seconds (longer than the client's timeout: a timeout).
    scheduled: list[object] = field(default_factory=list)
    failing_batches: dict[int, int] = field(default_factory=dict)  # getById call containing id → error code
    log: list[tuple[float, str, int]] = field(default_factory=list)  # (time, method, inner calls)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, group: FakeGroup) -> FakeGroup:
        self.groups[group.id] = group
        if group.screen_name:
            self.screen_names[group.screen_name] = (group.id, "group")
        return group

    def reset(self) -> None:
        """Forget groups, schedules, failing batches and the log (a session-wide fake between tests)."""
        with self.lock:
            self.groups.clear()
            self.screen_names.clear()
            self.scheduled.clear()
            self.failing_batches.clear()
            self.log.clear()

    def group(self, group_id: int) -> FakeGroup | None:
        if group_id in self.groups:
            return self.groups[group_id]
        return synthetic_group(group_id) if self.synthetic and group_id > 0 else None

    # --- one HTTP request -------------------------------------------------------------------------

    def handle(self, method: str, params: dict[str, str]) -> tuple[int, dict]:
        try:
            calls = _parse_calls(params.get("code", "")) if method == "execute" else []
        except VkFault as fault:
            return 200, _error(fault.code, fault.message, method)
        with self.lock:
            self.log.append((self.clock(), method, len(calls)))
            scheduled = self.scheduled.pop(0) if self.scheduled else None
        if isinstance(scheduled, str) and scheduled.isdigit():
            return int(scheduled), {}
        if isinstance(scheduled, str) and scheduled.startswith("sleep:"):
            time.sleep(float(scheduled.removeprefix("sleep:")))  # outside the lock: other requests go on
        if isinstance(scheduled, int):
            return 200, _error(scheduled, "scheduled error", method)
        if params.get("access_token") != self.token:
            return 200, _error(5, "User authorization failed: invalid access_token (4).", method)
        if method != "execute":
            try:
                return 200, {"response": self.call(method, params)}
            except VkFault as fault:
                return 200, _error(fault.code, fault.message, method)
        response, errors = [], []
        for name, args in calls:
            try:
                response.append(self.call(name, {k: str(v) for k, v in args.items()}))
            except VkFault as fault:
                response.append(False)
                errors.append({"method": name, "error_code": fault.code, "error_msg": fault.message})
        body: dict = {"response": response}
        if errors:
            body["execute_errors"] = errors
        return 200, body

    def call(self, method: str, params: dict[str, str]) -> object:
        if method == "groups.getById":
            # Ids or screen names (groups.getById takes both); unknown names are left out of the answer.
            targets = [x for x in params.get("group_ids", "").split(",") if x]
            ids = [int(x) if x.isdigit() else self.screen_names.get(x, (0, ""))[0] for x in targets]
            if len(ids) > 500:
                raise VkFault(100, "One of the parameters specified was missing or invalid: too many ids")
            for group_id in ids:
                if group_id in self.failing_batches:
                    raise VkFault(self.failing_batches[group_id], "Internal server error")
            groups = [self._group_object(g) for g in map(self.group, ids) if g is not None]
            return groups if self.shape == "5.131" else {"groups": groups, "profiles": []}
        if method == "wall.get":
            group = self.group(-int(params["owner_id"]))
            if group is None:
                raise VkFault(100, "One of the parameters specified was missing or invalid: owner_id")
            if group.wall_error:
                raise VkFault(group.wall_error, "Access denied: this wall available only for community members")
            posts = group.posts or []
            count = int(params.get("count", 20))
            return {"count": len(posts), "items": posts[:count]}
        if method == "utils.resolveScreenName":
            found = self.screen_names.get(params.get("screen_name", ""))
            return {"object_id": found[0], "type": found[1]} if found else []
        raise VkFault(3, "Unknown method passed")

    def _group_object(self, group: FakeGroup) -> dict:
        item: dict = {
            "id": group.id,
            "name": f"Group {group.id}",
            "screen_name": group.screen_name or f"club{group.id}",
            "is_closed": group.is_closed,
            "type": "group",
        }
        if group.deactivated:
            item["deactivated"] = group.deactivated
        elif group.members is not None:
            item["members_count"] = group.members
        return item

    # --- transports -------------------------------------------------------------------------------

    def respx_side_effect(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.rsplit("/", 1)[-1]
        params = {k: v[0] for k, v in parse_qs(request.content.decode(), keep_blank_values=True).items()}
        params.update({k: v for k, v in request.url.params.items()})
        status, body = self.handle(method, params)
        return httpx.Response(status, json=body)

    def requests(self, method: str | None = None) -> list[tuple[float, str, int]]:
        return [entry for entry in self.log if method is None or entry[1] == method]


class VkFault(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _error(code: int, message: str, method: str) -> dict:
    return {
        "error": {
            "error_code": code,
            "error_msg": message,
            "request_params": [{"key": "method", "value": method}, {"key": "v", "value": "5.199"}],
        }
    }


def _parse_calls(code: str) -> list[tuple[str, dict]]:
    """`return [API.groups.getById({...}),API.wall.get({...})];` → [(method, args), ...]."""
    decoder = json.JSONDecoder()
    calls: list[tuple[str, dict]] = []
    position = code.find("API.")
    while position != -1:
        paren = code.index("(", position)
        name = code[position + 4 : paren]
        args, end = decoder.raw_decode(code, paren + 1)
        calls.append((name, args))
        position = code.find("API.", end)
    if len(calls) > 25:
        raise VkFault(13, "Runtime error: too many API calls in execute")
    return calls


class _Handler(BaseHTTPRequestHandler):
    fake: FakeVk

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        params = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode(), keep_blank_values=True).items()}
        method = self.path.split("?", 1)[0].rsplit("/", 1)[-1]
        try:
            status, body = self.fake.handle(method, params)
        except VkFault as fault:
            status, body = 200, _error(fault.code, fault.message, method)
        payload = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting (a scheduled timeout)
            return

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        return


def serve(fake: FakeVk) -> tuple[ThreadingHTTPServer, str]:
    """Start the fake on 127.0.0.1 and a random port; returns (server, base URL of /method)."""
    handler = type("Handler", (_Handler,), {"fake": fake})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/method"


def main() -> None:
    """`python -m tests.fakes.vk_server [TOKEN]`: serve a synthetic fake in its own process, print its URL."""
    import sys

    fake = FakeVk(token=sys.argv[1] if len(sys.argv) > 1 else "bench-token", synthetic=True)
    server, url = serve(fake)
    print(url, flush=True)  # noqa: T201 - the parent process reads the URL from here
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


if __name__ == "__main__":
    main()
