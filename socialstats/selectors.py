"""Reads of pages and snapshots, shaped for their pages.

The growth reads follow one pattern (docs/reports.md, docs/performance.md): the snapshots of the asked
date are read as one range of the (date, page) index; only pages with no snapshot on that exact day fall
back to their latest earlier snapshot, one probe each on the (page, date) unique index. A per-page
"latest on or before" lookup for every page is 10× slower at federation scale.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Organisation, OrgKind

from .growth import GrowthRow, is_stale, linear_trend_date, total_of
from .models import Network, PageStatus, Snapshot, SocialPage

STEPLEN = Organisation.steplen


def _page_ids(pages: QuerySet[SocialPage] | Iterable[int]):
    return pages.values("pk") if isinstance(pages, QuerySet) else list(pages)


def subscribers_on(pages: QuerySet[SocialPage] | Iterable[int], on: dt.date) -> dict[int, tuple[int, dt.date]]:
    """For each page: (subscribers, snapshot date) of its latest snapshot on or before `on`.

    Pages with no snapshot by then are absent from the result (they are "new" after that date).
    Two queries whatever the number of pages.
    """
    page_ids = _page_ids(pages)
    result = {
        page_id: (subscribers, date)
        for page_id, subscribers, date in Snapshot.objects.filter(date=on, page__in=page_ids).values_list(
            "page_id", "subscribers", "date"
        )
    }
    latest = Snapshot.objects.filter(page=OuterRef("pk"), date__lt=on).order_by("-date")
    candidates = SocialPage.objects.filter(pk__in=page_ids)
    if result:
        candidates = candidates.exclude(pk__in=list(result))
    rows = (
        candidates.annotate(
            last_subscribers=Subquery(latest.values("subscribers")[:1]), last_date=Subquery(latest.values("date")[:1])
        )
        .filter(last_date__isnull=False)
        .values_list("pk", "last_subscribers", "last_date")
    )
    for page_id, subscribers, date in rows:
        result[page_id] = (subscribers, date)
    return result


# Growth ---------------------------------------------------------------------------------------------


def _paths_q(scope_paths: Sequence[str] | None, field: str = "path") -> Q:
    if scope_paths is None:
        return Q()
    if not scope_paths:
        return Q(pk__in=[])
    condition = Q()
    for path in scope_paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def territorial_depth(scope_paths: Sequence[str] | None) -> int:
    """Depth of the territorial level under the scope (the shallowest territorial organisation).

    When the scope is one organisation at or below that level, its own depth: one row, itself.
    """
    depth = Organisation.objects.filter(_paths_q(scope_paths), kind=OrgKind.TERRITORIAL).aggregate(depth=Min("depth"))[
        "depth"
    ]
    floor = len(scope_paths[0]) // STEPLEN if scope_paths and len(scope_paths) == 1 else 1
    return max(depth or floor, floor)


_DIMENSIONS = {
    # name → SQL expression over the `scoped` CTE (c)
    "page": "c.page_id",
    "org": "c.org_id",
    "level": "substr(c.path, 1, %s)",
    "network": "c.network",
}

# Snapshot columns the per-page facts carry besides subscribers and date (read at B).
FACT_COLUMNS = ("posts_30d", "last_post_at", "posts_counted", "likes", "comments", "reposts", "views")


def _per_page_sql(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str],
    b_columns: Sequence[str] = (),
) -> tuple[str, list]:
    """A derived table `v`: each page in scope with its value and snapshot date at A and at B.

    The snapshots of A and of B are joined as two ranges of the (date, page) index (plain hash joins);
    only a page with no snapshot on that exact day runs the fallback, a scalar subquery inside COALESCE
    (evaluated for the missing rows only) that takes the latest earlier snapshot from the (page, date)
    unique index. An archived page has no value at dates on or after its archive date.
    With `b_columns`, the snapshot at B's own columns come along, and `b_fallback_id` names the
    snapshot to read them from where B's value came from the fallback.
    """
    page_table = SocialPage._meta.db_table
    org_table = Organisation._meta.db_table
    snapshot_table = Snapshot._meta.db_table
    where, where_params = [], []
    if scope_paths is not None:
        if not scope_paths:
            where.append("1 = 0")
        else:
            where.append("(" + " OR ".join("o.path LIKE %s" for _path in scope_paths) + ")")
            where_params += [path + "%" for path in scope_paths]
    if networks:
        where.append("p.network IN (" + ", ".join("%s" for _n in networks) + ")")
        where_params += list(networks)
    # An archived page without an archive date has no dates it counts at.
    where.append("NOT (p.status = %s AND p.archived_on IS NULL)")
    where_params.append(PageStatus.ARCHIVED)

    def latest(column: str) -> str:
        return (
            f"(SELECT x.{column} FROM {snapshot_table} x WHERE x.page_id = p.id AND x.date < %s "
            "ORDER BY x.date DESC LIMIT 1)"
        )

    counts_at = "(p.status <> %s OR p.archived_on > %s)"
    params: list = []
    columns = []
    for alias, day in (("sa", a), ("sb", b)):
        columns.append(f"CASE WHEN {counts_at} THEN COALESCE({alias}.subscribers, {latest('subscribers')}) END")
        columns.append(f"CASE WHEN {counts_at} THEN COALESCE({alias}.date, {latest('date')}) END")
        params += [PageStatus.ARCHIVED, day, day, PageStatus.ARCHIVED, day, day]
    fact_columns = ""
    if b_columns:
        fact_columns = "".join(f", sb.{column} AS b_{column}" for column in b_columns)
        fact_columns += f", CASE WHEN sb.id IS NULL THEN {latest('id')} END AS b_fallback_id"
        params.append(b)
    sql = f"""(
        SELECT p.id AS page_id, p.network AS network, p.organisation_id AS org_id, o.path AS path,
               p.owner AS owner, o.kind AS org_kind,
               {columns[0]} AS at_a, {columns[1]} AS date_a,
               {columns[2]} AS at_b, {columns[3]} AS date_b{fact_columns}
        FROM {page_table} p
        JOIN {org_table} o ON o.id = p.organisation_id
        LEFT JOIN {snapshot_table} sa ON sa.page_id = p.id AND sa.date = %s
        LEFT JOIN {snapshot_table} sb ON sb.page_id = p.id AND sb.date = %s
        WHERE {" AND ".join(where)}
    ) v"""
    return sql, [*params, a, b, *where_params]


def growth_sql(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str] = (),
    dimensions: Sequence[str] = ("page",),
    level: int = 2,
) -> tuple[str, list]:
    """One SQL statement: per group, pages, new pages, subscribers at A and B and the oldest dates behind them.

    Rules (docs/reports.md): a page's value at a date is its latest snapshot on or before it; an archived
    page counts only at dates before its archive date; a page with no value at A is new.
    """
    per_page, params = _per_page_sql(scope_paths=scope_paths, a=a, b=b, networks=networks)
    select_dims, dim_params = [], []
    for name in dimensions:
        expression = _DIMENSIONS[name].replace("c.", "v.")
        if name == "level":
            dim_params.append(level * STEPLEN)
            if connection.vendor == "postgresql":
                # Paths are ASCII: byte order groups them the same, and sorts 30,000 of them 25 % faster
                # than the database's linguistic collation.
                expression += ' COLLATE "C"'
        select_dims.append(expression)
    group_by = ", ".join(select_dims)
    sql = f"""
    SELECT {group_by},
           COUNT(*) AS pages,
           SUM(CASE WHEN v.at_a IS NULL THEN 1 ELSE 0 END) AS new_pages,
           SUM(v.at_a) AS at_a, SUM(v.at_b) AS at_b,
           MIN(v.date_a) AS date_a, MIN(v.date_b) AS date_b
    FROM {per_page}
    WHERE v.at_a IS NOT NULL OR v.at_b IS NOT NULL
    GROUP BY {group_by}
    """
    return sql, [*dim_params, *params, *dim_params]


@dataclass
class PageFact:
    """One page with its values at A and B and the engagement fields of its snapshot at B."""

    page_id: int
    org_id: int
    path: str
    network: str
    owner: str
    org_kind: str
    at_a: int | None
    date_a: dt.date | None
    at_b: int | None
    date_b: dt.date | None
    posts_30d: int | None
    last_post_at: dt.datetime | None
    posts_counted: int | None
    likes: int | None
    comments: int | None
    reposts: int | None
    views: int | None

    @property
    def change(self) -> int:
        return (self.at_b or 0) - (self.at_a or 0)

    @property
    def engagement(self) -> float | None:
        """The 003 document: mean (likes + comments + reposts) over the last posts ÷ subscribers, in %."""
        if not self.posts_counted or not self.at_b or self.likes is None:
            return None
        interactions = (self.likes or 0) + (self.comments or 0) + (self.reposts or 0)
        return interactions / self.posts_counted * 100.0 / self.at_b

    @property
    def engagement_by_views(self) -> float | None:
        """Interactions as a share of views over the same posts, in %; None where the network gives no views."""
        if not self.views or self.likes is None:
            return None
        interactions = (self.likes or 0) + (self.comments or 0) + (self.reposts or 0)
        return interactions * 100.0 / self.views


def page_facts(
    *, scope_paths: Sequence[str] | None, a: dt.date, b: dt.date, networks: Sequence[str] = ()
) -> list[PageFact]:
    """Every page in scope with a value at A or B: two queries whatever the number of pages."""
    per_page, params = _per_page_sql(scope_paths=scope_paths, a=a, b=b, networks=networks, b_columns=FACT_COLUMNS)
    facts_sql = ", ".join(f"v.b_{column}" for column in FACT_COLUMNS)
    sql = f"""
    SELECT v.page_id, v.org_id, v.path, v.network, v.owner, v.org_kind,
           v.at_a, v.date_a, v.at_b, v.date_b, {facts_sql}, v.b_fallback_id
    FROM {per_page}
    WHERE v.at_a IS NOT NULL OR v.at_b IS NOT NULL
    """
    records = _fetch_report(sql, params)
    fallback_ids = [record[-1] for record in records if record[-1] is not None and record[8] is not None]
    fallback = {
        snapshot["id"]: snapshot
        for snapshot in Snapshot.objects.filter(pk__in=fallback_ids).values("id", *FACT_COLUMNS)
    }
    facts = []
    for record in records:
        fact = PageFact(*record[:-1])
        if record[-1] is not None and fact.at_b is not None:
            snapshot = fallback[record[-1]]
            for column in FACT_COLUMNS:
                setattr(fact, column, snapshot[column])
        fact.date_a, fact.date_b = _to_date(fact.date_a), _to_date(fact.date_b)
        fact.last_post_at = _to_datetime(fact.last_post_at)
        facts.append(fact)
    return facts


def _to_datetime(value) -> dt.datetime | None:
    if value is None:
        return None
    # SQLite gives naive UTC datetimes (or text) through a raw cursor; PostgreSQL aware ones.
    parsed = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def _to_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _fetch_report(sql: str, params: list) -> list[tuple]:
    """Run a report statement. On PostgreSQL without JIT: the planner's cost for these short aggregates
    crosses `jit_above_cost`, and compiling took 2 s of a 0.3 s query at federation scale."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                cursor.execute("SET LOCAL jit = off")
                cursor.execute(sql, params)
                return cursor.fetchall()
        cursor.execute(sql, params)
        return cursor.fetchall()


