"""Reads of the posts reports: top posts, the weekday × hour heat map, posting frequency, content kinds.

Every report reads the period's posts as one range of the (published_at, page) index, narrowed to the scope's
pages (a semi-join), and aggregates in SQL. A post's rates divide by the page's subscribers
stored with it when it was first kept (`Post.subscribers`: no join). A post stored without them falls back to
the page's subscribers on the post's day (Moscow time): the latest snapshot on or before that day, one probe
of the (page, date) unique index for that post (a correlated subquery). The rates over the stored subscribers
are also columns the database computes from the row (`Post.engagement_rate`, `Post.err_rate`, generated): the
union-wide top posts read them in order through their indexes. See docs/posts.md «Reports».
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    OuterRef,
    PositiveSmallIntegerField,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, ExtractHour, ExtractIsoWeekDay, NullIf, TruncDate

from orgs.models import Organisation

from ..models import PageStatus, Post, PostKind, Snapshot, SocialPage
from ..reports.facts import fetch_report, paths_q

TOP_LIMIT = 20
TOP_ORDERS = ("engagement", "views", "err")
WEEKDAYS = 7
HOURS = 24


def _tz() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


@dataclass(frozen=True)
class PostQuery:
    """What a posts report covers: subtrees (None = everything), the days start..end inclusive (Moscow),
    optionally some networks or one page."""

    scope_paths: Sequence[str] | None
    start: dt.date
    end: dt.date
    networks: tuple[str, ...] = ()
    page_id: int | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """[start 00:00, end + 1 day 00:00) in Moscow time, as aware datetimes."""
        tz = _tz()
        return (
            dt.datetime.combine(self.start, dt.time(), tzinfo=tz),
            dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time(), tzinfo=tz),
        )

    def previous(self) -> PostQuery:
        """The equal period just before this one (for the trend)."""
        length = dt.timedelta(days=self.days)
        return PostQuery(
            self.scope_paths, self.start - length, self.start - dt.timedelta(days=1), self.networks, self.page_id
        )


def user_scope(paths: list[str] | None) -> tuple[Organisation | None, list[str] | None]:
    """A user's scope roots as the posts reports read them: with one root, its organisation (the page names it),
    and no paths at all when no page lies outside its subtree (a union chairman's scope over the whole tree): the
    same posts, read without the semi-join on the scope's pages (a third of the union-wide heat map's time at
    federation scale). One query, the organisation's."""
    if paths is None or len(paths) != 1:
        return None, paths
    outside = SocialPage.objects.exclude(organisation__path__startswith=OuterRef("path"))
    scope = Organisation.objects.filter(path=paths[0]).annotate(holds_every_page=~Exists(outside)).first()
    return scope, None if scope is not None and scope.holds_every_page else paths


def period_posts(query: PostQuery) -> QuerySet[Post]:
    """The posts published in the period inside the scope (the (published_at, page) index range).

    The scope and networks as `page_id IN (the scope's pages)`, not a join: the posts' columns stay the only ones
    read, so a wide scope (a union's whole subtree) reads the heat map's covering index with one hashed
    semi-join on the page instead of joining each post to its page and organisation."""
    since, until = query.bounds()
    posts = Post.objects.filter(published_at__gte=since, published_at__lt=until)
    if query.page_id is not None:
        posts = posts.filter(page_id=query.page_id)
    if query.scope_paths is not None or query.networks:
        pages = SocialPage.objects.filter(paths_q(query.scope_paths, "organisation__path"))
        if query.networks:
            pages = pages.filter(network__in=query.networks)
        posts = posts.filter(page__in=pages.values("pk"))
    return posts


def _subscribers_on_post_day() -> Subquery:
    """The page's subscribers on the post's day: its latest snapshot on or before that date (Moscow time)."""
    latest = Snapshot.objects.filter(page=OuterRef("page_id"), date__lte=OuterRef("day")).order_by("-date")
    return Subquery(latest.values("subscribers")[:1])


def _rates(subscribers: object) -> dict:
    """`engagement` and `err` (%) over `subscribers`, in floating point (None without subscribers or views)."""
    per = NullIf(subscribers, 0)
    return {
        "engagement": ExpressionWrapper(
            Cast("interactions_sum", FloatField()) * Value(100) / per, output_field=FloatField()
        ),
        "err": ExpressionWrapper(Cast("views", FloatField()) * Value(100) / per, output_field=FloatField()),
    }


def with_rates(posts: QuerySet[Post]) -> QuerySet[Post]:
    """Each post with `day`, `subscribers_then`, `interactions_sum`, `engagement` (%) and `err` (%).

    `subscribers_then` is the page's subscribers stored with the post, or for a post stored without them its
    latest snapshot by the post's day. A rate is None where neither is known (or 0 subscribers), and ERR also
    where the network gives no views.
    """
    interactions = Coalesce("likes", 0) + Coalesce("comments", 0) + Coalesce("reposts", 0)
    return posts.annotate(
        day=TruncDate("published_at", tzinfo=_tz()),
        subscribers_then=Coalesce("subscribers", _subscribers_on_post_day()),
        interactions_sum=interactions,
    ).annotate(**_rates(F("subscribers_then")))


