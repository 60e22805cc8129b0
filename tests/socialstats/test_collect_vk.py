"""The VK collector and the collection service against a fake of the VK API with the documented shapes."""

from __future__ import annotations

import datetime as dt
import math

import pytest
import respx

from socialstats.collection.services import collection_collect, collection_run, collection_start
from socialstats.models import (
    CollectionFailure,
    CollectionRun,
    PageStatus,
    RunStatus,
    Snapshot,
    SnapshotSource,
    SocialPage,
)
from tests.fakes.vk_server import NOW, FakeGroup, FakeVk
from tests.socialstats.collect_helpers import VK_URL, FakeClock, make_pages, vk_collector

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 1, 15)


@pytest.fixture
def fake_vk():
    fake = FakeVk()
    with respx.mock(assert_all_called=False) as router:
        router.post(url__startswith=VK_URL).mock(side_effect=fake.respx_side_effect)
        yield fake


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture(autouse=True)
def _vk_configured(settings):
    settings.VK_API_TOKEN = "vk-test-token"
    settings.VK_API_URL = VK_URL


def post(post_id: int, days_ago: float, likes: int, comments: int, reposts: int, views: int | None, **extra):
    item = {
        "id": post_id,
        "owner_id": -1,
        "from_id": -1,
        "date": int(NOW - days_ago * 86400),
        "likes": {"count": likes},
        "comments": {"count": comments},
        "reposts": {"count": reposts},
        **extra,
    }
    if views is not None:
        item["views"] = {"count": views}
    return item


def collect(organisation_pages, fake, clock, **kwargs):
    return collection_collect(network="vk", for_date=DAY, collector=vk_collector(fake, clock, **kwargs))


@pytest.mark.parametrize("shape", ["5.199", "5.131"])
def test_both_getbyid_shapes_give_counts_and_post_sums(tree, fake_vk, clock, shape):
    fake_vk.shape = shape
    fake_vk.add(
        FakeGroup(
            id=1,
            members=15234,
            posts=[
                post(901, 40, likes=40, comments=3, reposts=5, views=2100, is_pinned=1),
                post(955, 1, likes=12, comments=0, reposts=1, views=640),
                post(954, 10, likes=8, comments=2, reposts=0, views=None),
                post(953, 45, likes=1, comments=1, reposts=1, views=10),
            ],
        )
    )
    make_pages(tree.vao_p1, "vk", ["club1"])

    run = collect(None, fake_vk, clock)

    snapshot = Snapshot.objects.get()
    assert (run.status, run.pages_collected, run.pages_failed) == (RunStatus.DONE, 1, 0)
    assert snapshot.subscribers == 15234
    assert snapshot.source == SnapshotSource.API
    # The pinned post is dropped; sums over the three others; views absent on one post.
    assert (snapshot.likes, snapshot.comments, snapshot.reposts, snapshot.views) == (21, 3, 2, 650)
    assert snapshot.posts_counted == 3
    # All posts of the wall were seen (count 4), so the 30-day count is exact: 2.
    assert snapshot.posts_30d == 2
    assert snapshot.last_post_at == dt.datetime.fromtimestamp(NOW - 86400, tz=dt.UTC)
    assert snapshot.taken_at is not None  # when the page was last collected (the API's last_collected_at)


def test_posts_30d_is_unknown_when_ten_recent_posts_do_not_reach_the_window(tree, fake_vk, clock):
    posts = [post(100 + n, n, 1, 0, 0, 1) for n in range(11)] + [post(1, 50, 1, 0, 0, 1)]
    fake_vk.add(FakeGroup(id=5, members=10, posts=posts))
    make_pages(tree.vao_p1, "vk", ["club5"])

    collect(None, fake_vk, clock)

    snapshot = Snapshot.objects.get()
    assert snapshot.posts_counted == 10
    assert snapshot.likes == 10
    assert snapshot.posts_30d is None


def test_1200_groups_take_one_count_request_and_48_wall_requests_within_three_a_second(tree, fake_vk, clock):
    fake_vk.synthetic = True
    fake_vk.clock = clock
    make_pages(tree.vao_p1, "vk", [f"club{i}" for i in range(1, 1201)])

    run = collect(None, fake_vk, clock, rps=3.0)

    assert run.status == RunStatus.DONE
    assert run.pages_collected == 1200
    assert Snapshot.objects.count() == 1200
    limit = 1 + math.ceil(1200 / 25)
    assert run.http_requests == len(fake_vk.log) <= limit
    assert [calls for _t, _m, calls in fake_vk.log[:1]] == [3]  # 3 getById calls of 500/500/200 in one execute
    times = [t for t, _m, _c in fake_vk.log]
    # Any one-second window holds at most 3 requests, and the window is used (not one request a second).
    assert all(sum(1 for t in times if start <= t < start + 1) <= 3 for start in times)
    assert max(sum(1 for t in times if start <= t < start + 1) for start in times) == 3
    assert "execute" in run.message


