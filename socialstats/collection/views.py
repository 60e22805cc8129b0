"""The collection page (information staff only): runs, failed pages, unconfigured networks, start button."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from orgs.access import is_info_staff

from ..models import COLLECTED_NETWORKS, CollectionRun, RunStatus
from ..tasks import collect_network
from . import selectors
from .services import collection_start


def _require_info_staff(request: HttpRequest) -> None:
    if not is_info_staff(request.user):
        raise Http404


@login_required
def collection_list(request: HttpRequest) -> HttpResponse:
    _require_info_staff(request)
    page = Paginator(selectors.run_list(), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "socialstats/collection_list.html",
        {
            "page_obj": page,
            "runs": page.object_list,
            "unconfigured": selectors.unconfigured_networks(),
            "networks": [(str(network), network.label) for network in COLLECTED_NETWORKS],
        },
    )


@login_required
@require_POST
def collection_start_view(request: HttpRequest) -> HttpResponse:
    _require_info_staff(request)
    wanted = request.POST.get("network", "all")
    networks = [str(n) for n in COLLECTED_NETWORKS]
    if wanted != "all" and wanted not in networks:
        messages.error(
            request, _("Unknown network «%(network)s»: choose VK, Telegram, OK or all.") % {"network": wanted}
        )
        return redirect("socialstats:collection_list")
    started = []
    running = selectors.running_networks()
    for network in networks if wanted == "all" else [wanted]:
        if network in running:
            # Two collections of one network at once would share the token's request rate.
            messages.warning(request, _("%(network)s is already being collected.") % {"network": network})
            continue
        run = collection_start(network=network, trigger="manual")
        if run.status == RunStatus.RUNNING:
            # Without a broker the task runs here and now; with one, the page polls the run's counters.
            collect_network.delay_on_commit(network, run.for_date.isoformat(), None, run.pk)
            started.append(run.pk)
    if not started:
        messages.warning(request, _("Nothing started: the chosen networks are not configured or already running."))
        return redirect("socialstats:collection_list")
    messages.success(request, _("Collection started."))
    return redirect(f"{reverse('socialstats:collection_list')}?watch={','.join(map(str, started))}")


@login_required
def collection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_info_staff(request)
    run = get_object_or_404(CollectionRun.objects.select_related("scope"), pk=pk)
    page = Paginator(selectors.run_failures(run), 100).get_page(request.GET.get("page"))
    return render(request, "socialstats/collection_detail.html", {"run": run, "page_obj": page})


@login_required
def collection_progress(request: HttpRequest, pk: int) -> JsonResponse:
    _require_info_staff(request)
    run = get_object_or_404(CollectionRun, pk=pk)
    return JsonResponse(
        {
            "id": run.pk,
            "network": run.network,
            "status": run.status,
            "status_label": run.get_status_display(),
            "finished": run.status != RunStatus.RUNNING,
            "pages_total": run.pages_total,
            "pages_tried": run.pages_tried,
            "pages_collected": run.pages_collected,
            "pages_failed": run.pages_failed,
            "pages_skipped": run.pages_skipped,
            "http_requests": run.http_requests,
        }
    )
