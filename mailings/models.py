"""Scheduled reports: who asked for which report, and every report that went out (the log and the history)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "еженедельно"
    MONTHLY = "monthly", "ежемесячно"


class ReportSubscription(models.Model):
    """A user's wish to receive a report. `scope` None: everything the user may see on the day it is sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="report_subscriptions",
        verbose_name="получатель",
    )
    scope = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="организация",
    )
    # "" for everything the user may see, else the organisation's id: a key NULL cannot break (NULLs are distinct).
    scope_key = models.CharField(max_length=20, default="", editable=False)
    frequency = models.CharField("периодичность", max_length=10, choices=Frequency.choices)
    active = models.BooleanField("активна", default=True)
    token = models.CharField(max_length=64, unique=True, default=_new_token, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "подписка на отчёт"
        verbose_name_plural = "подписки на отчёты"
        constraints = [
            # One subscription per user, frequency and scope: subscribing again reactivates it.
            models.UniqueConstraint(fields=["user", "frequency", "scope_key"], name="mailing_subscription_unique"),
        ]
        indexes = [
            # reports_send: the active subscriptions of a frequency.
            models.Index(fields=["frequency", "active"], name="mailing_sub_freq_active_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_frequency_display()} · {self.scope or 'всё'}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "отправляется"
    SENT = "sent", "отправлен"
    FAILED = "failed", "ошибка"
    SKIPPED = "skipped", "пропущен"


class ReportDelivery(models.Model):
    """One report for one recipient and period. The unique key makes a rerun send nothing twice."""

    subscription = models.ForeignKey(
        ReportSubscription, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_deliveries")
    email = models.EmailField(blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    scope = models.ForeignKey("orgs.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    scope_key = models.CharField(max_length=20, default="")
    scope_name = models.CharField(max_length=300, blank=True)
    period = models.CharField("период", max_length=10)  # "2026-W48" or "2026-11"
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    error = models.TextField(blank=True)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "отправленный отчёт"
        verbose_name_plural = "отправленные отчёты"
        constraints = [
            # One report per recipient, frequency, scope and period: the claim reports_send makes before mailing.
            models.UniqueConstraint(
                fields=["user", "frequency", "scope_key", "period"], name="mailing_delivery_once_per_period"
            ),
        ]
        indexes = [
            # The history page: a user's reports, newest first; the log: everything, newest first.
            models.Index(fields=["user", "-created_at"], name="mailing_delivery_user_idx"),
            models.Index(fields=["-created_at"], name="mailing_delivery_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.period} · {self.get_status_display()}"
