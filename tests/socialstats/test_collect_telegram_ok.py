"""Telegram and OK collectors against respx fakes with the documented answers and errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from socialstats.collection.collectors.base import RetryPolicy, TokenBucket
from socialstats.collection.collectors.ok import OkCollector, ok_signature
from socialstats.collection.collectors.telegram import TelegramCollector, parse_count
from socialstats.collection.services import collection_collect
from socialstats.models import CollectionFailure, PageStatus, RunStatus, Snapshot, SocialPage
from tests.socialstats.collect_helpers import FakeClock, make_pages

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 1, 15)
TG_API = "https://tg.test"
TG_WEB = "https://t.test"
TG_TOKEN = "123456:secret-bot-token"


@pytest.fixture(autouse=True)
def _configured(settings):
    settings.TELEGRAM_BOT_TOKEN = TG_TOKEN
    settings.OK_APPLICATION_KEY = "CBAFKEY"
    settings.OK_APPLICATION_SECRET = "SECRET"


def telegram(clock: FakeClock) -> TelegramCollector:
    return TelegramCollector(
        api_url=TG_API,
        web_url=TG_WEB,
        token=TG_TOKEN,
        bot_bucket=TokenBucket(20, clock=clock, sleep=clock.sleep),
        web_bucket=TokenBucket(2, clock=clock, sleep=clock.sleep),
        retry=RetryPolicy(sleep=clock.sleep, rng=random.Random(3)),
    )


def preview_html(posts: list[tuple[int, dt.datetime, str, str | None]]) -> str:
    """A t.me/s page in the documented structure: (id, date, views, reactions) oldest first, plus a pin notice."""
    messages = []
    for post_id, date, views, reaction in posts:
        reaction_html = (
            f'<div class="tgme_widget_message_reactions"><span class="tgme_reaction"><i>👍</i>{reaction}</span></div>'
            if reaction
            else ""
        )
        messages.append(
            f"""<div class="tgme_widget_message_wrap js-widget_message_wrap">
            <div class="tgme_widget_message" data-post="union_news/{post_id}" data-view="x">
              <div class="tgme_widget_message_text js-message_text">Post {post_id}</div>{reaction_html}
              <div class="tgme_widget_message_footer"><div class="tgme_widget_message_info">
                <span class="tgme_widget_message_views">{views}</span>
                <span class="tgme_widget_message_meta"><a class="tgme_widget_message_date"
                  href="https://t.me/union_news/{post_id}"><time datetime="{date.isoformat()}" class="time">x</time></a>
                </span></div></div></div></div>"""
        )
    service = """<div class="tgme_widget_message_wrap"><div class="tgme_widget_message service_message"
        data-post="union_news/999"><div class="tgme_widget_message_text">Union pinned «Post»</div>
        <a class="tgme_widget_message_date" href="#"><time datetime="2030-01-01T00:00:00+00:00">x</time></a>
        </div></div>"""
    return f"""<html><body><div class="tgme_channel_info"><div class="tgme_channel_info_counters">
        <div class="tgme_channel_info_counter"><span class="counter_value">1.2K</span>
        <span class="counter_type">subscribers</span></div></div></div>
        <section class="tgme_channel_history js-message_history">{"".join(messages)}{service}</section></body></html>"""


def test_abbreviated_counters_are_parsed():
    assert parse_count("184") == 184
    assert parse_count("1.2K") == 1200
    assert parse_count("12.3K") == 12300
    assert parse_count("10.7M") == 10_700_000
    assert parse_count("views") is None


@respx.mock
def test_telegram_counts_by_username_and_reads_posts_from_the_preview(tree):
    now = dt.datetime.now(tz=dt.UTC)
    make_pages(tree.vao_p1, "telegram", ["union_news"])
    count_route = respx.get(f"{TG_API}/bot{TG_TOKEN}/getChatMemberCount").respond(json={"ok": True, "result": 12345})
    respx.get(f"{TG_WEB}/s/union_news").respond(
        text=preview_html(
            [
                (1, now - dt.timedelta(days=40), "10.7M", None),
                (2, now - dt.timedelta(days=3), "1.2K", "15"),
                (3, now - dt.timedelta(days=1), "184", None),
            ]
        )
    )

    run = collection_collect(network="telegram", for_date=DAY, collector=telegram(FakeClock()))

    assert count_route.calls.last.request.url.params["chat_id"] == "@union_news"
    snapshot = Snapshot.objects.get()
    assert run.status == RunStatus.DONE
    assert snapshot.subscribers == 12345
    assert snapshot.views == 10_700_000 + 1200 + 184
    assert snapshot.likes == 15
    assert snapshot.posts_counted == 3  # the service message about the pin is skipped
    assert snapshot.posts_30d == 2
    assert snapshot.last_post_at.date() == (now - dt.timedelta(days=1)).date()
    assert run.http_requests == 2


@respx.mock
def test_telegram_401_stops_the_network_with_one_message_without_the_token(tree):
    make_pages(tree.vao_p1, "telegram", ["a", "b"])
    route = respx.get(url__startswith=f"{TG_API}/").respond(
        401, json={"ok": False, "error_code": 401, "description": "Unauthorized"}
    )

    run = collection_collect(network="telegram", for_date=DAY, collector=telegram(FakeClock()))

    assert run.status == RunStatus.FAILED
    assert "TELEGRAM_BOT_TOKEN" in run.message
    assert TG_TOKEN not in run.message
    assert route.call_count == 1
    assert not CollectionFailure.objects.exists()


@respx.mock
def test_telegram_400_chat_not_found_marks_the_page(tree):
    make_pages(tree.vao_p1, "telegram", ["gone_channel"])
    respx.get(url__startswith=f"{TG_API}/").respond(
        400, json={"ok": False, "error_code": 400, "description": "Bad Request: chat not found"}
    )

    run = collection_collect(network="telegram", for_date=DAY, collector=telegram(FakeClock()))

    assert SocialPage.objects.get().status == PageStatus.NOT_FOUND
    assert run.pages_failed == 1
    assert not Snapshot.objects.exists()


@respx.mock
def test_telegram_429_waits_retry_after_and_tries_again(tree):
    make_pages(tree.vao_p1, "telegram", ["busy"])
    respx.get(url__startswith=f"{TG_API}/").mock(
        side_effect=[
            httpx.Response(
                429,
                json={
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 45",
                    "parameters": {"retry_after": 45},
                },
            ),
            httpx.Response(200, json={"ok": True, "result": 77}),
        ]
    )
    respx.get(url__startswith=f"{TG_WEB}/").respond(404)
    clock = FakeClock()

    run = collection_collect(network="telegram", for_date=DAY, collector=telegram(clock))

    assert 45 in clock.sleeps  # longer than the backoff cap: the server's wait is obeyed
    assert run.pages_collected == 1
    assert Snapshot.objects.get().subscribers == 77
    assert Snapshot.objects.get().views is None  # no preview: subscribers only


# --- OK ---------------------------------------------------------------------------------------------

OK_URL = "https://ok.test/fb.do"


def ok(clock: FakeClock, token: str = "tkn") -> OkCollector:
    return OkCollector(
        api_url=OK_URL,
        application_key="CBAFKEY",
        application_secret="SECRET",
        access_token=token,
        bucket=TokenBucket(5, clock=clock, sleep=clock.sleep),
        retry=RetryPolicy(sleep=clock.sleep, rng=random.Random(3)),
    )


def test_ok_signature_is_computed_as_documented():
    params = {"application_key": "CBAFKEY", "fields": "members_count", "format": "json", "method": "group.getInfo"}
    params["uids"] = "1,2"
    secret = hashlib.md5(b"tknSECRET").hexdigest()
    by_hand = hashlib.md5(
        ("application_key=CBAFKEYfields=members_countformat=jsonmethod=group.getInfouids=1,2" + secret).encode()
    ).hexdigest()

    assert ok_signature({**params, "access_token": "tkn"}, application_secret="SECRET", access_token="tkn") == by_hand
    no_token = hashlib.md5(
        b"application_key=CBAFKEYfields=members_countformat=jsonmethod=group.getInfouids=1,2SECRET"
    ).hexdigest()
    assert ok_signature(params, application_secret="SECRET") == no_token


@pytest.mark.parametrize("wrapped", [False, True])
def test_ok_counts_in_batches_of_100_with_signed_requests_and_both_shapes(tree, wrapped):
    make_pages(tree.vao_p1, "ok", [str(53923499278000 + i) for i in range(150)])
    seen: list[dict] = []

    def answer(request: httpx.Request) -> httpx.Response:
        params = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        seen.append(params)
        uids = params["uids"].split(",")
        groups = [{"uid": uid, "name": "g", "members_count": int(uid) % 1000} for uid in uids if not uid.endswith("7")]
        return httpx.Response(200, json={"groups": groups} if wrapped else groups)

    with respx.mock:
        respx.post(OK_URL).mock(side_effect=answer)
        run = collection_collect(network="ok", for_date=DAY, collector=ok(FakeClock()))

    assert [len(p["uids"].split(",")) for p in seen] == [100, 50]
    for params in seen:
        expected = ok_signature(params, application_secret="SECRET", access_token="tkn")
        assert params["sig"] == expected
        assert params["access_token"] == "tkn"
        assert params["method"] == "group.getInfo"
    assert run.pages_collected == 135
    assert SocialPage.objects.filter(status=PageStatus.NOT_FOUND).count() == 15
    assert Snapshot.objects.get(page__handle="53923499278001").subscribers == 1


@respx.mock
def test_ok_signature_error_stops_the_network_with_a_message(tree):
    make_pages(tree.vao_p1, "ok", ["123"])
    respx.post(OK_URL).respond(
        json={"error_code": 104, "error_msg": "PARAM_SIGNATURE : Invalid signature", "error_data": None}
    )

    run = collection_collect(network="ok", for_date=DAY, collector=ok(FakeClock()))

    assert run.status == RunStatus.FAILED
    assert "104" in run.message
    assert "tkn" not in run.message


@respx.mock
def test_ok_flood_error_is_retried(tree):
    make_pages(tree.vao_p1, "ok", ["123"])
    respx.post(OK_URL).mock(
        side_effect=[
            httpx.Response(200, json={"error_code": 8, "error_msg": "FLOOD_BLOCKED", "error_data": None}),
            httpx.Response(200, json=[{"uid": "123", "members_count": 5}]),
        ]
    )

    run = collection_collect(network="ok", for_date=DAY, collector=ok(FakeClock()))

    assert run.pages_collected == 1
    assert run.http_requests == 2
