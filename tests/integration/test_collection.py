"""The real Celery worker collects VK from a local fake VK server, and a killed run is finished later."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from socialstats.models import CollectionRun, RunStatus, Snapshot, SocialPage
from socialstats.tasks import collect_network
from tests.factories import make_org
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("integration_db")]


def make_vk_pages(count: int, start: int = 1) -> None:
    organisation = make_org("ППО Интеграция")
    SocialPage.objects.bulk_create(
        [
            SocialPage(organisation=organisation, network="vk", url=f"https://vk.com/club{i}", handle=f"club{i}")
            for i in range(start, start + count)
        ]
    )


def test_the_worker_collects_vk_from_the_fake_server(celery_worker_process, fake_vk_server):
    make_vk_pages(60)
    fake_vk_server.log.clear()

    summary = collect_network.delay("vk", "2027-02-01", None).get(timeout=120)

    assert summary == "vk 2027-02-01: done, 60/60 collected"
    run = CollectionRun.objects.get()
    assert run.http_requests == len(fake_vk_server.log) == 1 + 3  # counts in one execute, walls 25 per execute
    assert Snapshot.objects.filter(date=dt.date(2027, 2, 1), source="api").count() == 60
    assert Snapshot.objects.get(page__handle="club7").subscribers == 7


def test_a_run_killed_midway_is_finished_by_the_next_start_without_duplicates(celery_worker_process, fake_vk_server):
    make_vk_pages(2000, start=10_000)
    run_id = CollectionRun.objects.create(network="vk", for_date=dt.date(2027, 2, 2), trigger="task").pk
    collect_network.delay("vk", "2027-02-02", None, run_id)
    wait_for(lambda: CollectionRun.objects.get(pk=run_id).pages_collected > 0, timeout=60, interval=0.05)
    celery_worker_process.kill()
    time.sleep(0.5)
    killed = CollectionRun.objects.get(pk=run_id)
    assert killed.status == RunStatus.RUNNING
    assert 0 < killed.pages_collected < 2000

    celery_worker_process.start()
    summary = collect_network.delay("vk", "2027-02-02", None, run_id).get(timeout=120)

    assert summary == "vk 2027-02-02: done, 2000/2000 collected"
    assert Snapshot.objects.filter(date=dt.date(2027, 2, 2)).count() == 2000
    assert Snapshot.objects.filter(date=dt.date(2027, 2, 2)).values("page").distinct().count() == 2000
