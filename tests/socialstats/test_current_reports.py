"""The dashboard, silent pages, engagement and contest metrics read in SQL (reports/current.py) give what the
per-page facts give, by the rules of docs/reports.md: from the latest-value table and from the snapshots,
for several scopes and dates (gaps, late pages, archived pages, days nobody was collected)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orgs.models import Organisation, OrgKind
from socialstats.analytics.services import analytics_rebuild, analytics_state
from socialstats.models import CURRENT_NETWORKS, PageStatus, Snapshot, SocialPage
from socialstats.reports import current, selectors
from socialstats.reports.dashboard import dashboard
from socialstats.reports.facts import page_facts, paths_q, silent_before
from socialstats.reports.summary import RECENT_START_DAYS
from tests.factories import make_org

FIRST = dt.date(2024, 1, 1)
LAST = dt.date(2024, 3, 20)
TARGET, SILENT_DAYS = 150, 20


def _make_page(organisation, handle: str, network: str, **fields) -> SocialPage:
    return SocialPage.objects.create(
        organisation=organisation, network=network, url=f"https://example.org/{handle}", handle=handle, **fields
    )


@pytest.fixture
def history(tree):
    """Pages on every level and of every owner, with gaps, late starts, pages that stop, archived pages (dated
    before, inside and after the periods, and without a date), post data with gaps, an inactive organisation."""
    deep = make_org("Цех 1", OrgKind.PRIMARY, tree.vao_p1)
    closed = make_org("Закрытая ППО", OrgKind.PRIMARY, tree.zao, is_active=False)
    owners = [tree.union, tree.vao, tree.zao, tree.vao_p1, tree.vao_p2, tree.zao_p1, tree.youth, deep, closed]
    pages = []
    for number, (organisation, network) in enumerate(itertools.product(owners, ["vk", "telegram", "facebook"])):
        owner = "youth_council" if number % 7 == 3 else "organisation"
        pages.append(_make_page(organisation, f"p{number}", network, owner=owner))
    days = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    snapshots = []
    for number, page in enumerate(pages):
        start = (number * 11) % 50  # late starts
        stop = LAST - dt.timedelta(days=(number % 5) * 9)  # some pages stop being collected
        for index, day in enumerate(days):
            if index < start or day > stop or (number + index) % 6 == 0 or day == dt.date(2024, 2, 29):
                continue  # gaps; and nobody was collected on 29.02
            with_posts = (number + index) % 9 != 0
            snapshots.append(
                Snapshot(
                    page=page,
                    date=day,
                    subscribers=100 + number * 7 + index * (number % 4) - (index if number % 5 == 0 else 0),
                    posts_30d=(number + index) % 8 if with_posts else None,
                    last_post_at=dt.datetime.combine(day - dt.timedelta(days=(number * 3) % 40), dt.time(9), dt.UTC)
                    if with_posts and number % 8
                    else None,
                    posts_counted=(number % 3) * 5 if with_posts else None,
                    likes=number * 13 + index if with_posts else None,
                    comments=number % 4 if with_posts else None,
                    reposts=None if number % 3 == 0 else index % 5,
                    views=(1000 + number * 10) if with_posts and page.network == "telegram" else None,
                    source="api",
                )
            )
    Snapshot.objects.bulk_create(snapshots)
    archive = {2: dt.date(2024, 1, 20), 5: dt.date(2024, 3, 5), 8: None, 13: dt.date(2024, 2, 10)}
    for number, day in archive.items():
        SocialPage.objects.filter(pk=pages[number].pk).update(status=PageStatus.ARCHIVED, archived_on=day)
    SocialPage.objects.filter(pk=pages[10].pk).update(status=PageStatus.DELETED)
    SocialPage.objects.filter(pk__in=[pages[4].pk, pages[15].pk]).update(consecutive_failures=4)
    return pages


def reference_dashboard(*, scope_paths, today: dt.date, include_history: bool = False) -> dict:
    """The dashboard's figures by the rules, from the per-page facts in Python (how it was read before)."""
    month_start = today.replace(day=1) - dt.timedelta(days=1)
    networks = () if include_history else CURRENT_NETWORKS
    facts = [
        fact
        for fact in page_facts(scope_paths=scope_paths, a=month_start, b=today, networks=networks)
        if fact.at_b is not None
    ]
    recent_since = month_start - dt.timedelta(days=RECENT_START_DAYS)
    month = [fact for fact in facts if fact.date_a is not None and fact.date_a >= recent_since]
    youth = [fact for fact in facts if fact.owner == "youth_council" or fact.org_kind == OrgKind.YOUTH_COUNCIL]
    territorial = [fact for fact in facts if fact not in youth and fact.org_kind == OrgKind.TERRITORIAL]
    primary = [fact for fact in facts if fact not in youth and fact.org_kind == OrgKind.PRIMARY]
    cutoff = silent_before(today - dt.timedelta(days=SILENT_DAYS))
    organisations = Organisation.objects.filter(paths_q(scope_paths), is_active=True)

    def top(score):
        scored = [(score(fact), fact.page_id) for fact in facts if score(fact) is not None]
        return [page_id for _score, page_id in sorted(scored, key=lambda item: (-item[0], item[1]))[:5]]

    return {
        "pages": len(facts),
        "subscribers": sum(fact.at_b for fact in facts),
        "month_change": sum(fact.change for fact in month),
        "month_counted_pages": len(month),
        "month_from": min((fact.date_a for fact in month), default=None),
        "territorial_pages": len(territorial),
        "territorial_orgs": len({fact.org_id for fact in territorial}),
        "primary_pages": len(primary),
        "primary_orgs": len({fact.org_id for fact in primary}),
        "youth_pages": len(youth),
        "organisations_total": organisations.count(),
        "organisations_with_pages": organisations.filter(pk__in={fact.org_id for fact in facts}).count(),
        "silent": sum(1 for fact in facts if fact.last_post_at is None or fact.last_post_at < cutoff),
        "failing": SocialPage.objects.filter(paths_q(scope_paths, "organisation__path"), consecutive_failures__gte=3)
        .exclude(status=PageStatus.ARCHIVED)
        .count(),
        "leaders_subscribers": top(lambda fact: fact.at_b),
        "leaders_growth": top(lambda fact: fact.change if fact in month else None),
        "leaders_engagement": top(lambda fact: fact.engagement),
        "territorial_at_target": sum(1 for fact in territorial if fact.at_b >= TARGET),
        "territorial_average": sum(fact.at_b for fact in territorial) / len(territorial) if territorial else None,
    }


