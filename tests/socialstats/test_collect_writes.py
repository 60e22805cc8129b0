"""The nightly write: page rows touched only when they change, one failure per page per run, resumable runs
that leave the analytics tables in agreement with the snapshots."""

from __future__ import annotations

import datetime as dt

import pytest
import respx
from django.db import connection
from django.test.utils import CaptureQueriesContext

from socialstats.analytics.services import analytics_check, analytics_rebuild
from socialstats.collection import services as collection
from socialstats.collection.collectors.base import Metrics, Outcome, PageResult
from socialstats.collection.services import collection_collect, collection_run, collection_start
from socialstats.models import PageLatest, PageStatus, RunStatus, Snapshot, SocialPage
from tests.fakes.vk_server import FakeGroup, FakeVk
from tests.socialstats.collect_helpers import VK_URL, FakeClock, make_pages, vk_collector

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 1, 15)


@pytest.fixture(autouse=True)
def _vk_configured(settings):
    settings.VK_API_TOKEN = "vk-test-token"
    settings.VK_API_URL = VK_URL


def _page_updates(captured) -> list[str]:
    return [query["sql"] for query in captured if query["sql"].startswith('UPDATE "socialstats_socialpage"')]


def test_a_second_identical_collection_leaves_the_page_rows_untouched(tree):
    fake = FakeVk()
    for group_id in (1, 2, 3):
        fake.add(FakeGroup(id=group_id, members=100 * group_id, posts=[]))
    make_pages(tree.vao_p1, "vk", ["club1", "club2", "club3"])
    SocialPage.objects.filter(handle="club2").update(last_error="VK answered HTTP 502", consecutive_failures=2)
    with respx.mock(assert_all_called=False) as router:
        router.post(url__startswith=VK_URL).mock(side_effect=fake.respx_side_effect)
        collection_collect(network="vk", for_date=DAY, collector=vk_collector(fake, FakeClock()))
        first = dict(SocialPage.objects.values_list("handle", "updated_at"))
        page = SocialPage.objects.get(handle="club2")
        assert (page.external_id, page.last_error, page.consecutive_failures) == ("2", "", 0)

        with CaptureQueriesContext(connection) as captured:
            run = collection_collect(network="vk", for_date=DAY, collector=vk_collector(fake, FakeClock()))

    assert run.status == RunStatus.DONE and run.pages_collected == 3
    assert _page_updates(captured.captured_queries) == []
    assert dict(SocialPage.objects.values_list("handle", "updated_at")) == first
    assert Snapshot.objects.count() == 3


def test_a_page_failing_twice_in_one_run_counts_one_failure(tree):
    (page,) = make_pages(tree.vao_p1, "vk", ["club1"])
    run = collection_start(network="vk", for_date=DAY)
    failed = [PageResult(page.pk, Outcome.FAILED, error="VK answered HTTP 502")]

    collection._flush(run, failed, 1)
    page.refresh_from_db()
    first = (page.consecutive_failures, page.last_error_at, page.updated_at)
    with CaptureQueriesContext(connection) as captured:
        collection._flush(run, failed, 1)  # the same page again in this run (a resumed run retried it)
    page.refresh_from_db()

    assert first[0] == 1
    assert (page.consecutive_failures, page.last_error_at, page.updated_at) == first
    assert _page_updates(captured.captured_queries) == []
    next_run = collection_start(network="vk", for_date=DAY + dt.timedelta(days=1))
    collection._flush(next_run, failed, 1)
    page.refresh_from_db()
    assert page.consecutive_failures == 2


def test_a_run_resumed_after_a_crash_writes_each_page_once_and_the_tables_agree(tree, monkeypatch, settings):
    fake = FakeVk(synthetic=True)
    make_pages(tree.vao_p1, "vk", [f"club{i}" for i in range(1, 61)])
    make_pages(tree.zao_p1, "vk", [f"club{i}" for i in range(61, 101)])
    analytics_rebuild()
    settings.COLLECTION_FLUSH_EVERY = 25
    run = collection_start(network="vk", for_date=DAY)

    class Killed(BaseException):
        pass

    calls = {"n": 0}

    def dies_after_three(request):
        calls["n"] += 1
        if calls["n"] > 3:
            raise Killed
        return fake.respx_side_effect(request)

    with respx.mock() as router:
        router.post(url__startswith=VK_URL).mock(side_effect=dies_after_three)
        with pytest.raises(Killed):
            collection_run(run_id=run.pk, collector=vk_collector(fake, FakeClock()))
    assert 0 < Snapshot.objects.count() < 100

    with respx.mock() as router:
        router.post(url__startswith=VK_URL).mock(side_effect=fake.respx_side_effect)
        finished = collection_run(run_id=run.pk, collector=vk_collector(fake, FakeClock()))

    assert finished.status == RunStatus.DONE
    assert Snapshot.objects.filter(date=DAY).count() == 100
    assert PageLatest.objects.filter(date=DAY).count() == 100
    assert analytics_check() == []


