"""Report pages: growth table, printed layout (002), dashboard, silent pages, engagement, reach, charts.

Thin: parse the parameters, resolve the scope through orgs.access (out of scope → 404), call a selector.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from orgs import access
from orgs.models import Organisation
from unionportal.lib.export import FORMATS, Sheet, export_response
from unionportal.lib.formatting import fmt_date, fmt_int, fmt_pct, fmt_signed
from unionportal.lib.query import paginate_table, query_date, query_id, query_int

from ..analytics.services import analytics_state
from ..health import networks_not_answering
from ..models import CURRENT_NETWORKS, HISTORY_NETWORKS, Network, SocialPage
from . import audience, charts, exports, selectors
from . import dashboard as overview
from .cache import (
    GROWTH_PER_PAGE,
    dashboard_cached,
    growth_page_cached,
    growth_report_cached,
    printed_layout_cached,
    reach_cached,
    reach_organisations_cached,
    report_cached,
)
from .facts import territorial_depth
from .filters import GrowthPageForm, PeriodForm
from .growth import GrowthRow, ownership_sentence, preset_period
from .paged import PAGED_GROUPINGS, growth_page
from .sql_data import SqlGrowthData, requested_slice, sql_table
from .tables import (
    GrowthTable,
    ReachTable,
    TransitionTable,
    growth_cells,
    printed_cells_html,
    reach_cells,
    transition_cells,
)


def report_scope(request: HttpRequest, scope_id: int | None) -> tuple[list[str] | None, Organisation | None]:
    """Subtree roots of the report: the asked organisation (404 outside the user's scope) or the user's own."""
    if scope_id:
        organisation = access.get_viewable_organisation_or_404(request.user, scope_id)
        return [organisation.path], organisation
    paths = access.scope_paths(request.user)
    if paths is not None and len(paths) == 1:
        return paths, Organisation.objects.filter(path=paths[0]).first()
    return paths, None


def _scope_choices(request: HttpRequest, level: int) -> list[tuple[int, str]]:
    """Organisations offered as the report's scope: those down to the territorial level (one query)."""
    organisations = list(
        access.viewable_organisations(request.user)
        .filter(depth__lte=level)
        .order_by("path")
        .values_list("pk", "depth", "short_name", "name")
    )
    top = min((depth for _pk, depth, _short, _name in organisations), default=1)
    # short name or name: Organisation.display_name
    return [(pk, "\u2003" * (depth - top) + (short or name)) for pk, depth, short, name in organisations]


def table_headers(table) -> dict[str, str]:
    """Each column's header once, translated: a BoundColumn works its header out again at every lookup, and a
    lazy header is translated again at every use (per row and cell in the template otherwise)."""
    return {column.name: str(column.header) for column in table.columns}


def _period_form(request: HttpRequest, form_class=PeriodForm):
    """The period form of the address; with neither dates nor a preset (the menu's link, or a link that names
    only the view or the rows), this month's dates, shown in the fields the report uses."""
    data = request.GET.copy()
    if not (data.get("a") or data.get("b") or data.get("preset")):
        a, b = preset_period("this_month", timezone.localdate())
        data["a"], data["b"] = f"{a:%d.%m.%Y}", f"{b:%d.%m.%Y}"
    return form_class(data)


@login_required
def growth_table(request: HttpRequest) -> HttpResponse:
    form = _period_form(request, GrowthPageForm)
    context: dict[str, object] = {"form": form}
    if form.is_valid() and form.cleaned_data.get("view") == "transition":
        return _transition(request, form)
    if form.is_valid():
        data = form.cleaned_data
        scope_paths, scope = report_scope(request, data.get("scope"))
        grouping = data.get("grouping") or "page"
        networks = tuple(sorted(data.get("networks") or ()))
        if grouping in PAGED_GROUPINGS:
            return _paged_growth(request, context, scope_paths, scope, grouping, networks)
        report = growth_report_cached(
            scope_paths=scope_paths,
            a=data["a"],
            b=data["b"],
            networks=networks,
            grouping=grouping,
            level=data.get("level"),
        )
        if fmt := export_format(request):
            name = exports.period_name("Прирост подписчиков", _scope_name(scope), report.a, report.b)
            return export_response([exports.growth_sheet(report)], fmt=fmt, name=name)
        # Sorted on the numbers; only the page of rows shown gets its formatted cells.
        table = GrowthTable([{**row.as_dict(), "row": row} for row in report.rows], grouping=grouping)
        paginate_table(request, table, per_page=50)
        for bound in table.page.object_list:
            bound.record.update(growth_cells(bound.record["row"]))
        context.update(
            report=report,
            table=table,
            visible={column.name for column in table.columns},
            headers=table_headers(table),
            scope=scope,
            scope_choices=_scope_choices(request, report.level),
            summary=[_summary(row) for row in [*report.subtotals, report.total]],
            query=export_query(request),
        )
    return render(request, "socialstats/growth_table.html", context)


def _paged_growth(
    request: HttpRequest,
    context: dict,
    scope_paths: list[str] | None,
    scope: Organisation | None,
    grouping: str,
    networks: tuple[str, ...],
) -> HttpResponse:
    """Growth by page or by organisation: the database sorts and cuts the page of rows and sums the totals in
    one statement (reports/paged.py); the export holds every row in the same order."""
    data = context["form"].cleaned_data
    a, b = data["a"], data["b"]
    state = analytics_state()  # read once for the cache keys and the reads
    common = {"scope_paths": scope_paths, "a": a, "b": b, "networks": networks, "grouping": grouping}

    def fetch(order: list[str], offset: int, limit: int | None) -> list[GrowthRow]:
        """Another page than the one asked for (a page number past the end shows the last one)."""
        return growth_page_cached(**common, order=tuple(order), offset=offset, limit=limit, state=state)[1]

    rows_data = SqlGrowthData(fetch=fetch, cells=growth_cells)
    table = GrowthTable(rows_data, grouping=grouping)
    RequestConfig(request, paginate=False).configure(table)  # the order asked (no query)
    order = tuple(rows_data.order)
    fmt = export_format(request)
    if fmt:
        totals, rows = growth_page(**common, order=order, limit=None, state=state)
    else:
        offset, per_page = requested_slice(
            request,
            default=GROWTH_PER_PAGE,
            per_page_field=table.prefixed_per_page_field,
            page_field=table.prefixed_page_field,
        )
        totals, rows = growth_page_cached(**common, order=order, offset=offset, limit=per_page, state=state)
        rows_data.prefetched(count=totals.count, order=order, offset=offset, rows=rows)
        paginate_table(request, table, per_page=GROWTH_PER_PAGE)
    level = territorial_depth(scope_paths)
    report = selectors.GrowthReport(a, b, grouping, rows if fmt else [], totals.subtotals, totals.total, level)
    if fmt:
        name = exports.period_name("Прирост подписчиков", _scope_name(scope), a, b)
        return export_response([exports.growth_sheet(report)], fmt=fmt, name=name)
    context.update(
        report=report,
        table=table,
        visible={column.name for column in table.columns},
        headers=table_headers(table),
        scope=scope,
        scope_choices=_scope_choices(request, level),
        summary=[_summary(row) for row in [*report.subtotals, report.total]],
        query=export_query(request),
    )
    return render(request, "socialstats/growth_table.html", context)


# The move view's sortable columns (TransitionTable's order_by names).
TRANSITION_SORT = ("label", "change", *(f"d_{network}" for network in Network.values))


def _transition(request: HttpRequest, form: GrowthPageForm) -> HttpResponse:
    """The growth table's «move» view: each organisation's change per network from A to B in one row; the
    database sorts and cuts the page of rows and sums the total (reports/paged.py); the export holds every row
    in the same order."""
    data = form.cleaned_data
    scope_paths, scope = report_scope(request, data.get("scope"))
    networks = tuple(sorted(data.get("networks") or ()))
    state = analytics_state()  # read once for the cache keys and the reads
    common = {"scope_paths": scope_paths, "a": data["a"], "b": data["b"], "networks": networks, "state": state}

    def read(order: tuple[str, ...], offset: int, limit: int | None) -> tuple[audience.TransitionReport, int]:
        return report_cached(
            "transition",
            scope_paths,
            (data["a"].isoformat(), data["b"].isoformat(), networks, order, offset, limit),
            lambda: audience.transition_page(**common, order=order, offset=offset, limit=limit),
            state=state,
        )

    # The order the table will apply (its columns depend on the networks the read finds): the address's.
    order = tuple(alias for alias in request.GET.get("sort", "").split(",") if alias.lstrip("-") in TRANSITION_SORT)
    if fmt := export_format(request):
        report, _count = read(order, 0, None)
        name = exports.period_name("Переход между сетями", _scope_name(scope), report.a, report.b)
        return export_response([exports.transition_sheet(report)], fmt=fmt, name=name)
    offset, per_page = requested_slice(request, default=GROWTH_PER_PAGE)
    report, count = read(order, offset, per_page)
    columns = report.networks

    def fetch(other: list[str], other_offset: int, limit: int | None) -> list[audience.TransitionRow]:
        """Another page than the one asked for (a page number past the end shows the last one)."""
        return read(tuple(other), other_offset, limit)[0].rows

    rows = SqlGrowthData(fetch=fetch, cells=lambda row: transition_cells(row, columns))
    table = TransitionTable(rows, networks=columns)
    RequestConfig(request, paginate=False).configure(table)  # the order asked (no query)
    rows.prefetched(count=count, order=order, offset=offset, rows=report.rows)
    paginate_table(request, table, per_page=GROWTH_PER_PAGE)
    header = [_("Organisation"), *(audience.network_label(network) for network in columns), _("Total")]
    return render(
        request,
        "socialstats/growth_table.html",
        {
            "form": form,
            "transition": report,
            "table": table,
            "headers": table_headers(table),
            "header": header,
            "total": transition_cells(report.total, columns),
            "scope": scope,
            "scope_choices": _scope_choices(request, territorial_depth(scope_paths)),
            "query": request.GET.urlencode(),
        },
    )


def _summary(row) -> dict:
    values = row.as_dict()
    values.update(
        at_a_text=fmt_int(row.at_a),
        at_b_text=fmt_int(row.at_b),
        change_text=fmt_signed(row.change),
        change_pct_text=fmt_pct(row.change_pct),
    )
    return values


def export_format(request: HttpRequest) -> str | None:
    """`?format=xlsx` or `?format=csv`: the page's tables as a file instead of the page."""
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def export_query(request: HttpRequest) -> str:
    """The page's parameters for its export links (without a previous format or page number)."""
    query = request.GET.copy()
    for key in ("format", "page"):
        query.pop(key, None)
    return query.urlencode()


def _scope_name(scope: Organisation | None) -> str:
    return scope.display_name if scope else ""


def download_sheets(request: HttpRequest, sheets: list[Sheet], title: str, scope, on: dt.date) -> HttpResponse:
    fmt = export_format(request) or "xlsx"
    return export_response(sheets, fmt=fmt, name=exports.period_name(title, _scope_name(scope), on))


@login_required
def growth_printed(request: HttpRequest) -> HttpResponse:
    """The 002 document's table, laid out for printing."""
    form = _period_form(request)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        scope_paths, scope = report_scope(request, data.get("scope"))
        networks = tuple(sorted(data.get("networks") or ()))
        layout = printed_layout_cached(scope_paths=scope_paths, a=data["a"], b=data["b"], networks=networks)
        if fmt := export_format(request):
            title = "Подписчики по территориальным организациям"
            name = exports.period_name(title, _scope_name(scope), layout.a, layout.b)
            return export_response([exports.printed_sheet(layout)], fmt=fmt, name=name)
        printed_cells_html(layout.rows, layout.networks, a=layout.a, b=layout.b)
        layout.printed_totals = [(label, _cell(layout.totals[value], value)) for value, label in layout.networks]
        context.update(layout=layout, scope=scope, query=export_query(request))
    return render(request, "socialstats/growth_printed.html", context)


def _cell(row, network: str) -> dict | None:
    if row is None:
        return None
    values = _summary(row)
    values["network"] = network
    return values


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The overview: union-wide for information staff and the presidium, the user's own scope for others."""
    scope_paths, scope = report_scope(request, _int(request.GET.get("scope")))
    on = _date(request.GET.get("on")) or timezone.localdate()
    include_history = request.GET.get("history") == "1"
    state = analytics_state()  # read once for the cache keys and the reads
    summary = dashboard_cached(scope_paths=scope_paths, on=on, include_history=include_history, state=state)
    series = report_cached(
        "dashboard-series",
        scope_paths,
        (on.isoformat(), include_history),
        lambda: overview.subscribers_series(
            scope_paths=scope_paths,
            dates=_series_dates(on, months=6),  # one query per date: half a year here, a year on «Charts»
            networks=() if include_history else CURRENT_NETWORKS,
            state=state,
        ),
        state=state,
    )
    if export_format(request):
        history = ", ".join(str(Network(network).label) for network in HISTORY_NETWORKS)
        sheets = exports.dashboard_sheets(summary, series=series, history_networks=history)
        return download_sheets(request, sheets, "Обзор соцсетей", scope, on)
    trend_chart = (
        charts.render(
            charts.subscribers_over_time(
                [(day, round(value)) for day, value in summary.trend_points],
                title=_("Average subscribers per territorial page, last 90 days, weekly"),
            )
        )
        if summary.trend_points
        else ""
    )
    values = {
        "pages": fmt_int(summary.pages),
        "subscribers": fmt_int(summary.subscribers),
        "average": fmt_int(round(summary.average)) if summary.average is not None else "—",
        "month_change": fmt_signed(summary.month_change),
        "share_with_pages": fmt_pct(summary.share_with_pages, signed=False) or "—",
        "target": fmt_int(summary.target),
        "territorial_page_average": fmt_int(round(summary.territorial_page_average))
        if summary.territorial_page_average is not None
        else "—",
    }
    sentence = ownership_sentence(
        pages=summary.pages,
        territorial_pages=summary.territorial_pages,
        territorial_orgs=summary.territorial_orgs,
        primary_pages=summary.primary_pages,
        primary_orgs=summary.primary_orgs,
        youth_pages=summary.youth_pages,
    )
    boards = [
        (_("Most subscribers"), [_leader(item, fmt_int(int(item.value))) for item in summary.leaders_subscribers]),
        (_("Most growth this month"), [_leader(item, fmt_signed(int(item.value))) for item in summary.leaders_growth]),
        (
            _("Highest engagement"),
            [_leader(leader, fmt_pct(leader.value, signed=False)) for leader in summary.leaders_engagement],
        ),
    ]
    trend_rows = [(fmt_date(day), fmt_int(round(value))) for day, value in summary.trend_points]
    return render(
        request,
        "socialstats/dashboard.html",
        {
            "d": summary,
            "v": values,
            "sentence": sentence,
            "boards": boards,
            "scope": scope,
            "trend_chart": trend_chart,
            "trend_rows": trend_rows,
            "not_answering": networks_not_answering(),
            "on": on,
            "include_history": include_history,
            "history_networks": ", ".join(str(Network(network).label) for network in HISTORY_NETWORKS),
            "series_chart": charts.render(
                charts.subscribers_over_time(series, title=_("Subscribers over the last 6 months"))
            )
            if any(value for _day, value in series)
            else "",
            "series_rows": [(fmt_date(day), fmt_int(value)) for day, value in series],
            "query": export_query(request),
        },
    )


def _leader(leader: overview.Leader, text: str) -> dict:
    return {
        "label": leader.label,
        "organisation": leader.organisation,
        "network": leader.network,
        "text": text,
        "page_id": leader.page_id,
    }


def _date(value: str | None) -> dt.date | None:
    """An optional «as of» date (31.12.2017 or 2017-12-31); anything else means today."""
    return query_date(value)


def _int(value: str | None) -> int | None:
    return query_id(value)


@login_required
def reach(request: HttpRequest) -> HttpResponse:
    """Reach by territorial organisation (a few hundred rows, sorted on every column) or by organisation
    (thousands: sorted by the name or the subscribers and cut in SQL; the export holds every row in that order)."""
    scope_paths, scope = report_scope(request, _int(request.GET.get("scope")))
    grouping = "org" if request.GET.get("grouping") == "org" else "territorial"
    today = timezone.localdate()
    members = overview.union_members(scope_paths)
    fmt = export_format(request)
    if grouping == "org":
        state = analytics_state()  # read once for the cache keys and the reads
        common = {"scope_paths": scope_paths, "on": today, "state": state}

        def fetch(order, offset: int, limit: int | None) -> list[selectors.ReachRow]:
            """Another page than the one asked for (a page number past the end shows the last one)."""
            return reach_organisations_cached(**common, order=tuple(order), offset=offset, limit=limit)[2]

        data, table, order, offset, per_page = sql_table(
            request, ReachTable, fetch=fetch, cells=reach_cells, by_organisation=True
        )
        if fmt:
            _count, subscribers, rows = reach_organisations_cached(**common, order=order, limit=None)
        else:
            count, subscribers, rows = reach_organisations_cached(**common, order=order, offset=offset, limit=per_page)
            data.prefetched(count=count, order=order, offset=offset, rows=rows)
            paginate_table(request, table, per_page=50)
    else:
        rows = reach_cached(scope_paths=scope_paths, on=today)
        subscribers = sum(row.subscribers for row in rows)
        table = ReachTable([reach_cells(row) for row in rows])
        if fmt:  # every row in the page's order
            RequestConfig(request, paginate=False).configure(table)
            rows = [bound.record["row"] for bound in table.rows]
        else:
            paginate_table(request, table, per_page=50)
    total = selectors.ReachRow(_("All together"), subscribers, members)
    if fmt:
        return download_sheets(request, [exports.reach_sheet(rows, total, on=today)], "Охват", scope, today)
    return render(
        request,
        "socialstats/engagement_reach.html",
        {
            "table": table,
            "headers": table_headers(table),
            "rows": [row.record for row in table.page.object_list],  # the page's cells, formatted once
            "total": reach_cells(total),
            "scope": scope,
            "grouping": grouping,
            "today": today,
            "query": export_query(request),
        },
    )


def _series_dates(today: dt.date, months: int = 12) -> Sequence[dt.date]:
    dates = []
    month_end = today.replace(day=1) - dt.timedelta(days=1)
    for _step in range(months):
        dates.append(month_end)
        month_end = month_end.replace(day=1) - dt.timedelta(days=1)
    return [*reversed(dates), today]


@login_required
def growth_charts(request: HttpRequest) -> HttpResponse:
    """Subscribers over time (a page, or an organisation's subtree) and growth per territorial organisation."""
    form = _period_form(request)
    context: dict[str, object] = {"form": form}
    page_id = _int(request.GET.get("page"))
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        scope_paths, scope = report_scope(request, data.get("scope"))
        page = None
        if page_id:
            page = get_object_or_404(
                SocialPage.objects.filter(access.path_filter(request.user)).select_related("organisation"),
                pk=page_id,
            )
        series = overview.subscribers_series(
            scope_paths=scope_paths, dates=_series_dates(today), page_ids=[page.pk] if page else None
        )
        title = (
            _("Subscribers of %(name)s") % {"name": page.display_name}
            if page
            else _("Subscribers of %(name)s") % {"name": scope.display_name if scope else _("all organisations")}
        )
        rollup = selectors.growth_rows(scope_paths=scope_paths, a=data["a"], b=data["b"], grouping="territorial")
        bars = [(row.label, row.change) for row in rollup]
        context.update(
            scope=scope,
            page=page,
            series_rows=[(fmt_date(day), fmt_int(value)) for day, value in series],
            series_chart=charts.render(charts.subscribers_over_time(series, title=title)),
            rollup_rows=[_summary(row) for row in rollup],
            bars_chart=charts.render(
                charts.growth_bars(
                    bars,
                    title=_("Growth per territorial organisation, %(a)s → %(b)s")
                    % {"a": fmt_date(data["a"]), "b": fmt_date(data["b"])},
                )
            )
            if bars
            else "",
        )
    return render(request, "socialstats/growth_charts.html", context)


AUDIENCE_MONTHS = (6, 12, 24, 36)


@login_required
def audience_moves(request: HttpRequest) -> HttpResponse:
    """Where the audience moved: subscribers by network at month ends, stacked, for an organisation's subtree."""
    scope_paths, scope = report_scope(request, _int(request.GET.get("scope")))
    months = query_int(request.GET.get("months"))
    months = months if months in AUDIENCE_MONTHS else 12
    today = _date(request.GET.get("on")) or timezone.localdate()
    dates = _series_dates(today, months)
    report = report_cached(
        "audience",
        scope_paths,
        tuple(day.isoformat() for day in dates),
        lambda: audience.audience_by_network(scope_paths=scope_paths, dates=dates),
    )
    labels = [audience.network_label(network) for network in report.networks]
    name = scope.display_name if scope else _("all organisations")
    if export_format(request):
        return download_sheets(request, [exports.audience_sheet(report)], "Подписчики по сетям", scope, today)
    chart = ""
    if any(report.totals):
        chart = charts.render(
            charts.audience_stacked(
                report.dates,
                [
                    (network, label, report.values[network])
                    for network, label in zip(report.networks, labels, strict=True)
                ],
                title=_("Subscribers by network: %(name)s") % {"name": name},
            )
        )
    choices = _scope_choices(request, territorial_depth(access.scope_paths(request.user)))
    if scope and scope.pk not in {pk for pk, _label in choices}:
        choices.append((scope.pk, scope.display_name))
    rows = [
        {
            "date": fmt_date(day),
            "cells": [fmt_int(report.values[network][index]) for network in report.networks],
            "total": fmt_int(report.totals[index]),
        }
        for index, day in enumerate(report.dates)
    ]
    return render(
        request,
        "socialstats/audience.html",
        {
            "report": report,
            "columns": [
                {"label": label, "history": network in HISTORY_NETWORKS}
                for network, label in zip(report.networks, labels, strict=True)
            ],
            "rows": rows,
            "changes": [fmt_signed(report.change(network)) for network in report.networks],
            "total_change": fmt_signed(report.change()),
            "chart": chart,
            "scope": scope,
            "scope_choices": choices,
            "months": months,
            "month_choices": AUDIENCE_MONTHS,
            "on_text": fmt_date(today) if request.GET.get("on") else "",
            "query": request.GET.urlencode(),
        },
    )