# Posts written with their subscribers, weekday and hour (every post the collection, the demo and migrations
# 0008/0009 wrote, unless the page had no snapshot yet), and the others (a partial index finds them).
STORED = Q(subscribers__isnull=False, weekday__isnull=False, hour__isnull=False)
UNFILLED = Q(subscribers__isnull=True) | Q(weekday__isnull=True) | Q(hour__isnull=True)


def _split(posts: QuerySet[Post]) -> tuple[QuerySet[Post], QuerySet[Post]]:
    """The posts as two sets with the same annotations (`engagement`, `err`, `weekday_`, `hour_`): those with
    stored values, rated by their generated columns `engagement_rate` and `err_rate` (the same expressions over
    the stored subscribers; an index-only range of `post_stored_cells_idx` for the grouped reports), and
    the rest, whose subscribers come from the snapshots and weekday and hour from their time. A report runs
    both as one UNION ALL and adds the parts up."""
    tz = _tz()
    stored = posts.filter(STORED).annotate(
        weekday_=F("weekday"), hour_=F("hour"), engagement=F("engagement_rate"), err=F("err_rate")
    )
    rest = with_rates(posts.filter(UNFILLED)).annotate(
        weekday_=Coalesce("weekday", _small(ExtractIsoWeekDay("published_at", tzinfo=tz))),
        hour_=Coalesce("hour", _small(ExtractHour("published_at", tzinfo=tz))),
    )
    return stored, rest


def _union(parts: Iterable[QuerySet], tail: str = "") -> tuple[str, list]:
    """One statement: each part as a derived table, UNION ALL, then `tail` over the whole (alias u)."""
    sqls, params = [], []
    for part in parts:
        sql, part_params = part.query.sql_with_params()
        sqls.append(f"SELECT * FROM ({sql}) part{len(sqls)}")
        params.extend(part_params)
    return f"SELECT * FROM ({' UNION ALL '.join(sqls)}) u {tail}", params


def _small(value: object) -> Cast:
    return Cast(value, PositiveSmallIntegerField())


def _shaped(posts: QuerySet[Post]) -> QuerySet[Post]:
    return posts.select_related("page", "page__organisation").defer("page__last_error")


def top_posts(query: PostQuery, *, by: str = "engagement", limit: int = TOP_LIMIT) -> list[Post]:
    """The period's best posts by engagement, views or ERR: ORDER BY … LIMIT in SQL, ties by newest first;
    the rows shown are then read with their page and organisation (two queries)."""
    if by not in TOP_ORDERS:
        raise ValueError(f"unknown order {by!r}")
    order = (f"-{by}", "-published_at", "-pk")
    if by == "views":  # no subscribers needed to order
        ordered = period_posts(query).filter(views__isnull=False).order_by(*order)
        ids = list(ordered.values_list("pk", flat=True)[:limit])
    else:  # each part's first `limit`, then the first `limit` of both
        stored, rest = _split(period_posts(query))
        column = f"{by}_rate"  # the stored part orders by the generated column itself (its rank index)
        parts = [
            stored.filter(**{f"{column}__isnull": False})
            .order_by(f"-{column}", "-published_at", "-pk")
            .annotate(post_id=F("pk"), rate=F(column), at=F("published_at"))
            .values_list("post_id", "rate", "at")[:limit],
            rest.filter(**{f"{by}__isnull": False})
            .order_by(*order)
            .annotate(post_id=F("pk"), rate=F(by), at=F("published_at"))
            .values_list("post_id", "rate", "at")[:limit],
        ]
        sql, params = _union(parts, "ORDER BY u.rate DESC, u.at DESC, u.post_id DESC LIMIT %s")
        ids = [row[0] for row in fetch_report(sql, [*params, limit])]
    found = {post.pk: post for post in _shaped(with_rates(Post.objects.filter(pk__in=ids)))}
    return [found[pk] for pk in ids if pk in found]


def _cells(query: PostQuery, *keys: str) -> dict[tuple, tuple[int, float | None]]:
    """The period's posts grouped by `keys`: (posts, mean engagement over those with subscribers) per key."""
    parts = [
        part.values(*keys)
        .annotate(n=Count("*"), rated=Count("engagement"), total=Sum("engagement"))
        .order_by()
        .values_list(*keys, "n", "rated", "total")
        for part in _split(period_posts(query))
    ]
    sums: dict[tuple, list] = {}
    for *key, count, rated, total in fetch_report(*_union(parts)):
        cell = sums.setdefault(tuple(key), [0, 0, 0.0])
        cell[0] += count
        cell[1] += rated
        cell[2] += float(total or 0)
    return {key: (count, total / rated if rated else None) for key, (count, rated, total) in sums.items()}


