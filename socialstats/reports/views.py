"""Report pages: growth table, printed layout (002), dashboard, silent pages, engagement, reach, charts.

Thin: parse the parameters, resolve the scope through orgs.access (out of scope → 404), call a selector.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs import access
from orgs.models import Organisation
from unionportal.lib.formatting import fmt_date, fmt_int, fmt_pct, fmt_signed
from unionportal.lib.query import paginate_table, query_date, query_id

from ..health import networks_not_answering
from ..models import CURRENT_NETWORKS, HISTORY_NETWORKS, Network, SocialPage
from . import charts, selectors
from . import dashboard as overview
from .cache import dashboard_cached, growth_report_cached, printed_layout_cached, report_cached
from .exports import export_rows, to_csv, to_xlsx
from .filters import GrowthForm, PeriodForm
from .growth import ownership_sentence, preset_period
from .tables import GrowthTable, growth_cells


def _scope(request: HttpRequest, scope_id: int | None) -> tuple[list[str] | None, Organisation | None]:
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
        .only("pk", "name", "short_name", "path", "depth")
    )
    top = min((organisation.depth for organisation in organisations), default=1)
    return [(org.pk, "\u2003" * (org.depth - top) + org.display_name) for org in organisations]


def _period_form(request: HttpRequest, form_class=PeriodForm):
    form = form_class(request.GET or None)
    if not request.GET:
        a, b = preset_period("this_month", timezone.localdate())
        form = form_class({"a": f"{a:%d.%m.%Y}", "b": f"{b:%d.%m.%Y}"})
    return form


@login_required
def growth_table(request: HttpRequest) -> HttpResponse:
    form = _period_form(request, GrowthForm)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        scope_paths, scope = _scope(request, data.get("scope"))
        grouping = data.get("grouping") or "page"
        networks = tuple(sorted(data.get("networks") or ()))
        report = growth_report_cached(
            scope_paths=scope_paths,
            a=data["a"],
            b=data["b"],
            networks=networks,
            grouping=grouping,
            level=data.get("level"),
        )
        export_format = request.GET.get("format", "")
        if export_format in ("csv", "xlsx"):
            return _export(report, scope, export_format)
        table = GrowthTable([growth_cells(row) for row in report.rows], grouping=grouping)
        paginate_table(request, table, per_page=50)
        context.update(
            report=report,
            table=table,
            visible={column.name for column in table.columns},
            scope=scope,
            scope_choices=_scope_choices(request, report.level),
            summary=[_summary(row) for row in [*report.subtotals, report.total]],
            query=request.GET.urlencode(),
        )
    return render(request, "socialstats/growth_table.html", context)


def _summary(row) -> dict:
    values = row.as_dict()
    values.update(
        at_a_text=fmt_int(row.at_a),
        at_b_text=fmt_int(row.at_b),
        change_text=fmt_signed(row.change),
        change_pct_text=fmt_pct(row.change_pct),
    )
    return values


def _export(report: selectors.GrowthReport, scope: Organisation | None, export_format: str) -> HttpResponse:
    title = _("Growth of subscribers %(scope)s: %(a)s → %(b)s") % {
        "scope": scope.display_name if scope else "",
        "a": fmt_date(report.a),
        "b": fmt_date(report.b),
    }
    cells = export_rows(report.rows, [*report.subtotals, report.total])
    name = f"growth-{report.a:%Y%m%d}-{report.b:%Y%m%d}.{export_format}"
    if export_format == "csv":
        response = HttpResponse(to_csv(cells, title), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            to_xlsx(cells, title), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def growth_printed(request: HttpRequest) -> HttpResponse:
    """The 002 document's table, laid out for printing."""
    form = _period_form(request)
    context: dict[str, object] = {"form": form}
    if form.is_valid():
        data = form.cleaned_data
        scope_paths, scope = _scope(request, data.get("scope"))
        networks = tuple(sorted(data.get("networks") or ()))
        layout = printed_layout_cached(scope_paths=scope_paths, a=data["a"], b=data["b"], networks=networks)
        for row in layout.rows:  # (network label, cell): the label names the cell on a phone's card
            row.printed_cells = [(label, _cell(row.cells.get(value), value)) for value, label in layout.networks]
        layout.printed_totals = [(label, _cell(layout.totals[value], value)) for value, label in layout.networks]
        context.update(layout=layout, scope=scope)
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
    scope_paths, scope = _scope(request, _int(request.GET.get("scope")))
    on = _date(request.GET.get("on")) or timezone.localdate()
    include_history = request.GET.get("history") == "1"
    summary = dashboard_cached(scope_paths=scope_paths, on=on, include_history=include_history)
    series = report_cached(
        "dashboard-series",
        scope_paths,
        (on.isoformat(), include_history),
        lambda: overview.subscribers_series(
            scope_paths=scope_paths,
            dates=_series_dates(on, months=6),  # one query per date: half a year here, a year on «Charts»
            networks=() if include_history else CURRENT_NETWORKS,
        ),
    )
    trend_chart = (
        charts.render(
            charts.subscribers_over_time(
                [(day, round(value)) for day, value in summary.trend_points],
                title=_("Average subscribers per territorial page, last 90 days"),
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
def silent_pages(request: HttpRequest) -> HttpResponse:
    scope_paths, scope = _scope(request, _int(request.GET.get("scope")))
    days = settings.SILENT_PAGE_DAYS
    groups, failing = selectors.silent_pages(scope_paths=scope_paths, today=timezone.localdate(), days=days)
    return render(
        request,
        "socialstats/silent_pages.html",
        {"groups": groups, "failing": failing, "days": days, "scope": scope},
    )


@login_required
def engagement(request: HttpRequest) -> HttpResponse:
    scope_paths, scope = _scope(request, _int(request.GET.get("scope")))
    rows, averages = selectors.engagement_report(scope_paths=scope_paths, on=timezone.localdate())
    rows.sort(key=lambda row: -(row.fact.engagement or -1))
    scatter = [
        (row.page.display_name, row.fact.at_b, row.fact.engagement)
        for row in rows
        if row.fact.engagement is not None and row.fact.at_b
    ]
    chart = (
        charts.render(charts.engagement_scatter(scatter, title=_("Engagement against subscribers"))) if scatter else ""
    )
    page_rows = [
        {
            "title": row.page.display_name,
            "network": row.page.get_network_display(),
            "organisation": row.page.organisation.display_name,
            "subscribers": fmt_int(row.fact.at_b),
            "engagement": fmt_pct(row.fact.engagement, signed=False) or "—",
            "by_views": fmt_pct(row.fact.engagement_by_views, signed=False) or "—",
            "posts_30d": "—" if row.fact.posts_30d is None else row.fact.posts_30d,
            "last_post": fmt_date(timezone.localdate(row.fact.last_post_at)) if row.fact.last_post_at else "—",
        }
        for row in rows
    ]
    org_rows = [
        {
            "label": item.label,
            "pages": item.pages,
            "subscribers_text": fmt_int(item.subscribers),
            "engagement_text": fmt_pct(item.engagement, signed=False) or "—",
            "by_views_text": fmt_pct(item.engagement_by_views, signed=False) or "—",
            "posts_text": "—" if item.posts_30d is None else f"{item.posts_30d:.1f}".replace(".", ","),
        }
        for item in averages
    ]
    return render(
        request,
        "socialstats/engagement.html",
        {"rows": page_rows, "averages": org_rows, "scope": scope, "chart": chart},
    )


@login_required
def reach(request: HttpRequest) -> HttpResponse:
    scope_paths, scope = _scope(request, _int(request.GET.get("scope")))
    grouping = "org" if request.GET.get("grouping") == "org" else "territorial"
    today = timezone.localdate()
    rows = selectors.reach_report(scope_paths=scope_paths, on=today, grouping=grouping)
    members = overview.union_members(scope_paths)
    subscribers = sum(row.subscribers for row in rows)
    total = selectors.ReachRow(_("All together"), subscribers, members)
    return render(
        request,
        "socialstats/engagement_reach.html",
        {
            "rows": [_reach(row) for row in rows],
            "total": _reach(total),
            "scope": scope,
            "grouping": grouping,
            "today": today,
        },
    )


def _reach(row: selectors.ReachRow) -> dict:
    return {
        "label": row.label,
        "subscribers": fmt_int(row.subscribers),
        "members": fmt_int(row.members) or "—",
        "reach": fmt_pct(row.reach, signed=False) or "—",
    }


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
        scope_paths, scope = _scope(request, data.get("scope"))
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
