"""The dashboard's stored rows (DashboardDay, reports/summary.py): the dashboard read from them equals the
dashboard computed from the pages, for every scope, after every kind of change; a change deletes the rows of
the units it touches and only those."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import respx
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from orgs.models import Organisation
from orgs.services import organisation_close, organisation_merge
from socialstats.analytics.services import analytics_rebuild, analytics_state
from socialstats.collection.services import collection_collect, collection_start
from socialstats.models import DashboardDay, PageOwner, Snapshot, SocialPage
from socialstats.registry.imports.snapshots import snapshots_import
from socialstats.registry.services import page_archive, page_move, page_update, snapshot_record
from socialstats.reports import summary
from socialstats.reports.current import DashboardFigures, dashboard_figures
from socialstats.reports.dashboard import dashboard
from socialstats.reports.summary import (
    dashboard_days_build,
    dashboard_days_check,
    dashboard_figures_stored,
    dashboard_parameters,
    merge,
)
from socialstats.tasks import collect_network
from tests.fakes.vk_server import FakeGroup, FakeVk
from tests.socialstats.collect_helpers import VK_URL, FakeClock, vk_collector

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)
SILENT_DAYS = 30
LAST = dt.date(2026, 3, 9)  # the last collected day


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


def _page(organisation, handle: str, network: str = "vk", **fields) -> SocialPage:
    return SocialPage.objects.create(
        organisation=organisation, network=network, url=f"https://vk.com/{handle}", handle=handle, **fields
    )


def _snap(page, day, subscribers, *, posted_days_ago=None, likes=None):
    last_post_at = None
    if posted_days_ago is not None:
        last_post_at = timezone.make_aware(dt.datetime.combine(TODAY - dt.timedelta(days=posted_days_ago), dt.time(12)))
    Snapshot.objects.create(
        page=page,
        date=day,
        subscribers=subscribers,
        source="api",
        last_post_at=last_post_at,
        likes=likes,
        comments=0 if likes is not None else None,
        reposts=0 if likes is not None else None,
        posts_counted=10 if likes is not None else None,
    )


@pytest.fixture
def pages(tree):
    """Pages in every unit (ВАО, ЗАО, the youth council) and above them (the union's own), with a start value
    this month or not, silent or not, engagement or not, a history network, and equal scores across units."""
    made = {
        "union": _page(tree.union, "union"),
        "vao": _page(tree.vao, "vao"),
        "p1": _page(tree.vao_p1, "p1"),
        "p2": _page(tree.vao_p2, "p2", network="telegram"),
        "z1": _page(tree.zao_p1, "z1"),
        "zao": _page(tree.zao, "zao", network="facebook"),
        "youth": _page(tree.youth, "youth"),
        "vao_youth": _page(tree.vao, "vao_youth", owner=PageOwner.YOUTH_COUNCIL),
    }
    start, end = dt.date(2026, 2, 27), dt.date(2026, 3, 9)
    values = {
        "union": (1000, 1100, 2, 40),
        "vao": (300, 350, 40, 12),
        "p1": (80, 80, None, None),
        "p2": (None, 500, 3, 7),  # new this month: no start value
        "z1": (500, 350, 5, 30),  # a tie with p2 on subscribers, across units
        "zao": (90, 95, 400, None),
        "youth": (20, 60, 1, 3),
        "vao_youth": (10, 12, 35, 1),
    }
    for name, (at_a, at_b, posted, likes) in values.items():
        if at_a is not None:
            _snap(made[name], start, at_a)
        _snap(made[name], end, at_b, posted_days_ago=posted, likes=likes)
    analytics_rebuild()
    return made


def _scopes(tree):
    return [None, [tree.union.path], [tree.vao.path], [tree.zao.path, tree.youth.path]]


def assert_agree(tree, *, stored_expected: bool = True, day: dt.date = TODAY) -> None:
    """For every scope, with and without history networks: the stored rows' answer is the pages' answer."""
    state = analytics_state()
    for scope_paths in _scopes(tree):
        for include_history in (False, True):
            stored = dashboard_figures_stored(
                scope_paths=scope_paths,
                today=day,
                silent_days=SILENT_DAYS,
                include_history=include_history,
                state=state,
            )
            computed = dashboard_figures(
                scope_paths=scope_paths, state=state, **dashboard_parameters(day, SILENT_DAYS, include_history)
            )
            assert (stored is not None) == stored_expected
            if stored is not None:
                assert stored == computed, (scope_paths, include_history)


def _units_stored() -> set[str]:
    rows = DashboardDay.objects.filter(include_history=False, day=TODAY)
    return set(rows.values_list("organisation__name", flat=True))


def _build() -> None:
    assert dashboard_days_build(today=TODAY, silent_days=SILENT_DAYS) == 3  # ВАО, ЗАО, the youth council
    assert dashboard_days_check() == []


def test_the_stored_rows_answer_as_the_pages_do_for_every_scope(tree, pages):
    _build()
    # Today and the last collected day (9 March), with and without history networks.
    assert DashboardDay.objects.count() == 3 * 2 * 2
    assert_agree(tree)
    assert_agree(tree, day=LAST)
    figures = dashboard_figures_stored(
        scope_paths=None, today=TODAY, silent_days=SILENT_DAYS, include_history=False, state=analytics_state()
    )
    # Facebook is history: 7 pages; p2 is new this month and has no start value.
    assert (figures.pages, figures.month_counted_pages) == (7, 6)
    assert figures.top_subscribers[:3] == [(1100, pages["union"].pk), (500, pages["p2"].pk), (350, pages["vao"].pk)]
    assert figures.top_subscribers[3] == (350, pages["z1"].pk)  # the tie ordered by page id, as in SQL
    assert figures.silent == 3  # vao (40 days), vao_youth (35) and p1 (never posted)


def test_the_dashboard_reads_the_stored_rows(tree, pages):
    _build()
    row = DashboardDay.objects.get(organisation=tree.zao, include_history=False, day=TODAY)
    row.silent = 40
    row.save()

    shown = dashboard(scope_paths=None, today=TODAY, target=1000, silent_days=SILENT_DAYS)

    assert shown.silent == 3 + 40  # ЗАО's 0 doctored to 40, summed with the other units' and the union's


def test_another_day_or_threshold_reads_the_pages(tree, pages):
    _build()
    row = DashboardDay.objects.get(organisation=tree.zao, include_history=False, day=TODAY)
    row.silent = 40
    row.save()

    assert dashboard(scope_paths=None, today=TODAY, target=1000, silent_days=7).silent != 42
    assert dashboard(scope_paths=None, today=LAST - dt.timedelta(days=1), target=1000, silent_days=30).silent < 40


def test_a_scope_below_the_units_reads_the_pages(tree, pages):
    _build()
    state = analytics_state()
    stored = dashboard_figures_stored(
        scope_paths=[tree.vao_p1.path], today=TODAY, silent_days=SILENT_DAYS, include_history=False, state=state
    )
    assert stored is None


def test_a_back_dated_correction_forgets_its_unit_only(tree, pages):
    _build()
    snapshot_record(page=pages["p1"], date=dt.date(2026, 3, 9), subscribers=900, source="manual")
    assert _units_stored() == {tree.zao.name, tree.youth.name}
    assert dashboard_days_check() == []
    assert_agree(tree)
    shown = dashboard(scope_paths=None, today=TODAY, target=1000, silent_days=SILENT_DAYS)
    assert shown.leaders_subscribers[1].page_id == pages["p1"].pk


def test_an_import_of_history_forgets_the_units_it_wrote_to(tree, pages):
    _build()
    csv = "organisation,network,date,subscribers,page_url\nППО Школа 3,vk,2026-03-09,777,https://vk.com/z1\n"
    snapshots_import(source=io.BytesIO(csv.encode()), filename="history.csv")
    assert _units_stored() == {tree.vao.name, tree.youth.name}
    assert_agree(tree)


@pytest.fixture
def fake_vk(pages, settings):
    """VK's API faked at the HTTP layer with the VK pages of `pages`."""
    settings.VK_API_TOKEN = "vk-test-token"
    settings.VK_API_URL = VK_URL
    settings.SILENT_PAGE_DAYS = SILENT_DAYS
    fake = FakeVk()
    for number, name in enumerate(("union", "vao", "p1", "z1", "youth"), start=1):
        fake.add(FakeGroup(id=number, members=7, screen_name=name, posts=[]))
    with respx.mock(assert_all_called=False) as router:
        router.post(url__startswith=VK_URL).mock(side_effect=fake.respx_side_effect)
        yield fake


def test_a_collection_forgets_every_unit(tree, fake_vk):
    _build()
    collection_collect(network="vk", for_date=TODAY, collector=vk_collector(fake_vk, FakeClock()))
    assert _units_stored() == set()
    assert_agree(tree)  # every unit computed from the pages: at most MISSING_MAX of them
    _build()
    assert_agree(tree)


def test_a_page_moved_forgets_both_units(tree, pages):
    _build()
    page_move(page=pages["p1"], organisation=tree.zao_p1)
    assert _units_stored() == {tree.youth.name}
    assert_agree(tree)


def test_a_merge_forgets_every_unit(tree, pages):
    _build()
    organisation_merge(source=tree.vao, target=tree.zao)
    assert _units_stored() == set()
    assert_agree(tree)
    _build()
    assert_agree(tree)


def test_an_archive_an_owner_change_and_a_deletion_forget_their_units(tree, pages):
    _build()
    page_archive(page=pages["z1"], on=dt.date(2026, 3, 5))
    assert _units_stored() == {tree.vao.name, tree.youth.name}
    assert_agree(tree)
    page_update(page=pages["p1"], url=pages["p1"].url, owner=PageOwner.YOUTH_COUNCIL)
    assert _units_stored() == {tree.youth.name}
    assert_agree(tree)
    spare = _page(tree.youth, "spare")  # a page without history may be deleted
    _build()
    spare.delete()
    assert _units_stored() == {tree.vao.name, tree.zao.name}
    assert_agree(tree)


def test_a_new_page_and_a_closed_organisation_forget_their_units(tree, pages):
    _build()
    _page(tree.zao_p1, "z1_new")
    assert _units_stored() == {tree.vao.name, tree.youth.name}
    assert_agree(tree)
    organisation_close(organisation=tree.vao_p2)
    assert _units_stored() == {tree.youth.name}
    assert_agree(tree)
    union = Organisation.objects.get(pk=tree.union.pk)
    union.name = "МГО"
    union.save()  # above the units: read from the pages anyway
    assert _units_stored() == {tree.youth.name}


def test_too_many_units_without_rows_read_the_whole_scope(tree, pages, monkeypatch):
    _build()
    DashboardDay.objects.filter(organisation=tree.vao).delete()
    assert_agree(tree)  # ВАО from the pages, the rest stored
    monkeypatch.setattr(summary, "MISSING_MAX", 0)
    assert (
        dashboard_figures_stored(
            scope_paths=None, today=TODAY, silent_days=SILENT_DAYS, include_history=False, state=analytics_state()
        )
        is None
    )


def test_the_check_reports_a_stored_row_that_differs(tree, pages):
    _build()
    row = DashboardDay.objects.get(organisation=tree.vao, include_history=True, day=TODAY)
    row.pages = 99
    row.save()
    problems = dashboard_days_check()
    assert len(problems) == 1 and tree.vao.path in problems[0]
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("analytics_check", stdout=out)
    assert tree.vao.path in out.getvalue()


def test_merge_keeps_the_best_of_the_top_lists_and_the_earliest_start():
    one = DashboardFigures(pages=2, silent=1, month_from=dt.date(2026, 2, 1), top_subscribers=[(50, 3), (10, 1)])
    two = DashboardFigures(pages=1, month_from=dt.date(2026, 1, 30), top_subscribers=[(50, 2)], territorial=[(9, 5)])
    merged = merge([one, two, DashboardFigures()], limit=2)
    assert (merged.pages, merged.silent, merged.month_from) == (3, 1, dt.date(2026, 1, 30))
    assert merged.top_subscribers == [(50, 2), (50, 3)]
    assert merged.territorial == [(9, 5)]


def test_a_run_started_by_hand_stores_the_rows_again_and_the_night_stores_them_after_its_last_run(
    tree, fake_vk, django_capture_on_commit_callbacks
):
    for trigger in ("manual", "nightly"):
        _build()
        run = collection_start(network="vk", for_date=TODAY, trigger=trigger)
        with django_capture_on_commit_callbacks(execute=True):
            collect_network("vk", TODAY.isoformat(), None, run.pk)
        assert _units_stored() == {tree.vao.name, tree.zao.name, tree.youth.name}, trigger
        assert dashboard_days_check() == []
        assert_agree(tree)
