"""Per-page values at one date, aggregated in SQL: the dashboard, silent pages and engagement (docs/analytics.md).

A page's values at B (its latest snapshot on or before B, the rules of docs/reports.md) come from one of two
sources, both joined to the pages once:
- `PageLatest` when no page has a snapshot after B (B on or after the tables' horizon, the usual «today»):
  one row per page, no snapshot read at all;
- the snapshots otherwise (a past date, or before `analytics_rebuild` has run): D = the greatest snapshot
  date on or before B over all snapshots (one probe of the (date, page) index), D's range of that index, and
  for the pages missing on D only, a probe of the (page, date) unique index for their latest earlier one.
Only aggregates, the top rows and the rows a report lists leave the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import EllipsisType

from django.db import connection

from orgs.models import Organisation, OrgKind

from ..analytics.services import analytics_state
from ..models import AnalyticsState, PageLatest, PageOwner, PageStatus, Snapshot, SocialPage
from .facts import PageFact, fetch_report, paths_sql, to_date, to_datetime

STEPLEN = Organisation.steplen
# The snapshot-at-B columns every source gives, in this order.
B_COLUMNS = (
    "date",
    "subscribers",
    "posts_30d",
    "last_post_at",
    "posts_counted",
    "likes",
    "comments",
    "reposts",
    "views",
)


def latest_answers(b: dt.date, state: AnalyticsState | None) -> bool:
    """Whether `PageLatest` holds every page's value at B: the tables are built and no snapshot is after B (the
    state's last snapshot date; the statements below decide the same inside the database: `_latest_holds`)."""
    if state is None:
        return False
    return state.latest_date is None or state.latest_date <= b


def _latest_holds() -> str:
    """SQL, true when PageLatest holds every page's value at the date given as a parameter (`latest_answers`):
    evaluated once per statement (an uncorrelated condition), so each source's branch runs or is skipped whole."""
    state = AnalyticsState._meta.db_table
    return f"EXISTS (SELECT 1 FROM {state} st WHERE st.latest_date IS NULL OR st.latest_date <= %s)"


def _scope_where(scope_paths: Sequence[str] | None, networks: Sequence[str], page: str, org: str) -> tuple[str, list]:
    where, params = [], []
    if scope_paths is not None:
        condition, params = paths_sql(scope_paths, f"{org}.path")
        where.append(condition)
    if networks:
        where.append(f"{page}.network IN (" + ", ".join("%s" for _n in networks) + ")")
        params += list(networks)
    return " AND ".join(where) or "1 = 1", params


def pages_at_sql(
    *,
    scope_paths: Sequence[str] | None,
    b: dt.date,
    networks: Sequence[str] = (),
    join: str = "",
    join_params: Sequence = (),
    latest: bool | None = None,
) -> tuple[str, list]:
    """FROM and WHERE of the pages in scope that count at B (archive rules applied), as `p` (page), `o` (its
    organisation) and `s` (its values at B: B_COLUMNS). `join` (with `join_params`) is added to the FROM.

    `s` is PageLatest where it holds the values at B (`_latest_holds`), the snapshots otherwise: D = the
    greatest snapshot date on or before B, D's rows, and for the pages in scope missing on D their latest
    earlier snapshot (one probe of the (page, date) unique index each). `latest`: True when the caller knows
    PageLatest holds them (`latest_answers`): PageLatest joined alone, no union of the three sources (a
    sixth of the dashboard's statement at federation scale)."""
    page, org = SocialPage._meta.db_table, Organisation._meta.db_table
    snapshot, latest_table = Snapshot._meta.db_table, PageLatest._meta.db_table
    scope, scope_params = _scope_where(scope_paths, networks, "p", "o")
    if latest:
        sql = f"""FROM {page} p
        JOIN {org} o ON o.id = p.organisation_id
        JOIN {latest_table} s ON s.page_id = p.id
        {join}
        WHERE (p.status <> %s OR p.archived_on > %s) AND {scope}"""
        return sql, [*join_params, PageStatus.ARCHIVED, b, *scope_params]
    inner_scope, inner_params = _scope_where(scope_paths, networks, "q", "qo")
    holds = _latest_holds()
    day = f"(SELECT MAX(d.date) FROM {snapshot} d WHERE d.date <= %s)"
    columns = ", ".join(f"x.{column}" for column in ("page_id", *B_COLUMNS))
    sql = f"""FROM {page} p
        JOIN {org} o ON o.id = p.organisation_id
        JOIN (
            SELECT {columns} FROM {latest_table} x WHERE {holds}
            UNION ALL
            SELECT {columns} FROM {snapshot} x WHERE x.date = {day} AND NOT {holds}
            UNION ALL
            SELECT {columns} FROM {page} q
            JOIN {org} qo ON qo.id = q.organisation_id
            JOIN {snapshot} x ON x.page_id = q.id
             AND x.date = (SELECT MAX(y.date) FROM {snapshot} y WHERE y.page_id = q.id AND y.date < {day})
            WHERE {inner_scope} AND NOT {holds}
              AND NOT EXISTS (SELECT 1 FROM {snapshot} z WHERE z.page_id = q.id AND z.date = {day})
        ) s ON s.page_id = p.id
        {join}
        WHERE (p.status <> %s OR p.archived_on > %s) AND {scope}"""
    # An archived page counts only before its archive date; one without a date never.
    return sql, [
        b,
        *(b, b),
        *(b, *inner_params, b, b),
        *join_params,
        PageStatus.ARCHIVED,
        b,
        *scope_params,
    ]


