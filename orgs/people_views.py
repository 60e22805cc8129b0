"""People of an organisation: who holds which role, granting, inviting and removing; the own profile.

Who may change what is decided in `access.role_change_refusal` and enforced again by the services.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import access, selectors, services
from .models import Organisation, Role, RoleAssignment
from .people_forms import RoleGrantForm, UserInviteForm, UserSearchForm

BELOW_PER_PAGE = 50
INVITE_ID = "invite_%s"  # the two forms share field names; their HTML ids must differ


def _with_permissions(user, assignments) -> list[tuple[RoleAssignment, bool]]:
    """Each assignment with whether `user` may remove it (decided in memory, no query per row)."""
    return [
        (
            assignment,
            access.role_change_refusal(
                user, role=assignment.role, organisation=assignment.organisation, target_user=assignment.user
            )
            is None,
        )
        for assignment in assignments
    ]


def _display(user) -> str:
    return user.get_full_name() or user.get_username()


@login_required
def people(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access.get_viewable_organisation_or_404(request.user, pk)
    roles = access.grantable_roles(request.user, organisation)
    findable = access.findable_people(request.user)
    grant_form = RoleGrantForm(roles=roles, people=findable)
    invite_form = UserInviteForm(roles=roles, auto_id=INVITE_ID)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "grant":
            grant_form = RoleGrantForm(request.POST, roles=roles, people=findable)
            if grant_form.is_valid():
                data = grant_form.cleaned_data
                try:
                    services.role_grant(
                        by=request.user, user=data["user"], role=data["role"], organisation=organisation
                    )
                except ValidationError as error:
                    grant_form.add_error(None, error)
                else:
                    messages.success(
                        request,
                        _("%(user)s now holds the role «%(role)s».")
                        % {"user": _display(data["user"]), "role": Role(data["role"]).label},
                    )
                    return redirect("orgs:people", pk=organisation.pk)
        elif action == "invite":
            invite_form = UserInviteForm(request.POST, roles=roles, auto_id=INVITE_ID)
            if invite_form.is_valid():
                data = invite_form.cleaned_data
                try:
                    invitation = services.user_invite(by=request.user, organisation=organisation, **data)
                except ValidationError as error:
                    invite_form.add_error(None, error)
                else:
                    if invitation.sent:
                        messages.success(
                            request,
                            _("The account %(user)s is created; the invitation went to %(email)s.")
                            % {"user": invitation.user.get_username(), "email": invitation.user.email},
                        )
                    else:
                        messages.warning(
                            request,
                            _(
                                "The account %(user)s is created, but the invitation email could not be sent: "
                                "the person can ask for a link on the «Forgotten password» page once mail works."
                            )
                            % {"user": invitation.user.get_username()},
                        )
                    return redirect("orgs:people", pk=organisation.pk)
        else:
            return HttpResponseBadRequest(_("Unknown action."))

    search = UserSearchForm(request.GET or None)
    candidates = selectors.user_search(findable, search.cleaned_data["q"]) if search.is_valid() else []
    below = Paginator(selectors.people_below(organisation), BELOW_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "orgs/people_list.html",
        {
            "organisation": organisation,
            "here": _with_permissions(request.user, selectors.people_here(organisation)),
            "above": list(selectors.people_above(organisation)),
            "below": _with_permissions(request.user, below.object_list),
            "page_obj": below,
            "roles": roles,
            "search": search,
            "candidates": candidates,
            "grant_form": grant_form,
            "invite_form": invite_form,
        },
    )


@login_required
def people_remove(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    """Confirm, then remove a role assignment held over `pk` or below it."""
    organisation: Organisation = access.get_viewable_organisation_or_404(request.user, pk)
    assignment = get_object_or_404(
        RoleAssignment.objects.select_related("user", "organisation"),
        pk=assignment_pk,
        organisation__path__startswith=organisation.path,
    )
    refusal = access.role_change_refusal(
        request.user, role=assignment.role, organisation=assignment.organisation, target_user=assignment.user
    )
    if request.method == "POST" and refusal is None:
        try:
            services.role_revoke(by=request.user, assignment=assignment)
        except ValidationError as error:
            refusal = " ".join(error.messages)
        else:
            messages.success(
                request,
                _("%(user)s no longer holds the role «%(role)s» at %(organisation)s.")
                % {
                    "user": _display(assignment.user),
                    "role": assignment.get_role_display(),
                    "organisation": assignment.organisation.display_name,
                },
            )
            return redirect("orgs:people", pk=organisation.pk)
    return render(
        request,
        "orgs/people_remove.html",
        {"organisation": organisation, "assignment": assignment, "refusal": refusal},
        status=403 if refusal else 200,
    )


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    assignments = request.user.role_assignments.select_related("organisation").order_by("role", "organisation__path")
    return render(request, "orgs/people_profile.html", {"assignments": assignments})