def growth_raw(**kwargs) -> list[tuple]:
    """The growth aggregate as raw tuples: (*dimension values, pages, new, at_a, at_b, date_a, date_b)."""
    sql, params = growth_sql(**kwargs)
    return _fetch_report(sql, params)


def growth_rows(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str] = (),
    grouping: str = "page",
    level: int | None = None,
) -> list[GrowthRow]:
    """Rows of the growth table for a grouping (page, org, territorial, network). A constant number of queries."""
    dimensions = {
        "page": ("page",),
        "org": ("org",),
        "territorial": ("level",),
        "network": ("network",),
        "territorial_network": ("level", "network"),
    }[grouping]
    if "level" in dimensions and level is None:
        level = territorial_depth(scope_paths)
    raw = growth_raw(scope_paths=scope_paths, a=a, b=b, networks=networks, dimensions=dimensions, level=level or 2)
    network_labels = dict(Network.choices)
    rows: list[GrowthRow] = []
    for record in raw:
        keys = record[: len(dimensions)]
        pages, new_pages, at_a, at_b, date_a, date_b = record[len(dimensions) :]
        date_a, date_b = _to_date(date_a), _to_date(date_b)
        row = GrowthRow(
            key=keys if len(keys) > 1 else keys[0],
            label="",
            pages=int(pages),
            new_pages=int(new_pages or 0),
            at_a=None if at_a is None else int(at_a),
            at_b=None if at_b is None else int(at_b),
            date_a=date_a,
            date_b=date_b,
            stale_a=is_stale(date_a, a),
            stale_b=is_stale(date_b, b),
        )
        for name, value in zip(dimensions, keys, strict=True):
            if name == "network":
                row.network = str(network_labels.get(value, value))
            elif name == "level":
                row.path = value
        rows.append(row)
    _label_rows(rows, dimensions)
    rows.sort(key=lambda row: (row.path, row.label.lower(), row.network))
    return rows