def _snapshots_at_sql(
    *,
    scope_paths: Sequence[str] | None,
    b: dt.date,
    networks: Sequence[str] = (),
    join: str = "",
    join_params: Sequence = (),
) -> tuple[str, list]:
    """`pages_at_sql` from the snapshots alone, for a date PageLatest does not hold (a past date), on
    PostgreSQL: each page in scope joined to D's row (D = the greatest snapshot date on or before B; D's range
    of the (date, page) index), and only where it has none, one probe of the (page, date) index for its latest
    earlier snapshot (LATERAL). One pass over the pages: no second scan of the pages and of D's range to find
    the missing ones (a fifth less time at federation scale)."""
    page, org, snapshot = SocialPage._meta.db_table, Organisation._meta.db_table, Snapshot._meta.db_table
    scope, scope_params = _scope_where(scope_paths, networks, "p", "o")
    day = f"(SELECT MAX(d.date) FROM {snapshot} d WHERE d.date <= %s)"
    earlier = ", ".join(f"y.{column}" for column in B_COLUMNS)
    values = ", ".join(f"COALESCE(sb.{column}, eb.{column}) AS {column}" for column in B_COLUMNS)
    sql = f"""FROM {page} p
        JOIN {org} o ON o.id = p.organisation_id
        LEFT JOIN {snapshot} sb ON sb.page_id = p.id AND sb.date = {day}
        LEFT JOIN LATERAL (
            SELECT {earlier} FROM {snapshot} y
            WHERE sb.page_id IS NULL AND y.page_id = p.id AND y.date < {day}
            ORDER BY y.date DESC LIMIT 1
        ) eb ON TRUE
        CROSS JOIN LATERAL (SELECT {values}) s
        {join}
        WHERE s.date IS NOT NULL AND (p.status <> %s OR p.archived_on > %s) AND {scope}"""
    # An archived page counts only before its archive date; one without a date never.
    return sql, [b, b, *join_params, PageStatus.ARCHIVED, b, *scope_params]


def engagement_sql(alias: str = "s") -> str:
    """The 003 document's engagement in SQL, the same float operations as `PageFact.engagement`."""
    interactions = f"(COALESCE({alias}.likes, 0) + COALESCE({alias}.comments, 0) + COALESCE({alias}.reposts, 0))"
    return (
        f"CASE WHEN {alias}.posts_counted > 0 AND {alias}.subscribers > 0 AND {alias}.likes IS NOT NULL "
        f"THEN CAST({interactions} AS DOUBLE PRECISION) / {alias}.posts_counted * 100 / {alias}.subscribers END"
    )


def engagement_by_views_sql(alias: str = "s") -> str:
    interactions = f"(COALESCE({alias}.likes, 0) + COALESCE({alias}.comments, 0) + COALESCE({alias}.reposts, 0))"
    return (
        f"CASE WHEN {alias}.views > 0 AND {alias}.likes IS NOT NULL "
        f"THEN CAST({interactions} AS DOUBLE PRECISION) * 100 / {alias}.views END"
    )


