"""Reads: whose news a user sees, the review queue and completeness (DHIS2-style reporting rates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from orgs import access
from orgs.models import Organisation, OrgKind, Role, RoleAssignment
from unionportal.lib.search import text_contains

from .models import (
    SENT_STATUSES,
    MonthReopening,
    NewsItem,
    NewsStatus,
    NotificationPreference,
    ReminderLog,
    ReminderRun,
)
from .months import deadline, local_today, month_end

AUTHOR_ROLES = (Role.PRIMARY_ADMIN,)
REVIEW_ROLES = (Role.TERRITORIAL_ADMIN, Role.INFO_OFFICER)
# The union's own review of items forwarded to it: the information department.
UNION_REVIEW_ROLES = (Role.INFO_OFFICER,)
# Completeness is read by reviewers and, read-only, by the presidium.
COMPLETENESS_ROLES = (*REVIEW_ROLES, Role.PRESIDIUM)


def _items() -> QuerySet[NewsItem]:
    return NewsItem.objects.select_related("organisation", "author", "reviewed_by").annotate(
        photo_count=Count("photos")
    )


def author_organisations(user) -> QuerySet[Organisation]:
    """Primaries for which the user writes news."""
    return access.organisations_for_roles(user, AUTHOR_ROLES).filter(kind=OrgKind.PRIMARY, is_active=True)


def author_items(user) -> QuerySet[NewsItem]:
    return _items().filter(access.path_filter(user, "organisation__path", roles=AUTHOR_ROLES))


def _review_scope(user) -> Q:
    return access.path_filter(user, "organisation__path", roles=REVIEW_ROLES) & ~Q(status=NewsStatus.DRAFT)


def reviewable_items(user) -> QuerySet[NewsItem]:
    """Items a territorial admin (their subtree) or an information officer may review; never drafts."""
    return _items().filter(_review_scope(user))


def visible_item_or_404(user, pk: int) -> NewsItem:
    scope = access.path_filter(user, "organisation__path", roles=AUTHOR_ROLES) | _review_scope(user)
    return get_object_or_404(_items().prefetch_related("photos").filter(scope), pk=pk)


def can_review(user, item: NewsItem) -> bool:
    return reviewable_items(user).filter(pk=item.pk).exists()


def union_reviewable_items(user) -> QuerySet[NewsItem]:
    """Items the information department may decide on for the union (in its scope; never drafts)."""
    return _items().filter(
        access.path_filter(user, "organisation__path", roles=UNION_REVIEW_ROLES) & ~Q(status=NewsStatus.DRAFT)
    )


def can_union_review(user, item: NewsItem) -> bool:
    return item.status != NewsStatus.DRAFT and access.in_scope(user, item.organisation, UNION_REVIEW_ROLES)


def review_steps(item: NewsItem) -> QuerySet:
    """The item's history of decisions taken back or passed up, oldest first."""
    return item.review_steps.select_related("by")


def can_author(user, item: NewsItem) -> bool:
    return author_items(user).filter(pk=item.pk).exists()


def review_queue(
    user,
    *,
    month: dt.date | None = None,
    status: str = "",
    organisation_id: int | None = None,
    organisation_text: str = "",
    forwarded: bool = False,
) -> QuerySet[NewsItem]:
    """`organisation_text`: part of the organisation's name or short name, in any case."""
    items = reviewable_items(user)
    if month:
        items = items.filter(reporting_month=month)
    if status:
        items = items.filter(status=status)
    if organisation_id:
        items = items.filter(organisation_id=organisation_id)
    if organisation_text:
        items = items.filter(text_contains(["organisation__name", "organisation__short_name"], organisation_text))
    if forwarded:
        items = items.filter(forwarded_to_union=True)
    return items.order_by("-submitted_at", "-pk")


def review_organisations(user) -> QuerySet[Organisation]:
    return access.organisations_for_roles(user, REVIEW_ROLES).filter(kind=OrgKind.PRIMARY).order_by("name")


def review_organisation_filter(
    user, organisation_id: int | None, *, list_max: int
) -> tuple[list[Organisation] | None, Organisation | None]:
    """The review queue's organisation filter: the primaries in scope to pick from when there are at most
    `list_max` of them (None past that: the queue searches by name), and the organisation `organisation_id`
    names when it is in scope and not in such a list (None otherwise)."""
    primaries = review_organisations(user)
    listed = list(primaries[: list_max + 1])
    if len(listed) <= list_max:
        return listed, None
    return None, primaries.filter(pk=organisation_id).first() if organisation_id else None


