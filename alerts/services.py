"""Writes: rule settings, the daily evaluation (open, close, escalate), marking handled, the daily digest.

Decisions (docs/operations.md, «Оповещения»):
- An alert whose condition is gone at the next evaluation is closed by itself (`resolved_at`); the same condition
  coming back later opens a new alert. A rule switched off is not evaluated and leaves its open alerts as they are.
- An alert unhandled for ESCALATE_AFTER_DAYS since it was opened (or last passed up) is passed to the parent
  of the organisation it is routed to, once per period, until it reaches the top of the tree.
- One digest per person per day, claimed by a row with a unique (user, day) before the email goes out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from orgs.models import Organisation
from unionportal.lib.russian import count_phrase

from . import conditions
from .models import Alert, AlertDigest, AlertKind, AlertRule
from .selectors import OPEN, digest_recipients, rules_current

ESCALATE_AFTER_DAYS = 7
THRESHOLD_LIMITS = {
    AlertKind.SILENT_PAGE: (1, 365),
    AlertKind.SUBSCRIBER_DROP: (1, 100),
    AlertKind.COLLECTION_FAILING: (1, 60),
    AlertKind.PRIMARY_NO_NEWS: (1, 12),
    AlertKind.BELOW_TREND: (1, 3650),
}


@dataclass
class Evaluation:
    opened: int = 0
    resolved: int = 0
    escalated: int = 0

    def __str__(self) -> str:
        return f"opened {self.opened}, closed {self.resolved}, escalated {self.escalated}"


def alert_rule_update(*, kind: str, is_enabled: bool, threshold: int, user) -> AlertRule:
    if kind not in AlertKind.values:
        raise ValidationError(f"Неизвестное правило «{kind}».")
    low, high = THRESHOLD_LIMITS[AlertKind(kind)]
    if not low <= threshold <= high:
        raise ValidationError(f"«{AlertKind(kind).label}»: порог должен быть от {low} до {high}, а не {threshold}.")
    rule, _created = AlertRule.objects.update_or_create(
        kind=kind, defaults={"is_enabled": is_enabled, "threshold": threshold, "updated_by": user}
    )
    return rule


def _moment(today: dt.date) -> dt.datetime:
    """Now when evaluating today; the start of the day when a past or future day is evaluated (--today)."""
    if today == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(dt.datetime.combine(today, dt.time(6, 30)))


def alerts_evaluate(*, today: dt.date) -> Evaluation:
    """Open alerts for the conditions that hold, close those whose condition is gone, pass stale ones up."""
    summary = Evaluation()
    moment = _moment(today)
    for rule in rules_current():
        if not rule.is_enabled:
            continue
        found = {condition.key: condition for condition in conditions.conditions(rule.kind, today, rule.threshold)}
        open_keys = set(Alert.objects.filter(OPEN, kind=rule.kind).values_list("key", flat=True))
        gone = open_keys - set(found)
        if gone:
            summary.resolved += Alert.objects.filter(OPEN, kind=rule.kind, key__in=gone).update(resolved_at=moment)
        for key in sorted(set(found) - open_keys):
            condition = found[key]
            try:
                with transaction.atomic():
                    Alert.objects.create(
                        kind=condition.kind,
                        key=condition.key,
                        organisation_id=condition.organisation_id,
                        page_id=condition.page_id,
                        detail=condition.detail[:300],
                        opened_at=moment,
                        routed_to_id=condition.organisation_id,
                    )
            except IntegrityError:  # a concurrent run opened it first
                continue
            summary.opened += 1
    summary.escalated = _escalate(today=today, moment=moment)
    return summary


def _escalate(*, today: dt.date, moment: dt.datetime) -> int:
    """Pass every alert unhandled for a week at its level to the parent of that level (a claimed update each)."""
    due = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=ESCALATE_AFTER_DAYS), dt.time.max))
    stale = Alert.objects.filter(OPEN).filter(
        Q(escalated_at__isnull=True, opened_at__lte=due) | Q(escalated_at__lte=due)
    )
    passed = 0
    for alert in stale.select_related("routed_to").order_by("pk"):
        level = alert.routed_to
        if level.depth <= 1:
            continue  # the top of the tree: nobody above
        parent = Organisation.objects.filter(path=level.path[: -level.steplen]).first()
        if parent is None:
            continue
        passed += Alert.objects.filter(OPEN, pk=alert.pk, routed_to=level).update(routed_to=parent, escalated_at=moment)
    return passed


def alert_handle(*, alert: Alert, user, comment: str) -> Alert:
    """Mark an open alert handled with the comment; a second click (or a closed alert) is refused."""
    comment = comment.strip()
    if not comment:
        raise ValidationError("Напишите комментарий: что сделано или почему оповещение не требует действий.")
    changed = Alert.objects.filter(OPEN, pk=alert.pk).update(
        handled_at=timezone.now(), handled_by=user, comment=comment
    )
    if not changed:
        raise ValidationError("Это оповещение уже закрыто.")
    alert.refresh_from_db()
    return alert


def _url(name: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name)


def _digest_text(alerts: list[Alert]) -> str:
    counted = count_phrase(len(alerts), "открытое оповещение", "открытых оповещения", "открытых оповещений")
    lines = [
        "Здравствуйте!",
        "",
        f"На портале для вас {counted}:",
        "",
    ]
    for alert in alerts:
        since = timezone.localtime(alert.opened_at).strftime("%d.%m.%Y")
        line = f"— {alert.get_kind_display()}. {alert.detail} (с {since}"
        if alert.routed_to_id != alert.organisation_id:
            line += f", передано вам от «{alert.organisation.display_name}»"
        lines.append(line + ")")
    lines += [
        "",
        f"Все оповещения и отметка «решено»: {_url('alerts:list')}",
        "Неотмеченное оповещение через неделю передаётся в организацию уровнем выше.",
    ]
    return "\n".join(lines)


def alerts_digest_send(*, today: dt.date) -> int:
    """One email per person per day listing their open alerts. Returns the number of emails sent."""
    sent = 0
    for user, alerts in digest_recipients().values():
        try:
            with transaction.atomic():
                AlertDigest.objects.create(user=user, day=today, email=user.email, alerts=len(alerts))
        except IntegrityError:
            continue  # already sent today
        try:
            send_mail(
                f"Оповещения портала: {count_phrase(len(alerts), 'открытое', 'открытых', 'открытых')} "
                f"на {today:%d.%m.%Y}",
                _digest_text(alerts),
                None,
                [user.email],
            )
        except OSError:  # SMTP down: give the claim back so the next run sends it, and let the run fail loudly
            AlertDigest.objects.filter(user=user, day=today).delete()
            raise
        sent += 1
    return sent


def alerts_run(*, today: dt.date) -> str:
    """The daily job: evaluate the rules, then send the digests."""
    summary = alerts_evaluate(today=today)
    sent = alerts_digest_send(today=today)
    return f"{summary}; digests {sent}"
