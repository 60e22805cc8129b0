"""A second, independent imitation of the VK API, written from VK's documentation (not from our collector).

Read from: dev.vk.com «API requests», «execute», groups.getById, wall.get, the error table, and the
official JSON schema's `access_token_type` per method (all summarised in
shared/reference/social-apis.md §1 and §3a). What it enforces, strictly:

- **The limit**: per token, at most `limit` requests in *any* one-second window, timed when each request
  arrives. A request beyond that is refused with error 6 «Too many requests per second» (and counts, as
  every arrival does). User and service tokens 3/s, community tokens 20/s.
- **Token kinds**: `groups.getById` accepts user, community and service tokens; `wall.get` user and service
  (a community token gets error 27 «Group authorization failed: method is unavailable with group auth.»);
  `execute` user and community (a service token gets error 28 «Application authorization failed: method
  is unavailable with service token.»). An unknown token gets error 5.
- **execute**: VKScript `return API.m({...});` or `return [API.m({...}), ...];`, at most 25 API calls (more
  is error 13); a failed inner call is `false` in `response`, explained in order in `execute_errors`.
- **groups.getById**: `group_ids` holds ids or screen names, at most 500 (more is error 100); unknown ones
  are left out; when none is known, error 100 «group_ids is undefined». With `unknown_fails_batch` one
  unknown name fails the whole call with error 100 instead (the documents do not say which VK does).
  Answer shape of v5.199: `{"groups": [...], "profiles": []}`; `members_count` only with that field and
  never for deactivated communities.
- **wall.get**: `owner_id` negative for communities, `count` at most 100 (default 20); closed communities
  answer error 15.
- `v` is required (error 8 without it); GET and POST both work.

Every arrival is logged (time, token kind, method, inner calls, error code) so a test can measure the
peak per second *at the server*, the number of error 6, and the requests made.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LIMITS = {"user": 3, "community": 20, "service": 3}
ALLOWED = {
    "groups.getById": {"user", "community", "service"},
    "wall.get": {"user", "service"},
    "utils.resolveScreenName": {"user", "community", "service"},
    "execute": {"user", "community"},
}
MAX_EXECUTE_CALLS = 25
MAX_GROUP_IDS = 500
MAX_WALL_COUNT = 100
CALL = re.compile(r"API\.([A-Za-z]+\.[A-Za-z]+)\(")


class ApiError(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Community:
    id: int
    screen_name: str
    members: int
    is_closed: int = 0
    deactivated: str = ""
    posts: int = 12  # wall posts, the newest first, one every two days; the first one pinned

    def as_group(self, fields: set[str]) -> dict:
        group = {
            "id": self.id,
            "name": f"Community {self.id}",
            "screen_name": self.screen_name,
            "is_closed": self.is_closed,
            "type": "group",
        }
        if self.deactivated:
            group["deactivated"] = self.deactivated
        elif "members_count" in fields:
            group["members_count"] = self.members
        return group

    def wall(self, now: int, count: int) -> dict:
        items = []
        for n in range(min(count, self.posts)):
            item = {
                "id": 1000 - n,
                "owner_id": -self.id,
                "from_id": -self.id,
                "date": now - n * 2 * 86400,
                "text": "",
                "likes": {"count": (self.id + n) % 40},
                "comments": {"count": n % 4},
                "reposts": {"count": n % 3},
                "views": {"count": 200 + n},
            }
            if n == 0:
                item["is_pinned"] = 1
            items.append(item)
        return {"count": self.posts, "items": items}


@dataclass
class Arrival:
    time: float
    kind: str
    method: str
    calls: int
    error: int  # 0 = answered


@dataclass
class VkDocServer:
    tokens: dict[str, str]  # token → "user" | "community" | "service"
    unknown_fails_batch: bool = False
    limits: dict[str, int] = field(default_factory=lambda: dict(LIMITS))
    communities: dict[int, Community] = field(default_factory=dict)
    names: dict[str, int] = field(default_factory=dict)
    arrivals: list[Arrival] = field(default_factory=list)
    recent: dict[str, list[float]] = field(default_factory=dict)  # token → arrival times, last second
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, community: Community) -> Community:
        self.communities[community.id] = community
        self.names[community.screen_name.lower()] = community.id
        return community

    # --- what a test reads ---------------------------------------------------------------------------

    def peak(self, window: float = 1.0) -> int:
        """The most requests of one token kind that arrived within any `window` seconds."""
        best = 0
        for kind in {a.kind for a in self.arrivals}:  # tokens of one kind counted together: never less
            times = sorted(a.time for a in self.arrivals if a.kind == kind)
            start = 0
            for end, arrived in enumerate(times):
                while arrived - times[start] >= window:
                    start += 1
                best = max(best, end - start + 1)
        return best

    def count(self, error: int | None = None) -> int:
        return sum(1 for a in self.arrivals if error is None or a.error == error)

    def clear_log(self) -> None:
        with self.lock:
            self.arrivals.clear()

    # --- one request ---------------------------------------------------------------------------------

    def request(self, method: str, params: dict[str, str], arrived: float) -> dict:
        token = params.get("access_token", "")
        kind = self.tokens.get(token, "")
        calls = len(CALL.findall(params.get("code", ""))) if method == "execute" else 0
        with self.lock:
            times = [t for t in self.recent.get(token, []) if arrived - t < 1.0]
            times.append(arrived)
            self.recent[token] = times
            too_many = bool(kind) and len(times) > self.limits[kind]
        try:
            if not kind:
                raise ApiError(5, "User authorization failed: invalid access_token (4).")
            if too_many:
                raise ApiError(6, "Too many requests per second")
            if not params.get("v"):
                raise ApiError(8, "Invalid request: v (version) is required")
            body = (
                {"response": self.method(method, params, kind)} if method != "execute" else self.execute(params, kind)
            )
            error = 0
        except ApiError as failure:
            body = {
                "error": {
                    "error_code": failure.code,
                    "error_msg": failure.message,
                    "request_params": [{"key": "method", "value": method}],
                }
            }
            error = failure.code
        with self.lock:
            self.arrivals.append(Arrival(arrived, kind or "?", method, calls, error))
        return body

    def method(self, method: str, params: dict[str, str], kind: str) -> object:
        if method not in ALLOWED:
            raise ApiError(3, "Unknown method passed")
        if kind not in ALLOWED[method]:
            if kind == "community":
                raise ApiError(27, "Group authorization failed: method is unavailable with group auth.")
            raise ApiError(28, "Application authorization failed: method is unavailable with service token.")
        if method == "groups.getById":
            return self.groups_get_by_id(params)
        if method == "wall.get":
            return self.wall_get(params)
        found = self.find(params.get("screen_name", ""))
        return {"object_id": found.id, "type": "group"} if found else []

    def find(self, name_or_id: str) -> Community | None:
        text = name_or_id.strip().lower()
        match = re.fullmatch(r"(?:club|public|event)?(\d+)", text)
        if match:
            return self.communities.get(int(match.group(1)))
        group_id = self.names.get(text)
        return self.communities.get(group_id) if group_id is not None else None

    def groups_get_by_id(self, params: dict[str, str]) -> dict:
        wanted = [part for part in params.get("group_ids", params.get("group_id", "")).split(",") if part.strip()]
        if len(wanted) > MAX_GROUP_IDS:
            raise ApiError(100, "One of the parameters specified was missing or invalid: group_ids is too long")
        fields = {part.strip() for part in params.get("fields", "").split(",")}
        found = [self.find(part) for part in wanted]
        if not any(found) or (self.unknown_fails_batch and not all(found)):
            raise ApiError(100, "One of the parameters specified was missing or invalid: group_ids is undefined")
        return {"groups": [community.as_group(fields) for community in found if community], "profiles": []}

    def wall_get(self, params: dict[str, str]) -> dict:
        try:
            owner_id = int(params.get("owner_id", "0"))
            count = int(params.get("count", "20"))
        except ValueError as error:
            raise ApiError(100, "One of the parameters specified was missing or invalid: owner_id") from error
        if count > MAX_WALL_COUNT:
            raise ApiError(100, "One of the parameters specified was missing or invalid: count")
        community = self.communities.get(-owner_id) if owner_id < 0 else None
        if community is None:
            raise ApiError(100, "One of the parameters specified was missing or invalid: owner_id")
        if community.is_closed:
            raise ApiError(15, "Access denied: this wall available only for community members")
        return community.wall(int(time.time()), count)

    def execute(self, params: dict[str, str], kind: str) -> dict:
        if kind not in ALLOWED["execute"]:
            raise ApiError(28, "Application authorization failed: method is unavailable with service token.")
        calls, single = parse_vkscript(params.get("code", ""))
        if len(calls) > MAX_EXECUTE_CALLS:
            raise ApiError(13, "Runtime error occurred during code invocation: Too many API calls")
        response: list[object] = []
        errors: list[dict] = []
        for method, args in calls:
            try:
                response.append(self.method(method, {k: _text(v) for k, v in args.items()}, kind))
            except ApiError as failure:
                response.append(False)
                errors.append({"method": method, "error_code": failure.code, "error_msg": failure.message})
        body: dict = {"response": response[0] if single else response}
        if errors:
            body["execute_errors"] = errors
        return body


def _text(value: object) -> str:
    """A VKScript argument as the HTTP parameter it stands for (numbers as digits, lists comma-separated)."""
    if isinstance(value, list):
        return ",".join(_text(item) for item in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def parse_vkscript(code: str) -> tuple[list[tuple[str, dict]], bool]:
    """`return API.m({...});` or `return [API.m({...}), ...];` → the calls, and whether it was a single call.

    Arguments are object literals in JSON form. Anything else is error 12 (cannot compile).
    """
    text = code.strip()
    if not text.startswith("return ") or not text.endswith(";"):
        raise ApiError(12, "Unable to compile code: expected return ...;")
    expression = text[len("return ") : -1].strip()
    single = not expression.startswith("[")
    decoder = json.JSONDecoder()
    calls: list[tuple[str, dict]] = []
    position = 0 if single else 1
    while True:
        while position < len(expression) and expression[position] in " \n,":
            position += 1
        if not single and expression[position:].strip() == "]":
            break
        match = CALL.match(expression, position)
        if not match:
            raise ApiError(12, "Unable to compile code: expected API.method(...)")
        try:
            args, position = decoder.raw_decode(expression, match.end())
        except json.JSONDecodeError as error:
            raise ApiError(12, "Unable to compile code: bad arguments") from error
        if expression[position : position + 1] != ")" or not isinstance(args, dict):
            raise ApiError(12, "Unable to compile code: expected )")
        calls.append((match.group(1), args))
        position += 1
        if single:
            if expression[position:].strip():
                raise ApiError(12, "Unable to compile code: unexpected text")
            break
    return calls, single


class _Handler(BaseHTTPRequestHandler):
    server_state: VkDocServer

    def _answer(self, body_params: dict[str, list[str]]) -> None:
        arrived = time.monotonic()
        parts = urlsplit(self.path)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        params.update({k: v[0] for k, v in body_params.items()})
        method = parts.path.rstrip("/").rsplit("/", 1)[-1]
        payload = json.dumps(self.server_state.request(method, params, arrived), ensure_ascii=False).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            return

    def do_GET(self) -> None:
        self._answer({})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self._answer(parse_qs(self.rfile.read(length).decode(), keep_blank_values=True))

    def log_message(self, format: str, *args: object) -> None:
        return


def serve(state: VkDocServer) -> tuple[ThreadingHTTPServer, str]:
    """Start on 127.0.0.1 and a free port; returns the server and the base URL (…/method)."""
    handler = type("DocHandler", (_Handler,), {"server_state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/method"
