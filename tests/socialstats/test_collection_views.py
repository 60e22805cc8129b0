"""The collection page: information staff only, runs and failures, unconfigured notice, start and progress."""

from __future__ import annotations

import datetime as dt

import pytest
import respx
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from socialstats.models import CollectionFailure, CollectionRun, RunStatus, Snapshot
from socialstats.tasks import collect_all_networks, collect_network
from tests.fakes.vk_server import FakeGroup, FakeVk
from tests.socialstats.collect_helpers import VK_URL, make_pages

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_credentials(settings):
    settings.VK_API_TOKEN = ""
    settings.TELEGRAM_BOT_TOKEN = ""
    settings.OK_APPLICATION_KEY = ""
    settings.OK_APPLICATION_SECRET = ""


@pytest.fixture
def fast_vk(settings):
    """VK configured against a respx fake with a high rate, so real sleeps stay short."""
    settings.VK_API_TOKEN = "vk-test-token"
    settings.VK_API_URL = VK_URL
    settings.VK_API_RPS = 1000.0
    fake = FakeVk(synthetic=True)
    with respx.mock(assert_all_called=False) as router:
        router.post(url__startswith=VK_URL).mock(side_effect=fake.respx_side_effect)
        yield fake


def make_runs(count: int, tree) -> list[CollectionRun]:
    page = make_pages(tree.vao_p1, "vk", [f"club{count}x{i}" for i in range(1)])[0]
    runs = []
    for n in range(count):
        run = CollectionRun.objects.create(network="vk", for_date=dt.date(2027, 1, 1), scope=tree.vao, pages_failed=1)
        CollectionFailure.objects.create(run=run, page=page, error=f"VK error 100: bad id {n}")
        runs.append(run)
    return runs


@pytest.mark.parametrize(
    "who", ["territorial_admin", "primary_admin", "presidium", "juror", "outsider"], ids=lambda who: who
)
def test_only_information_staff_see_the_collection_pages(client, cast, who):
    run = CollectionRun.objects.create(network="vk", for_date=dt.date(2027, 1, 1))
    client.force_login(getattr(cast, who))

    assert client.get(reverse("socialstats:collection_list")).status_code == 404
    assert client.get(reverse("socialstats:collection_detail", args=[run.pk])).status_code == 404
    assert client.get(reverse("socialstats:collection_progress", args=[run.pk])).status_code == 404
    assert client.post(reverse("socialstats:collection_start"), {"network": "vk"}).status_code == 404
    assert CollectionRun.objects.count() == 1


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get(reverse("socialstats:collection_list"))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_page_says_which_networks_are_not_configured(client, cast):
    client.force_login(cast.info_officer)

    response = client.get(reverse("socialstats:collection_list"))

    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="unconfigured"' in body
    assert "VK_API_TOKEN" in body
    assert "TELEGRAM_BOT_TOKEN" in body
    assert "OK_APPLICATION_KEY" in body


def test_the_run_list_has_the_same_number_of_queries_for_few_and_many_runs(client, cast, tree):
    client.force_login(cast.info_officer)
    make_runs(2, tree)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("socialstats:collection_list"))
    make_runs(30, tree)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("socialstats:collection_list"))

    assert len(few) == len(many)
    assert response.content.decode().count("data-run=") == 25


def test_the_run_page_lists_failed_pages_with_their_reasons(client, cast, tree):
    run = make_runs(1, tree)[0]
    client.force_login(cast.info_officer)

    response = client.get(reverse("socialstats:collection_detail", args=[run.pk]))

    assert response.status_code == 200
    assert "VK error 100: bad id 0" in response.content.decode()
    assert client.get(reverse("socialstats:collection_detail", args=[run.pk + 99])).status_code == 404