def test_errors_6_and_10_and_a_502_are_retried_with_backoff(tree, fake_vk, clock):
    fake_vk.add(FakeGroup(id=1, members=100, posts=[post(1, 1, 1, 1, 1, 1)]))
    make_pages(tree.vao_p1, "vk", ["club1"])
    fake_vk.scheduled = [6, 10, "502"]

    run = collect(None, fake_vk, clock)

    assert run.status == RunStatus.DONE
    assert run.pages_collected == 1
    assert run.http_requests == 5  # three failed attempts, then the counts and the wall
    assert Snapshot.objects.get().subscribers == 100
    assert any(s >= 1.1 for s in clock.sleeps)  # error 6 waits about 1.1 s


def test_retries_are_capped_and_the_pages_fail_without_stopping_the_run(tree, fake_vk, clock):
    fake_vk.add(FakeGroup(id=1, members=100))
    make_pages(tree.vao_p1, "vk", ["club1"])
    fake_vk.scheduled = ["502"] * 5

    run = collect(None, fake_vk, clock)

    assert run.status == RunStatus.DONE
    assert run.pages_failed == 1
    assert "502" in CollectionFailure.objects.get().error
    page = SocialPage.objects.get()
    assert page.consecutive_failures == 1
    assert "502" in page.last_error


def test_deleted_banned_and_closed_groups_are_marked_without_invented_snapshots(tree, fake_vk, clock):
    fake_vk.add(FakeGroup(id=1, deactivated="deleted"))
    fake_vk.add(FakeGroup(id=2, deactivated="banned"))
    fake_vk.add(FakeGroup(id=3, is_closed=1, members=None))
    fake_vk.add(FakeGroup(id=4, is_closed=2, members=77))
    fake_vk.add(FakeGroup(id=5, members=5, posts=[post(1, 1, 1, 1, 1, 1)]))
    pages = make_pages(tree.vao_p1, "vk", ["club1", "club2", "club3", "club4", "club5"])

    run = collect(None, fake_vk, clock)

    statuses = dict(SocialPage.objects.values_list("handle", "status"))
    assert statuses == {
        "club1": PageStatus.DELETED,
        "club2": PageStatus.BANNED,
        "club3": PageStatus.CLOSED,
        "club4": PageStatus.CLOSED,
        "club5": PageStatus.ACTIVE,
    }
    assert dict(Snapshot.objects.values_list("page__handle", "subscribers")) == {"club4": 77, "club5": 5}
    assert (run.pages_collected, run.pages_failed) == (2, 3)
    assert fake_vk.requests("execute")[-1][2] == 1  # only the open group's wall was asked for

    # Deleted and banned groups are not asked again; the closed one is.
    second = collection_collect(
        network="vk", for_date=DAY + dt.timedelta(days=1), collector=vk_collector(fake_vk, clock)
    )
    assert second.pages_skipped == 2
    assert second.pages_tried == 3
    assert pages[0].pk not in set(second.failures.values_list("page_id", flat=True))


def test_a_failed_call_inside_execute_affects_only_its_own_pages(tree, fake_vk, clock):
    fake_vk.synthetic = True
    fake_vk.failing_batches = {550: 203}  # the second getById call (ids 501..600) fails inside the execute
    fake_vk.add(FakeGroup(id=7, members=70, wall_error=15))  # a closed wall: counts but no post metrics
    make_pages(tree.vao_p1, "vk", [f"club{i}" for i in range(1, 601)])

    run = collect(None, fake_vk, clock)

    assert run.status == RunStatus.DONE
    assert (run.pages_collected, run.pages_failed) == (500, 100)
    failed = set(CollectionFailure.objects.values_list("page__handle", flat=True))
    assert failed == {f"club{i}" for i in range(501, 601)}
    assert "VK error 203" in CollectionFailure.objects.first().error
    closed_wall = Snapshot.objects.get(page__handle="club7")
    assert closed_wall.subscribers == 70
    assert closed_wall.likes is None
    assert closed_wall.posts_counted is None


def test_error_100_on_a_batch_is_narrowed_down_to_the_unknown_name(tree, fake_vk, clock):
    fake_vk.synthetic = True
    fake_vk.failing_batches = {7: 100}  # any getById call asking for id 7 fails, as if 7 were unknown
    make_pages(tree.vao_p1, "vk", [f"club{i}" for i in range(1, 41)])

    run = collect(None, fake_vk, clock)

    assert (run.pages_collected, run.pages_failed) == (39, 1)
    assert SocialPage.objects.get(handle="club7").status == PageStatus.NOT_FOUND
    counts = [entry for entry in fake_vk.log if entry[2] and entry[2] <= 2]
    assert len(counts) == 6  # 40 → 20+20 → 10+10 → 5+5 → 2+3 → 1+1: one execute per round


@pytest.mark.parametrize(("code", "kind"), [(5, ""), (27, ""), (28, "service")])
def test_a_token_error_stops_vk_with_one_message_and_no_token_in_it(tree, fake_vk, clock, code, kind):
    fake_vk.add(FakeGroup(id=1))
    make_pages(tree.vao_p1, "vk", ["club1", "club2"])
    fake_vk.scheduled = [code]

    run = collection_collect(network="vk", for_date=DAY, collector=vk_collector(fake_vk, clock, token_kind=kind))

    assert run.status == RunStatus.FAILED
    assert f"error {code}" in run.message
    assert "VK_API_TOKEN" in run.message
    assert fake_vk.token not in run.message
    assert len(fake_vk.log) == 1  # not retried
    assert not Snapshot.objects.exists()
    assert not CollectionFailure.objects.exists()


