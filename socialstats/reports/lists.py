"""Silent pages and engagement as tables sorted, cut and counted in SQL (docs/performance.md).

The pages counting at B and their values at B come from `current.pages_at_sql`: PageLatest where it holds the
values at B, the snapshots otherwise; the archive rules and the scope (orgs/access.py's paths) as on every
report. One statement per report gives the page of rows in the asked order (ORDER BY the sort column, empty
values last, then the default order and the page id; LIMIT/OFFSET), the number of rows and the report's
aggregates (silent pages per territorial organisation; engagement means per organisation, themselves sorted and
cut; the pages the chart draws): the per-page values are computed once (a CTE) and only the rows shown leave
the database. The exports read the same statement without a limit and turn each record into a line as it comes.

The rules are those of `selectors.silent_pages` and `selectors.engagement_report` (the full lists, kept for the
alerts, the mailings and the tests): a page is silent when its last post is before the start of the Moscow day
`days` days ago or unknown; days silent count from the Moscow date of the last post.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from orgs.models import Organisation

from ..models import SocialPage
from .current import cutoff_param, engagement_by_views_sql, engagement_sql, mean_sql, pages_at_sql
from .facts import STEPLEN, fetch_report, network_names, silent_before, to_date, to_datetime
from .paged import network_label_sql, network_rank_sql
from .selectors import OrgEngagement

# Sortable columns (the tables' order_by names).
SILENT_SORTS = ("territory", "label", "organisation", "network", "days")
ENGAGEMENT_SORTS = ("label", "organisation", "subscribers", "engagement", "by_views", "posts_30d", "last_post")
ORG_SORTS = ("label", "pages", "subscribers", "engagement", "by_views", "posts_30d")
CHART_PAGES = 200  # the engagement chart draws the pages with the most subscribers, this many at most


@dataclass
class SilentRow:
    page_id: int
    label: str  # the page's display name
    network: str
    organisation: str
    territory: str  # the territorial organisation's display name (its path where there is none)
    last_post_at: dt.datetime | None
    days: int | None  # None: no post date known


@dataclass
class SilentTerritory:
    label: str
    path: str
    pages: int


@dataclass
class SilentPage:
    """One page of the silent-pages table: its rows, how many rows there are, the counts per territory."""

    rows: list[SilentRow]
    count: int
    territories: list[SilentTerritory]


@dataclass
class EngagementItem:
    page_id: int
    label: str
    network: str
    organisation: str
    subscribers: int | None
    engagement: float | None
    engagement_by_views: float | None
    posts_30d: int | None
    last_post_at: dt.datetime | None


@dataclass
class EngagementPage:
    """One page of each engagement table, their sizes, and the pages the chart draws (most subscribers)."""

    rows: list[EngagementItem]
    count: int
    organisations: list[OrgEngagement]
    organisation_count: int
    chart: list[EngagementItem]
    with_engagement: int  # pages that have an engagement (the chart draws at most CHART_PAGES of them)


def _text_key(expression: str) -> str:
    """Text sorted as Python sorts `str.lower()`: byte order on PostgreSQL (cheaper than the linguistic one)."""
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    return f"LOWER({expression}){collate}"


def _org_label(alias: str) -> str:
    return f"COALESCE(NULLIF({alias}.short_name, ''), {alias}.name)"  # Organisation.display_name


def _label_sql(title: str, handle: str, network: str, org_label: str) -> tuple[str, list]:
    """A page's display name in SQL (SocialPage.display_name): title, else screen name, else network · organisation."""
    network_label, params = network_label_sql(network)
    return f"COALESCE(NULLIF({title}, ''), NULLIF({handle}, ''), {network_label} || ' · ' || {org_label})", params


def _sort_label(alias: str) -> tuple[str, list]:
    """The display name of a row of `v` (its names are there when the rows are sorted by them)."""
    return _label_sql(f"{alias}.title", f"{alias}.handle", f"{alias}.network", f"{alias}.org_label")


def _shown_label() -> tuple[str, list]:
    """The display name of a row shown, from its page `dp` and organisation `dorg` (_DISPLAY_JOIN)."""
    return _label_sql("dp.title", "dp.handle", "dp.network", _org_label("dorg"))


def _display_join(alias: str) -> str:
    """The page and organisation of the rows shown, joined after the rows are cut (50 index probes)."""
    page, organisation = SocialPage._meta.db_table, Organisation._meta.db_table
    return f"JOIN {page} dp ON dp.id = {alias}.page_id JOIN {organisation} dorg ON dorg.id = dp.organisation_id"


