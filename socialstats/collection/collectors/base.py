"""What every collector shares: plain page references in, plain results out, rate limits and retries.

Collectors never touch the database. The collection service (`socialstats.collection`) reads pages,
hands a collector plain `PageRef`s, and writes the `PageResult`s it gets back, batch by batch, each
batch after its HTTP requests are done (outbound HTTP never runs inside a transaction).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")

# How many of the latest posts the engagement sums cover, and the window of "posts in the last 30 days".
POSTS_FOR_SUMS = 10
POSTS_WINDOW_DAYS = 30
EXCERPT_LENGTH = 500  # characters of a post's text kept (Post.excerpt)
MAX_SERVER_WAIT = 600.0  # longest "retry after" we wait for inside one run


@dataclass(frozen=True)
class PageRef:
    """A page as a collector sees it: the database id, the screen name, the network's id if known."""

    id: int
    handle: str
    external_id: str = ""


@dataclass
class PostData:
    """One post as the network gave it (kind: a socialstats.PostKind value)."""

    external_id: str
    published_at: dt.datetime
    url: str = ""
    excerpt: str = ""
    kind: str = "text"
    likes: int | None = None
    comments: int | None = None
    reposts: int | None = None
    views: int | None = None
    is_pinned: bool = False


def excerpt(text: object) -> str:
    """A post's text with its whitespace collapsed, cut to `EXCERPT_LENGTH` characters."""
    return " ".join(str(text or "").split())[:EXCERPT_LENGTH]


@dataclass
class Metrics:
    subscribers: int
    posts_30d: int | None = None
    last_post_at: dt.datetime | None = None
    posts_counted: int | None = None
    likes: int | None = None
    comments: int | None = None
    reposts: int | None = None
    views: int | None = None
    # The posts read for the sums, when the collector keeps them (None: this collector gives none).
    posts: list[PostData] | None = None


class Outcome:
    COLLECTED = "collected"  # metrics present: a snapshot is written
    MARKED = "marked"  # the network says deleted / banned / closed / not found: status set, no snapshot
    FAILED = "failed"  # an error: recorded, the page is tried again next run


@dataclass
class PageResult:
    page_id: int
    outcome: str
    metrics: Metrics | None = None
    status: str | None = None  # a PageStatus value to set, or None to leave it
    external_id: str = ""  # the network's id when it was resolved during this run
    error: str = ""
    needs_bot_admin: bool | None = None  # MAX: the bot may not read the channel's posts (None = unknown)


@dataclass
class PostStats:
    """Sums over the latest posts, and the 30-day count where the posts seen allow it."""

    posts_30d: int | None
    last_post_at: dt.datetime | None
    posts_counted: int
    likes: int | None
    comments: int | None
    reposts: int | None
    views: int | None


def post_stats(
    posts: list[dict],
    *,
    now: dt.datetime,
    more_exist: bool,
    has_likes: bool = True,
    has_comments: bool = True,
    has_reposts: bool = True,
) -> PostStats:
    """Sum the newest `POSTS_FOR_SUMS` posts (dicts with `date`, `likes`, `comments`, `reposts`, `views`).

    `posts` are the non-pinned posts seen, newest first. Posts in the last 30 days are counted among
    them; the count is exact only when the oldest post seen is already outside the window or the
    channel has no older posts (`more_exist` False). Otherwise it is unknown (None), never a guess.
    """
    newest = posts[:POSTS_FOR_SUMS]
    cutoff = now - dt.timedelta(days=POSTS_WINDOW_DAYS)
    in_window = sum(1 for post in posts if post["date"] > cutoff)
    determinable = not more_exist or (posts and posts[-1]["date"] <= cutoff)
    views = [post["views"] for post in newest if post.get("views") is not None]
    return PostStats(
        posts_30d=in_window if determinable else None,
        last_post_at=max((post["date"] for post in posts), default=None),
        posts_counted=len(newest),
        likes=sum(post.get("likes") or 0 for post in newest) if has_likes else None,
        comments=sum(post.get("comments") or 0 for post in newest) if has_comments else None,
        reposts=sum(post.get("reposts") or 0 for post in newest) if has_reposts else None,
        views=sum(views) if views else None,
    )


class CollectorStopped(Exception):
    """The whole network cannot be collected now (bad token, quota): one clear message, no secrets."""


class TransientError(Exception):
    """A named transient failure (rate limit, server error, timeout) that a retry may cure."""

    def __init__(self, message: str, *, wait: float | None = None):
        super().__init__(message)
        self.wait = wait  # seconds the server asked us to wait, if it said


class TokenBucket:
    """At most `rate` requests per second, with bursts of at most `burst` (1 = evenly spaced).

    The clock and the sleep are injectable so tests can check the spacing without waiting.
    """

    def __init__(
        self,
        rate: float,
        *,
        burst: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.rate = rate
        self.burst = burst
        self.clock = clock
        self.sleep = sleep
        self.tokens = burst
        self.updated = clock()

    def acquire(self) -> None:
        while True:
            now = self.clock()
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
            self.updated = now
            # The tolerance (a billionth of a request) ends the wait when the remaining time is too small
            # for the clock to register: without it a float clock can stop moving and the loop never ends.
            if self.tokens >= 1.0 - 1e-9:
                self.tokens = max(self.tokens - 1.0, 0.0)
                return
            self.sleep((1.0 - self.tokens) / self.rate)


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter and a cap, for `TransientError` only."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int, error: TransientError) -> float:
        if error.wait is not None:  # the server said how long (Telegram retry_after): obey it, within reason
            return min(MAX_SERVER_WAIT, error.wait)
        backoff = min(self.cap, self.base * 2**attempt)
        return backoff / 2 + self.rng.uniform(0, backoff / 2)

    def call(self, operation: Callable[[], T]) -> T:
        for attempt in range(self.attempts):
            try:
                return operation()
            except TransientError as error:
                if attempt == self.attempts - 1:
                    raise
                self.sleep(self.delay(attempt, error))
        raise AssertionError("unreachable")  # pragma: no cover


def chunked(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class Collector:
    """One network's client. `collect` yields lists of results; `http_requests` counts every attempt."""

    network: str = ""

    def __init__(self) -> None:
        self.http_requests = 0

    def collect(self, pages: list[PageRef], *, now: dt.datetime) -> Iterator[list[PageResult]]:
        raise NotImplementedError

    def summary(self) -> str:
        """What the run log should say about how the network was collected (mode, limits), or ""."""
        return ""
