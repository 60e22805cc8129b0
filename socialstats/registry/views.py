"""Registry views: thin — parse input, scope through orgs.access, call one service or selector, render."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orgs import access
from orgs.import_flow import ImportFlow, import_page
from orgs.models import Organisation
from unionportal.lib.cells import csv_writer, xlsx_row
from unionportal.lib.export import FORMATS, Sheet, export_response
from unionportal.lib.formatting import fmt_date
from unionportal.lib.query import paginate_table

from ..models import PageStatus, PrintPublication, SnapshotSource, Website
from . import exports, imports, selectors, services
from .filters import OrganisationScopeForm, PageFilter
from .forms import (
    PageAddForm,
    PageEditForm,
    PagesImportUploadForm,
    PublicationForm,
    SnapshotForm,
    SnapshotsImportUploadForm,
    WebsiteForm,
    WebsiteStatForm,
    WebsiteStatsImportUploadForm,
)
from .imports.common import PAGE_COLUMNS, SNAPSHOT_COLUMNS, WEBSITE_STAT_COLUMNS
from .tables import PageTable, SnapshotTable, WebsiteRegistryTable

EXPORT_HEADER = ["organisation", "network", "url", "owner", "official", "status", "subscribers", "as_of"]


def _scoped_organisation(request: HttpRequest) -> tuple[Organisation | None, bool]:
    form = OrganisationScopeForm(request.GET)
    if not form.is_valid() or not form.cleaned_data["org"]:
        return None, False
    organisation = access.get_viewable_organisation_or_404(request.user, form.cleaned_data["org"])
    return organisation, form.cleaned_data["subtree"]


def _export_format(request: HttpRequest, *, alias: str | None = None) -> str | None:
    """`?format=xlsx|csv`: the page's table as a file to hand on (`alias`: the older parameter's name)."""
    fmt = request.GET.get("format") or (request.GET.get(alias) if alias else None)
    return fmt if fmt in FORMATS else None


def _human_export(sheet: Sheet, *, fmt: str, title: str, organisation: Organisation | None) -> HttpResponse:
    parts = [title, organisation.display_name if organisation else "", fmt_date(timezone.localdate())]
    return export_response([sheet], fmt=fmt, name=" ".join(part for part in parts if part))


def _export(queryset, fmt: str) -> HttpResponse:
    """The import format (English column names and codes, as pages_import reads them back)."""
    rows = [
        [
            page.organisation.display_name,
            page.network,
            page.url,
            page.owner,
            "1" if page.is_official else "0",
            page.status,
            page.latest_subscribers if page.latest_subscribers is not None else "",
            page.latest_date.isoformat() if page.latest_date else "",
        ]
        for page in queryset
    ]
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(EXPORT_HEADER)
        for row in rows:
            sheet.append(xlsx_row(sheet, row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(
            buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="pages-{stamp}.xlsx"'
        return response
    text = io.StringIO()
    writer = csv_writer(text)
    writer.writerow(EXPORT_HEADER)
    writer.writerows(rows)
    response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="pages-{stamp}.csv"'
    return response


@login_required
def page_list(request: HttpRequest) -> HttpResponse:
    organisation, subtree = _scoped_organisation(request)
    queryset = selectors.page_list(request.user)
    if organisation is not None:
        queryset = (
            queryset.filter(organisation__path__startswith=organisation.path)
            if subtree
            else queryset.filter(organisation=organisation)
        )
    filterset = PageFilter(request.GET, queryset=queryset)
    fmt = request.GET.get("export")
    if fmt in ("csv", "xlsx"):
        return _export(filterset.qs, fmt)
    if fmt := _export_format(request):
        sheet = exports.pages_sheet(filterset.qs)
        return _human_export(sheet, fmt=fmt, title=_("Registry of pages"), organisation=organisation)
    table = PageTable(filterset.qs)
    paginate_table(request, table, per_page=50)
    query = request.GET.copy()
    for key in ("page", "export", "format"):
        query.pop(key, None)
    return render(
        request,
        "socialstats/page_list.html",
        {
            "table": table,
            "filter": filterset,
            "organisation": organisation,
            "subtree": subtree,
            "query": query.urlencode(),
            "can_add": access.editable_organisations(request.user).exists(),
            "is_info_staff": access.is_info_staff(request.user),
        },
    )


@login_required
def page_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = get_object_or_404(selectors.viewable_pages(request.user).select_related("organisation"), pk=pk)
    table = SnapshotTable(selectors.page_history(page))
    paginate_table(request, table, per_page=50)
    return render(
        request,
        "socialstats/page_detail.html",
        {
            "page": page,
            "table": table,
            "can_edit": access.can_edit(request.user, page.organisation),
            "is_info_staff": access.is_info_staff(request.user),
            "max_bot_name": settings.MAX_BOT_NAME,
        },
    )


@login_required
def page_add(request: HttpRequest) -> HttpResponse:
    organisations = access.editable_organisations(request.user)
    if not organisations.exists():
        raise Http404
    initial = {"organisation": request.GET.get("org")} if request.GET.get("org", "").isdigit() else {}
    form = PageAddForm(request.POST or None, organisations=organisations, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            page = services.page_add(
                organisation=form.cleaned_data["organisation"],
                url=form.cleaned_data["url"],
                owner=form.cleaned_data["owner"],
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form.add_error("url", error)
        else:
            messages.success(request, _("The page is registered: %(url)s") % {"url": page.url})
            return redirect("socialstats:page_detail", pk=page.pk)
    return render(request, "socialstats/page_form.html", {"form": form, "page": None})


@login_required
def page_edit(request: HttpRequest, pk: int) -> HttpResponse:
    page = get_object_or_404(selectors.editable_pages(request.user).select_related("organisation"), pk=pk)
    form = PageEditForm(
        request.POST or None,
        initial={"url": page.url, "owner": page.owner, "title": page.title},
        link_required=bool(page.url),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.page_update(page=page, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("url", error)
        else:
            messages.success(request, _("The page is saved."))
            return redirect("socialstats:page_detail", pk=page.pk)
    return render(request, "socialstats/page_form.html", {"form": form, "page": page})


@login_required
def page_archive(request: HttpRequest, pk: int) -> HttpResponse:
    """GET asks for confirmation; POST archives an active page or brings an archived one back."""
    page = get_object_or_404(selectors.editable_pages(request.user).select_related("organisation"), pk=pk)
    archived = page.status == PageStatus.ARCHIVED
    if request.method == "POST":
        if archived:
            services.page_unarchive(page=page)
            messages.success(request, _("The page is active again."))
        else:
            services.page_archive(page=page)
            messages.success(request, _("The page is archived; its history stays."))
        return redirect("socialstats:page_detail", pk=page.pk)
    return render(request, "socialstats/page_archive.html", {"page": page, "archived": archived})


@login_required
@require_POST
def page_official(request: HttpRequest, pk: int) -> HttpResponse:
    if not access.is_info_staff(request.user):
        raise Http404
    page = get_object_or_404(selectors.editable_pages(request.user), pk=pk)
    services.page_official_set(page=page, official=request.POST.get("official") == "1", user=request.user)
    messages.success(request, _("The official mark is saved."))
    return redirect("socialstats:page_detail", pk=page.pk)


@login_required
def snapshot_add(request: HttpRequest, pk: int) -> HttpResponse:
    page = get_object_or_404(selectors.editable_pages(request.user).select_related("organisation"), pk=pk)
    form = SnapshotForm(request.POST or None, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        keep_blank = not data.pop("clear_blank")
        last_post = data.pop("last_post_date")
        last_post_at = (
            timezone.make_aware(dt.datetime.combine(last_post, dt.time(12, 0))) if last_post is not None else None
        )
        try:
            _snapshot, created = services.snapshot_record(
                page=page,
                source=SnapshotSource.MANUAL,
                recorded_by=request.user,
                last_post_at=last_post_at,
                keep_blank=keep_blank,
                **data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The snapshot of %(date)s is saved.") % {"date": data["date"].strftime("%d.%m.%Y")}
                if created
                else _("The snapshot of %(date)s is replaced with the new values.")
                % {"date": data["date"].strftime("%d.%m.%Y")},
            )
            return redirect("socialstats:page_detail", pk=page.pk)
    return render(request, "socialstats/snapshot_form.html", {"form": form, "page": page})


def _run_pages(path, *, options, mapping, dry_run, user):
    return imports.pages_import(source=path, filename=path.name, dry_run=dry_run, mapping=mapping)


def _run_snapshots(path, *, options, mapping, dry_run, user):
    return imports.snapshots_import(
        source=path,
        filename=path.name,
        create_pages=bool(options.get("create_missing")),
        dry_run=dry_run,
        mapping=mapping,
        user=user,
    )


def _run_website_stats(path, *, options, mapping, dry_run, user):
    start, end = options.get("period_start"), options.get("period_end")
    return imports.website_stats_import(
        source=path,
        filename=path.name,
        period=(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) if start and end else None,
        create_websites=bool(options.get("create_missing")),
        dry_run=dry_run,
        mapping=mapping,
        user=user,
    )


IMPORT_FLOWS = {
    "pages": ImportFlow(
        "socialstats:pages_import",
        "socialstats/pages_import.html",
        PAGE_COLUMNS,
        PagesImportUploadForm,
        _run_pages,
    ),
    "snapshots": ImportFlow(
        "socialstats:snapshots_import",
        "socialstats/snapshots_import.html",
        SNAPSHOT_COLUMNS,
        SnapshotsImportUploadForm,
        _run_snapshots,
    ),
    "website_stats": ImportFlow(
        "socialstats:website_stats_import",
        "socialstats/website_stats_import.html",
        WEBSITE_STAT_COLUMNS,
        WebsiteStatsImportUploadForm,
        _run_website_stats,
    ),
}


def _import_view(request: HttpRequest, *, kind: str) -> HttpResponse:
    """Upload → (map columns, name organisations) → preview → confirm. Information staff only."""
    if not access.is_info_staff(request.user):
        raise Http404
    return import_page(request, IMPORT_FLOWS[kind])


@login_required
def pages_import(request: HttpRequest) -> HttpResponse:
    return _import_view(request, kind="pages")


@login_required
def snapshots_import(request: HttpRequest) -> HttpResponse:
    return _import_view(request, kind="snapshots")


@login_required
def website_stats_import(request: HttpRequest) -> HttpResponse:
    return _import_view(request, kind="website_stats")


# --- websites and print ----------------------------------------------------------------------------


@login_required
def organisation_resources(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_viewable_organisation_or_404(request.user, pk)
    websites, publications = selectors.organisation_resources(organisation)
    return render(
        request,
        "socialstats/resources_detail.html",
        {
            "organisation": organisation,
            "websites": websites,
            "publications": publications,
            "can_edit": access.can_edit(request.user, organisation),
            "is_info_staff": access.is_info_staff(request.user),
        },
    )


def _editable_organisation(request: HttpRequest, pk: int) -> Organisation:
    return get_object_or_404(access.editable_organisations(request.user), pk=pk)


@login_required
def website_edit(request: HttpRequest, org_pk: int, pk: int | None = None) -> HttpResponse:
    organisation = _editable_organisation(request, org_pk)
    website = get_object_or_404(Website, pk=pk, organisation=organisation) if pk else None
    initial = {}
    if website is not None:
        initial = {"url": website.url, "title": website.title, "is_active": website.is_active}
        initial.update({f"check_{key}": value for key, value in website.checklist.items()})
    form = WebsiteForm(request.POST or None, initial=initial or {"is_active": True})
    if request.method == "POST" and form.is_valid():
        try:
            services.website_save(
                organisation=organisation,
                website=website,
                url=form.cleaned_data["url"],
                title=form.cleaned_data["title"],
                is_active=form.cleaned_data["is_active"],
                checklist=form.checklist,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The website is saved."))
            return redirect("socialstats:resources", pk=organisation.pk)
    return render(
        request, "socialstats/website_form.html", {"form": form, "organisation": organisation, "website": website}
    )


@login_required
def website_stat_add(request: HttpRequest, org_pk: int, pk: int) -> HttpResponse:
    organisation = _editable_organisation(request, org_pk)
    website = get_object_or_404(Website, pk=pk, organisation=organisation)
    form = WebsiteStatForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.website_stat_record(website=website, recorded_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The website's figures are saved."))
            return redirect("socialstats:resources", pk=organisation.pk)
    return render(
        request, "socialstats/website_stat_form.html", {"form": form, "organisation": organisation, "website": website}
    )


@login_required
def publication_edit(request: HttpRequest, org_pk: int, pk: int | None = None) -> HttpResponse:
    organisation = _editable_organisation(request, org_pk)
    publication = get_object_or_404(PrintPublication, pk=pk, organisation=organisation) if pk else None
    form = PublicationForm(request.POST or None, instance=publication)
    if request.method == "POST" and form.is_valid():
        try:
            services.publication_save(organisation=organisation, publication=publication, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The publication is saved."))
            return redirect("socialstats:resources", pk=organisation.pk)
    return render(
        request,
        "socialstats/publication_form.html",
        {"form": form, "organisation": organisation, "publication": publication},
    )


# --- the registry across the union ---------------------------------------------------------------------


@login_required
def website_registry(request: HttpRequest) -> HttpResponse:
    """Every website of the user's scope with its checklist and latest period, sortable; CSV and XLSX."""
    organisation, _subtree = _scoped_organisation(request)
    websites = selectors.website_registry(request.user, scope=organisation)
    if fmt := _export_format(request, alias="export"):
        sheet = exports.websites_sheet(websites)
        return _human_export(sheet, fmt=fmt, title=_("Websites"), organisation=organisation)
    table = WebsiteRegistryTable(websites)
    paginate_table(request, table, per_page=100)
    query = request.GET.copy()
    for key in ("page", "export", "format"):
        query.pop(key, None)
    return render(
        request,
        "socialstats/website_registry.html",
        {
            "table": table,
            "organisation": organisation,
            "query": query.urlencode(),
            "is_info_staff": access.is_info_staff(request.user),
        },
    )


@login_required
def publication_registry(request: HttpRequest) -> HttpResponse:
    """Every print title of the user's scope, grouped by the level of its organisation; CSV and XLSX."""
    organisation, _subtree = _scoped_organisation(request)
    publications = list(selectors.publication_registry(request.user, scope=organisation))
    if fmt := _export_format(request, alias="export"):
        sheet = exports.publications_sheet(publications)
        return _human_export(sheet, fmt=fmt, title=_("Print publications"), organisation=organisation)
    query = request.GET.copy()
    for key in ("export", "format"):
        query.pop(key, None)
    return render(
        request,
        "socialstats/publication_registry.html",
        {"publications": publications, "organisation": organisation, "query": query.urlencode()},
    )