@dataclass
class HeatMap:
    """Posts and mean engagement (%) per Moscow weekday (0 = Monday) and hour."""

    posts: list[list[int]] = field(default_factory=lambda: [[0] * HOURS for _day in range(WEEKDAYS)])
    engagement: list[list[float | None]] = field(default_factory=lambda: [[None] * HOURS for _day in range(WEEKDAYS)])

    @property
    def total(self) -> int:
        return sum(map(sum, self.posts))

    def best_hours(self, count: int = 3) -> list[tuple[int, int, float]]:
        """The (weekday, hour, engagement) cells with the highest mean engagement."""
        cells = [
            (day, hour, value)
            for day, row in enumerate(self.engagement)
            for hour, value in enumerate(row)
            if value is not None
        ]
        return sorted(cells, key=lambda cell: (-cell[2], cell[0], cell[1]))[:count]


def heat_map(query: PostQuery) -> HeatMap:
    """One GROUP BY over the period's posts: the Moscow weekday and hour stored with each post (converted from
    its time where not stored), the count and the mean engagement (over the posts with known subscribers)."""
    result = HeatMap()
    for (weekday, hour), (count, mean) in _cells(query, "weekday_", "hour_").items():
        result.posts[int(weekday) - 1][int(hour)] = count
        result.engagement[int(weekday) - 1][int(hour)] = mean
    return result


@dataclass(frozen=True)
class KindRow:
    kind: str
    label: str
    posts: int
    share: float  # % of the period's posts
    engagement: float | None  # mean per post, %


def content_kinds(query: PostQuery) -> list[KindRow]:
    """Share of posts and mean engagement per kind, every kind listed (one GROUP BY)."""
    rows = {kind: value for (kind,), value in _cells(query, "kind").items()}
    total = sum(count for count, _mean in rows.values())
    return [
        KindRow(
            kind=kind.value,
            label=str(kind.label),
            posts=rows.get(kind.value, (0, None))[0],
            share=rows.get(kind.value, (0, None))[0] * 100 / total if total else 0.0,
            engagement=rows.get(kind.value, (0, None))[1],
        )
        for kind in PostKind
    ]


@dataclass(frozen=True)
class FrequencyRow:
    page: SocialPage
    posts: int
    previous_posts: int
    per_week: float
    previous_per_week: float

    @property
    def trend(self) -> float | None:
        """Change in posts per week against the previous equal period, in % (None when it had no posts)."""
        if not self.previous_posts:
            return None
        return (self.per_week - self.previous_per_week) / self.previous_per_week * 100


def posting_frequency(query: PostQuery) -> list[FrequencyRow]:
    """Every page in scope (archived ones left out) with its posts per week in the period and in the previous
    equal period, most frequent first. One statement: the pages joined to their posts of both periods only."""
    since, until = query.bounds()
    before, _start = query.previous().bounds()
    pages = SocialPage.objects.exclude(status=PageStatus.ARCHIVED).filter(
        paths_q(query.scope_paths, "organisation__path")
    )
    if query.networks:
        pages = pages.filter(network__in=query.networks)
    if query.page_id is not None:
        pages = pages.filter(pk=query.page_id)
    pages = (
        pages.annotate(
            recent_posts=FilteredRelation(
                "posts", condition=Q(posts__published_at__gte=before, posts__published_at__lt=until)
            )
        )
        .annotate(
            now=Count("recent_posts", filter=Q(recent_posts__published_at__gte=since)),
            then=Count("recent_posts", filter=Q(recent_posts__published_at__lt=since)),
        )
        .select_related("organisation")
        .only("pk", "title", "handle", "network", "status", "organisation__name", "organisation__short_name")
        .order_by("-now", "organisation__path", "pk")
    )
    weeks = query.days / 7
    return [
        FrequencyRow(
            page=page,
            posts=page.now,
            previous_posts=page.then,
            per_week=page.now / weeks,
            previous_per_week=page.then / weeks,
        )
        for page in pages
    ]


def posts_per_week(page_ids: Iterable[int], *, start: dt.date, end: dt.date) -> dict[int, float]:
    """The 003 criterion «частота публикаций» for contests: each page's posts per week over start..end
    (Moscow days, inclusive); pages without posts give 0. One query."""
    ids = list(page_ids)
    if not ids:
        return {}
    query = PostQuery(None, start, end)
    counts = dict(
        period_posts(query)
        .filter(page_id__in=ids)
        .values("page_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("page_id", "n")
    )
    weeks = query.days / 7
    return {page_id: counts.get(page_id, 0) / weeks for page_id in ids}


def page_posts(page: SocialPage) -> QuerySet[Post]:
    """A page's posts newest first with their rates (the (page, -published_at) index); a table slices it, so the
    subscribers probe runs for the rows of one table page only."""
    return with_rates(Post.objects.filter(page=page)).order_by("-published_at", "-pk")


def page_subscribers(page: SocialPage) -> list[tuple[dt.date, int]]:
    """Every snapshot of the page as (date, subscribers), oldest first: the page's chart."""
    return list(page.snapshots.order_by("date").values_list("date", "subscribers"))