def figures_of(summary) -> dict:
    return {
        "pages": summary.pages,
        "subscribers": summary.subscribers,
        "month_change": summary.month_change,
        "month_counted_pages": summary.month_counted_pages,
        "month_from": summary.month_from,
        "territorial_pages": summary.territorial_pages,
        "territorial_orgs": summary.territorial_orgs,
        "primary_pages": summary.primary_pages,
        "primary_orgs": summary.primary_orgs,
        "youth_pages": summary.youth_pages,
        "organisations_total": summary.organisations_total,
        "organisations_with_pages": summary.organisations_with_pages,
        "silent": summary.silent,
        "failing": summary.failing,
        "leaders_subscribers": [leader.page_id for leader in summary.leaders_subscribers],
        "leaders_growth": [leader.page_id for leader in summary.leaders_growth],
        "leaders_engagement": [leader.page_id for leader in summary.leaders_engagement],
        "territorial_at_target": summary.territorial_pages_at_target,
        "territorial_average": summary.territorial_page_average,
    }


def _scopes(tree) -> dict:
    return {
        "union": None,
        "vao": [tree.vao.path],
        "both": [tree.vao.path, tree.zao.path],
        "primary": [tree.vao_p1.path],
        "none": [],
    }


# Dates: the last collected day and later (the latest-value table answers), a day nobody was collected,
# days inside the history (past dates: the snapshots answer), a date before any snapshot.
DATES = [LAST, LAST + dt.timedelta(days=40), dt.date(2024, 2, 29), dt.date(2024, 3, 4), dt.date(2024, 2, 1), FIRST]


@pytest.mark.parametrize("tables", [False, True])
def test_the_dashboard_in_sql_equals_the_per_page_facts(tree, history, tables):
    if tables:
        analytics_rebuild(today=LAST)
    compared = 0
    for (name, scope_paths), day, include_history in itertools.product(_scopes(tree).items(), DATES, [False, True]):
        summary = dashboard(
            scope_paths=scope_paths, today=day, target=TARGET, silent_days=SILENT_DAYS, include_history=include_history
        )
        expected = reference_dashboard(scope_paths=scope_paths, today=day, include_history=include_history)
        assert figures_of(summary) == expected, (name, day, include_history)
        compared += expected["pages"]
    assert compared > 300  # the history is not empty


@pytest.mark.parametrize("tables", [False, True])
def test_silent_pages_and_engagement_in_sql_equal_the_per_page_facts(tree, history, tables):
    if tables:
        analytics_rebuild(today=LAST)
    for (name, scope_paths), day in itertools.product(_scopes(tree).items(), DATES):
        facts = [fact for fact in page_facts(scope_paths=scope_paths, a=day, b=day) if fact.at_b is not None]
        cutoff = silent_before(day - dt.timedelta(days=SILENT_DAYS))
        groups, _failing = selectors.silent_pages(scope_paths=scope_paths, today=day, days=SILENT_DAYS)
        silent = sorted(item.fact.page_id for group in groups for item in group.pages)
        expected = [fact for fact in facts if fact.last_post_at is None or fact.last_post_at < cutoff]
        assert silent == sorted(fact.page_id for fact in expected), (name, day)
        shown = {item.fact.page_id: item.fact for group in groups for item in group.pages}
        assert all(shown[fact.page_id] == fact for fact in expected)

        rows, averages = selectors.engagement_report(scope_paths=scope_paths, on=day)
        assert sorted((row.fact.page_id, row.fact) for row in rows) == sorted(
            ((fact.page_id, fact) for fact in facts), key=lambda item: item[0]
        )
        by_org: dict[int, list] = {}
        for fact in facts:
            by_org.setdefault(fact.org_id, []).append(fact)
        names = Organisation.objects.in_bulk(list(by_org))

        def mean(values):
            values = [value for value in values if value is not None]
            return sum(values) / len(values) if values else None

        want = sorted(
            (
                names[org_id].display_name,
                len(group),
                sum(fact.at_b for fact in group),
                mean(fact.engagement for fact in group),
                mean(fact.engagement_by_views for fact in group),
                mean(fact.posts_30d for fact in group),
            )
            for org_id, group in by_org.items()
        )
        have = sorted(
            (item.label, item.pages, item.subscribers, item.engagement, item.engagement_by_views, item.posts_30d)
            for item in averages
        )
        assert _rounded(have) == _rounded(want), (name, day)