def _order_sql(
    order: Sequence[str], keys: dict[str, tuple[str, list]], tail: str, fixed: dict[str, str] | None = None
) -> tuple[str, list]:
    """ORDER BY of the asked columns (`-` first for descending), empty values last either way, then `tail`;
    `fixed` gives the terms of an item sorted its own way."""
    terms, params = [], []
    for item in order:
        if fixed and item in fixed:
            terms.append(fixed[item])
            continue
        name = item.lstrip("-")
        if name not in keys:
            continue
        expression, expression_params = keys[name]
        terms += [f"CASE WHEN {expression} IS NULL THEN 1 ELSE 0 END", expression + (" DESC" if item[0] == "-" else "")]
        params += expression_params * 2
    return ", ".join([*terms, tail]), params


def _page_columns(order: Sequence[str]) -> str:
    """The columns of `v`, one row per page: the values, and the names only where the rows are sorted by them
    (a narrow CTE is materialised faster; the rows shown get their names after the cut)."""
    names = {item.lstrip("-") for item in order}
    columns = [
        "p.id AS page_id",
        "p.network AS network",
        "p.organisation_id AS org_id",
        "s.subscribers AS subscribers",
        "s.posts_30d AS posts_30d",
        "s.last_post_at AS last_post_at",
    ]
    if "label" in names:
        columns += ["p.title AS title", "p.handle AS handle"]
    if names & {"label", "organisation"}:
        columns.append(f"{_org_label('o')} AS org_label")
    return ", ".join(columns)


def _cut(limit: int | None, offset: int) -> tuple[str, list]:
    return ("", []) if limit is None else (" LIMIT %s OFFSET %s", [limit, offset])


# Silent pages ---------------------------------------------------------------------------------------


def _silent_sql(
    *, scope_paths, today: dt.date, days: int, level: int, order: Sequence[str], offset: int, limit: int | None
) -> tuple[str, list]:
    pages_sql, pages_params = pages_at_sql(scope_paths=scope_paths, b=today)
    local_day, day_params = connection.ops.datetime_cast_date_sql(
        "s.last_post_at", (), timezone.get_current_timezone_name()
    )
    cutoff = cutoff_param(silent_before(today - dt.timedelta(days=days)))
    label, label_params = _sort_label("v")
    rank, rank_params = network_rank_sql("v.network")
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    keys = {
        "territory": (f"v.prefix{collate}", []),
        "label": (_text_key(label), label_params),
        "organisation": (_text_key("v.org_label"), []),
        "network": (rank, rank_params),
    }
    # Days silent: fewer days = a later Moscow date of the last post; no post known = the most days.
    fixed = {
        "days": "CASE WHEN v.last_day IS NULL THEN 1 ELSE 0 END, v.last_day DESC",
        "-days": "CASE WHEN v.last_day IS NULL THEN 0 ELSE 1 END, v.last_day",
    }
    # After the asked order, the default one: by territory (its path), most days first, then the page id.
    tail = f"v.prefix{collate}, {fixed['-days']}, v.page_id"
    order_by, params = _order_sql(order, keys, tail, fixed)
    cut, cut_params = _cut(limit, offset)
    shown, shown_params = _shown_label()
    organisation = Organisation._meta.db_table
    # The rows (kind 0, numbered in the asked order) with their names joined after the cut; the silent pages
    # per territorial organisation (kind 1), counted before the organisations' names are joined.
    sql = f"""
        WITH v AS (
            SELECT {_page_columns(order)}, {local_day} AS last_day, SUBSTR(o.path, 1, %s) AS prefix
            {pages_sql} AND (s.last_post_at IS NULL OR s.last_post_at < %s)
        ),
        cut AS (SELECT v.* FROM v ORDER BY {order_by}{cut})
        SELECT 0, ROW_NUMBER() OVER (ORDER BY {order_by}), v.page_id, dp.network, {shown}, {_org_label("dorg")},
               v.last_post_at, v.last_day, v.prefix, {_org_label("t")}
        FROM cut v {_display_join("v")} LEFT JOIN {organisation} t ON t.path = v.prefix
        UNION ALL
        SELECT 1, c.pages, NULL, NULL, NULL, NULL, NULL, NULL, c.prefix, {_org_label("t")}
        FROM (SELECT v.prefix AS prefix, COUNT(*) AS pages FROM v GROUP BY v.prefix) c
        LEFT JOIN {organisation} t ON t.path = c.prefix
    """
    return sql, [
        *day_params,
        level * STEPLEN,
        *pages_params,
        cutoff,
        *params,
        *cut_params,
        *params,
        *shown_params,
    ]


