"""The MAX collector against respx fakes with the Bot API's documented shapes and errors."""

from __future__ import annotations

import datetime as dt
import random

import httpx
import pytest
import respx

from socialstats.collection.collectors import collector_for
from socialstats.collection.collectors.base import RetryPolicy
from socialstats.collection.collectors.limits import LocalWindow
from socialstats.collection.collectors.max import MaxCollector
from socialstats.collection.services import collection_collect
from socialstats.models import CollectionFailure, PageStatus, RunStatus, Snapshot, SocialPage
from tests.socialstats.collect_helpers import FakeClock, make_pages

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 2, 10)
API = "https://max.test"
TOKEN = "max-secret-bot-token"
NOW_MS = int(dt.datetime(2027, 2, 10, 9, tzinfo=dt.UTC).timestamp() * 1000)


@pytest.fixture(autouse=True)
def _configured(settings):
    settings.MAX_BOT_TOKEN = TOKEN
    settings.MAX_API_URL = API
    settings.MAX_BOT_NAME = "@union_stats_bot"


@pytest.fixture
def clock():
    return FakeClock()


def max_collector(clock: FakeClock) -> MaxCollector:
    return MaxCollector(
        api_url=API,
        token=TOKEN,
        bot_name="@union_stats_bot",
        limiter=LocalWindow(30, clock=clock, sleep=clock.sleep),
        retry=RetryPolicy(sleep=clock.sleep, rng=random.Random(5)),
    )


def chat(chat_id: int, name: str, members: int, **extra) -> dict:
    return {
        "chat_id": chat_id,
        "type": "channel",
        "status": "active",
        "title": f"Channel {name}",
        "link": f"https://max.ru/{name}",
        "is_public": True,
        "participants_count": members,
        "messages_count": 40,
        **extra,
    }


def messages(count: int, days_apart: float = 2.0) -> dict:
    return {
        "messages": [
            {
                "recipient": {"chat_id": 1, "chat_type": "channel"},
                "timestamp": NOW_MS - int(n * days_apart * 86_400_000),
                "body": {"mid": f"mid.{n}", "seq": 100 - n, "text": f"post {n}"},
                "stat": {"views": 100 + n},
            }
            for n in range(count)
        ]
    }


def collect(clock):
    return collection_collect(network="max", for_date=DAY, collector=max_collector(clock))


def test_a_channel_where_the_bot_is_admin_gives_subscribers_and_views(tree, clock):
    make_pages(tree.vao_p1, "max", ["mgo_news"])
    with respx.mock(base_url=API, assert_all_called=True) as router:
        chats = router.get("/chats").respond(json={"chats": [chat(1, "mgo_news", 5400)], "marker": None})
        reads = router.get("/messages").respond(json=messages(11))

        run = collect(clock)

    assert run.status == RunStatus.DONE
    snapshot = Snapshot.objects.get()
    assert snapshot.subscribers == 5400
    assert snapshot.posts_counted == 10
    assert snapshot.views == sum(100 + n for n in range(10))
    assert snapshot.posts_30d is None  # 11 posts two days apart: all in the window, older ones exist
    assert snapshot.likes is None
    assert reads.calls.last.request.url.params["chat_id"] == "1"
    request = chats.calls.last.request
    assert request.headers["Authorization"] == TOKEN
    assert TOKEN not in str(request.url)
    page = SocialPage.objects.get()
    assert (page.external_id, page.needs_bot_admin) == ("1", False)
    assert run.message == ""


def test_channels_without_the_bot_keep_their_count_and_are_named_with_what_to_do(tree, clock):
    make_pages(tree.vao_p1, "max", ["no_bot_here", "bot_not_admin"])
    with respx.mock(base_url=API, assert_all_called=True) as router:
        router.get("/chats").respond(json={"chats": [chat(2, "bot_not_admin", 70)]})
        router.get("/chats/no_bot_here").respond(json=chat(3, "no_bot_here", 90))
        router.get("/messages").respond(403, json={"code": "chat.denied", "message": "Bot is not admin"})

        run = collect(clock)

    assert run.status == RunStatus.DONE
    assert dict(Snapshot.objects.values_list("page__handle", "subscribers")) == {"no_bot_here": 90, "bot_not_admin": 70}
    assert set(SocialPage.objects.filter(needs_bot_admin=True).values_list("handle", flat=True)) == {
        "no_bot_here",
        "bot_not_admin",
    }
    assert "MAX: 2 канала, где бот не администратор" in run.message
    assert "no_bot_here" in run.message and "bot_not_admin" in run.message
    assert "@union_stats_bot" in run.message


def test_a_channel_the_bot_later_administers_loses_its_flag(tree, clock):
    (page,) = make_pages(tree.vao_p1, "max", ["mgo_news"])
    SocialPage.objects.filter(pk=page.pk).update(needs_bot_admin=True)
    with respx.mock(base_url=API) as router:
        router.get("/chats").respond(json={"chats": [chat(1, "mgo_news", 10)]})
        router.get("/messages").respond(json=messages(3))
        collect(clock)

    assert SocialPage.objects.get().needs_bot_admin is False


