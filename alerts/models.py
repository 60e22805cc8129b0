"""Alerts up the tree: rules with their settings, the alerts they open, and the log of daily digests.

An alert is open while neither `handled_at` (a person marked it handled, with a comment) nor `resolved_at`
(the evaluation found its condition gone) is set. It is routed to an organisation (`routed_to`): first its
own, then, each week it stays unhandled, the next one up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from orgs.models import Organisation
from socialstats.models import SocialPage


class AlertKind(models.TextChoices):
    SILENT_PAGE = "silent_page", "Страница молчит"
    SUBSCRIBER_DROP = "subscriber_drop", "Падение подписчиков за неделю"
    COLLECTION_FAILING = "collection_failing", "Сбор данных не удаётся"
    PRIMARY_NO_NEWS = "primary_no_news", "Первичка без новостей"
    BELOW_TREND = "below_trend", "Территориальная страница ниже целевого тренда"


# What `AlertRule.threshold` means for each kind, and its default.
THRESHOLD_LABELS = {
    AlertKind.SILENT_PAGE: "дней без постов",
    AlertKind.SUBSCRIBER_DROP: "% падения за неделю",
    AlertKind.COLLECTION_FAILING: "ночей подряд без сбора",
    AlertKind.PRIMARY_NO_NEWS: "месяцев без новостей",
    AlertKind.BELOW_TREND: "дней, за которые тренд должен дойти до цели",
}
DEFAULT_THRESHOLDS = {
    AlertKind.SILENT_PAGE: 30,
    AlertKind.SUBSCRIBER_DROP: 10,
    AlertKind.COLLECTION_FAILING: 3,
    AlertKind.PRIMARY_NO_NEWS: 2,
    AlertKind.BELOW_TREND: 365,
}


class AlertRule(models.Model):
    """One row per kind: whether it is evaluated, and its one number (THRESHOLD_LABELS says what it means)."""

    kind = models.CharField("правило", max_length=30, choices=AlertKind.choices, unique=True)
    is_enabled = models.BooleanField("включено", default=True)
    threshold = models.PositiveIntegerField("порог")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "правило оповещений"
        verbose_name_plural = "правила оповещений"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def threshold_label(self) -> str:
        return THRESHOLD_LABELS[AlertKind(self.kind)]


class Alert(models.Model):
    kind = models.CharField("правило", max_length=30, choices=AlertKind.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name="организация", on_delete=models.CASCADE, related_name="alerts"
    )
    page = models.ForeignKey(
        SocialPage, verbose_name="страница", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    # What the alert is about, for dedup: "page:<id>" or "org:<id>".
    key = models.CharField(max_length=100)
    detail = models.CharField("что случилось", max_length=300)
    opened_at = models.DateTimeField("открыто")
    routed_to = models.ForeignKey(
        Organisation, verbose_name="направлено", on_delete=models.CASCADE, related_name="routed_alerts"
    )
    escalated_at = models.DateTimeField("передано выше", null=True, blank=True)
    resolved_at = models.DateTimeField("закрыто само", null=True, blank=True)
    handled_at = models.DateTimeField("отмечено решённым", null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="кто решил",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField("комментарий", blank=True)

    class Meta:
        verbose_name = "оповещение"
        verbose_name_plural = "оповещения"
        constraints = [
            # One open alert per condition: the evaluation opens a new one only when none is open (alerts_evaluate).
            models.UniqueConstraint(
                fields=["kind", "key"],
                condition=models.Q(handled_at__isnull=True, resolved_at__isnull=True),
                name="alert_one_open_per_key",
            ),
        ]
        indexes = [
            # The evaluation and the digest read the open alerts of each kind.
            models.Index(fields=["kind", "handled_at", "resolved_at"], name="alert_kind_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.detail}"

    @property
    def is_open(self) -> bool:
        return self.handled_at is None and self.resolved_at is None


class AlertDigest(models.Model):
    """A daily digest sent (or claimed for sending) to one person: at most one per person per day."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    day = models.DateField("день")
    email = models.EmailField()
    alerts = models.PositiveIntegerField("оповещений в письме")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "сводка оповещений"
        verbose_name_plural = "сводки оповещений"
        constraints = [
            # One digest per person per day: a second run the same day claims nothing (alerts_digest_send).
            models.UniqueConstraint(fields=["user", "day"], name="alert_digest_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.day:%d.%m.%Y}"
