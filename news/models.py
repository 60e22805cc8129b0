"""Monthly news from primary organisations, their review up the hierarchy and the notices sent about them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orgs.models import Organisation


class NewsStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for changes")
    ACCEPTED = "accepted", _("Accepted")
    PUBLISHED = "published", _("Published")


# Statuses that count as "sent" in completeness: the territory has the item (drafts and returned items do not).
SENT_STATUSES = (NewsStatus.SUBMITTED, NewsStatus.ACCEPTED, NewsStatus.PUBLISHED)
# Statuses the author may still edit.
EDITABLE_STATUSES = (NewsStatus.DRAFT, NewsStatus.RETURNED)


class NewsItem(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="news_items"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="news_items",
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    event_date = models.DateField(_("date of the event"), null=True, blank=True)
    reporting_month = models.DateField(_("reporting month"), help_text=_("The first day of the month."))
    links = models.TextField(_("links"), blank=True, help_text=_("One link per line."))
    status = models.CharField(_("status"), max_length=20, choices=NewsStatus.choices, default=NewsStatus.DRAFT)
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    published_url = models.URLField(_("link to the post"), max_length=500, blank=True)
    forwarded_to_union = models.BooleanField(_("forwarded to the union"), default=False)
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    union_accepted_at = models.DateTimeField(_("accepted by the union at"), null=True, blank=True)
    union_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by the union by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("news item")
        verbose_name_plural = _("news items")
        indexes = [
            # Completeness: sent items per organisation and month.
            models.Index(fields=["organisation", "reporting_month"], name="news_org_month_idx"),
            # The review queue: items of a status (and month), newest first.
            models.Index(fields=["status", "reporting_month"], name="news_status_month_idx"),
            # The information department's list of forwarded items.
            models.Index(fields=["forwarded_to_union", "forwarded_at"], name="news_forwarded_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def link_list(self) -> list[str]:
        return [line.strip() for line in self.links.splitlines() if line.strip()]

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES


class NewsPhoto(models.Model):
    item = models.ForeignKey(NewsItem, verbose_name=_("news item"), on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="news/photos/%Y/%m/")
    thumbnail = models.FileField(_("thumbnail"), upload_to="news/thumbs/%Y/%m/")
    image_format = models.CharField(_("format"), max_length=10)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    size_bytes = models.PositiveIntegerField(_("size in bytes"))
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name or self.image.name


class MonthReopening(models.Model):
    """A territorial admin lets one primary submit for a month whose deadline has passed."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="news_reopenings"
    )
    month = models.DateField(_("month"))
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reopened by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("reopened month")
        verbose_name_plural = _("reopened months")
        constraints = [
            # news_submit looks the pair up; reopening twice is a no-op (upsert on this key).
            models.UniqueConstraint(fields=["organisation", "month"], name="news_reopening_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.month:%m.%Y}"


class ReviewStepKind(models.TextChoices):
    UNACCEPTED = "unaccepted", _("Acceptance withdrawn")
    UNFORWARDED = "unforwarded", _("Forwarding withdrawn")
    UNION_ACCEPTED = "union_accepted", _("Accepted by the union")
    UNION_RETURNED = "union_returned", _("Returned to the territorial organisation")
    UNION_UNACCEPTED = "union_unaccepted", _("The union's acceptance withdrawn")


class NewsReviewStep(models.Model):
    """One decision taken back or passed up the tree, with its reason: the item's review history."""

    item = models.ForeignKey(
        NewsItem, verbose_name=_("news item"), on_delete=models.CASCADE, related_name="review_steps"
    )
    kind = models.CharField(_("step"), max_length=20, choices=ReviewStepKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("step taken by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("step taken at"), auto_now_add=True)

    class Meta:
        verbose_name = _("review step")
        verbose_name_plural = _("review steps")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item} — {self.get_kind_display()}"


class NotificationPreference(models.Model):
    """Which notices a user wants. No row means every notice is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="news_notification_preference"
    )
    reminders = models.BooleanField(_("monthly reminders to send news"), default=True)
    item_notices = models.BooleanField(_("notices when my news is returned or published"), default=True)
    digest = models.BooleanField(_("weekly digest of news waiting for review"), default=True)
    forwarded = models.BooleanField(_("notices when news is forwarded to the information department"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    RETURNED = "returned", _("Item returned")
    PUBLISHED = "published", _("Item published")
    DIGEST = "digest", _("Weekly digest")
    FORWARDED = "forwarded", _("Item forwarded to the union")


class Notice(models.Model):
    """One email sent: who was reminded or notified, about what and when."""

    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="news_notices"
    )
    email = models.EmailField(_("email"))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="news_notices",
    )
    month = models.DateField(_("month"), null=True, blank=True)
    item = models.ForeignKey(
        NewsItem, verbose_name=_("news item"), null=True, blank=True, on_delete=models.CASCADE, related_name="notices"
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            # A month's reminder goes to a user about an organisation once, however often the task runs.
            models.UniqueConstraint(
                fields=["kind", "user", "organisation", "month"],
                condition=models.Q(kind="reminder"),
                name="news_notice_reminder_once",
            ),
        ]
        indexes = [
            # "Who was reminded about this month": the notice log filtered by kind and month.
            models.Index(fields=["kind", "month"], name="news_notice_kind_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.email}"


class ReminderRun(models.Model):
    """One sending of the monthly reminders: by the schedule, or a person's «Remind now» for their scope."""

    month = models.DateField(_("month"))
    # The subtree roots the run covered, joined ("" = the whole union): the once-a-day rule's key.
    scope_key = models.CharField(_("scope"), max_length=1000, blank=True)
    day = models.DateField(_("day"))
    automatic = models.BooleanField(_("by the schedule"), default=False)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    sent = models.PositiveIntegerField(_("emails sent"), default=0)

    class Meta:
        verbose_name = _("reminder run")
        verbose_name_plural = _("reminder runs")
        constraints = [
            # «Remind now» at most once a day per scope: the second press of the day is refused.
            models.UniqueConstraint(
                fields=["scope_key", "day"], condition=models.Q(automatic=False), name="news_reminder_run_once_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m.%Y} ({self.day:%d.%m.%Y})"


class ReminderLog(models.Model):
    """One reminder email about one primary and month: to its admin, or to the territorial admin when the
    primary has no admin account that can be reached."""

    run = models.ForeignKey(ReminderRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="news_reminders"
    )
    month = models.DateField(_("month"))
    day = models.DateField(_("day"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    email = models.EmailField(_("email"))
    via_territorial = models.BooleanField(_("sent to the territorial admin"), default=False)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            # A recipient hears about a primary and month at most once a day, however often a run is repeated.
            models.UniqueConstraint(
                fields=["user", "organisation", "month", "day"], name="news_reminder_log_once_a_day"
            ),
        ]
        indexes = [
            # The reminders page: the log newest first, and the last reminder per primary for a month.
            models.Index(fields=["month", "organisation"], name="news_reminder_log_month_idx"),
            models.Index(fields=["-sent_at"], name="news_reminder_log_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.month:%m.%Y} → {self.email}"


class PostLinkHow(models.TextChoices):
    ENTERED_LINK = "entered_link", _("By the link entered when publishing")
    SUGGESTION = "suggestion", _("Suggestion confirmed by a reviewer")


class NewsPostLink(models.Model):
    """A published item appeared in a post on a page of its organisation or of an organisation above it."""

    item = models.ForeignKey(NewsItem, verbose_name=_("news item"), on_delete=models.CASCADE, related_name="post_links")
    post = models.ForeignKey(
        "socialstats.Post", verbose_name=_("post"), on_delete=models.CASCADE, related_name="news_links"
    )
    how = models.CharField(_("how it was found"), max_length=20, choices=PostLinkHow.choices)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("post of a news item")
        verbose_name_plural = _("posts of news items")
        constraints = [
            # An item is linked to a post once, whether by its link or by a confirmed suggestion (upsert key).
            models.UniqueConstraint(fields=["item", "post"], name="news_post_link_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.post_id}"


class NewsPostRejection(models.Model):
    """A reviewer said a suggested post is not this item: it is not suggested again."""

    item = models.ForeignKey(
        NewsItem, verbose_name=_("news item"), on_delete=models.CASCADE, related_name="post_rejections"
    )
    post = models.ForeignKey(
        "socialstats.Post", verbose_name=_("post"), on_delete=models.CASCADE, related_name="news_rejections"
    )
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rejected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rejected_at = models.DateTimeField(_("rejected at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rejected post suggestion")
        verbose_name_plural = _("rejected post suggestions")
        constraints = [
            # Suggestions leave out the rejected pairs; rejecting twice is a no-op.
            models.UniqueConstraint(fields=["item", "post"], name="news_post_rejection_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} ✗ {self.post_id}"