def review_territorials(user) -> QuerySet[Organisation]:
    return access.organisations_for_roles(user, REVIEW_ROLES).filter(kind=OrgKind.TERRITORIAL)


def reopenable_organisations(user) -> QuerySet[Organisation]:
    """Primaries a territorial admin (or an information officer) may reopen a month for."""
    return review_organisations(user).filter(is_active=True)


def reopenings(user) -> QuerySet[MonthReopening]:
    return (
        MonthReopening.objects.filter(access.path_filter(user, "organisation__path", roles=REVIEW_ROLES))
        .select_related("organisation", "reopened_by", "withdrawn_by")
        .order_by("-month", "organisation__name")
    )


def reopening_or_404(user, pk: int) -> MonthReopening:
    return get_object_or_404(reopenings(user), pk=pk)


def month_is_open(organisation: Organisation, month: dt.date, today: dt.date | None = None) -> bool:
    """News for `month` may be submitted: the deadline has not passed, or the month was reopened."""
    today = today or local_today()
    if month > today:
        return False
    if today <= deadline(month):
        return True
    return MonthReopening.objects.filter(organisation=organisation, month=month, withdrawn_at__isnull=True).exists()


def open_months(organisation: Organisation, today: dt.date | None = None) -> list[dt.date]:
    """Months the organisation may still send news for, newest first."""
    today = today or local_today()
    current = today.replace(day=1)
    previous = (current - dt.timedelta(days=1)).replace(day=1)
    months = [current]
    if today <= deadline(previous):
        months.append(previous)
    reopened = MonthReopening.objects.filter(organisation=organisation, withdrawn_at__isnull=True).values_list(
        "month", flat=True
    )
    months.extend(month for month in reopened if month not in months and month < current)
    return sorted(months, reverse=True)


# --- completeness ---------------------------------------------------------------------------------

ON_TIME, LATE, MISSING, OPEN, NOT_EXPECTED = "on_time", "late", "missing", "open", "not_expected"


def is_expected(organisation: Organisation, month: dt.date) -> bool:
    """The rule: a primary is expected to report for a month if it was in the union on any day of it.

    Founded on or before the month's last day, and not closed before its first day. An organisation
    marked inactive without a closing date is not expected at all (we do not know since when).
    """
    if organisation.founded_on and organisation.founded_on > month_end(month):
        return False
    if organisation.closed_on:
        return organisation.closed_on >= month
    return organisation.is_active


@dataclass
class Cell:
    month: dt.date
    state: str
    count: int = 0
    item_id: int | None = None  # the one item behind the cell, when there is exactly one
    reached: int = 0  # published items of the month that appeared in a post (NewsPostLink)


@dataclass
class PrimaryRow:
    organisation: Organisation
    cells: list[Cell]
    silent_months: int = 0
    linked: bool = False  # the user may open this primary's items (a reviewer over it)

    @property
    def reached(self) -> int:
        """The period's published items that reached a page («дошло до страниц»)."""
        return sum(cell.reached for cell in self.cells)


@dataclass
class MonthTotals:
    month: dt.date
    due: dt.date | None = None  # the deadline; until it passes the month is not yet due
    is_due: bool = True
    expected: int = 0
    sent: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0
    open: int = 0
    reached: int = 0

    def add(self, state: str) -> None:
        if state == NOT_EXPECTED:
            return
        self.expected += 1
        if state in (ON_TIME, LATE):
            self.sent += 1
        setattr(self, state, getattr(self, state) + 1)

    def merge(self, other: MonthTotals) -> None:
        for name in ("expected", "sent", "on_time", "late", "missing", "open", "reached"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def rate(self) -> float | None:
        """Reporting rate, percent: sent of expected."""
        return round(100 * self.sent / self.expected, 1) if self.expected else None

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.expected, 1) if self.expected else None


@dataclass
class TerritoryBlock:
    territorial: Organisation | None
    rows: list[PrimaryRow] = field(default_factory=list)
    totals: list[MonthTotals] = field(default_factory=list)
    digest: bool = False  # the user may download the territory's DOCX digest

    @property
    def reached(self) -> int:
        return sum(totals.reached for totals in self.totals)


@dataclass
class Completeness:
    months: list[dt.date]
    territories: list[TerritoryBlock]
    union_totals: list[MonthTotals]
    silent: list[tuple[PrimaryRow, Organisation | None]]
    scope: list[Organisation] = field(default_factory=list)  # the roots of what is shown; empty: everything

    @property
    def reached(self) -> int:
        return sum(totals.reached for totals in self.union_totals)


