"""Contests: criteria, entries, the jury's scores and the frozen automatic points.

The rules (formulas, tie-breaks, normalisation) are in docs/contests.md and `contests/scoring.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from orgs.models import Organisation
from socialstats.models import SocialPage


class ContestStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    JUDGING = "judging", _("Judging")
    CLOSED = "closed", _("Closed")
    PUBLISHED = "published", _("Results published")


class ParticipantLevel(models.TextChoices):
    TERRITORIAL = "territorial", _("Territorial organisations")
    PRIMARY = "primary", _("Primary organisations")
    PAGE = "page", _("Single pages")
    NEWS = "news", _("News items")


class ContestTemplate(models.TextChoices):
    CUSTOM = "custom", _("Custom")
    BEST_COMMUNITY = "best_community", _("Best union community in social networks")
    INFO_ACTIVITY = "info_activity", _("Review contest for the best information work")
    NEWS_OF_MONTH = "news_of_month", _("Best news of the month from a primary")


class Metric(models.TextChoices):
    """Where a criterion's points come from: a metric computed from the data, or the jury."""

    JURY = "jury", _("Jury")
    PAGES_USED = "pages_used", _("Social pages used")
    SUBSCRIBERS_END = "subscribers_end", _("Subscribers at the end of the period")
    SUBSCRIBERS_GAINED = "subscribers_gained", _("Subscribers gained over the period")
    GROWTH_PCT = "growth_pct", _("Subscriber growth over the period, %")
    POSTS_PER_MONTH = "posts_per_month", _("Posts per month")
    ENGAGEMENT = "engagement", _("Engagement, %")
    ACTIVE_PAGES = "active_pages", _("Active pages")
    YOUTH_PAGE = "youth_page", _("A youth-council page exists")
    LEADER_PAGES = "leader_pages", _("Leaders' personal pages exist")
    WEBSITE_CHECKLIST = "website_checklist", _("Website checklist score")
    PRINT_PUBLICATIONS = "print_publications", _("Print publications")
    NEWS_REACTIONS = "news_reactions", _("Reactions to the published news (likes, comments, reposts)")
    POSTS_PER_WEEK = "posts_per_week", _("Posting frequency (posts per week)")


class PointsRule(models.TextChoices):
    LINEAR = "linear", _("Linear to the best participant")
    RANK = "rank", _("By rank")