def _label_rows(rows: list[GrowthRow], dimensions: Sequence[str]) -> None:
    """Names for the keys: one query per kind of key, whatever the number of rows."""
    if "page" in dimensions:
        pages = {
            page.pk: page
            for page in SocialPage.objects.filter(pk__in=[row.key for row in rows]).select_related("organisation")
        }
        for row in rows:
            page = pages[row.key]
            row.label = page.title or page.handle
            row.network = page.get_network_display()
            row.organisation = page.organisation.display_name
            row.path = page.organisation.path
            row.extra["url"] = page.url
            row.extra["page_id"] = page.pk
    elif "org" in dimensions:
        organisations = Organisation.objects.in_bulk([row.key for row in rows])
        for row in rows:
            organisation = organisations[row.key]
            row.label = row.organisation = organisation.display_name
            row.path = organisation.path
            row.extra["organisation_id"] = organisation.pk
    elif "level" in dimensions:
        organisations = {
            organisation.path: organisation
            for organisation in Organisation.objects.filter(path__in={row.path for row in rows})
        }
        for row in rows:
            organisation = organisations.get(row.path)
            row.label = row.organisation = organisation.display_name if organisation else row.path
            row.extra["organisation_id"] = organisation.pk if organisation else None
    else:
        for row in rows:
            row.label = row.network


