"""Growth figures read from the analytics tables (socialstats/analytics/, docs/analytics.md).

Two short queries whatever the dates and the number of pages: the sums and the pages with a value at A and B
from SubtreeDay (two days of the few rollup organisations in scope), and the pages new at B from PageLatest
(the range (A, B] of its first-date index, archive dates applied). Days after the tables' horizon read the
horizon: nothing changes after it. Groupings by page or organisation, scopes below the rollup depth, and
databases where `analytics_rebuild` has not run yet read the snapshots (facts.py) as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from types import EllipsisType

from django.db import connection

from orgs.models import Organisation

from ..analytics.services import analytics_state
from ..models import AnalyticsState, PageLatest, PageStatus, SocialPage, SubtreeDay
from .facts import fetch_report, growth_raw, paths_sql, to_date

STEPLEN = Organisation.steplen


def _roots(scope_paths: Sequence[str]) -> list[str]:
    """The scope's paths without those inside another one (a subtree is counted once)."""
    paths = sorted(set(scope_paths))
    return [path for path in paths if not any(path != other and path.startswith(other) for other in paths)]


def _new_pages_where(a: dt.date, b: dt.date, roots: Sequence[str] | None) -> tuple[list[str], list]:
    """WHERE of the pages first counted in (A, B] (a range of PageLatest's first_date index, `l`), not archived
    on or before B (`p`), inside the roots (`o`)."""
    where = ["l.first_date > %s", "l.first_date <= %s", "(p.status <> %s OR p.archived_on > %s)"]
    params: list = [a, b, PageStatus.ARCHIVED, b]
    if roots is not None:
        condition, condition_params = paths_sql(roots, "o.path")
        where.append(condition)
        params += condition_params
    return where, params


def _growth_sql(
    *,
    roots: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str],
    dimensions: Sequence[str],
    level: int,
    horizon: dt.date,
) -> tuple[str, list]:
    """The statement behind `rollup_growth_raw` and `rollup_network_totals_sql`: per group (k0, k1 … in the order
    of `dimensions`), pages, new_pages, at_a, at_b, date_a, date_b, and for a level's groups the organisation's
    org_id, org_label and members (NULL otherwise). Days after the tables' horizon read the horizon."""
    org_table, day_table = Organisation._meta.db_table, SubtreeDay._meta.db_table
    page_table, latest_table = SocialPage._meta.db_table, PageLatest._meta.db_table
    day_a, day_b = min(a, horizon), min(b, horizon)

    # The sums at A and B, one row per group: the two days side by side (A and B may be the same day).
    where, params = [], []
    if "level" in dimensions:
        where.append("((d.own = %s AND o.depth = %s) OR (d.own = %s AND o.depth < %s))")
        params += [False, level, True, level]
        if roots is not None:
            condition, condition_params = paths_sql(roots, "o.path")
            where.append(condition)
            params += condition_params
    else:
        where.append("d.own = %s")
        params.append(False)
        if roots is None:
            where.append("o.depth = 1")
        else:
            where.append("o.path IN (" + ", ".join("%s" for _path in roots) + ")")
            params += roots
    if networks:
        where.append("d.network IN (" + ", ".join("%s" for _n in networks) + ")")
        params += list(networks)
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    keys = _keys(dimensions, f"substr(o.path, 1, {level * STEPLEN}){collate}", "d.network")
    named = "level" in dimensions
    sums_sql = f"""
        SELECT {"".join(f"{key} AS k{index}, " for index, key in enumerate(keys))}
               SUM(CASE WHEN d.day = %s THEN d.subscribers END) AS at_a,
               SUM(CASE WHEN d.day = %s THEN d.subscribers END) AS at_b,
               MIN(CASE WHEN d.day = %s THEN d.oldest END) AS date_a,
               MIN(CASE WHEN d.day = %s THEN d.oldest END) AS date_b,
               SUM(CASE WHEN d.day = %s THEN d.pages END) AS pages_a,
               {"MIN(o.id)" if named else "NULL"} AS org_id,
               {"MIN(COALESCE(NULLIF(o.short_name, ''), o.name))" if named else "NULL"} AS org_label,
               {"MIN(o.members_count)" if named else "NULL"} AS members
        FROM {day_table} d JOIN {org_table} o ON o.id = d.organisation_id
        WHERE d.day IN (%s, %s) AND {" AND ".join(where)}
        {_group_by(keys)}
    """
    sums_params = [day_a, day_b, day_a, day_b, day_a, day_a, day_b, *params]

    # The pages with a value at A or at B: those counted at A (SubtreeDay's pages at A, above) and those new at B.
    # A page counted at B and not at A has its first snapshot in (A, B] and no archive date on or before B
    # (an archive after B is after A too): a range of PageLatest's first_date index, whatever the number of pages.
    page_where, page_params = _new_pages_where(a, b, roots)
    if networks:
        page_where.append("p.network IN (" + ", ".join("%s" for _n in networks) + ")")
        page_params += list(networks)
    page_keys = _keys(dimensions, f"substr(o.path, 1, {level * STEPLEN}){collate}", "p.network")
    new_sql = f"""
        SELECT {"".join(f"{key} AS k{index}, " for index, key in enumerate(page_keys))}COUNT(*) AS pages
        FROM {latest_table} l
        JOIN {page_table} p ON p.id = l.page_id
        JOIN {org_table} o ON o.id = p.organisation_id
        WHERE {" AND ".join(page_where)}
        {_group_by(page_keys)}
    """
    on = " AND ".join(f"n.k{index} = s.k{index}" for index in range(len(keys))) or "1 = 1"
    sql = f"""
        SELECT {"".join(f"COALESCE(s.k{index}, n.k{index}) AS k{index}, " for index in range(len(keys)))}
               COALESCE(s.pages_a, 0) + COALESCE(n.pages, 0) AS pages, COALESCE(n.pages, 0) AS new_pages,
               s.at_a AS at_a, s.at_b AS at_b, s.date_a AS date_a, s.date_b AS date_b,
               s.org_id AS org_id, s.org_label AS org_label, s.members AS members
        FROM ({sums_sql}) s FULL JOIN ({new_sql}) n ON {on}
        WHERE COALESCE(s.pages_a, 0) + COALESCE(n.pages, 0) > 0
    """
    return sql, [*sums_params, *page_params]


