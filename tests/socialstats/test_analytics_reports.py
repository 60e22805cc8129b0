"""The reports read from the analytics tables give exactly what the snapshots give (the rules of docs/reports.md)."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from orgs.models import OrgKind
from socialstats.analytics.services import analytics_rebuild
from socialstats.models import AnalyticsState, PageStatus, Snapshot, SocialPage
from socialstats.reports import facts, rollup, selectors
from socialstats.reports.dashboard import subscribers_series
from tests.factories import make_org
from tests.socialstats.growth_data import load_mgo_2018

DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=n) for n in range(0, 40, 3)]


def make_page(organisation, handle: str, network: str = "vk", **fields) -> SocialPage:
    return SocialPage.objects.create(
        organisation=organisation,
        network=network,
        url=f"https://vk.com/{handle}",
        handle=handle,
        title=handle,
        **fields,
    )


@pytest.fixture
def varied(tree):
    """Pages on every level, with gaps, late starts, archived pages (dated and not), several networks."""
    deep = make_org("Цех 1", OrgKind.PRIMARY, tree.vao_p1)
    owners = [tree.union, tree.vao, tree.zao, tree.vao_p1, tree.vao_p2, tree.zao_p1, tree.youth, deep]
    pages = []
    for number, (organisation, network) in enumerate(itertools.product(owners, ["vk", "telegram"])):
        pages.append(make_page(organisation, f"p{number}", network))
    Snapshot.objects.bulk_create(
        Snapshot(page=page, date=day, subscribers=10 * number + index, source="api")
        for number, page in enumerate(pages)
        for index, day in enumerate(DAYS)
        if (number + index) % 4 and index >= number % 5  # gaps and late starts
    )
    SocialPage.objects.filter(pk=pages[3].pk).update(status=PageStatus.ARCHIVED, archived_on=dt.date(2024, 1, 20))
    SocialPage.objects.filter(pk=pages[6].pk).update(status=PageStatus.ARCHIVED, archived_on=None)
    SocialPage.objects.filter(pk=pages[9].pk).update(archived_on=dt.date(2024, 1, 10))  # a date, still active
    return pages


def _sorted(rows):
    return sorted(rows, key=lambda row: tuple(str(value) for value in row))


PERIODS = [
    (dt.date(2023, 12, 1), dt.date(2024, 1, 2)),
    (dt.date(2024, 1, 1), dt.date(2024, 1, 19)),  # B a day without snapshots
    (dt.date(2024, 1, 5), dt.date(2024, 1, 25)),  # across the archive date
    (dt.date(2024, 1, 20), dt.date(2024, 1, 20)),
    (dt.date(2023, 12, 1), dt.date(2024, 1, 20)),  # B the archive date of a page first collected after A
    (dt.date(2024, 3, 1), dt.date(2024, 3, 31)),  # both after the last snapshot
]


@pytest.mark.parametrize("dimensions", [("level",), ("network",), ("level", "network")])
@pytest.mark.parametrize("scope", ["union", "vao", "both", "none"])
def test_growth_from_the_tables_equals_growth_from_the_snapshots(tree, varied, dimensions, scope):
    scope_paths = {
        "union": None,
        "vao": [tree.vao.path],
        "both": [tree.vao.path, tree.zao.path, tree.vao_p1.path],
        "none": [],
    }[scope]
    analytics_rebuild(today=dt.date(2024, 2, 15))
    level = facts.territorial_depth(scope_paths)
    for (a, b), networks in itertools.product(PERIODS, [(), ("telegram",)]):
        arguments = dict(scope_paths=scope_paths, a=a, b=b, networks=networks, dimensions=dimensions, level=level)
        from_tables = rollup.rollup_growth_raw(**arguments)
        assert from_tables is not None
        expected = [
            (*row[:-2], facts.to_date(row[-2]), facts.to_date(row[-1])) for row in facts.growth_raw(**arguments)
        ]
        assert _sorted(from_tables) == _sorted(expected), (a, b, networks)


@pytest.mark.parametrize("scope", ["union", "vao", "both", "none", "primary"])
def test_the_subscribers_series_from_the_tables_equals_the_one_from_the_snapshots(tree, varied, scope):
    """The dashboard's series: one query for all its dates from the tables, the same totals as date by date."""
    scope_paths = {
        "union": None,
        "vao": [tree.vao.path],
        "both": [tree.vao.path, tree.zao.path, tree.vao_p1.path],
        "none": [],
        "primary": [tree.vao_p1.path],  # below the tables' depth: date by date from the snapshots
    }[scope]
    dates = [dt.date(2023, 12, 31), DAYS[2], dt.date(2024, 1, 19), dt.date(2024, 1, 20), DAYS[-1], dt.date(2024, 3, 31)]
    for networks in [(), ("telegram",)]:
        expected = subscribers_series(scope_paths=scope_paths, dates=dates, networks=networks)
        analytics_rebuild(today=dt.date(2024, 2, 15))
        from_tables = subscribers_series(scope_paths=scope_paths, dates=dates, networks=networks)
        assert from_tables == expected, networks
        assert any(value for _day, value in expected) or scope == "none"
        AnalyticsState.objects.all().delete()  # the next round's expected values from the snapshots again