def primaries_count_by_path(scope_paths: Sequence[str] | None, level: int) -> dict[str, int]:
    """Active primary organisations per ancestor at depth `level` (one query): the 002 layout's «Кол.ППО»."""
    rows = (
        Organisation.objects.filter(_paths_q(scope_paths), kind=OrgKind.PRIMARY, is_active=True)
        .annotate(prefix=Substr("path", 1, level * STEPLEN))
        .order_by()
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    return dict(rows)


# Reports ---------------------------------------------------------------------------------------------


@dataclass
class GrowthReport:
    a: dt.date
    b: dt.date
    grouping: str
    rows: list[GrowthRow]
    subtotals: list[GrowthRow]  # one per network, when the rows mix networks
    total: GrowthRow
    level: int  # depth of the territorial level under the scope


def growth_report(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str] = (),
    grouping: str = "page",
    level: int | None = None,
) -> GrowthReport:
    """The growth table with its subtotals per network and the total: the page, the export and the command."""
    if level is None:
        level = territorial_depth(scope_paths)
    rows = growth_rows(scope_paths=scope_paths, a=a, b=b, networks=networks, grouping=grouping, level=level)
    subtotals: list[GrowthRow] = []
    if grouping == "page":
        by_network: dict[str, list[GrowthRow]] = {}
        for row in rows:
            by_network.setdefault(row.network, []).append(row)
        if len(by_network) > 1:
            subtotals = [
                total_of(group, str(_("Subtotal: %(network)s") % {"network": network}), a=a, b=b, key=network)
                for network, group in sorted(by_network.items())
            ]
            for subtotal, network in zip(subtotals, sorted(by_network), strict=True):
                subtotal.network = network
    return GrowthReport(a, b, grouping, rows, subtotals, total_of(rows, str(_("Total")), a=a, b=b), level)


