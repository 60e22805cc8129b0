"""Information resources of organisations (social pages, websites, print) and dated snapshots."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.models import Organisation


class Network(models.TextChoices):
    VK = "vk", _("VKontakte")
    TELEGRAM = "telegram", _("Telegram")
    MAX = "max", _("MAX")
    OK = "ok", _("Odnoklassniki")
    FACEBOOK = "facebook", _("Facebook")
    INSTAGRAM = "instagram", _("Instagram")
    YOUTUBE = "youtube", _("YouTube")
    RUTUBE = "rutube", _("Rutube")
    DZEN = "dzen", _("Dzen")
    OTHER = "other", _("Other")


# Networks the union no longer runs (Facebook and Instagram are blocked in Russia since 2022): their last
# figures are history. Current totals leave them out unless a person asks for them.
HISTORY_NETWORKS = (Network.FACEBOOK, Network.INSTAGRAM)
CURRENT_NETWORKS = tuple(network for network in Network.values if network not in HISTORY_NETWORKS)

# Networks with an API the nightly job collects; the others keep imported and manual history only.
COLLECTED_NETWORKS = (Network.VK, Network.TELEGRAM, Network.MAX, Network.OK)


class PageOwner(models.TextChoices):
    ORGANISATION = "organisation", _("The organisation itself")
    YOUTH_COUNCIL = "youth_council", _("Its youth council")
    LEADER = "leader", _("A leader's personal page")


class PageStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    ARCHIVED = "archived", _("Archived")
    DELETED = "deleted", _("Deleted on the network")
    BANNED = "banned", _("Blocked on the network")
    CLOSED = "closed", _("Closed or private")
    NOT_FOUND = "not_found", _("Not found on the network")


class SocialPage(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="social_pages"
    )
    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    # A page created by a snapshot import knows only its organisation and network: url and handle stay
    # empty until someone pastes the link (the registry shows such pages as "link unknown").
    url = models.URLField(_("link"), max_length=500, blank=True)
    handle = models.CharField(_("screen name"), max_length=200, blank=True, help_text=_("as recognised from the link"))
    external_id = models.CharField(_("network id"), max_length=64, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    owner = models.CharField(_("run by"), max_length=20, choices=PageOwner.choices, default=PageOwner.ORGANISATION)
    is_official = models.BooleanField(_("official"), default=False)
    official_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=PageStatus.choices, default=PageStatus.ACTIVE)
    added_on = models.DateField(_("added on"), default=timezone.localdate)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    # Collection health, written by a run only when it changes (when a page was last collected is its latest
    # API snapshot's `taken_at`): the failing-pages report reads these.
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # MAX: the portal's bot is not an administrator of this channel, so its posts cannot be read (set by
    # each run; the page says what the channel's admin must do).
    needs_bot_admin = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("social page")
        verbose_name_plural = _("social pages")
        constraints = [
            # The same page registered twice is refused: one row per network and screen name
            # (pages whose link is not known yet have no handle and are not compared).
            models.UniqueConstraint(
                fields=["network", "handle"], condition=~models.Q(handle=""), name="page_unique_network_handle"
            ),
        ]
        indexes = [
            # Registry filters and the import's "organisation + network" lookup.
            models.Index(fields=["organisation", "network"], name="page_org_network_idx"),
            # The collector picks active pages of one network.
            models.Index(fields=["network", "status"], name="page_network_status_idx"),
            # The failing pages (the dashboard's count, the silent pages' list): the few pages whose collection
            # failed 3 times in a row, without reading every page. A night that leaves the count at 0 leaves
            # the index alone (the update stays HOT).
            models.Index(
                fields=["consecutive_failures"],
                condition=models.Q(consecutive_failures__gte=3),
                name="page_failing_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_network_display()}: {self.display_name}"

    @property
    def display_name(self) -> str:
        """What every page, table, chart and export calls this page: its title, else its screen name,
        else (an imported page whose link is not known yet) the network and the organisation."""
        if self.title:
            return self.title
        if self.handle:
            return self.handle
        return f"{self.get_network_display()} · {self.organisation.display_name}"


class SnapshotSource(models.TextChoices):
    API = "api", _("Collected from the API")
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported from a file")


# What a snapshot measures, in one order for every import, export, collector and report.
SNAPSHOT_METRIC_FIELDS = (
    "subscribers",
    "posts_30d",
    "last_post_at",
    "posts_counted",
    "likes",
    "comments",
    "reposts",
    "views",
)
# The metrics besides the subscriber count (facts of the last posts).
SNAPSHOT_POST_FIELDS = SNAPSHOT_METRIC_FIELDS[1:]


class Snapshot(models.Model):
    """What a page looked like on one day. One per page per day, enforced by the database."""

    # No index of its own: the (page, date) unique constraint's index leads with the page.
    page = models.ForeignKey(SocialPage, on_delete=models.PROTECT, related_name="snapshots", db_index=False)
    date = models.DateField(_("date"))
    subscribers = models.PositiveIntegerField(_("subscribers"))
    posts_30d = models.PositiveIntegerField(_("posts in the last 30 days"), null=True, blank=True)
    last_post_at = models.DateTimeField(_("last post"), null=True, blank=True)
    # Sums over the last 10 non-pinned posts (posts_counted says how many there were).
    posts_counted = models.PositiveSmallIntegerField(null=True, blank=True)
    likes = models.PositiveIntegerField(null=True, blank=True)
    comments = models.PositiveIntegerField(null=True, blank=True)
    reposts = models.PositiveIntegerField(null=True, blank=True)
    views = models.PositiveIntegerField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=SnapshotSource.choices)
    taken_at = models.DateTimeField(_("taken at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        constraints = [
            # Collecting again on the same day replaces that day's values (upsert on this key).
            models.UniqueConstraint(fields=["page", "date"], name="snapshot_one_per_page_per_day"),
        ]
        indexes = [
            # Growth tables read all pages' snapshots of one date as one index range (date, page).
            models.Index(fields=["date", "page"], name="snapshot_date_page_idx"),
            # Who entered a value by hand (SET NULL when a user is deleted): only manual rows have one, so
            # the index holds those, not every collected row (136 MB of 20 million at federation scale).
            models.Index(
                fields=["recorded_by"], condition=models.Q(recorded_by__isnull=False), name="snapshot_recorded_by_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page_id} {self.date}: {self.subscribers}"


class PostKind(models.TextChoices):
    TEXT = "text", _("Text")
    PHOTO = "photo", _("Photo")
    VIDEO = "video", _("Video")
    LINK = "link", _("Link")
    REPOST = "repost", _("Repost")


class Post(models.Model):
    """A post on a page, kept while it is younger than POSTS_KEEP_DAYS and refreshed each night (reactions keep
    growing); older posts keep their last values. One per page and network post id."""

    page = models.ForeignKey(SocialPage, on_delete=models.CASCADE, related_name="posts")
    external_id = models.CharField(_("post id"), max_length=64)
    url = models.URLField(_("link"), max_length=500, blank=True)
    published_at = models.DateTimeField(_("published"))
    excerpt = models.CharField(_("text"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=PostKind.choices, default=PostKind.TEXT)
    likes = models.PositiveIntegerField(_("likes"), null=True, blank=True)
    comments = models.PositiveIntegerField(_("comments"), null=True, blank=True)
    reposts = models.PositiveIntegerField(_("reposts"), null=True, blank=True)
    views = models.PositiveIntegerField(_("views"), null=True, blank=True)
    is_pinned = models.BooleanField(default=False)
    # The page's subscribers when the post was first stored (set on insert, not by refreshes): the reports'
    # engagement and ERR divide by it without a join to the snapshots. None on rows stored before it was kept
    # and not filled by migration 0008 (no snapshot by the post's day): the reports then read the snapshots.
    subscribers = models.PositiveIntegerField(_("subscribers"), null=True, blank=True)
    # The Moscow ISO weekday (1 = Monday) and hour of `published_at`, set at write: the heat map groups by them
    # without converting each post's time. None on rows written without them (the reports then convert).
    weekday = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    hour = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    # The post's engagement and ERR (%) over its stored subscribers, computed by the database from the row on every
    # insert and update (a refresh of the reactions, a fill of the subscribers): the top posts read them in order
    # through an index. The same expressions as the selectors' rates; None without subscribers (or 0), ERR also
    # without views. Posts without stored subscribers are rated by the selectors from the snapshots.
    engagement_rate = models.GeneratedField(
        expression=Cast(Coalesce("likes", 0) + Coalesce("comments", 0) + Coalesce("reposts", 0), models.FloatField())
        * Value(100)
        / NullIf(F("subscribers"), 0),
        output_field=models.FloatField(),
        db_persist=True,
    )
    err_rate = models.GeneratedField(
        expression=Cast("views", models.FloatField()) * Value(100) / NullIf(F("subscribers"), 0),
        output_field=models.FloatField(),
        db_persist=True,
    )
    first_seen_at = models.DateTimeField(default=timezone.now)
    refreshed_at = models.DateTimeField(default=timezone.now)
    # Set when a refresh inside the window no longer finds the post: it keeps its last values.
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(fields=["page", "external_id"], name="post_one_per_page_and_id"),
        ]
        indexes = [
            # A page's posts newest first (its screen, the nightly refresh, the 003 engagement).
            models.Index(fields=["page", "-published_at"], name="post_page_published_idx"),
            # Reports over a scope and period: the period's posts as one index range.
            models.Index(fields=["published_at", "page"], name="post_published_page_idx"),
            # The few posts written without their subscribers, weekday or hour: the reports' second part.
            models.Index(
                fields=["published_at"],
                condition=Q(subscribers__isnull=True) | Q(weekday__isnull=True) | Q(hour__isnull=True),
                name="post_unfilled_published_idx",
            ),
            # Union-wide top posts: the best first, read in order until the period's first N (ties newest first).
            models.Index(
                fields=["-engagement_rate", "-published_at", "-id"],
                condition=Q(engagement_rate__isnull=False),
                name="post_engagement_rank_idx",
            ),
            models.Index(
                fields=["-err_rate", "-published_at", "-id"],
                condition=Q(err_rate__isnull=False),
                name="post_err_rank_idx",
            ),
            models.Index(
                fields=["-views", "-published_at", "-id"], condition=Q(views__isnull=False), name="post_views_rank_idx"
            ),
            # The heat map and content kinds over the posts with stored values: the period's range with what they
            # group and sum and the page (a scope's semi-join), read from the index alone (a quarter of the table).
            models.Index(
                fields=["published_at", "weekday", "hour", "kind", "engagement_rate", "page"],
                condition=Q(subscribers__isnull=False, weekday__isnull=False, hour__isnull=False),
                name="post_stored_cells_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page_id}/{self.external_id}"

    @property
    def interactions(self) -> int:
        return (self.likes or 0) + (self.comments or 0) + (self.reposts or 0)


class RunStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped: not configured")


class CollectionRun(models.Model):
    """One collection of one network: what was tried, what came back, what failed."""

    network = models.CharField(_("network"), max_length=20, choices=Network.choices)
    for_date = models.DateField(_("snapshot date"))
    status = models.CharField(_("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.RUNNING)
    trigger = models.CharField(_("started by"), max_length=20, default="nightly")
    scope = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    pages_total = models.PositiveIntegerField(default=0)
    pages_tried = models.PositiveIntegerField(default=0)
    pages_collected = models.PositiveIntegerField(default=0)
    pages_failed = models.PositiveIntegerField(default=0)
    pages_skipped = models.PositiveIntegerField(default=0)
    http_requests = models.PositiveIntegerField(default=0)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("collection run")
        verbose_name_plural = _("collection runs")
        indexes = [
            # The runs page and the health endpoint read the newest runs first.
            models.Index(fields=["-started_at"], name="run_started_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.network} {self.for_date} {self.status}"


class CollectionFailure(models.Model):
    run = models.ForeignKey(CollectionRun, on_delete=models.CASCADE, related_name="failures")
    page = models.ForeignKey(SocialPage, on_delete=models.CASCADE, related_name="collection_failures")
    error = models.TextField(_("error"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            # A page fails at most once per run (a restarted run overwrites its own record).
            models.UniqueConstraint(fields=["run", "page"], name="failure_one_per_run_page"),
        ]

    def __str__(self) -> str:
        return f"{self.page_id}: {self.error[:80]}"


class WebsiteCheck(models.TextChoices):
    """The 003 document's website checklist (the contest's «website checklist score»)."""

    ELECTED_BODIES = "elected_bodies", _("Composition of the elected bodies")
    DECISIONS = "decisions", _("Decisions of the elected bodies")
    MEMBER_ORGS = "member_orgs", _("Data on member organisations")
    ACTIVIST_MATERIALS = "activist_materials", _("Methodical materials for activists")
    FEDERATION_LINK = "federation_link", _("Link or banner to the federation's site")
    SOLIDARNOST_WIDGET = "solidarnost_widget", _("«Солидарность» news widget")
    SHARE_BUTTONS = "share_buttons", _("«Share in social networks» button")
    OWN_SOCIAL_LINKS = "own_social_links", _("Links to own social pages")
    FEDERATION_NEWS = "federation_news", _("Federation news")


class Website(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="websites"
    )
    # Empty: registered by an import of figures (the 003 table) before anyone typed the address in.
    url = models.URLField(_("address"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    checklist = models.JSONField(_("checklist"), default=dict, blank=True, help_text=_("WebsiteCheck → bool"))
    added_on = models.DateField(_("added on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("website")
        verbose_name_plural = _("websites")
        constraints = [
            # A known address belongs to one website (imports find websites by it); unknown ones may repeat.
            models.UniqueConstraint(fields=["url"], condition=~models.Q(url=""), name="website_unique_url"),
        ]

    def __str__(self) -> str:
        return self.title or self.url or str(_("website (address unknown)"))

    @property
    def checklist_score(self) -> int:
        return sum(1 for key in WebsiteCheck.values if self.checklist.get(key))


class WebsiteStat(models.Model):
    """Published materials, visitors and views of a website over a period (the 003 document's table)."""

    website = models.ForeignKey(Website, on_delete=models.PROTECT, related_name="stats")
    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    materials = models.PositiveIntegerField(_("published materials"), null=True, blank=True)
    visitors = models.PositiveIntegerField(_("visitors"), null=True, blank=True)
    views = models.PositiveIntegerField(_("views"), null=True, blank=True)
    source = models.CharField(max_length=10, choices=SnapshotSource.choices, default=SnapshotSource.MANUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            # One row per website and period; re-entering a period replaces it.
            models.UniqueConstraint(fields=["website", "period_start", "period_end"], name="webstat_unique_period"),
        ]

    def __str__(self) -> str:
        return f"{self.website_id} {self.period_start}–{self.period_end}"


class PublicationKind(models.TextChoices):
    NEWSPAPER = "newspaper", _("Newspaper")
    BULLETIN = "bulletin", _("Bulletin")
    MAGAZINE = "magazine", _("Magazine")
    OTHER = "other", _("Other")


class PrintPublication(models.Model):
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="publications"
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=PublicationKind.choices)
    issues_per_year = models.PositiveSmallIntegerField(
        _("issues a year"), null=True, blank=True, help_text=_("12 = monthly, 6 = six a year, 1 = yearly")
    )
    print_run = models.PositiveIntegerField(_("print run"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("print publication")
        verbose_name_plural = _("print publications")

    def __str__(self) -> str:
        return self.title


# Analytics tables -----------------------------------------------------------------------------------
# Derived from snapshots and kept up to date by socialstats/analytics/ (docs/analytics.md): the reports
# read these instead of searching each page's latest snapshot. `manage.py analytics_rebuild` fills them,
# `manage.py analytics_check` compares them with a recomputation from the snapshots.


class PageLatest(models.Model):
    """A page's first snapshot date and its latest snapshot's values (the dashboard's and silent pages' source)."""

    page = models.OneToOneField(SocialPage, primary_key=True, on_delete=models.CASCADE, related_name="latest")
    first_date = models.DateField()
    date = models.DateField()
    subscribers = models.PositiveIntegerField()
    posts_30d = models.PositiveIntegerField(null=True)
    last_post_at = models.DateTimeField(null=True)
    posts_counted = models.PositiveSmallIntegerField(null=True)
    likes = models.PositiveIntegerField(null=True)
    comments = models.PositiveIntegerField(null=True)
    reposts = models.PositiveIntegerField(null=True)
    views = models.PositiveIntegerField(null=True)

    class Meta:
        indexes = [
            # Growth's new pages: the pages whose first snapshot is in (A, B], whatever the number of pages.
            models.Index(fields=["first_date"], name="pagelatest_first_date_idx"),
        ]
        # No index on the values or on `date`, which every nightly run changes: the night's update of every row
        # then touches no index (a HOT update, with the room fillfactor 50 leaves on each page; migration 0015).
        # Whether the table holds every page's value at a date is AnalyticsState.latest_date.

    def __str__(self) -> str:
        return f"{self.page_id} {self.date}: {self.subscribers}"


class SubtreeDay(models.Model):
    """Per rollup organisation (federation, union, territorial), network and day: the sum of each page's latest
    value on or before that day, over its whole subtree (`own` False) or its own pages only (`own` True).

    Days without collection carry the values forward; an archived page counts until its archive date.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    network = models.CharField(max_length=20, choices=Network.choices)
    own = models.BooleanField()
    day = models.DateField()
    pages = models.PositiveIntegerField()  # pages with a value on that day
    subscribers = models.BigIntegerField()
    oldest = models.DateField(null=True)  # the oldest snapshot date behind `subscribers`
    posts_30d = models.BigIntegerField(default=0)
    posts_counted = models.BigIntegerField(default=0)
    interactions = models.BigIntegerField(default=0)  # likes + comments + reposts
    views = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            # One row per key and day: the reports read two days of a few keys through this index;
            # maintenance deletes and rewrites a key's days from the changed day on.
            models.UniqueConstraint(fields=["organisation", "own", "network", "day"], name="subtreeday_key_day"),
        ]
        indexes = [
            # The growth reads: the rows of two days (A and B), whatever the number of days held.
            models.Index(fields=["day", "organisation"], name="subtreeday_day_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.network}/{self.own} {self.day}: {self.subscribers}"


class DashboardDay(models.Model):
    """The dashboard's figures over one rollup unit's subtree on one day (reports/summary.py).

    A unit is an organisation at the rollup depth (AnalyticsState.depth, the deepest territorial level): every
    organisation below it is in exactly one unit, so the union's figures are the sums of its units' (counts of
    distinct organisations too) plus its own pages, and its top lists the best of the units' (DashboardLeader).
    Stored after the nightly run; a unit's rows are deleted when anything they count changes (a snapshot, a
    page, an organisation) and the dashboard then computes that unit from the pages until the next build.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    include_history = models.BooleanField()  # Facebook and Instagram counted too
    silent_days = models.PositiveSmallIntegerField()  # the silence threshold the figures were computed with
    # reports.current.DashboardFigures, field for field (the lists are DashboardLeader rows).
    pages = models.PositiveIntegerField()
    subscribers = models.BigIntegerField()
    month_change = models.BigIntegerField()
    month_counted_pages = models.PositiveIntegerField()
    month_from = models.DateField(null=True)
    youth_pages = models.PositiveIntegerField()
    territorial_pages = models.PositiveIntegerField()
    territorial_orgs = models.PositiveIntegerField()
    primary_pages = models.PositiveIntegerField()
    primary_orgs = models.PositiveIntegerField()
    organisations_with_pages = models.PositiveIntegerField()
    silent = models.PositiveIntegerField()
    organisations_total = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "include_history", "day"], name="dashboardday_key_day"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day}"