def _rounded(rows: list[tuple]) -> list[tuple]:
    """Means to 9 places: the database's AVG adds in another order than Python's sum."""
    return [tuple(round(value, 9) if isinstance(value, float) else value for value in row) for row in rows]


def test_the_latest_value_table_answers_on_and_after_the_horizon_and_the_snapshots_before(tree, history):
    """Which source a date reads, seen from outside: a latest-value row changed by hand shows only where the
    table answers (the tables built, no snapshot after the date)."""
    from socialstats.models import AnalyticsState, PageLatest

    analytics_rebuild(today=LAST)
    page = PageLatest.objects.filter(page__status=PageStatus.ACTIVE, page__network="vk").earliest("page_id").page
    PageLatest.objects.filter(page=page).update(subscribers=77_777)

    def top(day):
        return dashboard(scope_paths=None, today=day, target=TARGET, silent_days=SILENT_DAYS).leaders_subscribers[0]

    assert current.latest_answers(LAST, analytics_state())
    assert (top(LAST).page_id, top(LAST).value) == (page.pk, 77_777)
    assert top(LAST + dt.timedelta(days=30)).value == 77_777
    assert not current.latest_answers(dt.date(2024, 3, 4), analytics_state())
    assert top(dt.date(2024, 3, 4)).value != 77_777
    AnalyticsState.objects.all().delete()  # before the first rebuild: the snapshots, whatever the date
    assert top(LAST).value != 77_777


def test_a_correction_after_the_rebuild_shows_through_the_latest_value_table(tree, history):
    from socialstats.registry.services import snapshot_record

    analytics_rebuild(today=LAST)
    page = history[3]
    snapshot_record(page=page, date=LAST, subscribers=99_999, source="manual")
    summary = dashboard(scope_paths=None, today=LAST, target=TARGET, silent_days=SILENT_DAYS)
    assert summary.leaders_subscribers[0].page_id == page.pk
    assert figures_of(summary) == reference_dashboard(scope_paths=None, today=LAST)


def test_contest_metrics_are_the_same_from_the_latest_value_table(tree, history):
    from contests.metrics import _pages_and_values, entry_keys
    from contests.models import Entry
    from socialstats.reports.facts import subscribers_on

    page_ids = [page.pk for page in history]
    entries = [Entry(pk=index, page_id=pk) for index, pk in enumerate(page_ids, start=1)]
    for day in DATES:
        expected = _pages_and_values(entry_keys(entries), day)[2]
        assert {pk: (row.subscribers, row.date) for pk, row in expected.items()} == subscribers_on(page_ids, day)
        analytics_rebuild(today=LAST)
        from_tables = _pages_and_values(entry_keys(entries), day)[2]
        fields = ("date", "subscribers", "posts_30d", "last_post_at", "posts_counted", "likes", "comments", "reposts")
        assert {pk: tuple(getattr(row, f) for f in fields) for pk, row in from_tables.items()} == {
            pk: tuple(getattr(row, f) for f in fields) for pk, row in expected.items()
        }, day
        from socialstats.models import AnalyticsState

        AnalyticsState.objects.all().delete()


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_silent_engagement_and_past_dashboard_keep_their_query_budget_at_two_sizes(client, cast, tree, settings):
    from django.utils import timezone

    from tests.socialstats.growth_data import bulk_pages

    settings.REPORT_CACHE_SECONDS = settings.REPORT_CACHE_VERSIONED_SECONDS = 0
    today = timezone.localdate()
    days = [dt.date(2024, 1, 31), dt.date(2024, 2, 29), today - dt.timedelta(days=45), today]
    urls = ["/stats/silent/", "/stats/engagement/", "/stats/dashboard/?on=29.02.2024", "/stats/dashboard/"]
    client.force_login(cast.info_officer)
    bulk_pages(tree.vao, 20, days=days, prefix="small")
    analytics_rebuild(today=today)
    small = [_count(client, url) for url in urls]
    bulk_pages(tree.zao, 600, days=days, prefix="large")
    analytics_rebuild(today=today)
    large = [_count(client, url) for url in urls]
    assert large == small
    # Before (the per-page facts in Python): 7, 7, 17 and 17 on SQLite.
    assert small[0] <= 7, small
    assert small[1] <= 7, small
    assert max(small[2:]) <= 15, small