@dataclass
class PrintedRow:
    label: str
    primaries: int
    cells: dict[str, GrowthRow]  # network value → the row's numbers on that network


@dataclass
class PrintedLayout:
    a: dt.date
    b: dt.date
    networks: list[tuple[str, str]]  # (value, label)
    rows: list[PrintedRow]
    totals: dict[str, GrowthRow]
    primaries_total: int


def printed_layout(
    *, scope_paths: Sequence[str] | None, a: dt.date, b: dt.date, networks: Sequence[str] = ()
) -> PrintedLayout:
    """The 002 document's table: territorial organisations × (primaries, then per network A, B, growth)."""
    level = territorial_depth(scope_paths)
    raw = growth_raw(scope_paths=scope_paths, a=a, b=b, networks=networks, dimensions=("level", "network"), level=level)
    territorials = list(
        Organisation.objects.filter(_paths_q(scope_paths), depth=level).exclude(kind=OrgKind.YOUTH_COUNCIL)
    )
    primaries = primaries_count_by_path(scope_paths, level)
    by_path: dict[str, dict[str, GrowthRow]] = {}
    present: set[str] = set()
    for path, network, pages, new_pages, at_a, at_b, date_a, date_b in raw:
        date_a, date_b = _to_date(date_a), _to_date(date_b)
        by_path.setdefault(path, {})[network] = GrowthRow(
            key=(path, network),
            label=network,
            pages=int(pages),
            new_pages=int(new_pages or 0),
            at_a=None if at_a is None else int(at_a),
            at_b=None if at_b is None else int(at_b),
            date_a=date_a,
            date_b=date_b,
            stale_a=is_stale(date_a, a),
            stale_b=is_stale(date_b, b),
        )
        present.add(network)
    chosen = [value for value, _label in Network.choices if value in (networks or present)]
    labels = dict(Network.choices)
    rows = []
    known = {organisation.path for organisation in territorials}
    # Pages above the territorial level (the union's own) get a row of their own, named after their owner.
    extra_paths = [path for path in by_path if path not in known]
    extra = {organisation.path: organisation for organisation in Organisation.objects.filter(path__in=extra_paths)}
    for organisation in sorted(territorials, key=lambda org: org.path) + [extra[p] for p in sorted(extra)]:
        cells = by_path.get(organisation.path, {})
        rows.append(PrintedRow(organisation.display_name, primaries.get(organisation.path, 0), cells))
    totals = {
        network: total_of(
            [row.cells[network] for row in rows if network in row.cells], str(labels[network]), a=a, b=b, key=network
        )
        for network in chosen
    }
    return PrintedLayout(
        a, b, [(value, str(labels[value])) for value in chosen], rows, totals, sum(row.primaries for row in rows)
    )


@dataclass
class SilentPage:
    fact: PageFact
    page: SocialPage
    days_silent: int | None  # None: no post date known


@dataclass
class SilentGroup:
    label: str
    pages: list[SilentPage]