def _cutoff(due: dt.date) -> dt.datetime:
    """The first moment after the deadline day, local time: sent before it is on time."""
    return timezone.make_aware(dt.datetime.combine(due + dt.timedelta(days=1), dt.time.min))


def _cell_state(sent: dict | None, due: dt.date, cutoff: dt.datetime, today: dt.date) -> str:
    if sent:
        return ON_TIME if sent["first"] is not None and sent["first"] < cutoff else LATE
    return OPEN if today <= due else MISSING


def completeness(user, months: list[dt.date], today: dt.date | None = None) -> Completeness:
    """Primaries × months in the user's scope (reviewers' and the presidium's). A fixed number of queries."""
    today = today or local_today()
    scope = access.organisations_for_roles(user, COMPLETENESS_ROLES)
    territorials = list(scope.filter(kind=OrgKind.TERRITORIAL).order_by("name"))
    primaries = list(scope.filter(kind=OrgKind.PRIMARY).order_by("name"))
    sent = {
        (row["organisation_id"], row["reporting_month"]): row
        for row in NewsItem.objects.filter(
            organisation__in=scope.filter(kind=OrgKind.PRIMARY),
            reporting_month__in=months,
            status__in=SENT_STATUSES,
        )
        .values("organisation_id", "reporting_month")
        .annotate(
            first=Min("first_submitted_at"),
            count=Count("id", distinct=True),
            item_id=Min("id"),
            # Published items linked to at least one post (the join repeats an item per post: distinct).
            reached=Count("id", filter=Q(status=NewsStatus.PUBLISHED, post_links__isnull=False), distinct=True),
        )
    }
    deadlines = {month: deadline(month) for month in months}
    cutoffs = {month: _cutoff(due) for month, due in deadlines.items()}
    closed_months = [month for month in months if today > deadlines[month]]
    blocks = {territorial.path: TerritoryBlock(territorial) for territorial in territorials}
    orphans = TerritoryBlock(None)
    for primary in primaries:
        cells = []
        for month in months:
            found = sent.get((primary.pk, month))
            state = (
                _cell_state(found, deadlines[month], cutoffs[month], today)
                if is_expected(primary, month)
                else NOT_EXPECTED
            )
            count = found["count"] if found else 0
            cells.append(
                Cell(month, state, count, found["item_id"] if count == 1 else None, found["reached"] if found else 0)
            )
        row = PrimaryRow(primary, cells, linked=access.in_scope(user, primary, REVIEW_ROLES))
        streak = 0
        for cell in reversed([cell for cell in cells if cell.month in closed_months]):
            if cell.state != MISSING:
                break
            streak += 1
        row.silent_months = streak
        block = next((blocks[p] for p in primary.ancestor_paths if p in blocks), orphans)
        block.rows.append(row)
    result_blocks = [block for block in blocks.values() if block.rows]
    if orphans.rows:
        result_blocks.append(orphans)
    for block in result_blocks:
        block.digest = block.territorial is not None and access.in_scope(user, block.territorial, REVIEW_ROLES)

    def month_totals() -> list[MonthTotals]:
        return [MonthTotals(month, deadlines[month], today > deadlines[month]) for month in months]

    union_totals = month_totals()
    for block in result_blocks:
        block.totals = month_totals()
        for row in block.rows:
            for totals, cell in zip(block.totals, row.cells, strict=True):
                totals.add(cell.state)
                totals.reached += cell.reached
        for union, part in zip(union_totals, block.totals, strict=True):
            union.merge(part)
    silent = [(row, block.territorial) for block in result_blocks for row in block.rows if row.silent_months >= 2]
    return Completeness(months, result_blocks, union_totals, silent, access.scope_roots(user, COMPLETENESS_ROLES))


def missing_primaries(month: dt.date) -> list[Organisation]:
    """Primaries expected for `month` that have sent nothing for it (the reminder's recipients)."""
    sent_ids = NewsItem.objects.filter(reporting_month=month, status__in=SENT_STATUSES).values("organisation_id")
    candidates = Organisation.objects.filter(kind=OrgKind.PRIMARY).exclude(pk__in=sent_ids).order_by("name")
    return [organisation for organisation in candidates if is_expected(organisation, month)]


def accepted_for_digest(territorial: Organisation, month: dt.date) -> QuerySet[NewsItem]:
    """A month's accepted and published news of a territory, with photos, for the DOCX digest."""
    return (
        NewsItem.objects.filter(
            organisation__path__startswith=territorial.path,
            reporting_month=month,
            status__in=(NewsStatus.ACCEPTED, NewsStatus.PUBLISHED),
        )
        .select_related("organisation")
        .prefetch_related("photos")
        .order_by("organisation__name", "event_date", "pk")
    )


