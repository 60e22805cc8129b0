"""The «Оповещения» pages: the list in the user's scope, marking one handled, and the rules' settings."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from orgs import access
from unionportal.lib.formatting import fmt_int
from unionportal.lib.query import query_id

from . import selectors, services
from .forms import HandleForm, RuleForm

PER_PAGE = 50


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    if not selectors.may_see_alerts(request.user):
        raise PermissionDenied
    handled = request.GET.get("status") == "handled"
    scope_id = query_id(request.GET.get("scope"))
    within = access.get_viewable_organisation_or_404(request.user, scope_id) if scope_id else None
    page = Paginator(selectors.alerts_in_scope(request.user, handled=handled, within=within), PER_PAGE).get_page(
        request.GET.get("page")
    )
    rows = [(alert, selectors.can_handle(request.user, alert)) for alert in page.object_list]
    return render(
        request,
        "alerts/alert_list.html",
        {
            "rows": rows,
            "page_obj": page,
            "handled": handled,
            "within": within,
            "is_info_staff": access.is_info_staff(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def alert_handle(request: HttpRequest, pk: int) -> HttpResponse:
    alert = selectors.handleable_alert_or_404(request.user, pk)
    form = HandleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.alert_handle(alert=alert, user=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error("comment", error)
        else:
            messages.success(request, "Оповещение отмечено как решённое.")
            return redirect("alerts:list")
    return render(request, "alerts/alert_handle.html", {"alert": alert, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def rule_settings(request: HttpRequest) -> HttpResponse:
    if not access.is_info_staff(request.user):
        raise PermissionDenied
    rules = selectors.rules_current()
    data = request.POST if request.method == "POST" else None
    forms = [
        RuleForm(data, kind=rule.kind, initial={"is_enabled": rule.is_enabled, "threshold": rule.threshold})
        for rule in rules
    ]
    if data is not None and all(form.is_valid() for form in forms):
        try:
            for form in forms:
                services.alert_rule_update(
                    kind=form.kind,
                    is_enabled=form.cleaned_data["is_enabled"],
                    threshold=form.cleaned_data["threshold"],
                    user=request.user,
                )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Настройки оповещений сохранены.")
            return redirect("alerts:rules")
    return render(
        request,
        "alerts/rule_settings.html",
        {
            "rows": list(zip(rules, forms, strict=True)),
            "target": fmt_int(settings.SUBSCRIBER_TARGET_PER_TERRITORIAL_PAGE),
        },
    )