def _collected(page, subscribers: int, posts_30d: int) -> PageResult:
    last_post = dt.datetime(2027, 1, 14, 9, tzinfo=dt.UTC)
    metrics = Metrics(subscribers=subscribers, posts_30d=posts_30d, last_post_at=last_post)
    return PageResult(page.pk, Outcome.COLLECTED, status=PageStatus.ACTIVE, metrics=metrics)


def test_a_batch_of_new_pages_and_pages_the_day_already_has_writes_one_row_each_with_the_new_values(tree, cast):
    pages = make_pages(tree.vao_p1, "vk", ["club1", "club2", "club3", "club4"])
    # The day already has two of them: one entered by hand, one from an earlier pass of the run.
    Snapshot.objects.create(page=pages[1], date=DAY, subscribers=5, source="manual", recorded_by=cast.primary_admin)
    Snapshot.objects.create(page=pages[3], date=DAY, subscribers=7, source="api")
    Snapshot.objects.create(page=pages[0], date=DAY - dt.timedelta(days=1), subscribers=1, source="api")
    run = collection_start(network="vk", for_date=DAY)

    collection._flush(run, [_collected(page, 100 + index, index) for index, page in enumerate(pages)], 4)

    rows = Snapshot.objects.filter(date=DAY).order_by("page_id")
    assert [(r.page_id, r.subscribers, r.posts_30d, r.source, r.recorded_by_id) for r in rows] == [
        (page.pk, 100 + index, index, "api", None) for index, page in enumerate(pages)
    ]
    assert rows[0].last_post_at == dt.datetime(2027, 1, 14, 9, tzinfo=dt.UTC)
    assert Snapshot.objects.get(page=pages[0], date=DAY - dt.timedelta(days=1)).subscribers == 1


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="COPY: PostgreSQL (elsewhere one bulk upsert)")
def test_a_row_another_writer_adds_during_the_copy_sends_the_batch_through_the_upsert(tree):
    """The COPY of the rows the day does not have fails whole on a row written meanwhile: a trigger plays the
    other writer (it adds the second page's row as the COPY starts, once: a sequence is not rolled back); the
    batch is then upserted. (The other writer's row goes with the COPY's savepoint here; a real one's would
    stay, and the upsert would replace its values.)"""
    pages = make_pages(tree.vao_p1, "vk", ["club1", "club2", "club3"])
    run = collection_start(network="vk", for_date=DAY)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE TEMPORARY SEQUENCE other_writer_calls;
            CREATE FUNCTION pg_temp.other_writer() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF pg_trigger_depth() = 1 AND nextval('other_writer_calls') = 1 THEN  -- once, whatever rolls back
                    INSERT INTO socialstats_snapshot (page_id, date, subscribers, source, taken_at)
                    VALUES ({pages[1].pk}, '{DAY}', 1, 'manual', now());
                END IF;
                RETURN NULL;
            END $$;
            CREATE TRIGGER other_writer BEFORE INSERT ON socialstats_snapshot
            FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.other_writer();
            """
        )
    with CaptureQueriesContext(connection) as captured:
        collection._flush(run, [_collected(page, 200 + index, 1) for index, page in enumerate(pages)], 3)

    assert any(query["sql"].startswith("COPY") for query in captured.captured_queries)
    assert any("ON CONFLICT" in query["sql"] for query in captured.captured_queries)
    rows = Snapshot.objects.filter(date=DAY).order_by("page_id")
    assert [(r.page_id, r.subscribers, r.source) for r in rows] == [
        (page.pk, 200 + index, "api") for index, page in enumerate(pages)
    ]
