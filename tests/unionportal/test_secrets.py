"""No token, secret or password appears in a page, a log line, a stored error or an export."""

from __future__ import annotations

import datetime as dt
import logging
import random

import httpx
import pytest
import respx
from django.core.management import call_command
from django.urls import reverse

from socialstats.collection.collectors.base import RetryPolicy, TokenBucket
from socialstats.collection.collectors.ok import OkCollector
from socialstats.collection.collectors.telegram import TelegramCollector
from socialstats.collection.services import collection_collect
from socialstats.models import CollectionFailure, CollectionRun, SocialPage
from tests.fakes.vk_server import FakeVk
from tests.socialstats.collect_helpers import VK_URL, FakeClock, make_pages, vk_collector

TG_TOKEN = "987654:TG-SECRET-never-shown"
VK_TOKEN = "vk-SECRET-never-shown"
OK_SECRET = "OK-SECRET-never-shown"
OK_TOKEN = "ok-ACCESS-never-shown"
SECRETS = [TG_TOKEN, VK_TOKEN, OK_SECRET, OK_TOKEN, "test-pass-123"]
DAY = dt.date(2027, 1, 15)


@pytest.fixture(autouse=True)
def _secrets_configured(settings):
    settings.VK_API_TOKEN = VK_TOKEN
    settings.VK_API_URL = VK_URL
    settings.TELEGRAM_BOT_TOKEN = TG_TOKEN
    settings.TELEGRAM_API_URL = "https://tg.test"
    settings.TELEGRAM_WEB_URL = "https://t.test"
    settings.OK_APPLICATION_KEY = "CBAPUBLIC"
    settings.OK_APPLICATION_SECRET = OK_SECRET
    settings.OK_ACCESS_TOKEN = OK_TOKEN
    settings.OK_API_URL = "https://ok.test/fb.do"


def _assert_clean(text: str, where: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"a secret leaked into {where}"


def _collect_with_failures(tree) -> None:
    clock = FakeClock()
    retry = RetryPolicy(sleep=clock.sleep, rng=random.Random(1))
    make_pages(tree.vao_p1, "telegram", ["union_news"])
    make_pages(tree.vao_p1, "ok", ["55555"], external_ids=["55555"])
    make_pages(tree.vao_p1, "vk", ["club1"])
    with respx.mock(assert_all_called=False) as router:
        router.route(host="tg.test").mock(return_value=httpx.Response(502, text="Bad Gateway"))
        router.route(host="t.test").mock(side_effect=httpx.ConnectTimeout("timed out"))
        router.route(host="ok.test").mock(return_value=httpx.Response(500, text="oops"))
        collection_collect(
            network="telegram",
            for_date=DAY,
            collector=TelegramCollector(
                api_url="https://tg.test",
                web_url="https://t.test",
                token=TG_TOKEN,
                bot_bucket=TokenBucket(100, clock=clock, sleep=clock.sleep),
                web_bucket=TokenBucket(100, clock=clock, sleep=clock.sleep),
                retry=retry,
            ),
        )
        collection_collect(
            network="ok",
            for_date=DAY,
            collector=OkCollector(
                api_url="https://ok.test/fb.do",
                application_key="CBAPUBLIC",
                application_secret=OK_SECRET,
                access_token=OK_TOKEN,
                bucket=TokenBucket(100, clock=clock, sleep=clock.sleep),
                retry=retry,
            ),
        )
        fake = FakeVk()
        fake.token = VK_TOKEN
        fake.scheduled = [5]  # the token is refused
        router.post(url__startswith=VK_URL).mock(side_effect=fake.respx_side_effect)
        collection_collect(network="vk", for_date=DAY, collector=vk_collector(fake, clock, token=VK_TOKEN))


def test_failed_collections_store_and_log_no_secret(tree, caplog):
    caplog.set_level(logging.DEBUG)
    _collect_with_failures(tree)
    assert CollectionFailure.objects.exists() or CollectionRun.objects.exclude(message="").exists()
    stored = [
        *CollectionFailure.objects.values_list("error", flat=True),
        *CollectionRun.objects.values_list("message", flat=True),
        *SocialPage.objects.values_list("last_error", flat=True),
    ]
    _assert_clean("\n".join(stored), "stored errors")
    _assert_clean(caplog.text, "the log")


def test_pages_health_and_exports_show_no_secret(client, cast, tree, tmp_path):
    _collect_with_failures(tree)
    client.force_login(cast.info_officer)
    runs = CollectionRun.objects.all()
    urls = [reverse("health"), reverse("socialstats:collection_list"), reverse("socialstats:page_list")]
    urls += [reverse("socialstats:collection_detail", args=[run.pk]) for run in runs]
    urls += [reverse("socialstats:page_detail", args=[page.pk]) for page in SocialPage.objects.all()]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(response.content.decode(), url)
    output = tmp_path / "snapshots.csv"
    call_command("export_snapshots", "--output", str(output))
    _assert_clean(output.read_text(encoding="utf-8"), "the snapshot export")


def test_a_wrong_password_is_not_logged(client, db, caplog):
    caplog.set_level(logging.DEBUG)
    client.post(reverse("login"), {"username": "nobody", "password": "test-pass-123"})
    _assert_clean(caplog.text, "the log")
