"""Telegram faults at the HTTP layer (respx), run through the collection service: a mixed night.

Channels and what the Bot API answers for them (shapes from the Bot API documentation):
    fine      200 {"ok": true, "result": 100}
    busy      429 with parameters.retry_after = 2, then 200 {"result": 50}
    gone      400 "Bad Request: chat not found"        → marked not found
    hidden    400 "Bad Request: member list is inaccessible" → a failure with Telegram's words
    slow      never answers in time (httpx.ReadTimeout) → a failure after the retries
    broken    502 every time                            → a failure after the retries
Every preview page (t.me/s/…) times out: snapshots keep the subscriber count only.
"""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
import respx

from socialstats.collection.services import collection_collect
from socialstats.models import CollectionFailure, PageStatus, RunStatus, Snapshot, SocialPage
from tests.socialstats.collect_helpers import FakeClock, make_pages
from tests.socialstats.test_collect_telegram_ok import TG_API, TG_TOKEN, TG_WEB, telegram

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 1, 20)
CHANNELS = ["fine", "busy", "gone", "hidden", "slow", "broken"]


@pytest.fixture(autouse=True)
def _configured(settings):
    settings.TELEGRAM_BOT_TOKEN = TG_TOKEN


def bot_api(request: httpx.Request, attempts: dict[str, int]) -> httpx.Response:
    channel = request.url.params["chat_id"].lstrip("@")
    attempts[channel] = attempts.get(channel, 0) + 1
    if channel == "fine":
        return httpx.Response(200, json={"ok": True, "result": 100})
    if channel == "busy" and attempts[channel] == 1:
        body = {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 2"}
        return httpx.Response(429, json={**body, "parameters": {"retry_after": 2}})
    if channel == "busy":
        return httpx.Response(200, json={"ok": True, "result": 50})
    if channel == "gone":
        return httpx.Response(400, json={"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
    if channel == "hidden":
        description = "Bad Request: member list is inaccessible"
        return httpx.Response(400, json={"ok": False, "error_code": 400, "description": description})
    if channel == "slow":
        raise httpx.ReadTimeout("timed out", request=request)
    return httpx.Response(502, text="<html>Bad Gateway</html>")


@pytest.fixture
def faulty_telegram(tree):
    make_pages(tree.vao_p1, "telegram", CHANNELS)
    attempts: dict[str, int] = {}
    with respx.mock:
        respx.get(url__startswith=f"{TG_API}/").mock(side_effect=lambda request: bot_api(request, attempts))
        respx.get(url__startswith=f"{TG_WEB}/").mock(side_effect=httpx.ConnectTimeout("timed out"))
        yield attempts


class SteppingClock(FakeClock):
    """FakeClock that always moves a little: after jittered retry sleeps the bucket's remaining wait can
    fall below the float resolution of the clock's value, and a clock that does not move would spin."""

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(seconds, 1e-6)


def run_once(clock: FakeClock | None = None):
    return collection_collect(network="telegram", for_date=DAY, collector=telegram(clock or SteppingClock()))


def test_a_night_of_telegram_faults_completes_and_records_each_failure(faulty_telegram):
    clock = SteppingClock()

    run = run_once(clock)

    assert run.status == RunStatus.DONE
    assert (run.pages_total, run.pages_collected, run.pages_failed) == (6, 2, 4)
    assert dict(Snapshot.objects.values_list("page__handle", "subscribers")) == {"fine": 100, "busy": 50}
    assert set(Snapshot.objects.values_list("views", flat=True)) == {None}  # previews timed out
    assert 2 in clock.sleeps  # the 429's retry_after was obeyed
    failures = dict(CollectionFailure.objects.values_list("page__handle", "error"))
    assert failures == {
        "gone": "chat not found",
        "hidden": "Telegram error 400: Bad Request: member list is inaccessible",
        "slow": "Telegram did not answer in time",
        "broken": "Telegram answered HTTP 502",
    }
    assert faulty_telegram["slow"] == faulty_telegram["broken"] == 5  # the retry policy's attempts
    assert faulty_telegram["hidden"] == faulty_telegram["gone"] == 1  # client errors are not retried
    pages = {page.handle: page for page in SocialPage.objects.all()}
    assert pages["gone"].status == PageStatus.NOT_FOUND
    assert pages["slow"].last_error == "Telegram did not answer in time"
    assert pages["slow"].consecutive_failures == 1
    assert pages["slow"].last_error_at is not None
    assert pages["fine"].consecutive_failures == 0
    assert all(TG_TOKEN not in error for error in failures.values())
    assert TG_TOKEN not in run.message


def test_running_the_faulty_night_again_doubles_no_snapshot_and_counts_failures_on(faulty_telegram):
    run_once()
    second = run_once()

    assert second.status == RunStatus.DONE
    assert Snapshot.objects.filter(date=DAY).count() == 2
    assert Snapshot.objects.filter(date=DAY).values("page").distinct().count() == 2
    assert SocialPage.objects.get(handle="slow").consecutive_failures == 2
    assert faulty_telegram["gone"] == 1  # a page found gone is not asked about again
    assert second.pages_skipped == 1
