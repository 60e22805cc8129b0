"""The audit trail (django-auditlog) of one object, for information staff, within their scope."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from orgs import access

# Audited models (settings.AUDITLOG_INCLUDE_TRACKING_MODELS) → the lookup of their organisation's path.
SCOPE_FIELD = {
    "orgs.organisation": "path",
    "orgs.roleassignment": "organisation__path",
    "socialstats.socialpage": "organisation__path",
    "socialstats.snapshot": "page__organisation__path",
    "socialstats.website": "organisation__path",
    "socialstats.printpublication": "organisation__path",
    "news.newsitem": "organisation__path",
    "contests.contest": "scope__path",
    "contests.juryscore": "entry__organisation__path",
}


@login_required
def object_history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    if not access.is_info_staff(request.user) or label not in SCOPE_FIELD:
        raise Http404
    model = apps.get_model(label)
    scoped = model.objects.filter(access.path_filter(request.user, SCOPE_FIELD[label], roles=access.ALL_ROLES))
    obj = get_object_or_404(scoped, pk=pk)
    entries = LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/object_history.html", {"object": obj, "page_obj": page, "label": label})