# --- reminders (the page of who will be reminded, and the sender share this plan) ----------------------


@dataclass
class ReminderTarget:
    """A primary that has sent nothing for the month and who hears about it."""

    organisation: Organisation
    admins: list = field(default_factory=list)  # its primary admins who can be emailed
    switched_off: list = field(default_factory=list)  # its admins who switched reminders off
    territorial_admins: list = field(default_factory=list)  # told instead when `admins` and `switched_off` are empty
    last_reminded: dt.datetime | None = None

    @property
    def has_admin(self) -> bool:
        return bool(self.admins or self.switched_off)


def _in_paths(path: str, paths: list[str] | None) -> bool:
    return paths is None or any(path.startswith(root) for root in paths)


def reminder_plan(month: dt.date, paths: list[str] | None = None) -> list[ReminderTarget]:
    """Who will be reminded about `month` inside the subtrees `paths` (None: the whole union).

    A primary's admins are reminded (unless they switched reminders off); a primary with no admin account
    that can be emailed is listed to the territorial admins above it instead of being skipped. A closed
    primary (inactive) is not reminded. Four queries.
    """
    targets = [ReminderTarget(o) for o in missing_primaries(month) if o.is_active and _in_paths(o.path, paths)]
    if not targets:
        return []
    ancestor_paths = {p for target in targets for p in target.organisation.ancestor_paths}
    assignments = list(
        RoleAssignment.objects.filter(user__is_active=True, organisation__is_active=True)
        .filter(
            Q(role=Role.PRIMARY_ADMIN, organisation__in=[t.organisation for t in targets])
            | Q(role=Role.TERRITORIAL_ADMIN, organisation__path__in=ancestor_paths)
        )
        .exclude(user__email="")
        .select_related("user", "organisation")
        .order_by("user__last_name", "user__username")
    )
    off = set(
        NotificationPreference.objects.filter(
            user_id__in={a.user_id for a in assignments}, reminders=False
        ).values_list("user_id", flat=True)
    )
    last = dict(
        ReminderLog.objects.filter(month=month, organisation__in=[t.organisation for t in targets])
        .values("organisation_id")
        .annotate(last=Max("sent_at"))
        .values_list("organisation_id", "last")
    )
    for target in targets:
        target.last_reminded = last.get(target.organisation.pk)
        for assignment in assignments:
            if assignment.role == Role.PRIMARY_ADMIN and assignment.organisation_id == target.organisation.pk:
                (target.switched_off if assignment.user_id in off else target.admins).append(assignment.user)
        if not target.has_admin:
            target.territorial_admins = [
                a.user
                for a in assignments
                if a.role == Role.TERRITORIAL_ADMIN
                and a.organisation.path in target.organisation.ancestor_paths
                and a.user_id not in off
            ]
    return targets


def reminder_scope(user) -> list[str] | None:
    """The subtrees whose reminders the user sees and sends: territorial admins theirs, information staff all."""
    return access.scope_paths(user, REVIEW_ROLES)


def reminder_log(user):
    """Reminders sent about primaries in the user's scope, newest first, with their run's starter."""
    return (
        ReminderLog.objects.filter(access.path_filter(user, "organisation__path", roles=REVIEW_ROLES))
        .select_related("organisation", "user", "run", "run__started_by")
        .order_by("-sent_at", "-pk")
    )


def reminder_scope_key(paths: list[str] | None) -> str:
    """The once-a-day rule's key for a scope: its subtree roots joined, "*" for the whole union."""
    return "*" if paths is None else ",".join(paths)


def reminded_today(scope_key: str, day: dt.date) -> bool:
    return ReminderRun.objects.filter(scope_key=scope_key, day=day, automatic=False).exists()


def offered_notices(user) -> list[str]:
    """The email notices that concern the user's roles (preference field names), in the page's order."""
    if getattr(user, "is_superuser", False):
        return ["reminders", "item_notices", "digest", "forwarded"]
    roles = access.user_roles(user)
    offered = []
    if Role.PRIMARY_ADMIN in roles or Role.TERRITORIAL_ADMIN in roles:
        offered.append("reminders")
    if Role.PRIMARY_ADMIN in roles:
        offered.append("item_notices")
    if Role.TERRITORIAL_ADMIN in roles:
        offered.append("digest")
    if Role.INFO_OFFICER in roles:
        offered.append("forwarded")
    return offered
