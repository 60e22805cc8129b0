from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from unionportal.lib.query import paginate_table

from . import access, selectors
from .forms import OrgImportUploadForm
from .import_flow import ImportFlow, import_page
from .models import OrgKind
from .services import ORG_COLUMNS, organisations_import
from .tables import OrganisationTable


@login_required
def organisation_tree(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    context: dict[str, object] = {"query": query}
    if query:
        page = Paginator(selectors.organisation_search(request.user, query).order_by("name"), 50).get_page(
            request.GET.get("page")
        )
        ancestors = selectors.ancestors_by_path(list(page.object_list))
        context["results"] = [
            (org, [ancestors[path] for path in org.ancestor_paths if path in ancestors]) for org in page
        ]
        context["page_obj"] = page
    else:
        context["roots"] = selectors.tree_roots(request.user)
    return render(request, "orgs/organisation_tree.html", context)


@login_required
def organisation_children(request: HttpRequest, pk: int) -> HttpResponse:
    parent = access.get_viewable_organisation_or_404(request.user, pk)
    children = selectors.tree_children(request.user, parent)
    return render(request, "orgs/_tree_nodes.html", {"nodes": children})


@login_required
def organisation_list(request: HttpRequest) -> HttpResponse:
    queryset = selectors.organisation_list(
        request.user,
        query=request.GET.get("q", ""),
        kind=request.GET.get("kind", ""),
        active=request.GET.get("active", ""),
    )
    table = OrganisationTable(queryset)
    paginate_table(request, table, per_page=50)
    selectors.with_primaries_total(row.record for row in table.page.object_list)
    return render(
        request,
        "orgs/organisation_list.html",
        {"table": table, "kinds": OrgKind.choices, "filters": request.GET},
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_viewable_organisation_or_404(request.user, pk)
    selectors.with_primaries_total([organisation])
    ancestors = selectors.ancestors_by_path([organisation])
    breadcrumbs = [ancestors[path] for path in organisation.ancestor_paths if path in ancestors]
    # Ancestors outside the user's scope are named but not linked: their page would answer 404.
    linkable = set(
        access.viewable_organisations(request.user)
        .filter(pk__in=[crumb.pk for crumb in breadcrumbs])
        .values_list("pk", flat=True)
    )
    for crumb in breadcrumbs:
        crumb.linkable = crumb.pk in linkable
    children = selectors.tree_children(request.user, organisation)
    roles = organisation.roles.select_related("user").order_by("role", "user__username")
    return render(
        request,
        "orgs/organisation_detail.html",
        {
            "organisation": organisation,
            "breadcrumbs": breadcrumbs,
            "children": children,
            "roles": roles,
            "can_edit": access.can_edit(request.user, organisation),
        },
    )


def _run_organisations(path, *, options, mapping, dry_run, user):
    return organisations_import(
        source=path,
        filename=path.name,
        create_placeholders=bool(options.get("create_placeholders")),
        dry_run=dry_run,
        mapping=mapping,
    )


def _organisations_summary(report) -> str:
    return _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.") % {
        "created": len(report.created),
        "updated": len(report.updated),
        "unchanged": report.unchanged,
    }


ORGANISATIONS_IMPORT = ImportFlow(
    "orgs:import",
    "orgs/organisation_import.html",
    ORG_COLUMNS,
    OrgImportUploadForm,
    _run_organisations,
    done_url="orgs:tree",
    summary=_organisations_summary,
)


@login_required
def organisation_import(request: HttpRequest) -> HttpResponse:
    """Upload → (map columns) → preview (nothing saved) → confirm. Information staff only."""
    if not access.is_info_staff(request.user):
        raise Http404
    return import_page(request, ORGANISATIONS_IMPORT)