def silent_page(
    *,
    scope_paths: Sequence[str] | None,
    today: dt.date,
    days: int,
    level: int,
    order: Sequence[str] = (),
    offset: int = 0,
    limit: int | None = 50,
) -> SilentPage:
    """The silent pages' rows `offset`… in the asked order (SILENT_SORTS), their number and the counts per
    territorial organisation at depth `level` (facts.territorial_depth): one statement; `limit` None: every row."""
    sql, params = _silent_sql(
        scope_paths=scope_paths, today=today, days=days, level=level, order=order, offset=offset, limit=limit
    )
    records = fetch_report(sql, params)
    territories = sorted(
        (
            SilentTerritory(label or prefix, prefix, int(pages))
            for kind, pages, *_rest, prefix, label in records
            if kind == 1
        ),
        key=lambda item: item.path,
    )
    labels = network_names()
    rows = [_silent_row(record, today, labels) for record in _in_order(records)]
    return SilentPage(rows, sum(item.pages for item in territories), territories)


def _in_order(records: list[tuple], kind: int = 0) -> list[tuple]:
    """The records of one kind in their order (UNION ALL keeps none): by their number."""
    return sorted((record for record in records if record[0] == kind), key=lambda record: record[1])


def _silent_row(record: Sequence, today: dt.date, labels: dict) -> SilentRow:
    _kind, _number, page_id, network, label, organisation, last_post_at, last_day, prefix, territory = record
    last_day = to_date(last_day)
    return SilentRow(
        page_id=int(page_id),
        label=label,
        network=labels.get(network, network),
        organisation=organisation,
        territory=territory or prefix,
        last_post_at=to_datetime(last_post_at),
        days=(today - last_day).days if last_day else None,
    )


def silent_rows(**kwargs) -> Iterator[SilentRow]:
    """Every silent page in the asked order, one at a time (the export): `silent_page`'s keywords."""
    sql, params = _silent_sql(**kwargs, offset=0, limit=None)
    labels = network_names()
    for record in _in_order(fetch_report(sql, params)):
        yield _silent_row(record, kwargs["today"], labels)


# Engagement -----------------------------------------------------------------------------------------


def _engagement_statement(
    *,
    scope_paths,
    on: dt.date,
    order: Sequence[str],
    offset: int,
    limit: int | None,
    org_order: Sequence[str],
    org_offset: int,
    org_limit: int | None,
    chart: int,
) -> tuple[str, list]:
    pages_sql, pages_params = pages_at_sql(scope_paths=scope_paths, b=on)
    order = list(order or ["-engagement"])
    label, label_params = _sort_label("v")
    keys = {
        "label": (_text_key(label), label_params),
        "organisation": (_text_key("v.org_label"), []),
        "subscribers": ("v.subscribers", []),
        "engagement": ("v.engagement", []),
        "by_views": ("v.by_views", []),
        "posts_30d": ("v.posts_30d", []),
        "last_post": ("v.last_post_at", []),
    }
    order_by, order_params = _order_sql(order, keys, "v.page_id")
    org_order = list(org_order or ["-subscribers"])
    named = any(item.lstrip("-") == "label" for item in org_order)
    org_keys = {
        "label": (_text_key("g.label"), []),
        "pages": ("g.pages", []),
        "subscribers": ("g.subscribers", []),
        "engagement": ("g.engagement", []),
        "by_views": ("g.by_views", []),
        "posts_30d": ("g.posts_30d", []),
    }
    org_order_by, org_order_params = _order_sql(org_order, org_keys, "g.org_id")
    cut, cut_params = _cut(limit, offset)
    org_cut, org_cut_params = _cut(org_limit, org_offset)
    shown, shown_params = _shown_label()
    organisation = Organisation._meta.db_table
    # The organisations are named before they are sorted only when sorted by name; else the 50 shown.
    named_g = (
        f"(SELECT a.*, {_org_label('go')} AS label FROM g a JOIN {organisation} go ON go.id = a.org_id) g"
        if named
        else "g"
    )
    # The page of rows (kind 0) and the organisations' means (kind 1), each numbered in its order; the chart's
    # pages (kind 2); the number of pages and of those with an engagement (kind 3), of organisations (kind 4).
    sql = f"""
        WITH v AS (
            SELECT {_page_columns(order)},
                   {engagement_sql()} AS engagement, {engagement_by_views_sql()} AS by_views
            {pages_sql}
        ),
        cut AS (SELECT v.* FROM v ORDER BY {order_by}{cut}),
        g AS (
            SELECT v.org_id AS org_id, COUNT(*) AS pages, SUM(v.subscribers) AS subscribers,
                   {mean_sql("v.engagement")} AS engagement, {mean_sql("v.by_views")} AS by_views,
                   {mean_sql("CAST(v.posts_30d AS DOUBLE PRECISION)")} AS posts_30d
            FROM v GROUP BY v.org_id
        ),
        g_cut AS (SELECT g.* FROM {named_g} ORDER BY {org_order_by}{org_cut}),
        top AS (
            SELECT v.* FROM v WHERE v.engagement IS NOT NULL
            ORDER BY v.subscribers DESC, v.page_id LIMIT {int(chart)}
        )
        SELECT 0, ROW_NUMBER() OVER (ORDER BY {order_by}), v.page_id, dp.network, {shown}, {_org_label("dorg")},
               v.subscribers, v.engagement, v.by_views, CAST(v.posts_30d AS DOUBLE PRECISION), v.last_post_at, 0
        FROM cut v {_display_join("v")}
        UNION ALL
        SELECT 1, ROW_NUMBER() OVER (ORDER BY {org_order_by}), g.org_id, NULL, {_org_label("gn")}, NULL,
               g.subscribers, g.engagement, g.by_views, g.posts_30d, NULL, g.pages
        FROM g_cut g JOIN {organisation} gn ON gn.id = g.org_id
        UNION ALL
        SELECT 2, ROW_NUMBER() OVER (ORDER BY v.subscribers DESC, v.page_id), v.page_id, dp.network, {shown},
               {_org_label("dorg")}, v.subscribers, v.engagement, v.by_views, NULL, NULL, 0
        FROM top v {_display_join("v")}
        UNION ALL
        SELECT 3, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               SUM(CASE WHEN v.engagement IS NOT NULL THEN 1 ELSE 0 END)
        FROM v
        UNION ALL
        SELECT 4, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0 FROM g
    """
    return sql, [
        *pages_params,
        *order_params,
        *cut_params,
        *org_order_params,
        *org_cut_params,
        *order_params,
        *shown_params,
        *org_order_params,
        *shown_params,
    ]