def test_screen_names_go_into_the_counts_request_and_their_ids_are_stored(tree, fake_vk, clock):
    fake_vk.add(FakeGroup(id=42, members=420, screen_name="union_a", posts=[]))
    make_pages(tree.vao_p1, "vk", ["union_a", "nobody_here"])

    collect(None, fake_vk, clock)

    assert len(fake_vk.log) == 2  # the counts (names included) and the wall: no utils.resolveScreenName
    pages = {p.handle: p for p in SocialPage.objects.all()}
    assert pages["union_a"].external_id == "42"
    assert pages["nobody_here"].status == PageStatus.NOT_FOUND
    assert Snapshot.objects.get().subscribers == 420

    fake_vk.log.clear()
    collection_collect(network="vk", for_date=DAY, collector=vk_collector(fake_vk, clock))
    assert len(fake_vk.log) == 2  # asked by the stored id now


def test_collecting_twice_on_one_day_replaces_the_values_and_adds_no_row(tree, fake_vk, clock):
    group = fake_vk.add(FakeGroup(id=1, members=100, posts=[]))
    make_pages(tree.vao_p1, "vk", ["club1"])
    collect(None, fake_vk, clock)
    group.members = 150

    collect(None, fake_vk, clock)

    assert Snapshot.objects.count() == 1
    assert Snapshot.objects.get().subscribers == 150
    assert CollectionRun.objects.count() == 2


def test_a_run_killed_midway_finishes_the_rest_without_duplicates(tree, clock, monkeypatch, settings):
    fake_vk = FakeVk(synthetic=True)
    make_pages(tree.vao_p1, "vk", [f"club{i}" for i in range(1, 101)])
    settings.COLLECTION_FLUSH_EVERY = 25
    run = collection_start(network="vk", for_date=DAY)

    class Killed(BaseException):
        pass

    original = fake_vk.respx_side_effect
    calls = {"n": 0}

    def dies_after_three(request):
        calls["n"] += 1
        if calls["n"] > 3:
            raise Killed
        return original(request)

    with respx.mock() as router:
        router.post(url__startswith=VK_URL).mock(side_effect=dies_after_three)
        with pytest.raises(Killed):
            collection_run(run_id=run.pk, collector=vk_collector(fake_vk, clock))

    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING
    assert run.pages_collected == 50  # counts + two wall requests were written
    fake_vk.log.clear()

    with respx.mock() as router:
        router.post(url__startswith=VK_URL).mock(side_effect=fake_vk.respx_side_effect)
        finished = collection_run(run_id=run.pk, collector=vk_collector(fake_vk, clock))

    assert finished.status == RunStatus.DONE
    assert (finished.pages_total, finished.pages_collected, finished.pages_failed) == (100, 100, 0)
    assert Snapshot.objects.count() == 100
    assert fake_vk.requests("execute")[0][2] == 1  # counts of the 50 remaining pages only
    assert len(fake_vk.log) == 3  # one count request and two wall requests for the rest


def test_a_finished_run_is_not_collected_again(tree, fake_vk, clock):
    make_pages(tree.vao_p1, "vk", ["club1"])
    fake_vk.add(FakeGroup(id=1, posts=[]))
    run = collect(None, fake_vk, clock)
    fake_vk.log.clear()

    assert collection_run(run_id=run.pk, collector=vk_collector(fake_vk, clock)).status == RunStatus.DONE
    assert fake_vk.log == []


def test_without_a_token_vk_is_skipped_with_a_notice(tree, settings):
    settings.VK_API_TOKEN = ""
    make_pages(tree.vao_p1, "vk", ["club1"])

    run = collection_collect(network="vk", for_date=DAY)

    assert run.status == RunStatus.SKIPPED
    assert "VK_API_TOKEN" in run.message
    assert not Snapshot.objects.exists()


def test_scope_limits_the_run_to_an_organisation_subtree(tree, fake_vk, clock):
    fake_vk.synthetic = True
    make_pages(tree.vao_p1, "vk", ["club1"])
    make_pages(tree.zao_p1, "vk", ["club2"])

    run = collection_collect(network="vk", for_date=DAY, scope_id=tree.vao.pk, collector=vk_collector(fake_vk, clock))

    assert run.pages_total == 1
    assert list(Snapshot.objects.values_list("page__handle", flat=True)) == ["club1"]


def test_token_bucket_ends_a_wait_too_small_for_the_clock_to_register():
    from socialstats.collection.collectors.base import TokenBucket

    clock = FakeClock()
    clock.now = 1e9  # at this magnitude a nanosecond sleep does not move a float clock
    bucket = TokenBucket(3.0, clock=clock, sleep=clock.sleep)
    bucket.acquire()
    bucket.tokens = 1.0 - 1e-12
    bucket.acquire()  # must return instead of sleeping forever
    assert len(clock.sleeps) <= 1