def mean_sql(expression: str) -> str:
    """AVG of a float column as SUM ÷ COUNT: the same number (AVG sums in the same order and divides by the
    count), but a fixed-size state per group where PostgreSQL's AVG keeps an array: grouping 20,000
    organisations in AVG's arrays outgrew work_mem and spilled to disk."""
    return f"(SUM({expression}) / NULLIF(COUNT({expression}), 0))"


def cutoff_param(cutoff: dt.datetime):
    """A datetime as the database compares it (SQLite keeps naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(cutoff)


# The dashboard --------------------------------------------------------------------------------------


@dataclass
class DashboardFigures:
    pages: int = 0
    subscribers: int = 0
    month_change: int = 0
    month_counted_pages: int = 0
    month_from: dt.date | None = None
    youth_pages: int = 0
    territorial_pages: int = 0
    territorial_orgs: int = 0
    primary_pages: int = 0
    primary_orgs: int = 0
    organisations_with_pages: int = 0
    silent: int = 0
    organisations_total: int = 0  # active organisations in scope
    failing: int = 0  # pages not archived whose collection failed 3 times or more in a row
    # (score, page id), best first, ties by page id: by subscribers, growth this month and engagement.
    top_subscribers: list[tuple[int, int]] = field(default_factory=list)
    top_growth: list[tuple[int, int]] = field(default_factory=list)
    top_engagement: list[tuple[float, int]] = field(default_factory=list)
    territorial: list[tuple[int, int]] = field(default_factory=list)  # (page id, subscribers at B)


def dashboard_figures(*, above_depth: int | None = None, **reading) -> DashboardFigures:
    """The dashboard's figures in one statement: counts and sums, the three top-`limit` lists and the
    territorial pages (a few per territorial organisation) for the trend. `reading`: `_dashboard_sql`'s.

    The values at B: PageLatest where it holds them (`latest_answers`; `state` when the caller has read it),
    the snapshots otherwise (`_snapshots_at_sql`). A page's growth this month counts when its value at A is
    from `recent_since` on: D_A = the greatest snapshot date on or before A, D_A's range of the (date, page)
    index, and for the pages missing on D_A one probe bounded to [recent_since, D_A). Pages counting at B
    count at A too (archived after B). `above_depth`: only the pages and the active organisations above that
    depth (the failing pages are still counted over the whole scope; reports/summary.py)."""
    sql, params = _dashboard_sql(**reading, unit_depth=None, above_depth=above_depth)
    return _dashboard_parse(fetch_report(sql, params)).get("", DashboardFigures())


def dashboard_figures_by_unit(*, unit_depth: int, **reading) -> dict[str, DashboardFigures]:
    """`dashboard_figures` of each unit (the organisations at `unit_depth`, by path) over its subtree, in one
    statement: the pages and active organisations from that depth down, grouped by their unit. Units with
    neither are missing; failing pages are left at 0 (the reader counts them over its scope)."""
    sql, params = _dashboard_sql(**reading, unit_depth=unit_depth, above_depth=None)
    return _dashboard_parse(fetch_report(sql, params))


def _dashboard_sql(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    recent_since: dt.date,
    networks: Sequence[str],
    silent_cutoff: dt.datetime,
    limit: int = 5,
    state: AnalyticsState | EllipsisType | None = ...,
    unit_depth: int | None,
    above_depth: int | None,
) -> tuple[str, list]:
    """The dashboard's statement (`dashboard_figures`): over the whole scope (`above_depth`: its pages and
    organisations above that depth), or per unit (`unit_depth`: grouped by the path's first characters, the
    pages and organisations from that depth down). Rows: (kind, unit, page id, score, *the aggregate row's 14
    columns); kind 'orgs' per unit: the active organisations in its 13th column."""
    unit_length = None if unit_depth is None else unit_depth * STEPLEN
    if state is ...:
        state = analytics_state()
    snapshot = Snapshot._meta.db_table
    day_a = f"(SELECT MAX(d.date) FROM {snapshot} d WHERE d.date <= %s)"
    # D_A's range only from recent_since on: an older D_A leaves every value at A out.
    at_a_join = f"LEFT JOIN {snapshot} sa ON sa.page_id = p.id AND sa.date = {day_a} AND sa.date >= %s"
    common = {
        "scope_paths": scope_paths,
        "b": b,
        "networks": networks,
        "join": at_a_join,
        "join_params": [a, recent_since],
    }
    if latest_answers(b, state):
        from_sql, from_params = pages_at_sql(**common, latest=True)
    elif connection.vendor == "postgresql":
        from_sql, from_params = _snapshots_at_sql(**common)
    else:  # SQLite has no LATERAL: the snapshots through pages_at_sql's union (the same values)
        from_sql, from_params = pages_at_sql(**common)
    if unit_depth is not None:
        from_sql, from_params = f"{from_sql} AND o.depth >= %s", [*from_params, unit_depth]
    elif above_depth is not None:
        from_sql, from_params = f"{from_sql} AND o.depth < %s", [*from_params, above_depth]

    def earlier(column: str) -> str:
        # Guarded by D_A itself (evaluated once): when D_A is before recent_since, no page has a value to find.
        return (
            f"CASE WHEN {day_a} >= %s THEN (SELECT x.{column} FROM {snapshot} x WHERE x.page_id = p.id "
            f"AND x.date < {day_a} AND x.date >= %s ORDER BY x.date DESC LIMIT 1) END"
        )

    # The page's kind as a small integer (cheaper to carry and compare than text over every page): 1 youth
    # council's, 2 a territorial organisation's, 3 a primary's, 0 another.
    kind = "CASE WHEN p.owner = %s OR o.kind = %s THEN 1 WHEN o.kind = %s THEN 2 WHEN o.kind = %s THEN 3 ELSE 0 END"
    unit = "''" if unit_length is None else f"SUBSTR(o.path, 1, {int(unit_length)})"
    select_params = [
        PageOwner.YOUTH_COUNCIL,
        OrgKind.YOUTH_COUNCIL,
        OrgKind.TERRITORIAL,
        OrgKind.PRIMARY,
        *(a, recent_since, a, recent_since),
        *(a, recent_since, a, recent_since),
        cutoff_param(silent_cutoff),
    ]
    page, org = SocialPage._meta.db_table, Organisation._meta.db_table
    org_scope, org_scope_params = _scope_where(scope_paths, (), "fp", "oo")
    if unit_length is None:
        failing_scope, failing_scope_params = _scope_where(scope_paths, (), "fp", "fo")
        above = "" if above_depth is None else f"AND oo.depth < {int(above_depth)}"
        scope_counts = f"""(SELECT COUNT(*) FROM {org} oo WHERE oo.is_active = %s AND {org_scope} {above}),
           (SELECT COUNT(*) FROM {page} fp JOIN {org} fo ON fo.id = fp.organisation_id
            WHERE fp.consecutive_failures >= 3 AND fp.status <> %s AND {failing_scope})"""
        scope_params = [True, *org_scope_params, PageStatus.ARCHIVED, *failing_scope_params]
        group, unit_column, unit_orgs, unit_orgs_params = "", "''", "", []
    else:  # per unit: the active organisations counted per unit too (every one is in one unit), not failing
        scope_counts, scope_params = "CAST(NULL AS BIGINT), CAST(NULL AS BIGINT)", []
        group, unit_column = "GROUP BY unit", "unit"
        unit_orgs = f"""UNION ALL SELECT 'orgs', SUBSTR(oo.path, 1, {int(unit_length)}), CAST(NULL AS BIGINT),
           CAST(NULL AS DOUBLE PRECISION), {_nulls(12)}, COUNT(*), CAST(NULL AS BIGINT)
    FROM {org} oo WHERE oo.is_active = %s AND oo.depth >= {int(unit_depth)} AND {org_scope}
    GROUP BY SUBSTR(oo.path, 1, {int(unit_length)})"""
        unit_orgs_params = [True, *org_scope_params]
    sql = f"""
    WITH v AS (
        SELECT p.id AS page_id, p.organisation_id AS org_id, o.is_active AS org_active, {unit} AS unit,
               {kind} AS kind,
               s.subscribers AS at_b,
               COALESCE(sa.subscribers, {earlier("subscribers")}) AS at_a,
               COALESCE(sa.date, {earlier("date")}) AS date_a,
               CASE WHEN s.last_post_at IS NULL OR s.last_post_at < %s THEN 1 ELSE 0 END AS silent,
               {engagement_sql()} AS engagement
        {from_sql}
    )
    SELECT 'all', {unit_column}, CAST(NULL AS BIGINT), CAST(NULL AS DOUBLE PRECISION),
           COUNT(*), SUM(at_b), SUM(at_b - at_a), COUNT(at_a), MIN(date_a),
           SUM(CASE WHEN kind = 1 THEN 1 ELSE 0 END),
           SUM(CASE WHEN kind = 2 THEN 1 ELSE 0 END), COUNT(DISTINCT org_id) FILTER (WHERE kind = 2),
           SUM(CASE WHEN kind = 3 THEN 1 ELSE 0 END), COUNT(DISTINCT org_id) FILTER (WHERE kind = 3),
           COUNT(DISTINCT org_id) FILTER (WHERE org_active), SUM(silent),
           {scope_counts}
    FROM v {group}
    UNION ALL {_top("size", "CAST(at_b AS DOUBLE PRECISION)", "", unit_length, limit)}
    UNION ALL {_top("growth", "CAST(at_b - at_a AS DOUBLE PRECISION)", "at_a IS NOT NULL", unit_length, limit)}
    UNION ALL {_top("engagement", "engagement", "engagement IS NOT NULL", unit_length, limit)}
    UNION ALL SELECT 'territorial', unit, page_id, CAST(at_b AS DOUBLE PRECISION), {_nulls(14)} FROM v WHERE kind = 2
    {unit_orgs}
    """
    return sql, [*select_params, *from_params, *scope_params, *unit_orgs_params]


def _top(name: str, score: str, where: str, unit_length: int | None, limit: int) -> str:
    """The best `limit` pages by `score` (ties by page id): a top-N sort over the scope, or per unit a
    numbering within each."""
    condition = f"WHERE {where}" if where else ""
    if unit_length is None:
        # The sort carries the three columns only, the row's other columns added to the `limit` it keeps: a
        # top-N sort copies every row it is given (a tenth of a past date's dashboard at federation scale).
        return f"""SELECT '{name}', unit, page_id, score, {_nulls(14)} FROM (
        SELECT unit, page_id, {score} AS score FROM v {condition}
        ORDER BY score DESC, page_id LIMIT {int(limit)}
    ) top_{name}"""
    return f"""SELECT '{name}', unit, page_id, score, {_nulls(14)} FROM (
        SELECT unit, page_id, {score} AS score,
               ROW_NUMBER() OVER (PARTITION BY unit ORDER BY {score} DESC, page_id) AS place
        FROM v {condition}
    ) top_{name} WHERE place <= {int(limit)}"""


def _dashboard_parse(rows: list[tuple]) -> dict[str, DashboardFigures]:
    """The statement's rows as figures per unit ('' when not grouped), the top lists best first."""
    result: dict[str, DashboardFigures] = {}
    for kind, unit, page_id, score, *values in rows:
        figures = result.setdefault(unit, DashboardFigures())
        if kind == "all":
            (
                pages,
                subscribers,
                change,
                counted,
                month_from,
                youth_pages,
                territorial_pages,
                territorial_orgs,
                primary_pages,
                primary_orgs,
                with_pages,
                silent,
                organisations_total,
                failing,
            ) = values
            figures.pages, figures.subscribers = int(pages or 0), int(subscribers or 0)
            figures.month_change, figures.month_counted_pages = int(change or 0), int(counted or 0)
            figures.month_from = to_date(month_from)
            figures.youth_pages, figures.territorial_pages = int(youth_pages or 0), int(territorial_pages or 0)
            figures.territorial_orgs, figures.primary_pages = int(territorial_orgs or 0), int(primary_pages or 0)
            figures.primary_orgs, figures.organisations_with_pages = int(primary_orgs or 0), int(with_pages or 0)
            figures.silent = int(silent or 0)
            if organisations_total is not None:  # per unit, from its 'orgs' row, in whatever order it comes
                figures.organisations_total, figures.failing = int(organisations_total), int(failing or 0)
        elif kind == "territorial":
            figures.territorial.append((int(page_id), int(score)))
        elif kind == "orgs":
            figures.organisations_total = int(values[12])
        else:
            top = {"size": figures.top_subscribers, "growth": figures.top_growth}.get(kind, figures.top_engagement)
            top.append((float(score) if kind == "engagement" else int(score), int(page_id)))
    for figures in result.values():
        for top in (figures.top_subscribers, figures.top_growth, figures.top_engagement):
            top.sort(key=lambda item: (-item[0], item[1]))
        figures.territorial.sort()
    return result


