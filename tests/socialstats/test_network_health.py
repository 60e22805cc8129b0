"""Per-network proxies, and a network that stops answering for nights in a row (dashboard, run log, page)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import respx
from django.urls import reverse

from socialstats.collection.services import collection_collect
from socialstats.health import networks_not_answering, nights_without_answer
from socialstats.models import CollectionRun, RunStatus, Snapshot, SocialPage
from tests.socialstats.collect_helpers import make_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def forward_proxy():
    """A local HTTP forward proxy that answers for Telegram itself and records the absolute URLs it got."""
    seen: list[str] = []

    class Proxy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)  # a proxy receives the whole URL, e.g. http://tg.test/bot…/getChatMemberCount
            if "getChatMemberCount" in self.path:
                status, body = 200, json.dumps({"ok": True, "result": 4321}).encode()
            else:
                status, body = 404, b"no preview"
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()


def test_telegram_goes_through_its_proxy_when_one_is_set(tree, settings, forward_proxy):
    proxy_url, seen = forward_proxy
    settings.TELEGRAM_BOT_TOKEN = "1:token"
    settings.TELEGRAM_API_URL = "http://tg.test"  # names no DNS knows: only the proxy can answer
    settings.TELEGRAM_WEB_URL = "http://tme.test"
    settings.TELEGRAM_PROXY_URL = proxy_url
    make_pages(tree.vao_p1, "telegram", ["union_news"])

    run = collection_collect(network="telegram", for_date=dt.date(2027, 4, 1))

    assert run.status == RunStatus.DONE
    assert Snapshot.objects.get().subscribers == 4321
    assert any(url.startswith("http://tg.test/bot") for url in seen)
    assert "http://tme.test/s/union_news" in seen  # the preview goes through the same proxy


def nightly(network: str, day: int, status: str, collected: int = 0, tried: int = 5) -> CollectionRun:
    return CollectionRun.objects.create(
        network=network,
        for_date=dt.date(2027, 4, day),
        trigger="nightly",
        status=status,
        pages_tried=tried,
        pages_collected=collected,
    )


def test_nights_without_an_answer_count_back_from_the_latest_night(db):
    nightly("telegram", 1, RunStatus.DONE, collected=5)
    nightly("telegram", 2, RunStatus.FAILED)
    nightly("telegram", 3, RunStatus.DONE, collected=0)  # tried pages, collected none: no answer either
    nightly("telegram", 4, RunStatus.FAILED)

    assert nights_without_answer("telegram") == (3, dt.date(2027, 4, 2))
    assert nights_without_answer("vk") == (0, None)
    assert [(n.label, n.nights) for n in networks_not_answering()] == [("Telegram", 3)]

    nightly("telegram", 5, RunStatus.DONE, collected=5)
    assert networks_not_answering() == []


def test_the_dashboard_and_the_collection_page_say_which_network_does_not_answer(client, cast):
    for day in (1, 2, 3):
        nightly("telegram", day, RunStatus.FAILED)
    client.force_login(cast.info_officer)

    dashboard = client.get(reverse("socialstats:dashboard")).content.decode()
    runs = client.get(reverse("socialstats:collection_list")).content.decode()

    for body in (dashboard, runs):
        assert "<strong>Telegram</strong> не отвечает 3 ночи подряд (с 01.04.2027)" in body
        assert "история сети остаётся во всех отчётах" in body


def test_the_run_log_of_the_third_silent_night_says_so(tree, settings):
    settings.TELEGRAM_BOT_TOKEN = "1:token"
    settings.TELEGRAM_API_URL = "https://tg.test"
    make_pages(tree.vao_p1, "telegram", ["union_news"])
    nightly("telegram", 1, RunStatus.FAILED)
    nightly("telegram", 2, RunStatus.FAILED)
    with respx.mock() as router:
        router.get(url__startswith="https://tg.test").respond(401, json={"ok": False, "error_code": 401})

        run = collection_collect(network="telegram", for_date=dt.date(2027, 4, 3), trigger="nightly")

    assert run.status == RunStatus.FAILED
    assert "Telegram не отвечает 3 ночи подряд (с 01.04.2027)" in run.message


def test_a_max_channel_without_the_bot_shows_the_admin_instruction(client, cast, tree, settings):
    settings.MAX_BOT_NAME = "@union_stats_bot"
    (page,) = make_pages(tree.vao_p1, "max", ["mgo_news"])
    SocialPage.objects.filter(pk=page.pk).update(needs_bot_admin=True)
    client.force_login(cast.info_officer)

    detail = client.get(reverse("socialstats:page_detail", args=[page.pk])).content.decode()
    runs = client.get(reverse("socialstats:collection_list")).content.decode()

    assert "добавьте бота @union_stats_bot в администраторы канала" in detail
    assert 'id="needing-bot"' in runs
    assert "добавьте бота @union_stats_bot в администраторы канала" in runs
    assert reverse("socialstats:page_detail", args=[page.pk]) in runs
