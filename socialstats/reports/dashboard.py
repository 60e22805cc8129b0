"""The dashboard: the overview cards, leaders, the subscribers-over-time series and the territorial trend."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from types import EllipsisType

from django.db.models import Min, Sum

from orgs.models import Organisation
from unionportal.lib.sql import in_ids

from ..analytics.services import analytics_state
from ..models import AnalyticsState, Snapshot, SocialPage
from .current import dashboard_figures
from .facts import fetch_report, network_names, paths_q, subscribers_on, to_date
from .growth import linear_trend_date
from .rollup import growth_figures, rollup_subscribers_series
from .selectors import pages_by_id
from .summary import TOP, dashboard_figures_stored, dashboard_parameters

STEPLEN = Organisation.steplen


def union_members(scope_paths: Sequence[str] | None) -> int | None:
    """Members of the scope: the top organisations' own figures (the union's total includes its subtree)."""
    roots = Organisation.objects.filter(paths_q(scope_paths))
    top_depth = roots.aggregate(depth=Min("depth"))["depth"]
    if top_depth is None:
        return None
    return roots.filter(depth=top_depth).aggregate(total=Sum("members_count"))["total"]


def subscribers_series(
    *,
    scope_paths: Sequence[str] | None,
    dates: Sequence[dt.date],
    page_ids: Sequence[int] | None = None,
    networks: Sequence[str] = (),
    state: AnalyticsState | EllipsisType | None = ...,
) -> list[tuple[dt.date, int]]:
    """Total subscribers at each date (latest snapshot on or before it).

    One query for all the dates from the analytics tables; one query per date where they cannot answer.
    `state`: the tables' state when the caller has read it."""
    if page_ids is not None:
        state = None
    elif state is ...:
        state = analytics_state()  # read once for the whole series
    if state is not None:
        totals = rollup_subscribers_series(scope_paths=scope_paths, dates=dates, networks=networks, state=state)
        if totals is not None:
            return [(day, totals[day]) for day in dates]
    points = []
    for day in dates:
        if page_ids is not None:
            value = sum(subscribers for subscribers, _date in subscribers_on(page_ids, day).values())
        else:
            raw = growth_figures(scope_paths=scope_paths, a=day, b=day, dimensions=("network",), state=state)
            value = sum(int(record[4] or 0) for record in raw if not networks or record[0] in networks)
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
    month_counted_pages: int  # pages whose start value is recent enough (reports/summary.py RECENT_START_DAYS)
    month_from: dt.date | None  # the earliest start value counted
    include_history: bool
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


def _leaders(top: list[tuple[float, int]], pages: dict[int, SocialPage], networks: dict[str, str]) -> list[Leader]:
    """The leaders' rows; `networks`: `facts.network_names()`, read once for the dashboard's 15 leaders."""
    leaders = []
    for score, page_id in top:
        page = pages[page_id]
        network = networks.get(page.network, page.network)
        leaders.append(Leader(page.display_name, page.organisation.display_name, network, score, page.pk))
    return leaders


def dashboard(
    *,
    scope_paths: Sequence[str] | None,
    today: dt.date,
    target: int,
    silent_days: int,
    include_history: bool = False,
    state: AnalyticsState | EllipsisType | None = ...,
) -> Dashboard:
    """The overview as of `today`: a constant number of queries whatever the number of pages, aggregated in
    SQL. From the stored rows of the rollup units where they answer (reports/summary.py: «today» after the
    nightly run); otherwise in one statement over the pages (reports/current.py): from the latest-value table
    when it holds `today`'s values, from the snapshots otherwise. Only the leaders shown are labelled.

    Networks that are history (models.HISTORY_NETWORKS) are left out unless `include_history`. `state`: the
    analytics tables' state when the caller has read it."""
    if state is ...:
        state = analytics_state()
    parameters = dashboard_parameters(today, silent_days, include_history)
    month_start = parameters["a"]
    figures = dashboard_figures_stored(
        scope_paths=scope_paths, today=today, silent_days=silent_days, include_history=include_history, state=state
    )
    if figures is None:
        figures = dashboard_figures(scope_paths=scope_paths, limit=TOP, state=state, **parameters)
    tops = [figures.top_subscribers, figures.top_growth, figures.top_engagement]
    pages = pages_by_id({page_id for top in tops for _score, page_id in top})
    networks = network_names()
    territorial = figures.territorial
    territorial_average = sum(value for _id, value in territorial) / len(territorial) if territorial else None
    trend = _territorial_trend([page_id for page_id, _value in territorial], today - dt.timedelta(days=90), today)
    return Dashboard(
        today=today,
        month_start=month_start,
        pages=figures.pages,
        subscribers=figures.subscribers,
        month_change=figures.month_change,
        month_counted_pages=figures.month_counted_pages,
        month_from=figures.month_from,
        include_history=include_history,
        average=figures.subscribers / figures.pages if figures.pages else None,
        territorial_pages=figures.territorial_pages,
        territorial_orgs=figures.territorial_orgs,
        primary_pages=figures.primary_pages,
        primary_orgs=figures.primary_orgs,
        youth_pages=figures.youth_pages,
        other_pages=figures.pages - figures.territorial_pages - figures.primary_pages - figures.youth_pages,
        organisations_total=figures.organisations_total,
        organisations_with_pages=figures.organisations_with_pages,
        silent=figures.silent,
        failing=figures.failing,
        leaders_subscribers=_leaders(figures.top_subscribers, pages, networks),
        leaders_growth=_leaders(figures.top_growth, pages, networks),
        leaders_engagement=_leaders(figures.top_engagement, pages, networks),
        target=target,
        territorial_page_average=territorial_average,
        territorial_pages_at_target=sum(1 for _id, value in territorial if value >= target),
        trend_points=trend,
        target_date=linear_trend_date([(day, round(value)) for day, value in trend], target) if trend else None,
    )


# The territorial trend's points: every TREND_STEP days back from the dashboard's date, over 90 days.
TREND_STEP = 7


def _territorial_trend(page_ids: Sequence[int], since: dt.date, until: dt.date) -> list[tuple[dt.date, float]]:
    """Average subscribers per territorial page on `until` and every TREND_STEP days before it down to `since`,
    on those of the days with snapshots: the mean over the pages collected that day. One query of 13 days'
    index probes for those pages (each day of 90 read 7 times as many rows for the same straight line), the
    pages as one array (a few thousand at national scale)."""
    if not page_ids:
        return []
    days = [until - dt.timedelta(days=back) for back in range(0, (until - since).days + 1, TREND_STEP)]
    pages_in, pages_params = in_ids("page_id", page_ids)
    sql = f"""
    SELECT date, SUM(subscribers), COUNT(page_id) FROM {Snapshot._meta.db_table}
    WHERE {pages_in} AND date IN ({", ".join("%s" for _day in days)})
    GROUP BY date ORDER BY date
    """
    rows = fetch_report(sql, [*pages_params, *days])
    return [(to_date(day), total / pages) for day, total, pages in rows]
