"""Reads for the alerts pages, the dashboard's count and the digest. Scope comes from orgs.access only."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from orgs import access
from orgs.models import Role, RoleAssignment

from .models import DEFAULT_THRESHOLDS, Alert, AlertKind, AlertRule

# Who sees alerts: the admins they are routed to, and the presidium (read only).
VIEW_ROLES = (Role.INFO_OFFICER, Role.TERRITORIAL_ADMIN, Role.PRIMARY_ADMIN, Role.PRESIDIUM)
# Who marks them handled, and who receives them: the administrators of an organisation.
ADMIN_ROLES = access.EDIT_ROLES

OPEN = Q(handled_at__isnull=True, resolved_at__isnull=True)


def rules_current() -> list[AlertRule]:
    """Every rule in the order of AlertKind; a kind without a saved row has its default (enabled)."""
    saved = {rule.kind: rule for rule in AlertRule.objects.all()}
    return [
        saved.get(kind) or AlertRule(kind=kind, is_enabled=True, threshold=DEFAULT_THRESHOLDS[kind])
        for kind in AlertKind
    ]


def may_see_alerts(user) -> bool:
    return access.has_role(user, *VIEW_ROLES)


def alerts_in_scope(user, *, handled: bool = False, within=None) -> QuerySet[Alert]:
    """Open alerts, newest first (or, with `handled`, closed ones, latest closed first) in the user's scope.

    `within`: only that organisation's subtree (an organisation the caller checked the user may view)."""
    alerts = Alert.objects.filter(access.path_filter(user, "organisation__path", VIEW_ROLES))
    if within is not None:
        alerts = alerts.filter(organisation__path__startswith=within.path)
    if handled:
        alerts = alerts.exclude(OPEN).order_by(Coalesce("handled_at", "resolved_at").desc(), "-pk")
    else:
        alerts = alerts.filter(OPEN).order_by("-opened_at", "-pk")
    return alerts.select_related("organisation", "page", "routed_to", "handled_by")


def open_alert_count(user, *, within=None) -> int:
    """Open alerts in the user's scope (and within an organisation's subtree, as the dashboard's `?scope=`)."""
    if not may_see_alerts(user):
        return 0
    alerts = Alert.objects.filter(OPEN, access.path_filter(user, "organisation__path", VIEW_ROLES))
    if within is not None:
        alerts = alerts.filter(organisation__path__startswith=within.path)
    return alerts.count()


def can_handle(user, alert: Alert) -> bool:
    return alert.is_open and access.in_scope(user, alert.organisation, ADMIN_ROLES)


def handleable_alert_or_404(user, pk: int) -> Alert:
    """An open alert the user may mark handled; anything else (closed, out of scope, read-only role) is 404."""
    alerts = Alert.objects.filter(OPEN, access.path_filter(user, "organisation__path", ADMIN_ROLES))
    return get_object_or_404(alerts.select_related("organisation", "page", "routed_to"), pk=pk)


def digest_recipients() -> dict[int, tuple[object, list[Alert]]]:
    """{user id: (user, open alerts routed to them)}: two queries.

    An alert goes to the active admins holding an admin role on the organisation it is routed to; where that
    organisation has none, to the admins of the nearest organisation above it that has some.
    """
    admins: dict[str, list] = defaultdict(list)
    assignments = (
        RoleAssignment.objects.filter(role__in=ADMIN_ROLES, organisation__is_active=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "organisation")
        .order_by("user_id")
    )
    for assignment in assignments:
        if assignment.user not in admins[assignment.organisation.path]:
            admins[assignment.organisation.path].append(assignment.user)
    result: dict[int, tuple[object, list[Alert]]] = {}
    open_alerts = Alert.objects.filter(OPEN).select_related("organisation", "page", "routed_to").order_by("pk")
    for alert in open_alerts:
        path = alert.routed_to.path
        holders = [prefix for prefix in admins if path.startswith(prefix)]
        if not holders:
            continue
        for user in admins[max(holders, key=len)]:
            result.setdefault(user.pk, (user, []))[1].append(alert)
    return result