class Contest(models.Model):
    title = models.CharField(_("title"), max_length=300)
    template = models.CharField(
        _("template"), max_length=20, choices=ContestTemplate.choices, default=ContestTemplate.CUSTOM
    )
    scope = models.ForeignKey(
        Organisation, verbose_name=_("among the organisations of"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("participants"), max_length=20, choices=ParticipantLevel.choices)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    status = models.CharField(_("status"), max_length=20, choices=ContestStatus.choices, default=ContestStatus.DRAFT)
    normalise_jury = models.BooleanField(
        _("normalise each juror's scores (z-score)"),
        default=False,
        help_text=_("Evens out strict and lenient jurors; see the rules."),
    )
    min_jurors = models.PositiveSmallIntegerField(
        _("minimum jurors per entry"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("Closing judging with an entry scored by fewer jurors asks for confirmation."),
    )
    nominations = models.TextField(_("nominations"), blank=True, help_text=_("One per line: «Nomination — winner»"))
    resolution_preamble = models.TextField(_("resolution preamble"), blank=True)
    resolution_decisions = models.TextField(_("resolution decisions"), blank=True)
    resolution_city = models.CharField(
        _("city"), max_length=100, blank=True, help_text=_("Under the date in the resolution's heading: «г. Москва».")
    )
    resolution_chair = models.CharField(
        _("chair"), max_length=200, blank=True, help_text=_("Next to the signature line: «И. И. Иванов».")
    )
    resolution_control = models.CharField(
        _("control of execution"),
        max_length=300,
        blank=True,
        help_text=_("Who is charged with control, in the accusative: «заведующего информационным отделом И. Иванова»."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    judging_started_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        indexes = [
            # The dashboard lists contests newest first, filtered by status.
            models.Index(fields=["status", "-period_end"], name="contest_status_end_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def entries_editable(self) -> bool:
        return self.status in (ContestStatus.DRAFT, ContestStatus.OPEN)


class Criterion(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=300)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    weight = models.DecimalField(_("weight"), max_digits=6, decimal_places=2, default=1)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2, default=10)
    source = models.CharField(_("source"), max_length=30, choices=Metric.choices, default=Metric.JURY)
    description = models.TextField(
        _("description for the jury"), blank=True, help_text=_("What to look at and what each end of the scale means.")
    )
    rule = models.CharField(
        _("points rule"),
        max_length=10,
        choices=PointsRule.choices,
        default=PointsRule.LINEAR,
        help_text=_("For automatic criteria only."),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_jury(self) -> bool:
        return self.source == Metric.JURY


class Entry(models.Model):
    """A participant: an organisation, one of its pages, or (once the news app lands) a news item.

    `organisation` is always set (for a page: the page's organisation; for a news item: its author's
    organisation): the jury's conflict of interest is decided on it. `news_item_id` is a plain integer,
    not a foreign key, because contests must not depend on the news app's migrations; `title` keeps
    the name the entry had when it joined.
    """

    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entries")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="contest_entries")
    page = models.ForeignKey(SocialPage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    news_item_id = models.PositiveIntegerField(null=True, blank=True)
    title = models.CharField(_("participant"), max_length=300)
    # Frozen with the automatic points when judging starts: the second tie-break.
    engagement = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        constraints = [
            # An organisation takes part once (entries generated twice do not duplicate).
            models.UniqueConstraint(
                fields=["contest", "organisation"],
                condition=Q(page__isnull=True, news_item_id__isnull=True),
                name="entry_unique_org",
            ),
            models.UniqueConstraint(fields=["contest", "page"], name="entry_unique_page"),
            models.UniqueConstraint(fields=["contest", "news_item_id"], name="entry_unique_news"),
        ]

    def __str__(self) -> str:
        return self.title


class AutoScore(models.Model):
    """An automatic criterion's value and points for one entry, frozen when judging starts."""

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="auto_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="auto_scores")
    value = models.FloatField(null=True)
    points = models.FloatField()

    class Meta:
        constraints = [
            # One frozen value per entry and criterion.
            models.UniqueConstraint(fields=["entry", "criterion"], name="autoscore_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.criterion_id}: {self.points}"


class Juror(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="jurors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contest_juries")
    # Set by the juror's «Отправить оценки»: their marks are locked until the organiser reopens them.
    submitted_at = models.DateTimeField(_("marks submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        constraints = [
            # A person sits once on a contest's jury.
            models.UniqueConstraint(fields=["contest", "user"], name="juror_unique"),
        ]

    def __str__(self) -> str:
        return str(self.user)


class JuryScore(models.Model):
    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="scores")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="jury_scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="jury_scores")
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, null=True, blank=True)
    abstained = models.BooleanField(_("abstain"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # A juror scores an entry on a criterion once; scoring again replaces it.
            models.UniqueConstraint(fields=["juror", "entry", "criterion"], name="juryscore_unique"),
            models.CheckConstraint(
                condition=Q(abstained=True) | Q(points__isnull=False), name="juryscore_points_or_abstain"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.juror_id}/{self.entry_id}/{self.criterion_id}: {self.points}"


class ConflictKind(models.TextChoices):
    DECLARED = "declared", _("Conflict declared by the organiser")
    LIFTED = "lifted", _("Conflict lifted by the organiser")
    RECUSED = "recused", _("Juror recused")


class JurorConflict(models.Model):
    """A conflict of interest decided by a person for one juror × entry, over the one derived from roles.

    «declared» and «recused» keep the juror from scoring the entry; «lifted» lets them score an entry
    their roles would otherwise exclude. Kept in the audit trail (settings.AUDITLOG_INCLUDE_TRACKING_MODELS).
    """

    juror = models.ForeignKey(Juror, on_delete=models.CASCADE, related_name="conflicts")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="juror_conflicts")
    kind = models.CharField(_("decision"), max_length=10, choices=ConflictKind.choices)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            # One decision per juror and entry: declaring again or lifting replaces it.
            models.UniqueConstraint(fields=["juror", "entry"], name="jurorconflict_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.juror} / {self.entry}: {self.get_kind_display()}"

    @property
    def excludes(self) -> bool:
        return self.kind != ConflictKind.LIFTED
