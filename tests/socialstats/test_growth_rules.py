"""The growth rules on small, explicit data: latest snapshot on or before a date, new pages, archived pages, scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from orgs import access
from orgs.models import OrgKind
from socialstats.models import PageStatus, Snapshot, SocialPage
from socialstats.reports import facts, selectors
from socialstats.reports.growth import (
    GrowthRow,
    linear_trend_date,
    ownership_sentence,
    preset_period,
    total_of,
)
from tests.factories import make_org
from unionportal.lib.formatting import fmt_int, fmt_pct

A, B = dt.date(2024, 1, 31), dt.date(2024, 2, 29)


def make_page(organisation, handle: str, network: str = "vk", **fields) -> SocialPage:
    return SocialPage.objects.create(
        organisation=organisation,
        network=network,
        url=f"https://vk.com/{handle}",
        handle=handle,
        title=handle,
        **fields,
    )


def snap(page: SocialPage, day: dt.date, subscribers: int, **fields) -> Snapshot:
    return Snapshot.objects.create(page=page, date=day, subscribers=subscribers, source="api", **fields)


def rows_by_page(grouping="page", scope_paths=None, **kwargs):
    report = selectors.growth_report(scope_paths=scope_paths, a=A, b=B, grouping=grouping, **kwargs)
    return {row.key: row for row in report.rows}, report


def test_value_at_a_date_is_the_latest_snapshot_on_or_before_it(tree):
    page = make_page(tree.vao, "vao")
    snap(page, dt.date(2024, 1, 20), 100)
    snap(page, dt.date(2024, 1, 30), 110)
    snap(page, dt.date(2024, 2, 1), 999)  # after A: not A's value
    snap(page, B, 150)
    snap(page, dt.date(2024, 3, 5), 777)  # after B: ignored
    rows, _report = rows_by_page()
    row = rows[page.pk]
    assert (row.at_a, row.date_a, row.at_b, row.date_b) == (110, dt.date(2024, 1, 30), 150, B)
    assert row.change == 40
    assert round(row.change_pct, 1) == 36.4
    assert not row.is_new


def test_a_value_older_than_three_days_shows_its_date(tree):
    page = make_page(tree.vao, "vao")
    snap(page, A - dt.timedelta(days=3), 100)
    snap(page, B - dt.timedelta(days=4), 120)
    row = rows_by_page()[0][page.pk]
    assert not row.stale_a
    assert row.stale_b and row.date_b == B - dt.timedelta(days=4)


def test_page_with_no_snapshot_at_a_is_new_and_grows_from_zero(tree):
    page = make_page(tree.vao, "vao")
    snap(page, dt.date(2024, 2, 10), 80)
    row = rows_by_page()[0][page.pk]
    assert row.is_new and row.at_a is None and row.at_b == 80
    assert row.change == 80 and row.change_pct is None


def test_page_with_no_snapshot_by_b_is_not_in_the_table(tree):
    page = make_page(tree.vao, "vao")
    snap(page, dt.date(2024, 3, 10), 80)
    assert page.pk not in rows_by_page()[0]


def test_archived_pages_count_only_before_their_archive_date(tree):
    gone_between = make_page(tree.vao, "between", status=PageStatus.ARCHIVED, archived_on=dt.date(2024, 2, 15))
    gone_before = make_page(tree.vao, "before", status=PageStatus.ARCHIVED, archived_on=dt.date(2024, 1, 10))
    gone_after = make_page(tree.vao, "after", status=PageStatus.ARCHIVED, archived_on=dt.date(2024, 3, 10))
    no_date = make_page(tree.vao, "nodate", status=PageStatus.ARCHIVED)
    for page in (gone_between, gone_before, gone_after, no_date):
        snap(page, dt.date(2024, 1, 1), 100)
        snap(page, dt.date(2024, 2, 10), 120)
    rows, report = rows_by_page()
    assert (rows[gone_between.pk].at_a, rows[gone_between.pk].at_b) == (120 - 20, None)
    assert rows[gone_between.pk].change == -100
    assert gone_before.pk not in rows
    assert (rows[gone_after.pk].at_a, rows[gone_after.pk].at_b) == (100, 120)
    assert no_date.pk not in rows
    assert report.total.at_a == 200 and report.total.at_b == 120


def test_scope_keeps_only_pages_of_the_subtree(cast, tree):
    inside = make_page(tree.vao_p1, "inside")
    outside = make_page(tree.zao_p1, "outside")
    for page in (inside, outside):
        snap(page, A, 10)
        snap(page, B, 20)
    rows, report = rows_by_page(scope_paths=access.scope_paths(cast.territorial_admin))
    assert set(rows) == {inside.pk}
    assert report.total.change == 10


def test_rollup_by_territorial_and_network_sums_the_pages(tree):
    for handle, organisation, network, at_a, at_b in (
        ("a", tree.vao, "vk", 10, 15),
        ("b", tree.vao_p1, "vk", 5, 7),
        ("c", tree.vao_p2, "telegram", None, 4),
        ("d", tree.zao_p1, "vk", 1, 1),
        ("e", tree.union, "vk", 100, 130),
    ):
        page = make_page(organisation, handle, network)
        if at_a is not None:
            snap(page, A, at_a)
        snap(page, B, at_b)
    territorial = {row.label: row for row in rows_by_page("territorial")[1].rows}
    assert (territorial["ВАО"].at_a, territorial["ВАО"].at_b, territorial["ВАО"].new_pages) == (15, 26, 1)
    assert territorial["ЗАО"].change == 0
    assert territorial["МГО Профсоюза"].change == 30  # the union's own page stays at the union's level
    networks = {row.label: row for row in rows_by_page("network")[1].rows}
    assert networks["Telegram"].is_new and networks["Telegram"].at_b == 4
    organisations = {row.label: row for row in rows_by_page("org")[1].rows}
    assert organisations["ППО Школа 1"].change == 2


def test_subscribers_on_gives_the_latest_value_and_omits_pages_without_one(tree):
    early, late, exact = make_page(tree.vao, "early"), make_page(tree.vao, "late"), make_page(tree.vao, "exact")
    snap(early, dt.date(2023, 1, 1), 5)
    snap(late, dt.date(2024, 5, 1), 7)
    snap(exact, A, 9)
    snap(exact, A - dt.timedelta(days=1), 8)
    values = facts.subscribers_on(SocialPage.objects.all(), A)
    assert values == {early.pk: (5, dt.date(2023, 1, 1)), exact.pk: (9, A)}
    assert facts.subscribers_on([late.pk], A) == {}


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("this_month", (dt.date(2024, 4, 30), dt.date(2024, 5, 15))),
        ("last_month", (dt.date(2024, 3, 31), dt.date(2024, 4, 30))),
        ("quarter", (dt.date(2024, 3, 31), dt.date(2024, 5, 15))),
        ("year", (dt.date(2023, 12, 31), dt.date(2024, 5, 15))),
    ],
)
def test_presets_start_the_day_before_the_period(preset, expected):
    assert preset_period(preset, dt.date(2024, 5, 15)) == expected


def test_numbers_are_formatted_the_russian_way():
    assert fmt_int(108549) == "108\u00a0549"
    assert fmt_pct(12.345) == "+12,3\u00a0%"
    assert fmt_pct(-5.0) == "−5,0\u00a0%"
    assert fmt_pct(None) == ""


def test_totals_sum_rows_and_keep_the_oldest_date():
    rows = [
        GrowthRow(key=1, label="x", pages=1, at_a=10, at_b=20, date_a=A, date_b=B),
        GrowthRow(key=2, label="y", pages=1, new_pages=1, at_b=5, date_b=B - dt.timedelta(days=10)),
    ]
    total = total_of(rows, "Итого", a=A, b=B)
    assert (total.at_a, total.at_b, total.change, total.pages, total.new_pages) == (10, 25, 15, 2, 1)
    assert total.stale_b and not total.is_new


def test_linear_trend_reaches_the_target_on_the_extrapolated_day():
    start = dt.date(2024, 1, 1)
    points = [(start + dt.timedelta(days=day), 100 + 10 * day) for day in range(10)]
    assert linear_trend_date(points, 300) == start + dt.timedelta(days=20)
    assert linear_trend_date([(start, 5), (start + dt.timedelta(days=1), 4)], 300) is None


def test_ownership_sentence_uses_russian_plurals():
    with translation.override("ru"):
        text = ownership_sentence(
            pages=52, territorial_pages=13, territorial_orgs=8, primary_pages=39, primary_orgs=27, youth_pages=14
        )
        assert text == (
            "52 страницы: 13 из них принадлежат 8 территориальным организациям, 39 групп — у 27 первичек, "
            "14 ведёт молодёжь"
        )
        one = ownership_sentence(
            pages=21, territorial_pages=1, territorial_orgs=1, primary_pages=1, primary_orgs=1, youth_pages=1
        )
        assert one == (
            "21 страница: 1 из них принадлежит 1 территориальной организации, 1 группа — у 1 первички, 1 ведёт молодёжь"
        )


def test_the_territorial_level_is_the_shallowest_territorial_organisation_under_the_scope(tree):
    """facts.territorial_depth: the level the growth, reach and silent reports group by."""
    # A territorial organisation under a primary one (a deeper level) does not move the union's level.
    make_org("Территория в ППО", OrgKind.TERRITORIAL, tree.zao_p1)
    assert facts.territorial_depth(None) == tree.vao.depth == 2
    assert facts.territorial_depth([tree.vao.path, tree.zao.path]) == 2
    assert facts.territorial_depth([tree.vao.path]) == 2
    # A scope below the level is its own level; so is a scope without territorial organisations.
    assert facts.territorial_depth([tree.vao_p1.path]) == tree.vao_p1.depth == 3
    assert facts.territorial_depth([tree.zao_p1.path]) == 4  # the territorial organisation under it
    assert facts.territorial_depth([tree.youth.path]) == tree.youth.depth
    assert facts.territorial_depth([]) == 1
