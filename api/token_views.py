"""The user's own API tokens: create (the key is shown once) and revoke. Another user's token answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import TokenForm


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            token, new_key = services.token_create(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Token «%(name)s» created.") % {"name": token.name})
            form = TokenForm()
    return render(
        request,
        "api/token_list.html",
        {"form": form, "tokens": selectors.user_tokens(request.user), "new_key": new_key},
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(selectors.user_tokens(request.user), pk=pk)
    if services.token_revoke(token=token):
        messages.success(request, _("Token «%(name)s» revoked: it no longer opens the API.") % {"name": token.name})
    return redirect("api:tokens")
