"""The report cache: one computation per scope and parameters, shared by every app-server worker.

Django's cache is Redis when REDIS_URL (or the Celery broker) is configured, so the four gunicorn workers
share each entry; without it, each process's memory. Once the analytics tables are built, every key
carries their version (the time of the last `analytics_update`) and the reports' generation (a page or an
organisation saved or deleted: analytics/generation.py): a collection, an import, a correction or an edit
makes new keys, so an entry may live until the next night (REPORT_CACHE_VERSIONED_SECONDS) and is warmed
after the nightly run for the union and each territorial scope. Before that, entries live
REPORT_CACHE_SECONDS. Redis being down costs a computation, never a page.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Sequence
from types import EllipsisType
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from redis.exceptions import RedisError

from orgs.models import Organisation, OrgKind

from ..analytics.generation import reports_generation
from ..analytics.services import analytics_state
from ..models import AnalyticsState
from . import dashboard as overview
from . import paged, selectors
from .growth import preset_period
from .summary import dashboard_days_build

logger = logging.getLogger(__name__)
GROWTH_PER_PAGE = 50  # rows on a page of the growth table
T = TypeVar("T")


def report_cached(
    kind: str,
    scope_paths: Sequence[str] | None,
    parameters: tuple,
    compute: Callable[[], T],
    *,
    state: AnalyticsState | EllipsisType | None = ...,
) -> T:
    """A report's aggregate, shared by everyone with the same scope and parameters (the key holds the scope's
    paths themselves: users with different scopes never share an entry). `state`: the analytics tables' state
    when the caller has read it already (one query less)."""
    if state is ...:
        state = analytics_state()
    seconds = settings.REPORT_CACHE_VERSIONED_SECONDS if state else settings.REPORT_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    version = state.built_at.isoformat() if state else "-"
    scope_key = "*" if scope_paths is None else ",".join(sorted(scope_paths))
    try:
        raw_key = f"{kind}|{version}|{reports_generation()}|{scope_key}|{parameters!r}"
        key = f"socialstats:{kind}:" + hashlib.sha256(raw_key.encode()).hexdigest()
        return cache.get_or_set(key, compute, seconds)
    except RedisError:
        logger.warning("report cache unavailable; computing %s without it", kind)
        return compute()


def growth_report_cached(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: tuple[str, ...] = (),
    grouping: str = "page",
    level: int | None = None,
) -> selectors.GrowthReport:
    state = analytics_state()  # read once for the cache key and the reads
    return report_cached(
        "growth",
        scope_paths,
        (a.isoformat(), b.isoformat(), networks, grouping, level),
        lambda: selectors.growth_report(
            scope_paths=scope_paths, a=a, b=b, networks=networks, grouping=grouping, level=level, state=state
        ),
        state=state,
    )


def growth_page_cached(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: tuple[str, ...] = (),
    grouping: str = "page",
    order: tuple[str, ...] = (),
    offset: int = 0,
    limit: int | None = GROWTH_PER_PAGE,
    state: AnalyticsState | EllipsisType | None = ...,
) -> tuple[paged.GrowthTotals, list]:
    """The totals and one page of rows of the growth table by page or by organisation (sorted in SQL)."""
    if state is ...:
        state = analytics_state()
    return report_cached(
        "growth-page",
        scope_paths,
        (a.isoformat(), b.isoformat(), networks, grouping, order, offset, limit),
        lambda: paged.growth_page(
            scope_paths=scope_paths,
            a=a,
            b=b,
            networks=networks,
            grouping=grouping,
            order=order,
            offset=offset,
            limit=limit,
            state=state,
        ),
        state=state,
    )


def printed_layout_cached(
    *, scope_paths: Sequence[str] | None, a: dt.date, b: dt.date, networks: tuple[str, ...] = ()
) -> selectors.PrintedLayout:
    state = analytics_state()  # read once for the cache key and the reads
    return report_cached(
        "printed",
        scope_paths,
        (a.isoformat(), b.isoformat(), networks),
        lambda: selectors.printed_layout(scope_paths=scope_paths, a=a, b=b, networks=networks, state=state),
        state=state,
    )


def dashboard_cached(
    *,
    scope_paths: Sequence[str] | None,
    on: dt.date,
    include_history: bool = False,
    state: AnalyticsState | EllipsisType | None = ...,
) -> overview.Dashboard:
    target, silent_days = settings.SUBSCRIBER_TARGET_PER_TERRITORIAL_PAGE, settings.SILENT_PAGE_DAYS
    if state is ...:
        state = analytics_state()  # read once for the cache key and the reads
    return report_cached(
        "dashboard",
        scope_paths,
        (on.isoformat(), target, silent_days, include_history),
        lambda: overview.dashboard(
            scope_paths=scope_paths,
            today=on,
            target=target,
            silent_days=silent_days,
            include_history=include_history,
            state=state,
        ),
        state=state,
    )


def reach_cached(*, scope_paths: Sequence[str] | None, on: dt.date) -> list[selectors.ReachRow]:
    """Reach by territorial organisation."""
    state = analytics_state()  # read once for the cache key and the read
    return report_cached(
        "reach",
        scope_paths,
        (on.isoformat(),),
        lambda: selectors.reach_report(scope_paths=scope_paths, on=on, state=state),
        state=state,
    )


def reach_organisations_cached(
    *,
    scope_paths: Sequence[str] | None,
    on: dt.date,
    order: tuple[str, ...] = (),
    offset: int = 0,
    limit: int | None = GROWTH_PER_PAGE,
    state: AnalyticsState | EllipsisType | None = ...,
) -> tuple[int, int, list[selectors.ReachRow]]:
    """Reach by organisation, a page of rows sorted and cut in SQL (growth by organisation with A = B = `on`),
    each with its members: the number of organisations, the subscribers of them all and the rows."""
    if state is ...:
        state = analytics_state()
    totals, rows = growth_page_cached(
        scope_paths=scope_paths, a=on, b=on, grouping="org", order=order, offset=offset, limit=limit, state=state
    )
    return totals.count, totals.total.at_b or 0, selectors.organisations_reach(rows)


def report_cache_warm(*, today: dt.date | None = None) -> int:
    """Store the dashboard's rows of the day (reports/summary.py), then compute the morning's default pages
    (dashboard, growth table, printed layout of this month, reach) for the union and for each territorial
    organisation, so nobody waits for a cold report. Returns the scopes warmed."""
    today = today or timezone.localdate()
    dashboard_days_build(today=today, silent_days=settings.SILENT_PAGE_DAYS)
    a, b = preset_period("this_month", today)
    scopes: list[list[str] | None] = [None]
    scopes += [[path] for path in Organisation.objects.filter(kind=OrgKind.TERRITORIAL).values_list("path", flat=True)]
    for scope_paths in scopes:
        dashboard_cached(scope_paths=scope_paths, on=today)
        growth_page_cached(scope_paths=scope_paths, a=a, b=b)  # the growth page's default: by page, page 1
        printed_layout_cached(scope_paths=scope_paths, a=a, b=b)
        reach_cached(scope_paths=scope_paths, on=today)
    return len(scopes)
