"""A reviewer confirms or rejects a suggested post of a published news item, or unlinks a linked one (POST only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from unionportal.lib.query import query_id

from .. import selectors
from ..models import NewsPostLink, PostLinkHow
from . import services


def _back(request: HttpRequest, item_pk: int) -> HttpResponse:
    """Back to the page the button was on (the review queue with its filters), else to the item."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("news:detail", item_pk)


def _decide(request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
    item = get_object_or_404(selectors.reviewable_items(request.user), pk=pk)  # out of scope: 404
    try:
        service(item=item, post_id=request.POST.get("post"), by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done % {"title": item.title})
    return _back(request, item.pk)


@login_required
@require_POST
def post_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.post_link_confirm, _("«%(title)s» is linked to the post."))


@login_required
@require_POST
def post_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, services.post_link_reject, _("The post is not suggested for «%(title)s» any more."))


@login_required
@require_POST
def post_unlink(request: HttpRequest, pk: int) -> HttpResponse:
    """The «Отвязать» button posts here and gets a confirmation page; its «Unlink» button posts again with
    `confirmed`, and only then is the link deleted."""
    item = get_object_or_404(selectors.reviewable_items(request.user), pk=pk)  # out of scope: 404
    link = get_object_or_404(
        NewsPostLink.objects.select_related("post__page"), item=item, post_id=query_id(request.POST.get("post"))
    )
    if request.POST.get("confirmed") != "1":
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            target = ""
        return render(
            request,
            "news/post_unlink.html",
            {"item": item, "link": link, "next": target, "by_entered_link": link.how == PostLinkHow.ENTERED_LINK},
        )
    return _decide(request, pk, services.post_link_remove, _("«%(title)s» is no longer linked to the post."))
