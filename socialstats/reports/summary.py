"""The dashboard's stored figures: `DashboardDay`, one row per rollup unit and day (docs/analytics.md).

A unit is an organisation at the rollup depth (AnalyticsState.depth, the deepest territorial level). Every
organisation below it is in exactly one unit, so a scope's figures are:
- the sums of its units' stored figures. Counts of distinct organisations add up too, because no
  organisation is in two units;
- the best of the units' top lists;
- plus the pages and active organisations above the units (the union's and the federation's own, a few),
  read in the request with the scope's failing pages (index reads).

`dashboard_days_build` stores the rows of today (and of the last collected day, when earlier) after the
nightly run (reports/cache.py). Anything that changes
what a unit counts deletes its rows (analytics.services.dashboard_days_forget): a snapshot written, a page
saved or deleted, an organisation saved or moved. Until the next build the dashboard computes such units from
the pages in the request (at most MISSING_MAX of them; past that, the whole scope as before).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import transaction
from django.db.models import Q

from orgs.models import Organisation

from ..models import CURRENT_NETWORKS, AnalyticsState, DashboardDay
from .current import DashboardFigures, dashboard_figures, dashboard_figures_by_unit, latest_answers
from .facts import silent_before

STEPLEN = Organisation.steplen
# A page's growth this month counts only when its start value was measured at most this long before the
# month began; an older value would pass years of growth off as this month's.
RECENT_START_DAYS = 31
# Units whose rows are gone, computed from the pages in the request; more than this: the whole scope.
MISSING_MAX = 50
TOP = 5  # the dashboard's top lists
# DashboardFigures' integer fields: summed over the units.
SUMMED = tuple(item.name for item in dataclasses.fields(DashboardFigures) if item.type in ("int", int))


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
        rows = []
        for day in days:
            for include_history in (False, True):
                by_unit = dashboard_figures_by_unit(
                    scope_paths=None,
                    unit_depth=state.depth,
                    limit=TOP,
                    state=state,
                    **dashboard_parameters(day, silent_days, include_history),
                )
                rows += [
                    DashboardDay(
                        organisation_id=pk,
                        day=day,
                        include_history=include_history,
                        silent_days=silent_days,
                        figures=_dump(by_unit.get(path, DashboardFigures())),
                    )
                    for pk, path in units
                ]
        DashboardDay.objects.all().delete()
        DashboardDay.objects.bulk_create(rows, batch_size=2000)
    return len(units) if days else 0


def dashboard_figures_stored(
    *,
    scope_paths: Sequence[str] | None,
    today: dt.date,
    silent_days: int,
    include_history: bool,
    state: AnalyticsState | None,
) -> DashboardFigures | None:
    """The dashboard's figures from the stored rows (see the module), or None when they cannot answer: no rows
    for `today` (or PageLatest does not hold it), a scope below the units, or more than MISSING_MAX units
    without a row."""
    if state is None or not latest_answers(today, state) or scope_paths == []:
        return None
    length = state.depth * STEPLEN
    if scope_paths is not None and any(len(path) > length for path in scope_paths):
        return None
    units_in_scope, rows_in_scope = Q(), Q()
    for path in scope_paths or ():
        units_in_scope |= Q(path__startswith=path)
        rows_in_scope |= Q(organisation__path__startswith=path)
    units = set(Organisation.objects.filter(units_in_scope, depth=state.depth).values_list("path", flat=True))
    rows = DashboardDay.objects.filter(
        rows_in_scope,
        day=today,
        include_history=include_history,
        silent_days=silent_days,
        organisation__depth=state.depth,
    )
    stored = dict(rows.values_list("organisation__path", "figures"))
    missing = sorted(units - set(stored))
    if len(missing) > MISSING_MAX:
        return None
    parameters = dashboard_parameters(today, silent_days, include_history)
    parts = [_load(figures) for figures in stored.values()]
    if missing:
        computed = dashboard_figures_by_unit(
            scope_paths=missing, unit_depth=state.depth, limit=TOP, state=state, **parameters
        )
        parts += computed.values()
    # The pages above the units, and the organisations and failing pages of the whole scope.
    upper = dashboard_figures(scope_paths=scope_paths, above_depth=state.depth, limit=TOP, state=state, **parameters)
    return merge([upper, *parts])


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
    for name in ("top_subscribers", "top_growth", "top_engagement"):
        setattr(total, name, sorted(getattr(total, name), key=lambda item: (-item[0], item[1]))[:limit])
    total.territorial.sort()
    return total


def dashboard_days_check() -> list[str]:
    """Differences between the stored rows and a recomputation of their units from the pages (empty: agree)."""
    problems = []
    keys = DashboardDay.objects.values_list("day", "include_history", "silent_days").distinct()
    for day, include_history, silent_days in keys:
        rows = DashboardDay.objects.filter(day=day, include_history=include_history, silent_days=silent_days)
        stored = {path: _load(figures) for path, figures in rows.values_list("organisation__path", "figures")}
        state = AnalyticsState.objects.order_by("pk").first()
        if state is None or not latest_answers(day, state):
            problems.append(f"dashboard rows of {day}: the analytics tables no longer hold that day")
            continue
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


def _dump(figures: DashboardFigures) -> dict:
    data = dataclasses.asdict(figures)
    data["month_from"] = figures.month_from.isoformat() if figures.month_from else None
    return data


def _load(data: dict) -> DashboardFigures:
    figures = DashboardFigures(**data)
    figures.month_from = dt.date.fromisoformat(data["month_from"]) if data["month_from"] else None
    figures.top_subscribers = [(int(score), int(page)) for score, page in data["top_subscribers"]]
    figures.top_growth = [(int(score), int(page)) for score, page in data["top_growth"]]
    figures.top_engagement = [(float(score), int(page)) for score, page in data["top_engagement"]]
    figures.territorial = [(int(page), int(value)) for page, value in data["territorial"]]
    return figures