def _nulls(count: int) -> str:
    """The aggregate row's columns left empty in a top row, typed (PostgreSQL types a bare NULL in a derived
    table as text): all counts and sums but the fifth, the earliest date at A."""
    return ", ".join("CAST(NULL AS DATE)" if index == 4 else "CAST(NULL AS BIGINT)" for index in range(count))


# Silent pages and engagement ------------------------------------------------------------------------


def _fact(row: Sequence) -> PageFact:
    """A PageFact at one date (A = B) from (page id, org id, path, network, owner, org kind, *B_COLUMNS)."""
    page_id, org_id, path, network, owner, org_kind, date, subscribers, *rest = row
    posts_30d, last_post_at, posts_counted, likes, comments, reposts, views = rest
    day = to_date(date)
    return PageFact(
        page_id,
        org_id,
        path,
        network,
        owner,
        org_kind,
        subscribers,
        day,
        subscribers,
        day,
        posts_30d,
        to_datetime(last_post_at),
        posts_counted,
        likes,
        comments,
        reposts,
        views,
    )


def _facts_sql(pages_sql: str) -> str:
    columns = ", ".join(f"s.{column}" for column in B_COLUMNS)
    return f"SELECT p.id, p.organisation_id, o.path, p.network, p.owner, o.kind, {columns} {pages_sql}"


