"""What each rule finds true on a day: reads only, through the selectors of the apps below.

Each check returns the conditions that hold, keyed for dedup ("page:<id>" or "org:<id>"). The rules themselves
live where their reports live: silent pages and collection failures in socialstats (the «Silent pages» page and
the dashboard), the missing news in news.selectors, the territorial target and its trend in the dashboard.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

from news.months import add_months, deadline, month_start
from news.selectors import missing_primaries
from orgs.models import OrgKind
from socialstats.models import CURRENT_NETWORKS, PageOwner, PageStatus, Snapshot, SocialPage
from socialstats.reports.facts import page_facts
from socialstats.reports.growth import linear_trend_date
from socialstats.reports.selectors import pages_by_id, silent_pages
from unionportal.lib.formatting import fmt_int, fmt_pct
from unionportal.lib.russian import plural_form

from .models import AlertKind

# A week's fall counts only when the start value was measured at most this long before the week began.
DROP_START_SLACK_DAYS = 7
# The territorial trend is drawn through the last 90 days, as on the dashboard.
TREND_DAYS = 90


@dataclass(frozen=True)
class Condition:
    kind: str
    key: str
    organisation_id: int
    page_id: int | None
    detail: str


def _days(number: int) -> str:
    return f"{number} {plural_form(number, 'день', 'дня', 'дней')}"


def _page_label(page: SocialPage) -> str:
    """The page's own name, with its network unless the name already says it («ВКонтакте · ВАО»)."""
    network = str(page.get_network_display())
    return page.display_name if network in page.display_name else f"{page.display_name} ({network})"


def silent(today: dt.date, days: int) -> list[Condition]:
    """Pages with no post for more than `days` days (the «Silent pages» report's own rule).

    Pages of the networks that are history (Facebook, Instagram) are left out: nobody can act on them."""
    groups, _failing = silent_pages(scope_paths=None, today=today, days=days)
    return [
        Condition(
            AlertKind.SILENT_PAGE,
            f"page:{item.page.pk}",
            item.page.organisation_id,
            item.page.pk,
            f"{_page_label(item.page)}: "
            + (
                f"нет постов {_days(item.days_silent)}"
                if item.days_silent is not None
                else "нет ни одного поста с известной датой"
            ),
        )
        for group in groups
        for item in group.pages
        if item.page.network in CURRENT_NETWORKS
    ]


def subscriber_drop(today: dt.date, percent: int) -> list[Condition]:
    """Pages that lost more than `percent` % of their subscribers over the last seven days."""
    week_ago = today - dt.timedelta(days=7)
    facts = [
        fact
        for fact in page_facts(scope_paths=None, a=week_ago, b=today)
        if fact.at_a
        and fact.at_b is not None
        and fact.date_a is not None
        and fact.date_a >= week_ago - dt.timedelta(days=DROP_START_SLACK_DAYS)
        and (fact.at_a - fact.at_b) * 100 > percent * fact.at_a
    ]
    pages = pages_by_id(fact.page_id for fact in facts)
    return [
        Condition(
            AlertKind.SUBSCRIBER_DROP,
            f"page:{fact.page_id}",
            fact.org_id,
            fact.page_id,
            f"{_page_label(pages[fact.page_id])}: {fmt_int(fact.at_a)} → {fmt_int(fact.at_b)} подписчиков за неделю "
            f"({fmt_pct((fact.at_b - fact.at_a) * 100 / fact.at_a)})",
        )
        for fact in facts
    ]


def collection_failing(nights: int) -> list[Condition]:
    """Pages whose collection failed `nights` nights in a row (the dashboard's «keeps failing», with N)."""
    pages = (
        SocialPage.objects.filter(consecutive_failures__gte=nights)
        .exclude(status=PageStatus.ARCHIVED)
        .select_related("organisation")
        .order_by("pk")
    )
    return [
        Condition(
            AlertKind.COLLECTION_FAILING,
            f"page:{page.pk}",
            page.organisation_id,
            page.pk,
            f"{_page_label(page)}: сбор не удаётся {page.consecutive_failures} "
            f"{plural_form(page.consecutive_failures, 'ночь', 'ночи', 'ночей')} подряд",
        )
        for page in pages
    ]


def closed_months(today: dt.date, count: int) -> list[dt.date]:
    """The last `count` months whose news deadline has passed, newest first."""
    month = add_months(month_start(today), -1)
    while deadline(month) >= today:
        month = add_months(month, -1)
    return [add_months(month, -step) for step in range(count)]


def primary_no_news(today: dt.date, months: int) -> list[Condition]:
    """Primaries expected to report that sent nothing for each of the last `months` closed months."""
    if months < 1:
        return []
    wanted = closed_months(today, months)
    missing = None
    for month in wanted:
        ids = {organisation.pk: organisation for organisation in missing_primaries(month)}
        missing = ids if missing is None else {pk: org for pk, org in missing.items() if pk in ids}
    period = f"{wanted[-1]:%m.%Y}–{wanted[0]:%m.%Y}" if months > 1 else f"{wanted[0]:%m.%Y}"
    return [
        Condition(
            AlertKind.PRIMARY_NO_NEWS,
            f"org:{organisation.pk}",
            organisation.pk,
            None,
            f"{organisation.display_name}: нет новостей за {period}",
        )
        for organisation in sorted((missing or {}).values(), key=lambda org: org.name)
    ]


def below_trend(today: dt.date, horizon_days: int) -> list[Condition]:
    """Territorial pages under the dashboard's target whose 90-day trend does not reach it within the horizon."""
    target = settings.SUBSCRIBER_TARGET_PER_TERRITORIAL_PAGE
    facts = [
        fact
        for fact in page_facts(scope_paths=None, a=today, b=today)
        if fact.org_kind == OrgKind.TERRITORIAL
        and fact.owner != PageOwner.YOUTH_COUNCIL
        and fact.at_b is not None
        and fact.at_b < target
    ]
    points: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    rows = (
        Snapshot.objects.filter(
            page_id__in=[fact.page_id for fact in facts],
            date__gt=today - dt.timedelta(days=TREND_DAYS),
            date__lte=today,
        )
        .order_by("page_id", "date")
        .values_list("page_id", "date", "subscribers")
    )
    for page_id, day, subscribers in rows:
        if subscribers is not None:
            points[page_id].append((day, subscribers))
    horizon = today + dt.timedelta(days=horizon_days)
    behind = []
    for fact in facts:
        reached = linear_trend_date(points[fact.page_id], target)
        if len(points[fact.page_id]) >= 2 and (reached is None or reached > horizon):
            behind.append((fact, reached))
    pages = pages_by_id(fact.page_id for fact, _reached in behind)
    return [
        Condition(
            AlertKind.BELOW_TREND,
            f"page:{fact.page_id}",
            fact.org_id,
            fact.page_id,
            f"{_page_label(pages[fact.page_id])}: {fmt_int(fact.at_b)} из {fmt_int(target)} подписчиков; "
            "по тренду 90 дней "
            + (f"цель будет достигнута только {reached:%d.%m.%Y}" if reached else "цель не будет достигнута"),
        )
        for fact, reached in behind
    ]


def conditions(kind: str, today: dt.date, threshold: int) -> list[Condition]:
    if kind == AlertKind.SILENT_PAGE:
        return silent(today, threshold)
    if kind == AlertKind.SUBSCRIBER_DROP:
        return subscriber_drop(today, threshold)
    if kind == AlertKind.COLLECTION_FAILING:
        return collection_failing(threshold)
    if kind == AlertKind.PRIMARY_NO_NEWS:
        return primary_no_news(today, threshold)
    return below_trend(today, threshold)
