"""A sliding-window request limiter: at most `limit` requests in any `window` seconds, as the server sees them.

Why not a token bucket: an evenly spaced bucket at exactly 3/s still lets the server count 4 requests in
one second whenever the network delays one request more than the next (the first run against a strict
imitation of VK hit error 6 five times that way). Here a request holds its slot from the moment it is
sent until `window + margin` seconds after its answer arrived. The server receives the request somewhere
between those two moments, so any `limit + 1` requests the server sees are more than `window` apart,
whatever the latency. A request that never answers holds its slot for `hold` seconds (the HTTP timeout
and a window), so a crashed worker cannot block the others for ever.

Two stores with the same rule:
- `LocalWindow`: one process (threads share it); used when no Redis is configured;
- `RedisWindow`: every worker using the same token shares one sorted set in Redis, timed by the Redis
  server's clock (one clock for all hosts), updated by Lua scripts (atomic).
`pause(seconds)` holds everyone back after the server said "too many requests" (VK error 6).
"""

from __future__ import annotations

import hashlib
import itertools
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class SlidingWindow:
    """The interface: `with limiter.slot(): send and read the answer`; `pause(seconds)`."""

    limit: int

    @contextmanager
    def slot(self) -> Iterator[None]:
        slot_id = self.acquire()
        try:
            yield
        finally:
            self.release(slot_id)

    def acquire(self) -> str:
        raise NotImplementedError

    def release(self, slot_id: str) -> None:
        raise NotImplementedError

    def pause(self, seconds: float) -> None:
        raise NotImplementedError


def requests_per_window(rps: float) -> int:
    """`VK_API_RPS` as a whole number of requests per window (2.5 → 2; never below 1)."""
    return max(1, int(rps))


class LocalWindow(SlidingWindow):
    """The rule kept in this process. The clock and the sleep are injectable for tests."""

    def __init__(
        self,
        limit: int,
        *,
        window: float = 1.0,
        margin: float = 0.1,
        hold: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.limit = limit
        self.window = window
        self.margin = margin
        self.hold = hold
        self.clock = clock
        self.sleep = sleep
        self.busy_until: dict[str, float] = {}
        self.paused_until = 0.0
        self.lock = threading.Lock()
        self.ids = itertools.count(1)

    def _wait_or_take(self) -> tuple[float, str]:
        with self.lock:
            now = self.clock()
            if self.paused_until > now:
                return self.paused_until - now, ""
            for slot_id, until in list(self.busy_until.items()):
                if until <= now:
                    del self.busy_until[slot_id]
            if len(self.busy_until) < self.limit:
                slot_id = str(next(self.ids))
                self.busy_until[slot_id] = now + self.hold
                return 0.0, slot_id
            return min(self.busy_until.values()) - now, ""

    def acquire(self) -> str:
        while True:
            wait, slot_id = self._wait_or_take()
            if slot_id:
                return slot_id
            self.sleep(max(wait, 1e-3))

    def release(self, slot_id: str) -> None:
        with self.lock:
            if slot_id in self.busy_until:
                self.busy_until[slot_id] = self.clock() + self.window + self.margin

    def pause(self, seconds: float) -> None:
        with self.lock:
            self.paused_until = max(self.paused_until, self.clock() + seconds)


# KEYS[1] = the sorted set of slots (member = slot id, score = busy until, ms of the Redis clock),
# KEYS[2] = the pause key. ARGV = limit, hold ms, slot id. Answers {1, 0} (taken) or {0, ms to wait}.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return {0, paused} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 60000)
  return {1, 0}
end
local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, math.max(1, tonumber(first[2]) - now)}
"""
# ARGV = slot id, window + margin in ms: the slot is busy until that long after now.
_RELEASE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
return 1
"""
# ARGV = pause ms; a shorter pause never cuts a longer one.
_PAUSE = """
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', tonumber(ARGV[1]))
end
return 1
"""


class RedisWindow(SlidingWindow):
    """The rule shared by every process that uses the same `name` (a hash of the token, never the token)."""

    def __init__(
        self,
        client,
        name: str,
        limit: int,
        *,
        window: float = 1.0,
        margin: float = 0.1,
        hold: float = 60.0,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.client = client
        self.limit = limit
        self.slots_key = f"unionportal:ratelimit:{name}:slots"
        self.pause_key = f"unionportal:ratelimit:{name}:pause"
        self.busy_ms = round((window + margin) * 1000)
        self.hold_ms = round(hold * 1000)
        self.sleep = sleep
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self._pause = client.register_script(_PAUSE)

    def acquire(self) -> str:
        slot_id = uuid.uuid4().hex
        while True:
            taken, wait_ms = self._acquire(
                keys=[self.slots_key, self.pause_key], args=[self.limit, self.hold_ms, slot_id]
            )
            if int(taken):
                return slot_id
            self.sleep(int(wait_ms) / 1000)

    def release(self, slot_id: str) -> None:
        self._release(keys=[self.slots_key], args=[slot_id, self.busy_ms])

    def pause(self, seconds: float) -> None:
        self._pause(keys=[self.pause_key], args=[max(1, round(seconds * 1000))])


def token_key(network: str, token: str) -> str:
    """A name for a token's shared window that does not reveal the token."""
    return f"{network}:{hashlib.sha256(token.encode()).hexdigest()[:16]}"


def window_for(
    network: str, token: str, *, rps: float, margin: float, hold: float, redis_url: str = ""
) -> SlidingWindow:
    """Redis when a URL is configured (all workers share the limit), this process otherwise."""
    limit = requests_per_window(rps)
    if redis_url:
        import redis

        return RedisWindow(redis.Redis.from_url(redis_url), token_key(network, token), limit, margin=margin, hold=hold)
    key = (token_key(network, token), limit, margin, hold)
    with _LOCAL_LOCK:
        # Collectors of one token in one process (threads) share one window.
        return _LOCAL_WINDOWS.setdefault(key, LocalWindow(limit, margin=margin, hold=hold))


_LOCAL_WINDOWS: dict[tuple[str, int, float, float], LocalWindow] = {}
_LOCAL_LOCK = threading.Lock()
