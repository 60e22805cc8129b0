"""Writes of the scheduled reports: subscribe (a user, or a group by information staff), unsubscribe, and the
run that renders each recipient's report in their own scope and mails it once per period."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from orgs import access
from orgs.models import Organisation, RoleAssignment
from unionportal.lib.export import XLSX_TYPE

from .exports import report_xlsx
from .models import DeliveryStatus, Frequency, ReportDelivery, ReportSubscription
from .selectors import GROUPS, report_build, report_period, scope_choices

logger = logging.getLogger(__name__)
# A claim older than this whose report never went out belongs to a run that died: the next run takes it over.
STALE_CLAIM = dt.timedelta(hours=1)


def _scope_key(scope: Organisation | None) -> str:
    return "" if scope is None else str(scope.pk)


def subscription_create(*, user, frequency: str, scope: Organisation | None, created_by=None) -> ReportSubscription:
    """Subscribe `user` (again): a scope outside what the user may see is refused."""
    if frequency not in Frequency.values:
        raise ValidationError("Выберите периодичность: еженедельно или ежемесячно.")
    if scope is not None and not scope_choices(user).filter(pk=scope.pk).exists():
        raise ValidationError(
            "Организация «%(name)s» не входит в то, что вам доступно.", params={"name": scope.display_name}
        )
    subscription, _created = ReportSubscription.objects.update_or_create(
        user=user,
        frequency=frequency,
        scope_key=_scope_key(scope),
        defaults={"scope": scope, "active": True},
        create_defaults={"scope": scope, "active": True, "created_by": created_by or user},
    )
    return subscription


def group_subscribe(*, by, group: str, frequency: str) -> int:
    """Information staff subscribe every holder of the group's role to the report of their own scope.
    Returns the number of members subscribed (those already subscribed stay as they are)."""
    if not access.is_info_staff(by):
        raise ValidationError("Подписывать группы могут только сотрудники информационного отдела.")
    if group not in GROUPS:
        raise ValidationError("Выберите группу из списка.")
    role = GROUPS[group][1]
    members = get_user_model().objects.filter(
        pk__in=RoleAssignment.objects.filter(role=role, organisation__is_active=True).values("user_id"), is_active=True
    )
    count = 0
    for member in members:
        subscription_create(user=member, frequency=frequency, scope=None, created_by=by)
        count += 1
    return count


def subscription_cancel(*, subscription: ReportSubscription) -> bool:
    """Stop the subscription (from the portal or the email's link). False when it was already stopped."""
    return bool(ReportSubscription.objects.filter(pk=subscription.pk, active=True).update(active=False))


def _url(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _claim(subscription: ReportSubscription, period) -> ReportDelivery | None:
    """The delivery row for this recipient and period, claimed for sending; None when it went out already
    (or another run holds it). A failed earlier attempt is claimed again."""
    fields = {
        "user": subscription.user,
        "frequency": subscription.frequency,
        "scope_key": subscription.scope_key,
        "period": period.key,
    }
    try:
        with transaction.atomic():
            return ReportDelivery.objects.create(
                **fields,
                subscription=subscription,
                email=subscription.user.email,
                scope=subscription.scope,
                period_start=period.start,
                period_end=period.end,
            )
    except IntegrityError:
        # Claimed again: a failed send, or a claim whose run died before sending (pending for over an hour).
        now = timezone.now()
        retry = Q(status=DeliveryStatus.FAILED) | Q(status=DeliveryStatus.PENDING, created_at__lt=now - STALE_CLAIM)
        retried = ReportDelivery.objects.filter(retry, **fields).update(
            status=DeliveryStatus.PENDING, error="", created_at=now
        )
        return ReportDelivery.objects.get(**fields) if retried else None


def _finish(delivery: ReportDelivery, status: str, **fields) -> None:
    ReportDelivery.objects.filter(pk=delivery.pk).update(status=status, **fields)


def report_deliver(*, subscription: ReportSubscription, today: dt.date) -> str:
    """Render and mail one subscription's report for the period before `today`: "sent", "skipped" (nothing in
    scope or no address), "failed", or "done" when it went out already."""
    period = report_period(subscription.frequency, today)
    delivery = _claim(subscription, period)
    if delivery is None:
        return "done"
    user = subscription.user
    report = report_build(user=user, scope=subscription.scope, frequency=subscription.frequency, today=today)
    if report is None or not user.email:
        reason = "нет адреса электронной почты" if report is not None else "организация вне доступа получателя"
        _finish(delivery, DeliveryStatus.SKIPPED, error=reason)
        return "skipped"
    unsubscribe_url = _url("mailings:unsubscribe", subscription.token)
    html = render_to_string(
        "mailings/report_email.html",
        {
            "report": report,
            "recipient": user,
            "unsubscribe_url": unsubscribe_url,
            "portal_url": _url("mailings:history"),
        },
    )
    kind = "Еженедельный" if subscription.frequency == Frequency.WEEKLY else "Ежемесячный"
    subject = f"{kind} отчёт: {report.scope_name}, {report.period.label}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=strip_tags(html),
        to=[user.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
    )
    message.attach_alternative(html, "text/html")
    message.attach(f"Отчёт {report.period.key}.xlsx", report_xlsx(report), XLSX_TYPE)
    try:
        message.send()
    except OSError as error:  # SMTP errors are OSError subclasses; the run goes on with the next recipient
        logger.warning("report %s to %s failed: %s", period.key, user.email, error)
        _finish(delivery, DeliveryStatus.FAILED, error=str(error)[:1000], html=html, scope_name=report.scope_name)
        return "failed"
    _finish(delivery, DeliveryStatus.SENT, html=html, scope_name=report.scope_name, sent_at=timezone.now())
    return "sent"


def reports_send(*, frequency: str, today: dt.date) -> dict[str, int]:
    """Mail every active subscription of `frequency` its report for the period before `today`, once per
    recipient, scope and period (a rerun sends nothing twice). Returns the count of each outcome."""
    if frequency not in Frequency.values:
        raise ValueError(f"unknown frequency {frequency!r}")
    outcome: dict[str, int] = {}
    subscriptions = ReportSubscription.objects.filter(
        frequency=frequency, active=True, user__is_active=True
    ).select_related("user", "scope")
    for subscription in subscriptions.order_by("pk"):
        result = report_deliver(subscription=subscription, today=today)
        outcome[result] = outcome.get(result, 0) + 1
    return outcome
