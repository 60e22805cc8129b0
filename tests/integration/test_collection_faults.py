"""Faults of the VK API, through the real Celery worker and the local fake VK server.

The fake (tests/fakes/vk_server.py) runs in this process in a thread, so the worker's requests read the
same in-memory plan the test sets: `scheduled` (whole-request answers in order: a VK error code, an
HTTP status, "sleep:N" for a late answer), `failing_batches` (a `groups.getById` call containing an id
fails inside `execute`) and per-group `wall_error`. The worker's HTTP timeout is `FAKE_HTTP_TIMEOUT`
(set before it starts, see conftest). Each test checks that the run completes, that failures are
recorded per page with their reason, that the other pages got their snapshots, and that no snapshot
is doubled.
"""

from __future__ import annotations

import datetime as dt

import pytest

from socialstats.models import CollectionFailure, CollectionRun, RunStatus, Snapshot, SocialPage
from socialstats.tasks import collect_network
from tests.fakes.vk_server import FakeGroup, synthetic_group
from tests.integration.conftest import FAKE_HTTP_TIMEOUT
from tests.integration.test_collection import make_vk_pages

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("integration_db")]

SLOW = f"sleep:{FAKE_HTTP_TIMEOUT + 1.5}"  # an answer later than the worker waits


@pytest.fixture
def fake(fake_vk_server, celery_worker_process):
    fake_vk_server.reset()
    yield fake_vk_server
    fake_vk_server.reset()


def collect(date: str) -> str:
    return collect_network.delay("vk", date, None).get(timeout=180)


def snapshots_on(date: str):
    return Snapshot.objects.filter(date=dt.date.fromisoformat(date))


def assert_one_snapshot_per_page(date: str) -> None:
    snapshots = snapshots_on(date)
    assert snapshots.count() == snapshots.values("page").distinct().count()


def failures_by_handle(run: CollectionRun) -> dict[str, str]:
    return dict(CollectionFailure.objects.filter(run=run).values_list("page__handle", "error"))


# (a) errors of single calls inside `execute` ----------------------------------------------------------


def test_inner_call_errors_fail_only_their_pages_and_count_consecutive_failures(fake):
    make_vk_pages(600)  # club1..club600: getById batches 1–500 and 501–600 in one execute
    fake.failing_batches[550] = 203  # the second batch's groups.getById answers `false`, error 203 (access denied)
    for group_id in (3, 4):  # closed walls: subscribers are collected, post metrics stay empty
        fake.add(FakeGroup(id=group_id, members=group_id, screen_name=f"club{group_id}", wall_error=15))

    assert collect("2027-03-01") == "vk 2027-03-01: done, 500/600 collected"

    run = CollectionRun.objects.get(for_date=dt.date(2027, 3, 1))
    assert (run.status, run.pages_tried, run.pages_failed) == (RunStatus.DONE, 600, 100)
    failures = failures_by_handle(run)
    assert set(failures) == {f"club{i}" for i in range(501, 601)}
    assert all(error.startswith("member count: VK error 203") for error in failures.values())
    failed_page = SocialPage.objects.get(handle="club550")
    assert failed_page.last_error.startswith("member count: VK error 203")
    assert failed_page.last_error_at is not None
    assert failed_page.consecutive_failures == 1
    assert snapshots_on("2027-03-01").count() == 500
    assert not snapshots_on("2027-03-01").filter(page__handle="club550").exists()
    closed_wall = snapshots_on("2027-03-01").get(page__handle="club3")
    assert (closed_wall.subscribers, closed_wall.posts_30d) == (3, None)
    assert snapshots_on("2027-03-01").get(page__handle="club7").posts_30d is not None
    assert_one_snapshot_per_page("2027-03-01")

    # The next night fails the same way: the count goes on; the night after, VK recovers: it is reset.
    assert collect("2027-03-02") == "vk 2027-03-02: done, 500/600 collected"
    assert SocialPage.objects.get(handle="club550").consecutive_failures == 2
    fake.failing_batches.clear()
    assert collect("2027-03-03") == "vk 2027-03-03: done, 600/600 collected"
    recovered = SocialPage.objects.get(handle="club550")
    assert (recovered.consecutive_failures, recovered.last_error, recovered.last_error_at) == (0, "", None)
    assert snapshots_on("2027-03-03").get(page=recovered).subscribers == synthetic_group(550).members
    assert_one_snapshot_per_page("2027-03-03")


# (b) HTTP 5xx ----------------------------------------------------------------------------------------


