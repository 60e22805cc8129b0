"""The public widget: JSON and an embeddable card for an organisation that opted in; its settings for editors.

The public views answer 404 for any organisation that has not published its widget, so nothing else leaks.
CORS: the JSON carries Access-Control-Allow-Origin only for an Origin the organisation listed.
"""

from __future__ import annotations

from csp.decorators import csp_replace
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET

from orgs import access
from unionportal.lib.formatting import fmt_int, fmt_signed

from . import selectors, services
from .forms import WidgetForm
from .models import Widget


def _figures(widget: Widget) -> selectors.WidgetFigures:
    today = timezone.localdate()
    key = f"api-widget:{widget.organisation_id}:{today.isoformat()}"
    figures = cache.get(key)
    if figures is None:
        figures = selectors.widget_figures(widget.organisation, today)
        cache.set(key, figures, settings.REPORT_CACHE_SECONDS)
    return figures


def _published_or_404(pk: int) -> Widget:
    widget = selectors.published_widget(pk)
    if widget is None:
        raise Http404
    return widget


@require_GET
def widget_json(request: HttpRequest, pk: int) -> JsonResponse:
    widget = _published_or_404(pk)
    response = JsonResponse(_figures(widget).as_dict(), json_dumps_params={"ensure_ascii": False})
    origin = request.headers.get("Origin", "").rstrip("/").lower()
    if origin and origin in widget.origins:
        response["Access-Control-Allow-Origin"] = origin
    response["Vary"] = "Origin"
    return response


@require_GET
@xframe_options_exempt  # made to be framed on the organisation's own site
@csp_replace({"frame-ancestors": ["*"]})  # the portal's CSP forbids framing everywhere else
def widget_card(request: HttpRequest, pk: int) -> HttpResponse:
    widget = _published_or_404(pk)
    figures = _figures(widget)
    return render(
        request,
        "api/widget_card.html",
        {
            "figures": figures,
            "subscribers": fmt_int(figures.subscribers),
            "growth": fmt_signed(figures.growth_this_month),
        },
    )


@login_required
def widget_settings(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(access.editable_organisations(request.user), pk=pk)
    widget = Widget.objects.filter(organisation=organisation).first()
    initial = {"is_enabled": widget.is_enabled, "allowed_origins": widget.allowed_origins} if widget else {}
    form = WidgetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.widget_save(
                organisation=organisation,
                is_enabled=form.cleaned_data["is_enabled"],
                allowed_origins=form.cleaned_data["allowed_origins"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_error("allowed_origins", error)
        else:
            messages.success(request, _("The widget's settings are saved."))
            return redirect("api:widget_settings", pk=organisation.pk)
    return render(
        request,
        "api/widget_settings.html",
        {
            "organisation": organisation,
            "form": form,
            "widget": widget,
            "card_url": request.build_absolute_uri(reverse("api:widget_card", args=[organisation.pk])),
            "json_url": request.build_absolute_uri(reverse("api:widget_json", args=[organisation.pk])),
        },
    )