def test_a_scope_below_the_territorial_level_reads_the_snapshots(tree, varied):
    analytics_rebuild(today=dt.date(2024, 2, 15))
    arguments = dict(scope_paths=[tree.vao_p1.path], a=DAYS[0], b=DAYS[-1], dimensions=("network",))
    assert rollup.rollup_growth_raw(**arguments) is None
    assert rollup.growth_figures(**arguments) == facts.growth_raw(**arguments)


def test_the_002_layout_from_the_tables_equals_the_layout_from_the_snapshots(db):
    load_mgo_2018()
    a, b = dt.date(2017, 12, 31), dt.date(2018, 12, 31)
    before = selectors.printed_layout(scope_paths=None, a=a, b=b)
    rows_before = selectors.growth_report(scope_paths=None, a=a, b=b, grouping="territorial").rows
    analytics_rebuild(today=dt.date(2019, 1, 10))
    assert (
        rollup.rollup_growth_raw(scope_paths=None, a=a, b=b, dimensions=("level",), level=facts.territorial_depth(None))
        is not None
    )
    assert selectors.printed_layout(scope_paths=None, a=a, b=b) == before
    assert selectors.growth_report(scope_paths=None, a=a, b=b, grouping="territorial").rows == rows_before


def test_the_report_cache_is_keyed_by_the_tables_version_so_a_correction_shows_at_once(tree, varied, settings):
    from django.core.cache import cache

    from socialstats.registry.services import snapshot_record
    from socialstats.reports.cache import growth_report_cached, report_cache_warm

    settings.REPORT_CACHE_VERSIONED_SECONDS = 3600
    cache.clear()
    analytics_rebuild(today=dt.date(2024, 2, 15))
    a, b = DAYS[0], DAYS[-1]
    before = growth_report_cached(scope_paths=None, a=a, b=b, grouping="territorial").total.at_b
    SocialPage.objects.filter(pk=varied[0].pk).update(title="renamed")  # not a figure: the cached entry stays
    assert growth_report_cached(scope_paths=None, a=a, b=b, grouping="territorial").total.at_b == before
    snapshot_record(page=varied[0], date=b, subscribers=10_000, source="manual")
    after = growth_report_cached(scope_paths=None, a=a, b=b, grouping="territorial").total.at_b
    assert after > before
    assert report_cache_warm(today=dt.date(2024, 2, 15)) == 3  # the union and its two territorial organisations


def test_a_page_edited_or_an_organisation_renamed_shows_at_once_in_the_cached_reports(
    tree, varied, settings, django_capture_on_commit_callbacks
):
    """No analytics_update follows these edits (the figures' version stays): the reports' generation moves,
    once the edit is committed."""
    from django.core.cache import cache

    from socialstats.analytics.generation import reports_generation
    from socialstats.models import PageOwner
    from socialstats.registry.services import page_update
    from socialstats.reports.cache import dashboard_cached, growth_report_cached

    settings.REPORT_CACHE_VERSIONED_SECONDS = 3600
    cache.clear()
    day = dt.date(2024, 2, 15)
    analytics_rebuild(today=day)
    page = SocialPage.objects.get(pk=varied[8].pk)  # a primary's page with values on the day
    youth = dashboard_cached(scope_paths=None, on=day).youth_pages
    before = reports_generation()
    with django_capture_on_commit_callbacks(execute=True):
        page_update(page=page, url=page.url, owner=PageOwner.YOUTH_COUNCIL, title=page.title)
        assert reports_generation() == before  # not before the commit
    assert dashboard_cached(scope_paths=None, on=day).youth_pages == youth + 1

    rows = growth_report_cached(scope_paths=None, a=DAYS[0], b=DAYS[-1], grouping="territorial").rows
    assert "Восточный округ" not in [row.label for row in rows]
    tree.vao.short_name = "Восточный округ"
    with django_capture_on_commit_callbacks(execute=True):
        tree.vao.save()
    rows = growth_report_cached(scope_paths=None, a=DAYS[0], b=DAYS[-1], grouping="territorial").rows
    assert "Восточный округ" in [row.label for row in rows]


def test_the_nightly_task_warms_the_cache_for_the_union_and_each_territory(tree):
    from socialstats.tasks import warm_report_cache

    assert warm_report_cache("2024-02-15") == "warmed 3 scopes"