def rollup_growth_raw(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str] = (),
    dimensions: Sequence[str] = ("page",),
    level: int = 2,
    state: AnalyticsState | EllipsisType | None = ...,
    names: dict[str, tuple[int, str, int | None]] | None = None,
) -> list[tuple] | None:
    """The growth aggregate of `facts.growth_raw` from the analytics tables; None where they cannot answer.

    One statement whatever the dates and the number of pages: the sums and the pages at A and B from SubtreeDay,
    joined (FULL JOIN on the group's key) to the pages new at B from PageLatest. `state` is the tables' state when
    the caller already read it (a series of dates reads it once). `names`, when given and the groups have a level,
    is filled with {path: (organisation id, display name, members)} of the groups' organisations, read in the same
    statement (every SubtreeDay row of a group is of the organisation at the group's path)."""
    if not set(dimensions) <= {"level", "network"} or a > b:
        return None
    if state is ...:
        state = analytics_state()
    if state is None:
        return None
    roots = None if scope_paths is None else _roots(scope_paths)
    if roots == []:
        return []
    deepest = max((len(path) // STEPLEN for path in roots), default=1) if roots else 1
    if "level" in dimensions and (level > state.depth or deepest > level):
        return None
    if deepest > state.depth:
        return None
    sql, params = _growth_sql(
        roots=roots, a=a, b=b, networks=networks, dimensions=dimensions, level=level, horizon=state.horizon
    )
    named = list(dimensions).index("level") if "level" in dimensions and names is not None else None
    rows = []
    for record in fetch_report(sql, params):
        *group, pages, new_pages, at_a, at_b, date_a, date_b, org_id, org_label, members = record
        rows.append(
            (
                *group,
                int(pages),
                int(new_pages),
                None if at_a is None else int(at_a),
                None if at_b is None else int(at_b),
                to_date(date_a),
                to_date(date_b),
            )
        )
        if named is not None and org_id is not None:
            names[group[named]] = (int(org_id), org_label, members)
    return rows


def rollup_subscribers_series(
    *,
    scope_paths: Sequence[str] | None,
    dates: Sequence[dt.date],
    networks: Sequence[str] = (),
    state: AnalyticsState | None,
) -> dict[dt.date, int] | None:
    """Total subscribers of the scope at each date (of `networks`, or all), from `rollup_network_series`'s one
    query; None where the tables cannot answer. The same sums as `rollup_growth_raw` at B."""
    by_network = rollup_network_series(scope_paths=scope_paths, dates=dates, state=state)
    if by_network is None:
        return None
    totals = dict.fromkeys(dates, 0)
    for (day, network), value in by_network.items():
        if not networks or network in networks:
            totals[day] += value
    return totals


def _keys(dimensions: Sequence[str], level: str, network: str) -> list[str]:
    """The SQL expressions of a group's key, in the order of `dimensions` (none: one group of everything)."""
    return [level if name == "level" else network for name in dimensions]


def _group_by(keys: Sequence[str]) -> str:
    return f"GROUP BY {', '.join(keys)}" if keys else ""


def growth_figures(
    *,
    state: AnalyticsState | EllipsisType | None = ...,
    names: dict[str, tuple[int, str, int | None]] | None = None,
    **kwargs,
) -> list[tuple]:
    """The growth aggregate: from the analytics tables where they can answer, from the snapshots otherwise.
    `names`: `rollup_growth_raw`'s (filled only when the tables answer)."""
    rows = rollup_growth_raw(state=state, names=names, **kwargs)
    return growth_raw(**kwargs) if rows is None else rows


def rollup_network_series(
    *,
    scope_paths: Sequence[str] | None,
    dates: Sequence[dt.date],
    state: AnalyticsState | EllipsisType | None = ...,
) -> dict[tuple[dt.date, str], int] | None:
    """Subscribers of the scope per (date, network) at every date, in one query of SubtreeDay; None where
    the tables cannot answer (not built, or a scope below the rollup depth). Dates after the horizon read it."""
    if state is ...:
        state = analytics_state()
    if state is None:
        return None
    roots = None if scope_paths is None else _roots(scope_paths)
    if roots == [] or not dates:
        return {}
    if roots and max(len(path) // STEPLEN for path in roots) > state.depth:
        return None
    org_table, day_table = Organisation._meta.db_table, SubtreeDay._meta.db_table
    read = {day: min(day, state.horizon) for day in dates}
    days = sorted(set(read.values()))
    where, params = ["d.own = %s", "d.day IN (" + ", ".join("%s" for _day in days) + ")"], [False, *days]
    if roots is None:
        where.append("o.depth = 1")
    else:
        where.append("o.path IN (" + ", ".join("%s" for _path in roots) + ")")
        params += roots
    sql = f"""
        SELECT d.day, d.network, SUM(d.subscribers)
        FROM {day_table} d JOIN {org_table} o ON o.id = d.organisation_id
        WHERE {" AND ".join(where)}
        GROUP BY d.day, d.network
    """
    sums = {(to_date(day), network): int(total or 0) for day, network, total in fetch_report(sql, params)}
    return {
        (day, network): total
        for day, stored in read.items()
        for (held, network), total in sums.items()
        if held == stored
    }


def rollup_network_totals_sql(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str] = (),
    state: AnalyticsState | None,
) -> tuple[str, list] | None:
    """`rollup_growth_raw`'s figures per network as one statement, to be embedded in another (reports/paged.py):
    rows (network, pages, new, at_a, at_b, date_a, date_b) — the sums and the pages at A from SubtreeDay, the
    pages new at B from PageLatest's first-date range. None where the tables cannot answer (not built, A after B,
    an empty scope or one below the rollup depth)."""
    if state is None or a > b:
        return None
    roots = None if scope_paths is None else _roots(scope_paths)
    if roots == [] or (roots and max(len(path) // STEPLEN for path in roots) > state.depth):
        return None
    sql, params = _growth_sql(
        roots=roots, a=a, b=b, networks=networks, dimensions=("network",), level=1, horizon=state.horizon
    )
    columns = "g.k0 AS network, g.pages, g.new_pages, g.at_a, g.at_b, g.date_a, g.date_b"
    return f"SELECT {columns} FROM ({sql}) g", params