def test_server_errors_for_a_while_are_retried_and_the_run_collects_everything(fake):
    make_vk_pages(60)  # one execute for the counts, three for the walls
    fake.scheduled = ["502", "500", "502"]

    assert collect("2027-03-04") == "vk 2027-03-04: done, 60/60 collected"

    run = CollectionRun.objects.get(for_date=dt.date(2027, 3, 4))
    assert run.http_requests == len(fake.log) == 3 + 1 + 3
    assert not run.failures.exists()
    assert snapshots_on("2027-03-04").count() == 60
    assert_one_snapshot_per_page("2027-03-04")


def test_server_errors_outlasting_the_retries_are_recorded_and_the_next_run_recovers(fake):
    make_vk_pages(60)
    fake.scheduled = ["502"] * 5  # every attempt at the counts' execute

    assert collect("2027-03-05") == "vk 2027-03-05: done, 0/60 collected"

    run = CollectionRun.objects.get(for_date=dt.date(2027, 3, 5))
    assert (run.status, run.pages_failed) == (RunStatus.DONE, 60)
    assert set(failures_by_handle(run).values()) == {"member count: VK answered HTTP 502"}
    failed = SocialPage.objects.filter(consecutive_failures=1, last_error="member count: VK answered HTTP 502")
    assert failed.count() == 60
    assert not snapshots_on("2027-03-05").exists()

    assert collect("2027-03-06") == "vk 2027-03-06: done, 60/60 collected"
    assert not SocialPage.objects.exclude(consecutive_failures=0).exists()
    assert_one_snapshot_per_page("2027-03-06")


def test_server_errors_on_the_walls_keep_the_subscriber_counts(fake):
    make_vk_pages(60)
    fake.scheduled = [None, *["502"] * 5]  # the counts answer; the first walls' execute never does

    assert collect("2027-03-07") == "vk 2027-03-07: done, 60/60 collected"

    snapshots = snapshots_on("2027-03-07")
    assert snapshots.filter(posts_counted=None).count() == 25  # the 25 walls of that execute
    assert snapshots.exclude(posts_counted=None).count() == 35
    assert_one_snapshot_per_page("2027-03-07")


# (c) timeouts ----------------------------------------------------------------------------------------


def test_a_late_answer_times_out_and_the_retry_collects_everything(fake):
    make_vk_pages(60)
    fake.scheduled = [SLOW]

    assert collect("2027-03-08") == "vk 2027-03-08: done, 60/60 collected"

    run = CollectionRun.objects.get(for_date=dt.date(2027, 3, 8))
    assert run.http_requests == 1 + 1 + 3
    assert not run.failures.exists()
    assert_one_snapshot_per_page("2027-03-08")
    assert snapshots_on("2027-03-08").count() == 60


def test_timeouts_outlasting_the_retries_are_recorded_as_such(fake):
    make_vk_pages(30)
    fake.scheduled = [SLOW] * 5

    assert collect("2027-03-09") == "vk 2027-03-09: done, 0/30 collected"

    run = CollectionRun.objects.get(for_date=dt.date(2027, 3, 9))
    assert set(failures_by_handle(run).values()) == {"member count: VK did not answer in time"}
    assert SocialPage.objects.get(handle="club1").last_error == "member count: VK did not answer in time"


# (d) a rejected token --------------------------------------------------------------------------------


def test_a_rejected_token_stops_the_run_with_a_clear_message(fake):
    make_vk_pages(60)
    fake.scheduled = [5]

    assert collect("2027-03-10") == "vk 2027-03-10: failed, 0/60 collected"

    run = CollectionRun.objects.get(for_date=dt.date(2027, 3, 10))
    assert run.status == RunStatus.FAILED
    assert run.finished_at is not None
    assert "VK rejected the access token (error 5)" in run.message
    assert "VK_API_TOKEN" in run.message
    assert fake.token not in run.message
    assert not snapshots_on("2027-03-10").exists()
    assert not run.failures.exists()  # the network failed, not the pages: their counters stay
    assert not SocialPage.objects.exclude(consecutive_failures=0).exists()


def test_a_token_rejected_midway_keeps_what_was_collected_before(fake):
    make_vk_pages(60)
    fake.add(FakeGroup(id=30, members=30, screen_name="club30", wall_error=5))  # in the second walls' execute

    assert collect("2027-03-11") == "vk 2027-03-11: failed, 25/60 collected"

    run = CollectionRun.objects.get(for_date=dt.date(2027, 3, 11))
    assert run.status == RunStatus.FAILED
    assert "VK rejected the access token (error 5)" in run.message
    assert snapshots_on("2027-03-11").count() == 25
    assert set(snapshots_on("2027-03-11").values_list("page__handle", flat=True)) == {f"club{i}" for i in range(1, 26)}
    assert_one_snapshot_per_page("2027-03-11")
