"""Pages of the scheduled reports: the subscription page, the history and one report, the unsubscribe link
(no login: the token is the key), and the log for information staff. Thin: one service or selector each."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from orgs import access

from . import selectors, services
from .forms import GroupSubscribeForm, SubscribeForm


@login_required
def subscriptions(request: HttpRequest) -> HttpResponse:
    form = SubscribeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.subscription_create(
                user=request.user, frequency=form.cleaned_data["frequency"], scope=form.cleaned_data["scope"]
            )
        except ValidationError as error:
            form.add_error("scope", error)
        else:
            messages.success(request, "Подписка оформлена: отчёт придёт на вашу почту.")
            return redirect("mailings:subscriptions")
    return render(
        request,
        "mailings/subscriptions.html",
        {
            "form": form,
            "group_form": GroupSubscribeForm() if access.is_info_staff(request.user) else None,
            "subscriptions": selectors.user_subscriptions(request.user),
            "is_info_staff": access.is_info_staff(request.user),
        },
    )


@login_required
@require_POST
def group_subscribe(request: HttpRequest) -> HttpResponse:
    if not access.is_info_staff(request.user):
        raise Http404
    form = GroupSubscribeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Выберите группу и периодичность из списка.")
        return redirect("mailings:subscriptions")
    try:
        count = services.group_subscribe(by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Подписано участников группы: {count}.")
    return redirect("mailings:subscriptions")


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(selectors.user_subscriptions(request.user), pk=pk)
    services.subscription_cancel(subscription=subscription)
    messages.success(request, "Подписка отменена.")
    return redirect("mailings:subscriptions")


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The email's link: a confirmation page; the POST stops the subscription. Works without logging in."""
    subscription = selectors.subscription_by_token(token)
    done = False
    if request.method == "POST":
        services.subscription_cancel(subscription=subscription)
        done = True
    return render(
        request, "mailings/unsubscribe.html", {"subscription": subscription, "done": done or not subscription.active}
    )


@login_required
def history(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.user_deliveries(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "mailings/history.html", {"page_obj": page})


@login_required
def delivery(request: HttpRequest, pk: int) -> HttpResponse:
    """The report exactly as it was mailed (the stored HTML, rendered and escaped when it was sent)."""
    return HttpResponse(selectors.delivery_or_404(request.user, pk).html)


@login_required
def log(request: HttpRequest) -> HttpResponse:
    if not access.is_info_staff(request.user):
        raise Http404
    page = Paginator(selectors.delivery_log(), 100).get_page(request.GET.get("page"))
    return render(request, "mailings/log.html", {"page_obj": page})
