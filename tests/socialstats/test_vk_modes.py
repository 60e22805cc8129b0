"""VK token kinds and the request window, against the documentation-only fake (tests/fakes/vk_doc_server.py)."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest

from socialstats.collection.collectors.base import RetryPolicy
from socialstats.collection.collectors.limits import LocalWindow
from socialstats.collection.collectors.vk import VkCollector
from socialstats.collection.services import collection_collect
from socialstats.models import PageStatus, RunStatus, Snapshot, SocialPage
from tests.fakes.vk_doc_server import Community, VkDocServer, serve
from tests.socialstats.collect_helpers import FakeClock, make_pages

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 3, 2)
TOKENS = {"u-token": "user", "c-token": "community", "s-token": "service"}


@pytest.fixture(autouse=True)
def _vk_configured(settings):
    settings.VK_API_TOKEN = "configured"  # the run is recorded as configured; the collector brings its own token


@pytest.fixture
def doc_vk():
    # The fake's limits raised to 20/s for every kind so these tests run fast; the collector keeps to 20.
    state = VkDocServer(tokens=TOKENS, limits={"user": 20, "community": 20, "service": 20})
    server, url = serve(state)
    state.url = url
    yield state
    server.shutdown()


def collector(doc_vk, token: str, kind: str = "") -> VkCollector:
    return VkCollector(
        api_url=doc_vk.url, token=token, token_kind=kind, limiter=LocalWindow(20, margin=0.05), retry=RetryPolicy()
    )


def register(doc_vk, tree, count: int) -> None:
    handles = []
    for n in range(1, count + 1):
        community = doc_vk.add(Community(id=n, screen_name=f"union_{n}", members=100 + n))
        handles.append(community.screen_name if n % 2 else f"club{n}")
    make_pages(tree.vao_p1, "vk", handles)


def test_a_service_token_is_learnt_from_the_refused_execute_and_collected_with_plain_requests(tree, doc_vk):
    register(doc_vk, tree, 10)

    run = collection_collect(network="vk", for_date=DAY, collector=collector(doc_vk, "s-token"))

    assert run.status == RunStatus.DONE
    assert run.pages_collected == 10
    methods = [a.method for a in doc_vk.arrivals]
    assert methods == ["execute", "groups.getById"] + ["wall.get"] * 10  # one refused execute, then plain
    assert "простые запросы, сервисный ключ (определён по ответам" in run.message
    assert Snapshot.objects.get(page__handle="union_3").subscribers == 103
    assert Snapshot.objects.get(page__handle="union_3").posts_counted == 10


def test_a_configured_service_token_never_tries_execute(tree, doc_vk):
    register(doc_vk, tree, 4)

    run = collection_collect(network="vk", for_date=DAY, collector=collector(doc_vk, "s-token", "service"))

    assert [a.method for a in doc_vk.arrivals] == ["groups.getById"] + ["wall.get"] * 4
    assert run.pages_collected == 4
    assert "определён по ответам" not in run.message


def test_a_community_token_collects_member_counts_only_and_says_why(tree, doc_vk):
    register(doc_vk, tree, 60)

    run = collection_collect(network="vk", for_date=DAY, collector=collector(doc_vk, "c-token"))

    assert run.pages_collected == 60
    assert doc_vk.count() == 2  # the counts, and one execute of walls that VK refused (error 27 inside)
    assert "ключ сообщества" in run.message
    assert "публикации не собраны" in run.message
    snapshot = Snapshot.objects.get(page__handle="club2")
    assert (snapshot.subscribers, snapshot.posts_counted, snapshot.likes) == (102, None, None)


def test_a_user_token_is_named_in_the_run_log(tree, doc_vk):
    register(doc_vk, tree, 3)

    run = collection_collect(network="vk", for_date=DAY, collector=collector(doc_vk, "u-token"))

    assert doc_vk.count() == 2
    assert "execute (25 вызовов за запрос), ключ пользователя" in run.message


def test_one_unknown_name_that_fails_its_whole_batch_costs_only_that_page(tree, doc_vk):
    doc_vk.unknown_fails_batch = True
    register(doc_vk, tree, 30)
    make_pages(tree.vao_p1, "vk", ["renamed_long_ago"])

    run = collection_collect(network="vk", for_date=DAY, collector=collector(doc_vk, "u-token"))

    assert run.pages_collected == 30
    assert SocialPage.objects.get(handle="renamed_long_ago").status == PageStatus.NOT_FOUND
    assert doc_vk.count(error=6) == 0


def test_the_documentation_fake_refuses_a_fourth_request_within_one_second(doc_vk):
    doc_vk.limits["user"] = 3
    doc_vk.add(Community(id=1, screen_name="one", members=1))
    codes = []
    with httpx.Client() as client:
        for _ in range(4):
            body = client.post(
                f"{doc_vk.url}/groups.getById", data={"group_ids": "1", "access_token": "u-token", "v": "5.199"}
            ).json()
            codes.append(body.get("error", {}).get("error_code", 0))
    assert codes == [0, 0, 0, 6]
    assert doc_vk.peak() == 4


def test_a_request_holds_its_place_until_a_window_after_its_answer():
    clock = FakeClock()
    window = LocalWindow(3, margin=0.1, clock=clock, sleep=clock.sleep)
    slots = [window.acquire() for _ in range(3)]  # three requests sent at once
    clock.now += 0.5  # their answers take half a second
    for slot in slots:
        window.release(slot)
    start = clock.now

    window.acquire()

    # The fourth waits a full window (and the margin) after the answers, not after the sending.
    assert clock.now - start == pytest.approx(1.1)


def test_error_6_pauses_the_window_for_everyone():
    clock = FakeClock()
    window = LocalWindow(3, clock=clock, sleep=clock.sleep)
    window.pause(1.1)
    start = clock.now

    window.acquire()

    assert clock.now - start == pytest.approx(1.1)