def _pages_by_id(ids: Iterable[int]) -> dict[int, SocialPage]:
    return {
        page.pk: page
        for page in SocialPage.objects.filter(pk__in=list(ids)).select_related("organisation").order_by("pk")
    }


def _territorial_names(paths: Iterable[str], level: int) -> dict[str, str]:
    prefixes = {path[: level * STEPLEN] for path in paths}
    return {
        organisation.path: organisation.display_name for organisation in Organisation.objects.filter(path__in=prefixes)
    }


def silent_pages(
    *, scope_paths: Sequence[str] | None, today: dt.date, days: int
) -> tuple[list[SilentGroup], list[SocialPage]]:
    """Pages with no post for more than `days` days, grouped by territorial organisation; and failing pages.

    The last post date comes from each page's latest snapshot; pages never posting count as silent.
    Constant number of queries.
    """
    facts = page_facts(scope_paths=scope_paths, a=today, b=today)
    cutoff = _silent_before(today - dt.timedelta(days=days))
    silent = [
        fact for fact in facts if fact.at_b is not None and (fact.last_post_at is None or fact.last_post_at < cutoff)
    ]
    pages = _pages_by_id(fact.page_id for fact in silent)
    level = territorial_depth(scope_paths)
    names = _territorial_names((fact.path for fact in silent), level)
    groups: dict[str, list[SilentPage]] = {}
    for fact in silent:
        prefix = fact.path[: level * STEPLEN]
        days_silent = (today - timezone.localdate(fact.last_post_at)).days if fact.last_post_at else None
        groups.setdefault(prefix, []).append(SilentPage(fact, pages[fact.page_id], days_silent))
    result = [
        SilentGroup(
            names.get(prefix, prefix),
            sorted(items, key=lambda item: -(item.days_silent if item.days_silent is not None else 10**6)),
        )
        for prefix, items in sorted(groups.items())
    ]
    failing = list(
        SocialPage.objects.filter(_paths_q(scope_paths, "organisation__path"), consecutive_failures__gte=3)
        .exclude(status=PageStatus.ARCHIVED)
        .select_related("organisation")
        .order_by("-consecutive_failures", "pk")
    )
    return result, failing


@dataclass
class EngagementRow:
    fact: PageFact
    page: SocialPage


@dataclass
class OrgEngagement:
    label: str
    pages: int
    subscribers: int
    engagement: float | None
    engagement_by_views: float | None
    posts_30d: float | None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def engagement_report(
    *, scope_paths: Sequence[str] | None, on: dt.date
) -> tuple[list[EngagementRow], list[OrgEngagement]]:
    """Each page's engagement from its latest snapshot, and the averages per organisation (pages' mean)."""
    facts = [fact for fact in page_facts(scope_paths=scope_paths, a=on, b=on) if fact.at_b is not None]
    pages = _pages_by_id(fact.page_id for fact in facts)
    rows = [EngagementRow(fact, pages[fact.page_id]) for fact in facts]
    by_org: dict[int, list[PageFact]] = {}
    for fact in facts:
        by_org.setdefault(fact.org_id, []).append(fact)
    organisations = Organisation.objects.in_bulk(list(by_org))
    averages = [
        OrgEngagement(
            organisations[org_id].display_name,
            len(group),
            sum(fact.at_b or 0 for fact in group),
            _mean([fact.engagement for fact in group if fact.engagement is not None]),
            _mean([fact.engagement_by_views for fact in group if fact.engagement_by_views is not None]),
            _mean([fact.posts_30d for fact in group if fact.posts_30d is not None]),
        )
        for org_id, group in by_org.items()
    ]
    averages.sort(key=lambda item: item.label.lower())
    return rows, averages


@dataclass
class ReachRow:
    label: str
    subscribers: int
    members: int | None

    @property
    def reach(self) -> float | None:
        return self.subscribers * 100.0 / self.members if self.members else None


