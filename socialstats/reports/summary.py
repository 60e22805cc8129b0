"""The dashboard's stored figures: `DashboardDay` and `DashboardLeader`, per rollup unit and day
(docs/analytics.md «The dashboard's rows»).

A unit is an organisation at the rollup depth (AnalyticsState.depth, the deepest territorial level). Every
organisation below it is in exactly one unit, so a scope's figures are:
- the sums of its units' stored figures. Counts of distinct organisations add up too, because no
  organisation is in two units;
- the best of the units' top lists;
- plus the pages and active organisations above the units (the union's and the federation's own, a few),
  read in the request with the scope's failing pages (index reads).
Both sums and lists are taken in SQL: two statements whatever the number of units.

`dashboard_days_build` stores the rows of today (and of the last collected day, when earlier) after the
nightly run (reports/cache.py). Anything that changes what a unit counts deletes its rows
(analytics.services.dashboard_days_forget): a snapshot written, a page saved or deleted, an organisation
saved or moved. Until the next build the dashboard computes such units from the pages in the request (at
most MISSING_MAX of them; past that, the whole scope as before).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction

from orgs.models import Organisation

from ..analytics.services import dashboard_days_clear
from ..models import CURRENT_NETWORKS, AnalyticsState, DashboardDay, DashboardLeader
from .current import (
    DashboardFigures,
    _scope_where,
    dashboard_figures,
    dashboard_figures_by_unit,
    latest_answers,
)
from .facts import fetch_report, silent_before, to_date

STEPLEN = Organisation.steplen
# A page's growth this month counts only when its start value was measured at most this long before the
# month began; an older value would pass years of growth off as this month's.
RECENT_START_DAYS = 31
# Units whose rows are gone, computed from the pages in the request; more than this: the whole scope.
MISSING_MAX = 50
TOP = 5  # the dashboard's top lists
# DashboardFigures' integer fields: summed over the units; all but the failing pages are stored per unit.
SUMMED = tuple(item.name for item in dataclasses.fields(DashboardFigures) if item.type in ("int", int))
STORED = tuple(name for name in SUMMED if name != "failing")
LISTS = {
    DashboardLeader.Kind.SUBSCRIBERS: "top_subscribers",
    DashboardLeader.Kind.GROWTH: "top_growth",
    DashboardLeader.Kind.ENGAGEMENT: "top_engagement",
}


def dashboard_parameters(today: dt.date, silent_days: int, include_history: bool) -> dict:
    """The dashboard's reading as of `today`: the month's change from the last day of the previous month, the
    silent cutoff, and the networks (history ones only when asked)."""
    month_start = today.replace(day=1) - dt.timedelta(days=1)
    return {
        "a": month_start,
        "b": today,
        "recent_since": month_start - dt.timedelta(days=RECENT_START_DAYS),
        "networks": () if include_history else CURRENT_NETWORKS,
        "silent_cutoff": silent_before(today - dt.timedelta(days=silent_days)),
    }


def dashboard_days_build(*, today: dt.date, silent_days: int) -> int:
    """Store the figures of every unit, with and without history networks, as of today and as of the last
    collected day when that is earlier (the dashboard's date when a night's collection failed), in place of
    all the rows there were. Returns the units stored (0 when the analytics tables hold neither day).

    Holds the analytics state's row meanwhile, as every writer that deletes rows does, so no change can slip
    between the read and the write."""
    with transaction.atomic():
        state = AnalyticsState.objects.select_for_update().order_by("pk").first()
        if state is None:
            return 0
        days = sorted(day for day in {today, state.latest_date} if day is not None and latest_answers(day, state))
        units = list(Organisation.objects.filter(depth=state.depth).values_list("pk", "path"))
        rows, leaders = [], []
        for day in days:
            for include_history in (False, True):
                by_unit = dashboard_figures_by_unit(
                    scope_paths=None,
                    unit_depth=state.depth,
                    limit=TOP,
                    state=state,
                    **dashboard_parameters(day, silent_days, include_history),
                )
                for pk, path in units:
                    figures = by_unit.get(path, DashboardFigures())
                    key = {"organisation_id": pk, "day": day, "include_history": include_history}
                    key["silent_days"] = silent_days
                    values = {name: getattr(figures, name) for name in STORED}
                    rows.append((DashboardDay(**key, month_from=figures.month_from, **values), figures))
        dashboard_days_clear()
        DashboardDay.objects.bulk_create([row for row, _figures in rows], batch_size=2000)  # their ids set
        leaders = [leader for row, figures in rows for leader in _leaders(row, figures)]
        DashboardLeader.objects.bulk_create(leaders, batch_size=5000)
    return len(units) if days else 0


def _leaders(row: DashboardDay, figures: DashboardFigures) -> list[DashboardLeader]:
    key = {
        "row": row,
        "organisation_id": row.organisation_id,
        "day": row.day,
        "include_history": row.include_history,
        "silent_days": row.silent_days,
    }
    leaders = [
        DashboardLeader(**key, kind=kind, score=float(score), page_id=page_id)
        for kind, name in LISTS.items()
        for score, page_id in getattr(figures, name)
    ]
    leaders += [
        DashboardLeader(**key, kind=DashboardLeader.Kind.TERRITORIAL, score=float(value), page_id=page_id)
        for page_id, value in figures.territorial
    ]
    return leaders


def dashboard_figures_stored(
    *,
    scope_paths: Sequence[str] | None,
    today: dt.date,
    silent_days: int,
    include_history: bool,
    state: AnalyticsState | None,
) -> DashboardFigures | None:
    """The dashboard's figures from the stored rows (see the module), the units without a row computed from
    their pages; None when they cannot answer: PageLatest does not hold `today`, a scope below the units, or
    more than MISSING_MAX units without a row (before a build of `today`: every unit)."""
    if state is None or not latest_answers(today, state) or scope_paths == []:
        return None
    if scope_paths is not None and any(len(path) > state.depth * STEPLEN for path in scope_paths):
        return None
    key = [today, include_history, silent_days]
    scope, scope_params = _scope_where(scope_paths, (), "", "o")
    # Every stored row is a unit at the state's depth (a new depth forgets them all): the organisations are
    # joined only to find the scope's.
    in_scope = "" if scope_paths is None else f"JOIN {Organisation._meta.db_table} o ON o.id = x.organisation_id"
    day_table, org = DashboardDay._meta.db_table, Organisation._meta.db_table
    stored_where = "x.day = %s AND x.include_history = %s AND x.silent_days = %s"
    sums = ", ".join(f"SUM(x.{name})" for name in STORED)
    # The units in scope, the units stored, their sums.
    sql = f"""
    SELECT (SELECT COUNT(*) FROM {org} o WHERE o.depth = %s AND {scope}), COUNT(*), MIN(x.month_from), {sums}
    FROM {day_table} x {in_scope} WHERE {stored_where} AND {scope}
    """
    ((units, stored_units, month_from, *values),) = fetch_report(sql, [state.depth, *scope_params, *key, *scope_params])
    missing = []
    if units != stored_units:
        missing_sql = f"""
        SELECT o.path FROM {org} o WHERE o.depth = %s AND {scope}
        AND NOT EXISTS (SELECT 1 FROM {day_table} x WHERE x.organisation_id = o.id AND {stored_where})
        ORDER BY o.path
        """
        missing = [path for (path,) in fetch_report(missing_sql, [state.depth, *scope_params, *key])]
        if len(missing) > MISSING_MAX:
            return None
    stored = DashboardFigures(
        month_from=to_date(month_from), **{name: int(value or 0) for name, value in zip(STORED, values, strict=True)}
    )
    _stored_leaders(stored, key=key, in_scope=in_scope, scope=(scope, scope_params))
    parameters = dashboard_parameters(today, silent_days, include_history)
    parts = [stored]
    if missing:
        computed = dashboard_figures_by_unit(
            scope_paths=missing, unit_depth=state.depth, limit=TOP, state=state, **parameters
        )
        parts += computed.values()
    # The pages above the units, and the organisations and failing pages of the whole scope.
    upper = dashboard_figures(scope_paths=scope_paths, above_depth=state.depth, limit=TOP, state=state, **parameters)
    return merge([upper, *parts])


def _stored_leaders(figures: DashboardFigures, *, key: list, in_scope: str, scope: tuple[str, list]) -> None:
    """The stored units' best TOP pages of each list (by score, ties by page id: a walk of the leaders' index,
    which holds them in that order) and every territorial page, into `figures` (one statement)."""
    chosen = f"""SELECT x.kind, x.score, x.page_id FROM {DashboardLeader._meta.db_table} x {in_scope}
        WHERE x.day = %s AND x.include_history = %s AND x.silent_days = %s AND x.kind = %s AND {scope[0]}"""
    params, parts = [], []
    for kind in (*LISTS, DashboardLeader.Kind.TERRITORIAL):
        if kind == DashboardLeader.Kind.TERRITORIAL:
            parts.append(f"SELECT * FROM ({chosen}) territorial")
        else:
            parts.append(f"SELECT * FROM ({chosen} ORDER BY x.score DESC, x.page_id LIMIT {TOP}) top_{int(kind)}")
        params += [*key, kind, *scope[1]]
    _fill_lists(figures, fetch_report(" UNION ALL ".join(parts), params))


def _fill_lists(figures: DashboardFigures, rows: Iterable[tuple]) -> None:
    """(kind, score, page id) rows into the figures' lists, in their order."""
    for kind, score, page_id in rows:
        if kind == DashboardLeader.Kind.TERRITORIAL:
            figures.territorial.append((int(page_id), int(score)))
        elif kind == DashboardLeader.Kind.ENGAGEMENT:
            figures.top_engagement.append((float(score), int(page_id)))
        else:
            getattr(figures, LISTS[kind]).append((int(score), int(page_id)))
    for name in LISTS.values():
        getattr(figures, name).sort(key=lambda item: (-item[0], item[1]))
    figures.territorial.sort()