def silent_facts(*, scope_paths: Sequence[str] | None, b: dt.date, cutoff: dt.datetime) -> list[PageFact]:
    """The pages counting at B whose last post is before `cutoff` or unknown, by page id (one statement)."""
    pages_sql, params = pages_at_sql(scope_paths=scope_paths, b=b)
    sql = _facts_sql(pages_sql) + " AND (s.last_post_at IS NULL OR s.last_post_at < %s) ORDER BY p.id"
    return [_fact(row) for row in fetch_report(sql, [*params, cutoff_param(cutoff)])]


def engagement_facts(*, scope_paths: Sequence[str] | None, b: dt.date) -> list[PageFact]:
    """Every page counting at B with its values, best engagement first (pages without one last, by id)."""
    pages_sql, params = pages_at_sql(scope_paths=scope_paths, b=b)
    engagement = engagement_sql()
    order = f" ORDER BY CASE WHEN {engagement} IS NULL THEN 1 ELSE 0 END, {engagement} DESC, p.id"
    return [_fact(row) for row in fetch_report(_facts_sql(pages_sql) + order, params)]


@dataclass
class OrgAverages:
    org_id: int
    label: str
    pages: int
    subscribers: int
    engagement: float | None
    engagement_by_views: float | None
    posts_30d: float | None


def engagement_by_organisation(*, scope_paths: Sequence[str] | None, b: dt.date) -> list[OrgAverages]:
    """Per organisation (its own pages): pages, subscribers and the means over the pages that have a value."""
    pages_sql, params = pages_at_sql(scope_paths=scope_paths, b=b)
    sql = f"""
    SELECT p.organisation_id, MIN(o.short_name), MIN(o.name), COUNT(*), SUM(s.subscribers),
           {mean_sql(engagement_sql())}, {mean_sql(engagement_by_views_sql())},
           {mean_sql("CAST(s.posts_30d AS DOUBLE PRECISION)")}
    {pages_sql}
    GROUP BY p.organisation_id
    """
    return [
        OrgAverages(
            int(org_id),
            short_name or name,  # Organisation.display_name
            int(pages),
            int(subscribers or 0),
            _float(eng),
            _float(by_views),
            _float(posts),
        )
        for org_id, short_name, name, pages, subscribers, eng, by_views, posts in fetch_report(sql, params)
    ]


def _float(value) -> float | None:
    return None if value is None else float(value)
