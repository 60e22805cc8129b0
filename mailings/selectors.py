"""Reads of the scheduled reports: the period a run covers, the report's figures for one recipient in their own
scope, the scopes a user may subscribe to, the history and the log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from contests.models import Contest, ContestStatus
from contests.selectors import visible_contests
from news.months import add_months, month_end, month_start
from news.selectors import completeness
from orgs import access
from orgs.models import Organisation, Role
from socialstats.reports.cache import growth_report_cached
from socialstats.reports.growth import GrowthRow
from socialstats.reports.selectors import GrowthReport, SilentGroup, silent_pages

from .models import DeliveryStatus, Frequency, ReportDelivery, ReportSubscription

# Groups information staff may subscribe at once: the key, the label, the role whose holders form the group.
GROUPS = {
    "presidium": ("Президиум", Role.PRESIDIUM),
    "territorial_admins": ("Все администраторы территориальных организаций", Role.TERRITORIAL_ADMIN),
}
TOP_PAGES = 5


@dataclass(frozen=True)
class Period:
    key: str  # "2026-W48" or "2026-11"
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"


def report_period(frequency: str, today: dt.date) -> Period:
    """The last full period before `today`: the ISO week Monday–Sunday, or the calendar month."""
    if frequency == Frequency.WEEKLY:
        start = today - dt.timedelta(days=today.weekday() + 7)
        year, week, _day = start.isocalendar()
        return Period(f"{year}-W{week:02d}", start, start + dt.timedelta(days=6))
    if frequency == Frequency.MONTHLY:
        start = add_months(month_start(today), -1)
        return Period(f"{start:%Y-%m}", start, month_end(start))
    raise ValueError(f"unknown frequency {frequency!r}")


def scope_choices(user) -> QuerySet[Organisation]:
    """Organisations a user may subscribe a report for: every open organisation they may see (orgs.access)."""
    return access.viewable_organisations(user).filter(is_active=True).order_by("path")


def recipient_scope(user, scope: Organisation | None) -> tuple[list[str] | None, str] | None:
    """The report's subtree roots for `user` and its name; None when the user may see nothing of it (now)."""
    if scope is not None:
        if not access.viewable_organisations(user).filter(pk=scope.pk).exists():
            return None
        return [scope.path], scope.display_name
    paths = access.scope_paths(user)
    if paths is None:
        return None, "Весь профсоюз"
    if not paths:
        return None
    roots = access.scope_roots(user, access.ALL_ROLES)
    return paths, ", ".join(organisation.display_name for organisation in roots)


@dataclass
class NewsLine:
    label: str
    expected: int = 0
    sent: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.sent / self.expected, 1) if self.expected else None


@dataclass
class Report:
    period: Period
    frequency: str
    scope_name: str
    by_network: GrowthReport
    by_territorial: GrowthReport
    silent: list[SilentGroup]
    failing: list
    news_month: dt.date
    news: list[NewsLine] = field(default_factory=list)
    news_total: NewsLine | None = None
    contests: list[Contest] = field(default_factory=list)
    top_growth: list[GrowthRow] = field(default_factory=list)  # the pages that grew most, at most TOP_PAGES

    @property
    def silent_count(self) -> int:
        return sum(len(group.pages) for group in self.silent)


def _inside(path: str, scope_paths: list[str] | None) -> bool:
    return scope_paths is None or any(path.startswith(root) for root in scope_paths)


def _news_lines(user, scope_paths: list[str] | None, month: dt.date, today: dt.date) -> tuple[list[NewsLine], NewsLine]:
    """News completeness of `month` per territorial organisation, only primaries inside `scope_paths`."""
    table = completeness(user, [month], today)
    lines: list[NewsLine] = []
    total = NewsLine("Итого")
    for block in table.territories:
        line = NewsLine(block.territorial.display_name if block.territorial else "Без территориальной")
        for row in block.rows:
            if not _inside(row.organisation.path, scope_paths):
                continue
            state = row.cells[0].state
            if state == "not_expected":
                continue
            for target in (line, total):
                target.expected += 1
                if state in ("on_time", "late"):
                    target.sent += 1
                if state in ("on_time", "late", "missing"):
                    setattr(target, state, getattr(target, state) + 1)
        if line.expected:
            lines.append(line)
    return lines, total


def _contests(user, scope_paths: list[str] | None) -> list[Contest]:
    """Contests under way that the user sees and that cover (part of) the report's scope."""
    running = visible_contests(user).filter(status__in=[ContestStatus.OPEN, ContestStatus.JUDGING])
    return [
        contest
        for contest in running
        if scope_paths is None
        or any(contest.scope.path.startswith(root) or root.startswith(contest.scope.path) for root in scope_paths)
    ]


def report_build(*, user, scope: Organisation | None, frequency: str, today: dt.date) -> Report | None:
    """The report as `user` may see it: their own scope (or the subscribed organisation inside it)."""
    resolved = recipient_scope(user, scope)
    if resolved is None:
        return None
    scope_paths, scope_name = resolved
    period = report_period(frequency, today)
    a, b = period.start - dt.timedelta(days=1), period.end
    by_network = growth_report_cached(scope_paths=scope_paths, a=a, b=b, grouping="network")
    by_territorial = growth_report_cached(scope_paths=scope_paths, a=a, b=b, grouping="territorial")
    by_page = growth_report_cached(scope_paths=scope_paths, a=a, b=b, grouping="page")
    top_growth = sorted((row for row in by_page.rows if row.change > 0), key=lambda row: (-row.change, row.label))
    silent, failing = silent_pages(scope_paths=scope_paths, today=b, days=settings.SILENT_PAGE_DAYS)
    news_month = add_months(month_start(today), -1)
    news, news_total = _news_lines(user, scope_paths, news_month, today)
    return Report(
        period=period,
        frequency=frequency,
        scope_name=scope_name,
        by_network=by_network,
        by_territorial=by_territorial,
        silent=silent,
        failing=failing,
        news_month=news_month,
        news=news,
        news_total=news_total,
        contests=_contests(user, scope_paths),
        top_growth=top_growth[:TOP_PAGES],
    )


def user_subscriptions(user) -> QuerySet[ReportSubscription]:
    return ReportSubscription.objects.filter(user=user, active=True).select_related("scope").order_by("frequency", "pk")


def user_deliveries(user) -> QuerySet[ReportDelivery]:
    return ReportDelivery.objects.filter(user=user, status=DeliveryStatus.SENT).order_by("-created_at").defer("html")


def delivery_or_404(user, pk: int) -> ReportDelivery:
    """One of the user's own delivered reports; anybody else's answers 404."""
    return get_object_or_404(ReportDelivery.objects.filter(user=user, status=DeliveryStatus.SENT), pk=pk)


def delivery_log() -> QuerySet[ReportDelivery]:
    """Every report that went out or failed, for information staff."""
    return ReportDelivery.objects.select_related("user").defer("html").order_by("-created_at", "-pk")


def subscription_by_token(token: str) -> ReportSubscription:
    return get_object_or_404(ReportSubscription.objects.select_related("user", "scope"), token=token)