def test_starting_without_credentials_records_skipped_runs_and_says_so(client, cast):
    client.force_login(cast.info_officer)

    response = client.post(reverse("socialstats:collection_start"), {"network": "all"}, follow=True)

    assert set(CollectionRun.objects.values_list("network", "status")) == {
        ("vk", RunStatus.SKIPPED),
        ("telegram", RunStatus.SKIPPED),
        ("max", RunStatus.SKIPPED),
        ("ok", RunStatus.SKIPPED),
    }
    assert "not configured" in response.content.decode().lower() or "не настро" in response.content.decode()


def test_starting_an_unknown_network_is_refused_with_a_message(client, cast):
    client.force_login(cast.info_officer)

    response = client.post(reverse("socialstats:collection_start"), {"network": "myspace"}, follow=True)

    assert "myspace" in response.content.decode()
    assert not CollectionRun.objects.exists()


def test_starting_vk_runs_it_synchronously_without_a_broker_and_shows_progress(
    client, cast, tree, fast_vk, django_capture_on_commit_callbacks
):
    make_pages(tree.vao_p1, "vk", ["club1", "club2"])
    client.force_login(cast.info_officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("socialstats:collection_start"), {"network": "vk"})

    run = CollectionRun.objects.get()
    assert response.status_code == 302
    assert f"watch={run.pk}" in response["Location"]
    assert run.status == RunStatus.DONE
    assert Snapshot.objects.count() == 2
    progress = client.get(reverse("socialstats:collection_progress", args=[run.pk])).json()
    assert progress["finished"] is True
    assert (progress["pages_total"], progress["pages_collected"], progress["http_requests"]) == (2, 2, 2)


def test_the_tasks_take_plain_values_and_return_a_summary(tree, fast_vk, django_capture_on_commit_callbacks):
    make_pages(tree.vao_p1, "vk", ["club1"])
    fast_vk.add(FakeGroup(id=1, members=10, posts=[]))

    assert collect_network("vk", "2027-01-02", tree.vao.pk) == "vk 2027-01-02: done, 1/1 collected"
    assert collect_network("vk", run_id=987654) == "gone"
    with django_capture_on_commit_callbacks(execute=True):
        assert collect_all_networks("2027-01-03") == "queued vk"
    assert set(CollectionRun.objects.filter(for_date="2027-01-03").values_list("network", "status")) == {
        ("vk", RunStatus.DONE),
        ("telegram", RunStatus.SKIPPED),
        ("max", RunStatus.SKIPPED),
        ("ok", RunStatus.SKIPPED),
    }


def test_the_command_collects_in_the_foreground(tree, fast_vk, capsys):
    make_pages(tree.vao_p1, "vk", ["club1"])

    call_command("collect_stats", "--network", "vk", "--date", "2027-01-05")

    assert "vk 2027-01-05: done" in capsys.readouterr().out
    assert Snapshot.objects.get().date == dt.date(2027, 1, 5)


def test_the_command_refuses_a_bad_date_and_an_unknown_organisation(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--date"):
        call_command("collect_stats", "--date", "31.12.2017")
    with pytest.raises(CommandError, match="--org"):
        call_command("collect_stats", "--org", "999999")


def test_health_shows_the_last_nightly_run_per_network_to_information_staff(client, cast):
    client.force_login(cast.info_officer)
    CollectionRun.objects.create(network="vk", for_date=dt.date(2027, 1, 1), trigger="nightly", status=RunStatus.DONE)

    report = client.get(reverse("health")).json()

    assert report["ok"] is True
    assert report["collection"]["networks"]["vk"]["status"] == "done"
    assert report["collection"]["networks"]["ok"] is None


def test_a_network_already_being_collected_is_not_started_twice(client, cast, tree, fast_vk):
    running = CollectionRun.objects.create(network="vk", for_date=dt.date(2027, 1, 1))
    client.force_login(cast.info_officer)

    response = client.post(reverse("socialstats:collection_start"), {"network": "vk"}, follow=True)

    assert list(CollectionRun.objects.values_list("pk", flat=True)) == [running.pk]
    assert "vk" in response.content.decode()