def reach_report(*, scope_paths: Sequence[str] | None, on: dt.date, grouping: str = "territorial") -> list[ReachRow]:
    """Subscribers on `on` as a share of union members: per organisation or per territorial organisation.

    Members are the organisation's own `members_count` (the figure the union reports for it, subtree included).
    """
    rows = growth_rows(scope_paths=scope_paths, a=on, b=on, grouping="org" if grouping == "org" else "territorial")
    if grouping == "org":
        organisations = Organisation.objects.in_bulk([row.key for row in rows])
    else:
        organisations = {org.pk: org for org in Organisation.objects.filter(path__in=[row.path for row in rows])}
        by_path = {org.path: org for org in organisations.values()}
        organisations = {row.key: by_path.get(row.path) for row in rows}
    result = []
    for row in rows:
        organisation = organisations.get(row.key)
        result.append(ReachRow(row.label, row.at_b or 0, organisation.members_count if organisation else None))
    return result


def union_members(scope_paths: Sequence[str] | None) -> int | None:
    """Members of the scope: the top organisations' own figures (the union's total includes its subtree)."""
    roots = Organisation.objects.filter(_paths_q(scope_paths))
    top_depth = roots.aggregate(depth=Min("depth"))["depth"]
    if top_depth is None:
        return None
    return roots.filter(depth=top_depth).aggregate(total=Sum("members_count"))["total"]


def subscribers_series(
    *, scope_paths: Sequence[str] | None, dates: Sequence[dt.date], page_ids: Sequence[int] | None = None
) -> list[tuple[dt.date, int]]:
    """Total subscribers at each date (latest snapshot on or before it): one query per date, fixed dates."""
    points = []
    for day in dates:
        if page_ids is not None:
            value = sum(subscribers for subscribers, _date in subscribers_on(page_ids, day).values())
        else:
            raw = growth_raw(scope_paths=scope_paths, a=day, b=day, dimensions=("network",))
            value = sum(int(record[4] or 0) for record in raw)
        points.append((day, value))
    return points


@dataclass
class Leader:
    label: str
    organisation: str
    network: str
    value: float
    page_id: int


@dataclass
class Dashboard:
    today: dt.date
    month_start: dt.date
    pages: int
    subscribers: int
    month_change: int
    average: float | None
    territorial_pages: int
    territorial_orgs: int
    primary_pages: int
    primary_orgs: int
    youth_pages: int
    other_pages: int
    organisations_total: int
    organisations_with_pages: int
    silent: int
    failing: int
    leaders_subscribers: list[Leader]
    leaders_growth: list[Leader]
    leaders_engagement: list[Leader]
    target: int
    territorial_page_average: float | None
    territorial_pages_at_target: int
    trend_points: list[tuple[dt.date, float]]
    target_date: dt.date | None

    @property
    def share_with_pages(self) -> float | None:
        if not self.organisations_total:
            return None
        return self.organisations_with_pages * 100.0 / self.organisations_total


def _top(facts: list[PageFact], value, limit: int = 5) -> list[tuple[float, int]]:
    """(score, page id) of the `limit` best pages by `value`; pages without a score are left out."""
    scored = ((value(fact), fact.page_id) for fact in facts)
    return heapq.nsmallest(limit, ((-score, page_id) for score, page_id in scored if score is not None))


def _leaders(top: list[tuple[float, int]], pages: dict[int, SocialPage]) -> list[Leader]:
    leaders = []
    for negative_score, page_id in top:
        page = pages[page_id]
        leaders.append(
            Leader(
                page.title or page.handle,
                page.organisation.display_name,
                page.get_network_display(),
                -negative_score,
                page.pk,
            )
        )
    return leaders


