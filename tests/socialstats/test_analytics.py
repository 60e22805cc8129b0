"""The analytics tables agree with a recomputation from the snapshots after every kind of write."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import respx
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from orgs.models import Organisation, OrgKind
from orgs.services import organisation_merge
from socialstats.analytics.services import analytics_check, analytics_rebuild, analytics_update
from socialstats.collection.services import collection_collect
from socialstats.models import PageLatest, PageStatus, Snapshot, SocialPage, SubtreeDay
from socialstats.registry.imports.snapshots import snapshots_import
from socialstats.registry.services import page_archive, page_move, page_unarchive, snapshot_record
from tests.fakes.vk_server import FakeGroup, FakeVk
from tests.socialstats.collect_helpers import VK_URL, FakeClock, vk_collector

TODAY = dt.date(2026, 3, 10)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


def make_page(organisation, handle: str, network: str = "vk") -> SocialPage:
    return SocialPage.objects.create(
        organisation=organisation, network=network, url=f"https://vk.com/{handle}", handle=handle, title=handle
    )


def snap(page: SocialPage, day: dt.date, subscribers: int, **fields) -> Snapshot:
    return Snapshot.objects.create(page=page, date=day, subscribers=subscribers, source="api", **fields)


@pytest.fixture
def history(tree):
    """Three pages with gaps in their history, the tables built on top."""
    pages = {
        "vao": make_page(tree.vao, "vao"),
        "p1": make_page(tree.vao_p1, "p1"),
        "zao": make_page(tree.zao_p1, "zao", network="telegram"),
        "union": make_page(tree.union, "union"),
    }
    for offset, value in ((0, 100), (1, 110), (5, 130), (6, 131)):
        snap(pages["vao"], dt.date(2026, 3, 1) + dt.timedelta(days=offset), value, likes=3, posts_counted=2)
    for offset, value in ((2, 50), (3, 55)):
        snap(pages["p1"], dt.date(2026, 3, 1) + dt.timedelta(days=offset), value)
    snap(pages["zao"], dt.date(2026, 2, 20), 70)
    snap(pages["union"], dt.date(2026, 3, 4), 1000)
    analytics_rebuild()
    return pages


def subtree(organisation, day, network="vk", own=False):
    return SubtreeDay.objects.filter(organisation=organisation, network=network, own=own, day=day).first()


def test_rebuild_carries_values_forward_over_days_without_snapshots(tree, history):
    assert analytics_check() == []
    # 5 March: vao has 110 from the 2nd, p1 55 from the 4th, the union's page 1000 from the 4th.
    row = subtree(tree.union, dt.date(2026, 3, 5))
    assert (row.pages, row.subscribers, row.oldest) == (3, 1165, dt.date(2026, 3, 2))
    own = subtree(tree.union, dt.date(2026, 3, 5), own=True)
    assert (own.pages, own.subscribers) == (1, 1000)
    assert subtree(tree.vao, dt.date(2026, 3, 1)).subscribers == 100
    # The horizon is today: the last values stay until then.
    assert subtree(tree.union, TODAY).subscribers == 131 + 55 + 1000
    assert subtree(tree.zao, TODAY, network="telegram").oldest == dt.date(2026, 2, 20)
    latest = PageLatest.objects.get(page=history["vao"])
    assert (latest.first_date, latest.date, latest.subscribers, latest.likes) == (
        dt.date(2026, 3, 1),
        dt.date(2026, 3, 7),
        131,
        3,
    )


def test_tables_agree_after_a_back_dated_correction(tree, history):
    snapshot_record(page=history["vao"], date=dt.date(2026, 3, 3), subscribers=500, source="manual")
    assert analytics_check() == []
    assert subtree(tree.vao, dt.date(2026, 3, 4)).subscribers == 500 + 55  # p1 is in vao's subtree
    assert subtree(tree.vao, dt.date(2026, 3, 6)).subscribers == 130 + 55


def test_tables_agree_after_an_import_of_history(tree, history):
    csv = (
        "organisation,network,date,subscribers,page_url\n"
        "ППО Школа 1,vk,2026-02-15,40,https://vk.com/p1\n"
        "ППО Школа 1,vk,2026-03-05,60,https://vk.com/p1\n"
    )
    snapshots_import(source=io.BytesIO(csv.encode()), filename="history.csv")
    assert analytics_check() == []
    assert subtree(tree.vao, dt.date(2026, 2, 16)).subscribers == 40


def test_tables_agree_after_a_page_moves_to_another_organisation(tree, history):
    page_move(page=history["p1"], organisation=tree.zao_p1)
    assert analytics_check() == []
    assert subtree(tree.zao, dt.date(2026, 3, 5)).subscribers == 55
    assert subtree(tree.vao, dt.date(2026, 3, 5)).subscribers == 110


def test_tables_agree_after_an_organisation_is_merged(tree, history):
    organisation_merge(source=tree.vao, target=tree.zao)
    assert analytics_check() == []
    zao = Organisation.objects.get(pk=tree.zao.pk)
    assert subtree(zao, dt.date(2026, 3, 5)).subscribers == 55  # p1 came along with its primary


def test_tables_agree_after_a_page_is_archived_and_restored(tree, history):
    page_archive(page=history["vao"], on=dt.date(2026, 3, 6))
    assert analytics_check() == []
    assert subtree(tree.vao, dt.date(2026, 3, 5)).subscribers == 110 + 55
    assert subtree(tree.vao, dt.date(2026, 3, 6)).subscribers == 55
    page_unarchive(page=SocialPage.objects.get(pk=history["vao"].pk))
    assert analytics_check() == []


def test_an_archived_page_without_a_date_never_counts(tree, history):
    SocialPage.objects.filter(pk=history["union"].pk).update(status=PageStatus.ARCHIVED, archived_on=None)
    analytics_update(page_ids=[history["union"].pk], since=dt.date(2026, 3, 4))
    assert analytics_check() == []
    assert subtree(tree.union, dt.date(2026, 3, 5), own=True) is None


def test_tables_agree_after_a_collection(tree, history, settings):
    settings.VK_API_TOKEN = "vk-test-token"
    settings.VK_API_URL = VK_URL
    fake = FakeVk()
    for number, name in enumerate(("vao", "p1", "union"), start=1):
        fake.add(FakeGroup(id=number, members=7, screen_name=name, posts=[]))
    with respx.mock(assert_all_called=False) as router:
        router.post(url__startswith=VK_URL).mock(side_effect=fake.respx_side_effect)
        run = collection_collect(network="vk", for_date=TODAY, collector=vk_collector(fake, FakeClock()))
        assert run.pages_collected == 3
        assert analytics_check() == []
        assert subtree(tree.union, TODAY).subscribers == 21
        latest = list(PageLatest.objects.order_by("page_id").values())
        fake.groups[1].members = 8  # a second run the same day (on the horizon): one page changes
        collection_collect(network="vk", for_date=TODAY, collector=vk_collector(fake, FakeClock()))
    assert analytics_check() == []
    assert subtree(tree.union, TODAY).subscribers == 22
    changed = [row for row in PageLatest.objects.order_by("page_id").values() if row not in latest]
    assert [(row["page_id"], row["subscribers"]) for row in changed] == [(history["vao"].pk, 8)]


def test_the_horizon_day_is_summed_from_the_latest_values(tree, history):
    """A write on the horizon (today) takes the one-day path: PageLatest first, then the day's sums from it. An
    archived page, pages not collected today (their older values and dates) and own rows must come out as a
    recomputation from the snapshots has them."""
    page_archive(page=history["p1"], on=dt.date(2026, 3, 5))
    quiet = make_page(tree.vao, "quiet")  # with vao's page in one group: the earlier date is the oldest
    snapshot_record(page=quiet, date=dt.date(2026, 3, 8), subscribers=5, source="manual")
    late = make_page(tree.zao_p1, "late")
    snapshot_record(page=late, date=TODAY, subscribers=9, source="manual")
    snapshot_record(page=history["union"], date=TODAY, subscribers=1001, source="manual", likes=4, views=12)
    assert analytics_check() == []
    union = subtree(tree.union, TODAY)
    assert (union.pages, union.subscribers, union.interactions, union.views, union.oldest) == (
        4,
        131 + 5 + 9 + 1001,
        3 + 4,
        12,
        dt.date(2026, 3, 7),
    )
    own = subtree(tree.union, TODAY, own=True)
    assert (own.pages, own.subscribers, own.oldest) == (1, 1001, TODAY)
    assert subtree(tree.zao, TODAY).subscribers == 9
    assert subtree(tree.zao, TODAY, network="telegram").oldest == dt.date(2026, 2, 20)
    assert subtree(tree.vao, TODAY).subscribers == 131 + 5  # p1 archived on the 5th


def test_check_reports_a_difference_and_the_command_fails(tree, history):
    SubtreeDay.objects.filter(organisation=tree.union, day=dt.date(2026, 3, 5), own=False).update(subscribers=1)
    assert analytics_check()
    with pytest.raises(CommandError):
        call_command("analytics_check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("analytics_rebuild", stdout=out)
    call_command("analytics_check", stdout=out)
    assert "agree" in out.getvalue()


def test_updates_do_nothing_before_the_first_rebuild(tree):
    page = make_page(tree.vao, "solo")
    snapshot_record(page=page, date=TODAY, subscribers=5, source="manual")
    assert not SubtreeDay.objects.exists()
    assert not PageLatest.objects.exists()
    assert Organisation.objects.filter(kind=OrgKind.TERRITORIAL).exists()


def test_the_state_keeps_the_last_snapshot_date_which_decides_whether_page_latest_answers(tree, history):
    from socialstats.analytics.services import analytics_state
    from socialstats.reports.current import latest_answers

    state = analytics_state()
    assert state.latest_date == dt.date(2026, 3, 7) == max(PageLatest.objects.values_list("date", flat=True))
    assert latest_answers(dt.date(2026, 3, 7), state) and not latest_answers(dt.date(2026, 3, 6), state)
    snapshot_record(page=history["p1"], date=dt.date(2026, 3, 2), subscribers=52, source="manual")  # back-dated
    assert analytics_state().latest_date == dt.date(2026, 3, 7)
    snapshot_record(page=history["zao"], date=TODAY, subscribers=75, source="manual")
    state = analytics_state()
    assert state.latest_date == TODAY and not latest_answers(dt.date(2026, 3, 9), state)
    assert analytics_check() == []
    type(state).objects.update(latest_date=dt.date(2026, 3, 8))
    assert analytics_check() == [f"last snapshot date 2026-03-08 stored, {TODAY} now"]