def merge(parts: Iterable[DashboardFigures], limit: int = TOP) -> DashboardFigures:
    """The figures of disjoint sets of pages as one: sums, the earliest start date, the best `limit` of the top
    lists (by score, ties by page id, as the statement orders them) and every territorial page."""
    total = DashboardFigures()
    for part in parts:
        for name in SUMMED:
            setattr(total, name, getattr(total, name) + getattr(part, name))
        if part.month_from is not None and (total.month_from is None or part.month_from < total.month_from):
            total.month_from = part.month_from
        total.top_subscribers += part.top_subscribers
        total.top_growth += part.top_growth
        total.top_engagement += part.top_engagement
        total.territorial += part.territorial
    for name in LISTS.values():
        setattr(total, name, sorted(getattr(total, name), key=lambda item: (-item[0], item[1]))[:limit])
    total.territorial.sort()
    return total


def dashboard_days_check() -> list[str]:
    """Differences between the stored rows and a recomputation of their units from the pages (empty: agree)."""
    problems = []
    state = AnalyticsState.objects.order_by("pk").first()
    keys = DashboardDay.objects.values_list("day", "include_history", "silent_days").distinct()
    for day, include_history, silent_days in keys:
        if state is None or not latest_answers(day, state):
            problems.append(f"dashboard rows of {day}: the analytics tables no longer hold that day")
            continue
        stored = _stored_by_unit(day, include_history, silent_days)
        expected = dashboard_figures_by_unit(
            scope_paths=None,
            unit_depth=state.depth,
            limit=TOP,
            state=state,
            **dashboard_parameters(day, silent_days, include_history),
        )
        for path, figures in sorted(stored.items()):
            want = expected.get(path, DashboardFigures())
            if figures != want:
                problems.append(f"dashboard {path} {day} history={include_history}: stored {figures}, expected {want}")
    return problems


def _stored_by_unit(day: dt.date, include_history: bool, silent_days: int) -> dict[str, DashboardFigures]:
    rows = DashboardDay.objects.filter(day=day, include_history=include_history, silent_days=silent_days)
    by_unit = {
        path: DashboardFigures(month_from=month_from, **dict(zip(STORED, values, strict=True)))
        for path, month_from, *values in rows.values_list("organisation__path", "month_from", *STORED)
    }
    leaders = DashboardLeader.objects.filter(day=day, include_history=include_history, silent_days=silent_days)
    leaders = leaders.order_by("kind", "pk")
    grouped: dict[str, list[tuple]] = {}
    for path, *row in leaders.values_list("organisation__path", "kind", "score", "page_id"):
        grouped.setdefault(path, []).append(tuple(row))
    for path, figures in by_unit.items():
        _fill_lists(figures, grouped.get(path, []))
    return by_unit
