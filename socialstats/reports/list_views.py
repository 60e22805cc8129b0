"""Silent pages and engagement: tables whose sorting, paging and sums happen in SQL (reports/lists.py).

Thin: the scope through orgs.access (out of scope → 404), the tables' order and page from the address, one
selector call; the exports hold every row in the page's order.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from unionportal.lib.formatting import fmt_int
from unionportal.lib.query import paginate_table, query_id

from . import charts, exports, lists, selectors
from .facts import territorial_depth
from .sql_data import sql_table
from .tables import (
    EngagementTable,
    OrgEngagementTable,
    SilentTable,
    engagement_cells,
    org_engagement_cells,
    silent_cells,
)
from .views import download_sheets, export_format, export_query, report_scope, table_headers

PER_PAGE = 50


@login_required
def silent_pages(request: HttpRequest) -> HttpResponse:
    scope_paths, scope = report_scope(request, query_id(request.GET.get("scope")))
    days = settings.SILENT_PAGE_DAYS
    today = timezone.localdate()
    common = {"scope_paths": scope_paths, "today": today, "days": days, "level": territorial_depth(scope_paths)}

    def fetch(order, offset, limit):
        """Another page than the one asked for (a page number past the end shows the last one)."""
        return lists.silent_page(**common, order=order, offset=offset, limit=limit).rows

    data, table, order, offset, size = sql_table(request, SilentTable, fetch=fetch, cells=silent_cells)
    failing = selectors.failing_pages(scope_paths=scope_paths)
    if export_format(request):
        sheets = exports.silent_rows_sheets(lists.silent_rows(**common, order=order), failing)
        return download_sheets(request, sheets, "Страницы без постов", scope, today)
    page = lists.silent_page(**common, order=order, offset=offset, limit=size)
    data.prefetched(count=page.count, order=order, offset=offset, rows=page.rows)
    paginate_table(request, table, per_page=PER_PAGE)
    return render(
        request,
        "socialstats/silent_pages.html",
        {
            "table": table,
            "headers": table_headers(table),
            "groups": page.territories,
            "count": page.count,
            "failing": failing,
            "days": days,
            "scope": scope,
            "query": export_query(request),
        },
    )


@login_required
def engagement(request: HttpRequest) -> HttpResponse:
    scope_paths, scope = report_scope(request, query_id(request.GET.get("scope")))
    today = timezone.localdate()
    common = {"scope_paths": scope_paths, "on": today}
    if export_format(request):
        order = sql_table(request, EngagementTable, fetch=None, cells=engagement_cells)[2]
        org_order = sql_table(request, OrgEngagementTable, fetch=None, cells=org_engagement_cells)[2]
        every = lists.engagement_page(**common, order=order, org_order=org_order, limit=None, org_limit=None, chart=0)
        sheets = exports.engagement_sheets(every.rows, every.organisations)
        return download_sheets(request, sheets, "Вовлечённость", scope, today)

    def fetch_pages(order, offset, limit):
        return lists.engagement_page(**common, order=order, offset=offset, limit=limit, org_limit=0, chart=0).rows

    def fetch_organisations(order, offset, limit):
        return lists.engagement_page(
            **common, org_order=order, org_offset=offset, org_limit=limit, limit=0
        ).organisations

    pages_data, pages_table, order, offset, size = sql_table(
        request, EngagementTable, fetch=fetch_pages, cells=engagement_cells
    )
    orgs_data, orgs_table, org_order, org_offset, org_size = sql_table(
        request, OrgEngagementTable, fetch=fetch_organisations, cells=org_engagement_cells
    )
    result = lists.engagement_page(
        **common,
        order=order,
        offset=offset,
        limit=size,
        org_order=org_order,
        org_offset=org_offset,
        org_limit=org_size,
    )
    pages_data.prefetched(count=result.count, order=order, offset=offset, rows=result.rows)
    orgs_data.prefetched(count=result.organisation_count, order=org_order, offset=org_offset, rows=result.organisations)
    paginate_table(request, pages_table, per_page=PER_PAGE)
    paginate_table(request, orgs_table, per_page=PER_PAGE)
    scatter = [(item.label, item.subscribers, item.engagement) for item in result.chart if item.subscribers]
    chart = (
        charts.render(charts.engagement_scatter(scatter, title=_("Engagement against subscribers"))) if scatter else ""
    )
    chart_note = ngettext(
        "The chart shows the %(shown)s page with the most subscribers; pages with a known engagement: %(total)s.",
        "The chart shows the %(shown)s pages with the most subscribers; pages with a known engagement: %(total)s.",
        len(scatter),
    ) % {"shown": fmt_int(len(scatter)), "total": fmt_int(result.with_engagement)}
    return render(
        request,
        "socialstats/engagement.html",
        {
            "table": pages_table,
            "headers": table_headers(pages_table),
            "orgs_table": orgs_table,
            "org_headers": table_headers(orgs_table),
            "rows": [row.record for row in pages_table.page.object_list],  # the page's cells, formatted once
            "scope": scope,
            "chart": chart,
            "chart_note": chart_note,
            "query": export_query(request),
        },
    )
