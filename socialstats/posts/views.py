"""The posts reports: top posts, best hours (heat map), posting frequency, content kinds, and a page's screen.

Thin: parse the form, resolve the scope through orgs.access (out of scope → 404), call a selector, render or
export. See docs/posts.md «Reports».
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from orgs import access
from orgs.models import Organisation
from unionportal.lib import charts as lib_charts
from unionportal.lib.export import FORMATS, Sheet, export_response
from unionportal.lib.formatting import fmt_date, fmt_int, fmt_pct
from unionportal.lib.query import paginate_table, query_id

from ..models import SocialPage
from ..registry.selectors import viewable_pages
from ..reports import charts as report_charts
from ..reports.facts import territorial_depth
from . import charts, exports, selectors
from .forms import DEFAULT_DAYS, PostsForm
from .tables import FrequencyTable, PostTable


def _weekdays() -> list[str]:
    names = (_("Monday"), _("Tuesday"), _("Wednesday"), _("Thursday"), _("Friday"), _("Saturday"), _("Sunday"))
    return list(names)


def _export_format(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format", "")
    return fmt if fmt in FORMATS else None


def _export_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    for key in ("format", "page"):
        query.pop(key, None)
    return query.urlencode()


def _file_name(title: str, scope: Organisation | None, query: selectors.PostQuery) -> str:
    parts = [title, scope.display_name if scope else "", f"{fmt_date(query.start)}–{fmt_date(query.end)}"]
    return " ".join(part for part in parts if part)


def _scope_choices(request: HttpRequest) -> list[tuple[int, str]]:
    """Organisations offered as the scope: those down to the territorial level (one query)."""
    level = territorial_depth(access.scope_paths(request.user))
    organisations = list(
        access.viewable_organisations(request.user)
        .filter(depth__lte=level)
        .order_by("path")
        .only("pk", "name", "short_name", "path", "depth")
    )
    top = min((organisation.depth for organisation in organisations), default=1)
    return [(org.pk, "\u2003" * (org.depth - top) + org.display_name) for org in organisations]


class _Report:
    """The common part of the four report pages: the form, the scope, an optional page, the query."""

    def __init__(self, request: HttpRequest):
        params = request.GET.copy()
        if not any(params.get(key) for key in ("days", "start", "end")):
            params["days"] = str(DEFAULT_DAYS)
        self.form = PostsForm(params)
        self.valid = self.form.is_valid()
        data = self.form.cleaned_data
        self.scope: Organisation | None = None
        self.page: SocialPage | None = None
        self.query: selectors.PostQuery | None = None
        if not self.valid:
            return
        scope_id = data.get("scope")
        if scope_id:
            self.scope = access.get_viewable_organisation_or_404(request.user, scope_id)
            paths = [self.scope.path]
        else:
            self.scope, paths = selectors.user_scope(access.scope_paths(request.user))
        page_id = query_id(request.GET.get("page_id"))
        if page_id:
            self.page = get_object_or_404(viewable_pages(request.user).select_related("organisation"), pk=page_id)
        networks = (data["network"],) if data.get("network") else ()
        self.query = selectors.PostQuery(
            paths, data["start"], data["end"], networks, self.page.pk if self.page else None
        )

    def context(self, request: HttpRequest, **values) -> dict:
        return {
            "form": self.form,
            "scope": self.scope,
            "target_page": self.page,
            "scope_choices": _scope_choices(request),
            "period": self.query and (fmt_date(self.query.start), fmt_date(self.query.end)),
            "query": _export_query(request),
            **values,
        }


@login_required
def top_posts(request: HttpRequest) -> HttpResponse:
    report = _Report(request)
    by = request.GET.get("by") if request.GET.get("by") in selectors.TOP_ORDERS else "engagement"
    context = report.context(request, by=by, orders=_orders())
    if report.query:
        posts = selectors.top_posts(report.query, by=by)
        if fmt := _export_format(request):
            sheet = exports.posts_sheet(posts, title="Лучшие публикации")
            return export_response([sheet], fmt=fmt, name=_file_name("Лучшие публикации", report.scope, report.query))
        context.update(table=PostTable(posts))
    return render(request, "socialstats/posts_top.html", context)


def _orders() -> list[tuple[str, str]]:
    return [("engagement", _("By engagement")), ("views", _("By views")), ("err", _("By ERR"))]


def heat_context(heat: selectors.HeatMap, *, title_suffix: str) -> dict:
    """The two heat maps (posts, mean engagement), their numbers as a table, and the best hours."""
    weekdays = _weekdays()
    if not heat.total:
        return {"heat_total": 0}
    return {
        "heat_total": heat.total,
        "heat_posts_chart": lib_charts.render(
            charts.heat_map(heat.posts, weekdays=weekdays, title=_("Number of posts") + title_suffix),
            config=charts.HEAT_MAP_CONFIG,
        ),
        "heat_engagement_chart": lib_charts.render(
            charts.heat_map(
                heat.engagement, weekdays=weekdays, title=_("Mean engagement, %") + title_suffix, suffix=" %"
            ),
            config=charts.HEAT_MAP_CONFIG,
        ),
        "heat_rows": [
            {
                "weekday": weekdays[index],
                "cells": [
                    (
                        f"{hour:02d}",
                        fmt_int(heat.posts[index][hour]) if heat.posts[index][hour] else "",
                        fmt_pct(heat.engagement[index][hour], signed=False),
                    )
                    for hour in range(24)
                ],
            }
            for index in range(7)
        ],
        "best_hours": [
            {
                "weekday": weekdays[day],
                "hour": f"{hour:02d}:00–{hour:02d}:59",
                "engagement": fmt_pct(value, signed=False),
            }
            for day, hour, value in heat.best_hours()
        ],
    }


@login_required
def best_hours(request: HttpRequest) -> HttpResponse:
    report = _Report(request)
    context = report.context(request)
    if report.query:
        heat = selectors.heat_map(report.query)
        if fmt := _export_format(request):
            name = _file_name("Лучшее время публикаций", report.scope, report.query)
            return export_response(exports.heat_map_sheets(heat), fmt=fmt, name=name)
        context.update(heat_context(heat, title_suffix=""))
    return render(request, "socialstats/posts_hours.html", context)


@login_required
def frequency(request: HttpRequest) -> HttpResponse:
    report = _Report(request)
    context = report.context(request)
    if report.query:
        rows = selectors.posting_frequency(report.query)
        if fmt := _export_format(request):
            name = _file_name("Частота публикаций", report.scope, report.query)
            return export_response([exports.frequency_sheet(rows)], fmt=fmt, name=name)
        # Each page's own heat map over the same period and network: «лучшие часы» next to its name.
        period = _export_query(request)
        table = FrequencyTable([_frequency_cells(row, period) for row in rows])
        paginate_table(request, table, per_page=50)
        context.update(table=table, any_posts=any(row.posts or row.previous_posts for row in rows))
    return render(request, "socialstats/posts_frequency.html", context)


def _per_week(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _hours_url(page: SocialPage, period: str) -> str:
    """The best-time report of one page, over the period (and network) the current report shows."""
    query = QueryDict(period, mutable=True)
    for key in ("scope", "page_id", "sort"):
        query.pop(key, None)
    query["page_id"] = str(page.pk)
    return f"{reverse('socialstats:posts_hours')}?{query.urlencode()}"


def _frequency_cells(row: selectors.FrequencyRow, period: str = "") -> dict:
    page = row.page
    trend = row.trend
    return {
        "title": page.display_name,
        "page_html": format_html(
            '<a href="{}">{}</a> <span class="muted">{}</span> · <a class="page-hours" href="{}">{}</a>',
            reverse("socialstats:page_posts", args=[page.pk]),
            page.display_name,
            page.get_network_display(),
            _hours_url(page, period),
            _("best hours"),
        ),
        "organisation": page.organisation.display_name,
        "posts": row.posts,
        "posts_text": fmt_int(row.posts),
        "per_week": row.per_week,
        "per_week_text": _per_week(row.per_week),
        "previous": row.previous_per_week,
        "previous_text": _per_week(row.previous_per_week),
        "trend_sort": trend if trend is not None else float("-inf"),
        "trend_text": fmt_pct(trend) or ("—" if not row.posts else _("new")),
    }


@login_required
def content_kinds(request: HttpRequest) -> HttpResponse:
    report = _Report(request)
    context = report.context(request)
    if report.query:
        rows = selectors.content_kinds(report.query)
        if fmt := _export_format(request):
            name = _file_name("Виды публикаций", report.scope, report.query)
            return export_response([exports.kinds_sheet(rows)], fmt=fmt, name=name)
        total = sum(row.posts for row in rows)
        context.update(
            total=total,
            rows=[
                {
                    "label": row.label,
                    "posts": fmt_int(row.posts),
                    "share": fmt_pct(row.share, signed=False),
                    "engagement": fmt_pct(row.engagement, signed=False) or "—",
                }
                for row in rows
            ],
            chart=report_charts.render(
                charts.kinds_bars(
                    [(row.label, row.share, row.engagement) for row in rows],
                    share_label=_("Share of posts"),
                    engagement_label=_("Mean engagement"),
                    title=_("Content kinds"),
                )
            )
            if total
            else "",
        )
    return render(request, "socialstats/posts_kinds.html", context)


@login_required
def page_posts(request: HttpRequest, pk: int) -> HttpResponse:
    """A page's own screen: subscribers over time, its best hours over the kept posts, its posts."""
    page = get_object_or_404(viewable_pages(request.user).select_related("organisation"), pk=pk)
    today = timezone.localdate()
    kept = selectors.PostQuery(None, today - dt.timedelta(days=settings.POSTS_KEEP_DAYS - 1), today, page_id=page.pk)
    posts = selectors.page_posts(page)
    if fmt := _export_format(request):
        sheets: list[Sheet] = [exports.posts_sheet(list(posts), with_page=False)]
        return export_response(sheets, fmt=fmt, name=f"Публикации {page.display_name} {fmt_date(today)}")
    table = PostTable(posts, with_page=False)
    paginate_table(request, table, per_page=25)
    series = selectors.page_subscribers(page)
    context = {
        "page": page,
        "table": table,
        "keep_days": settings.POSTS_KEEP_DAYS,
        "series_chart": report_charts.render(
            report_charts.subscribers_over_time(
                series, title=_("Subscribers of %(name)s") % {"name": page.display_name}
            )
        )
        if series
        else "",
        "series_rows": [(fmt_date(day), fmt_int(value)) for day, value in series],
        "query": _export_query(request),
        **heat_context(selectors.heat_map(kept), title_suffix=""),
    }
    return render(request, "socialstats/page_posts.html", context)
