from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from orgs import access, selectors
from orgs.models import Role

from .health import health_report

# What each role can do next, in the order shown on the home page: (role, url name, label key).
ROLE_TASKS: dict[str, list[str]] = {
    Role.INFO_OFFICER: ["tree", "import_orgs", "admin"],
    Role.TERRITORIAL_ADMIN: ["tree"],
    Role.PRIMARY_ADMIN: ["tree"],
    Role.PRESIDIUM: ["tree"],
    Role.JUROR: ["tree"],
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = access.user_roles(request.user)
    assignments = request.user.role_assignments.select_related("organisation").order_by("role")
    return render(
        request,
        "home.html",
        {
            "assignments": assignments,
            "roles": roles,
            "roots": selectors.tree_roots(request.user),
            "is_info_staff": access.is_info_staff(request.user),
        },
    )


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """ok / not ok for anyone (load balancers, compose); which service failed and why only for staff."""
    report = health_report()
    status = 200 if report["ok"] else 503
    if not (request.user.is_staff or access.is_info_staff(request.user)):
        return JsonResponse({"ok": report["ok"]}, status=status)
    return JsonResponse(report, status=status)