def _silent_before(day: dt.date) -> dt.datetime:
    """Start of `day` in the portal's time zone: a last post before it is older than `day`."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def dashboard(*, scope_paths: Sequence[str] | None, today: dt.date, target: int, silent_days: int) -> Dashboard:
    """The overview: a constant number of queries whatever the number of pages."""
    month_start = today.replace(day=1) - dt.timedelta(days=1)
    facts = [fact for fact in page_facts(scope_paths=scope_paths, a=month_start, b=today) if fact.at_b is not None]
    subscribers = sum(fact.at_b or 0 for fact in facts)
    is_youth = [fact.owner == "youth_council" or fact.org_kind == OrgKind.YOUTH_COUNCIL for fact in facts]
    territorial = [
        fact for fact, youth in zip(facts, is_youth, strict=True) if not youth and fact.org_kind == OrgKind.TERRITORIAL
    ]
    primary = [
        fact for fact, youth in zip(facts, is_youth, strict=True) if not youth and fact.org_kind == OrgKind.PRIMARY
    ]
    youth_pages = sum(is_youth)
    cutoff = _silent_before(today - dt.timedelta(days=silent_days))
    silent = sum(1 for fact in facts if fact.last_post_at is None or fact.last_post_at < cutoff)
    organisations = Organisation.objects.filter(_paths_q(scope_paths), is_active=True)
    counts = organisations.aggregate(
        total=Count("pk"),
        with_pages=Count(
            "pk",
            filter=Q(pk__in=SocialPage.objects.exclude(status=PageStatus.ARCHIVED).values("organisation_id")),
        ),
    )
    failing = (
        SocialPage.objects.filter(_paths_q(scope_paths, "organisation__path"), consecutive_failures__gte=3)
        .exclude(status=PageStatus.ARCHIVED)
        .count()
    )

    def growth(fact: PageFact) -> float | None:
        return fact.change if fact.at_a is not None else None

    def engagement(fact: PageFact) -> float | None:
        return fact.engagement

    def size(fact: PageFact) -> float | None:
        return fact.at_b

    tops = [_top(facts, size), _top(facts, growth), _top(facts, engagement)]
    pages = _pages_by_id({page_id for top in tops for _score, page_id in top})
    territorial_ids = [fact.page_id for fact in territorial]
    territorial_average = sum(fact.at_b or 0 for fact in territorial) / len(territorial) if territorial else None
    trend = _territorial_trend(territorial_ids, today - dt.timedelta(days=90), today)
    return Dashboard(
        today=today,
        month_start=month_start,
        pages=len(facts),
        subscribers=subscribers,
        month_change=sum(fact.change for fact in facts),
        average=subscribers / len(facts) if facts else None,
        territorial_pages=len(territorial),
        territorial_orgs=len({fact.org_id for fact in territorial}),
        primary_pages=len(primary),
        primary_orgs=len({fact.org_id for fact in primary}),
        youth_pages=youth_pages,
        other_pages=len(facts) - len(territorial) - len(primary) - youth_pages,
        organisations_total=counts["total"],
        organisations_with_pages=counts["with_pages"],
        silent=silent,
        failing=failing,
        leaders_subscribers=_leaders(tops[0], pages),
        leaders_growth=_leaders(tops[1], pages),
        leaders_engagement=_leaders(tops[2], pages),
        target=target,
        territorial_page_average=territorial_average,
        territorial_pages_at_target=sum(1 for fact in territorial if (fact.at_b or 0) >= target),
        trend_points=trend,
        target_date=linear_trend_date([(day, round(value)) for day, value in trend], target) if trend else None,
    )


def _territorial_trend(page_ids: Sequence[int], since: dt.date, until: dt.date) -> list[tuple[dt.date, float]]:
    """Average subscribers per territorial page, per day with snapshots (one query over those pages)."""
    if not page_ids:
        return []
    rows = (
        Snapshot.objects.filter(page_id__in=list(page_ids), date__gte=since, date__lte=until)
        .order_by()
        .values("date")
        .annotate(total=Sum("subscribers"), pages=Count("page_id"))
        .order_by("date")
        .values_list("date", "total", "pages")
    )
    return [(_to_date(day), total / pages) for day, total, pages in rows]