def engagement_page(
    *,
    scope_paths: Sequence[str] | None,
    on: dt.date,
    order: Sequence[str] = (),
    offset: int = 0,
    limit: int | None = 50,
    org_order: Sequence[str] = (),
    org_offset: int = 0,
    org_limit: int | None = 50,
    chart: int = CHART_PAGES,
) -> EngagementPage:
    """The engagement tables in one statement: pages `offset`… in the asked order (ENGAGEMENT_SORTS; default the
    highest engagement first), organisations' means `org_offset`… (ORG_SORTS; default the most subscribers
    first; ties by id), both tables' sizes, and the `chart` pages with an engagement and the most subscribers.
    `limit` None: every row."""
    sql, params = _engagement_statement(
        scope_paths=scope_paths,
        on=on,
        order=order,
        offset=offset,
        limit=limit,
        org_order=org_order,
        org_offset=org_offset,
        org_limit=org_limit,
        chart=chart,
    )
    result = EngagementPage([], 0, [], 0, [], 0)
    labels = network_names()
    for record in sorted(fetch_report(sql, params), key=lambda record: (record[0], record[1])):
        kind = record[0]
        if kind in (0, 2):
            (result.rows if kind == 0 else result.chart).append(_engagement_item(record, labels))
        elif kind == 1:
            _kind, _n, _org_id, _network, label, _o, subscribers, engagement, by_views, posts, _last, pages = record
            result.organisations.append(
                OrgEngagement(
                    label, int(pages), int(subscribers or 0), _float(engagement), _float(by_views), _float(posts)
                )
            )
        elif kind == 3:
            result.count, result.with_engagement = int(record[1]), int(record[11] or 0)
        else:
            result.organisation_count = int(record[1])
    return result


def _engagement_item(record: Sequence, labels: dict) -> EngagementItem:
    _kind, _n, page_id, network, label, organisation, subscribers, engagement, by_views, posts, last_post_at, _p = (
        record
    )
    return EngagementItem(
        page_id=int(page_id),
        label=label,
        network=labels.get(network, network),
        organisation=organisation,
        subscribers=subscribers,
        engagement=_float(engagement),
        engagement_by_views=_float(by_views),
        posts_30d=None if posts is None else int(posts),
        last_post_at=to_datetime(last_post_at),
    )


def _float(value) -> float | None:
    return None if value is None else float(value)