def test_a_bot_removed_from_a_channel_is_not_taken_for_a_deleted_channel(tree, clock):
    make_pages(tree.vao_p1, "max", ["kicked_bot", "closed_channel"])
    with respx.mock(base_url=API, assert_all_called=False) as router:
        router.get("/chats").respond(json={"chats": [chat(5, "kicked_bot", 55, status="removed")]})
        router.get("/chats/kicked_bot").respond(json=chat(5, "kicked_bot", 55, status="removed"))
        router.get("/chats/closed_channel").respond(json=chat(6, "closed_channel", 0, status="closed"))
        reads = router.get("/messages")

        collect(clock)

    kicked = SocialPage.objects.get(handle="kicked_bot")
    assert (kicked.status, kicked.needs_bot_admin) == (PageStatus.ACTIVE, True)
    assert Snapshot.objects.get(page=kicked).subscribers == 55
    assert SocialPage.objects.get(handle="closed_channel").status == PageStatus.DELETED
    assert not reads.called


def test_an_unknown_channel_is_marked_not_found(tree, clock):
    make_pages(tree.vao_p1, "max", ["gone_channel"])
    with respx.mock(base_url=API) as router:
        router.get("/chats").respond(json={"chats": []})
        router.get("/chats/gone_channel").respond(404, json={"code": "not.found", "message": "Chat not found"})

        run = collect(clock)

    assert SocialPage.objects.get().status == PageStatus.NOT_FOUND
    assert (run.pages_collected, run.pages_failed) == (0, 1)
    assert not Snapshot.objects.exists()


def test_a_revoked_token_stops_max_with_one_message_and_no_token_in_it(tree, clock):
    make_pages(tree.vao_p1, "max", ["mgo_news"])
    with respx.mock(base_url=API) as router:
        router.get("/chats").respond(401, json={"code": "verify.token", "message": "Invalid access_token"})

        run = collect(clock)

    assert run.status == RunStatus.FAILED
    assert "MAX_BOT_TOKEN" in run.message
    assert TOKEN not in run.message
    assert not CollectionFailure.objects.exists()


def test_429_waits_as_asked_and_tries_again(tree, clock):
    make_pages(tree.vao_p1, "max", ["mgo_news"])
    with respx.mock(base_url=API) as router:
        router.get("/chats").mock(
            side_effect=[
                httpx.Response(429, headers={"Retry-After": "3"}, json={"code": "too.many.requests"}),
                httpx.Response(200, json={"chats": [chat(1, "mgo_news", 10)]}),
            ]
        )
        router.get("/messages").respond(json=messages(2))

        run = collect(clock)

    assert run.pages_collected == 1
    assert 3.0 in clock.sleeps
    assert run.http_requests == 3


def test_timeouts_fail_only_that_channel_after_the_retries(tree, clock):
    make_pages(tree.vao_p1, "max", ["slow_channel", "mgo_news"])
    with respx.mock(base_url=API) as router:
        router.get("/chats").respond(json={"chats": [chat(1, "mgo_news", 10)]})
        router.get("/chats/slow_channel").mock(side_effect=httpx.ReadTimeout("timed out"))
        router.get("/messages").respond(json=messages(2))

        run = collect(clock)

    assert run.status == RunStatus.DONE
    assert (run.pages_collected, run.pages_failed) == (1, 1)
    assert "did not answer in time" in CollectionFailure.objects.get().error
    assert SocialPage.objects.get(handle="slow_channel").consecutive_failures == 1


def test_a_timeout_reading_posts_keeps_the_count_and_does_not_blame_the_bot(tree, clock):
    make_pages(tree.vao_p1, "max", ["mgo_news"])
    with respx.mock(base_url=API) as router:
        router.get("/chats").respond(json={"chats": [chat(1, "mgo_news", 10)]})
        router.get("/messages").mock(side_effect=httpx.ConnectTimeout("timed out"))

        run = collect(clock)

    assert Snapshot.objects.get().subscribers == 10
    assert SocialPage.objects.get().needs_bot_admin is False
    assert run.message == ""


def test_the_bots_chats_are_read_page_by_page(tree, clock):
    make_pages(tree.vao_p1, "max", ["first", "second"])
    with respx.mock(base_url=API) as router:
        listing = router.get("/chats").mock(
            side_effect=[
                httpx.Response(200, json={"chats": [chat(1, "first", 1)], "marker": 77}),
                httpx.Response(200, json={"chats": [chat(2, "second", 2)], "marker": None}),
            ]
        )
        router.get("/messages").respond(json=messages(1))

        collect(clock)

    assert listing.calls[1].request.url.params["marker"] == "77"
    assert dict(Snapshot.objects.values_list("page__handle", "subscribers")) == {"first": 1, "second": 2}


def test_max_keeps_to_thirty_requests_a_second_and_uses_the_ca_bundle(settings, tmp_path):
    import certifi

    settings.MAX_CA_BUNDLE = certifi.where()
    collector = collector_for("max")
    assert collector.limiter.limit == 30
    settings.MAX_CA_BUNDLE = str(tmp_path / "missing.pem")
    with pytest.raises((OSError, FileNotFoundError)):
        collector_for("max")  # a wrong path is an error at start, not a silent fallback to no checking


def test_without_a_token_max_is_skipped_with_a_notice(tree, settings):
    settings.MAX_BOT_TOKEN = ""
    make_pages(tree.vao_p1, "max", ["mgo_news"])

    run = collection_collect(network="max", for_date=DAY)

    assert run.status == RunStatus.SKIPPED
    assert "MAX_BOT_TOKEN" in run.message