class DashboardLeader(models.Model):
    """A unit's top pages on a day (DashboardDay's lists): its best 5 by subscribers, by growth this month and by
    engagement, and every territorial page with its subscribers (the trend's pages)."""

    class Kind(models.IntegerChoices):
        SUBSCRIBERS = 1
        GROWTH = 2
        ENGAGEMENT = 3
        TERRITORIAL = 4

    # Its unit's row, deleted with it; the row's key is repeated for the index the reads walk.
    row = models.ForeignKey(DashboardDay, on_delete=models.CASCADE, related_name="leaders")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    include_history = models.BooleanField()
    silent_days = models.PositiveSmallIntegerField()
    kind = models.PositiveSmallIntegerField(choices=Kind.choices)
    score = models.FloatField()  # subscribers, growth or engagement
    page_id = models.BigIntegerField()  # no foreign key: deleting a page deletes its unit's rows (receivers)

    class Meta:
        indexes = [
            # Each list's best pages over the units in scope: a walk of this index in the list's order.
            models.Index(
                fields=["day", "include_history", "silent_days", "kind", "-score", "page_id"],
                name="dashboardleader_top_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.day} {self.kind}: {self.page_id}"


class AnalyticsState(models.Model):
    """One row once the analytics tables are built: until then the reports read snapshots directly."""

    built_at = models.DateTimeField()
    # The last day SubtreeDay holds: a later day reads this day's row (nothing changes after it).
    horizon = models.DateField()
    # Organisations down to this depth (the deepest territorial level) have SubtreeDay rows.
    depth = models.PositiveSmallIntegerField()
    # The last snapshot date, which is PageLatest's greatest date: PageLatest holds every page's value at any
    # date from it on. None: no snapshot yet.
    latest_date = models.DateField(null=True)

    def __str__(self) -> str:
        return f"analytics to {self.horizon}"
