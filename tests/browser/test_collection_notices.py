"""The MAX admin instruction and a silent network, as information staff see them in the browser."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from socialstats.models import CollectionRun, RunStatus, SocialPage
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name: str) -> None:
    """Keep a screenshot when SCREENSHOT_DIR is set (for looking at the pages by eye)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_info_staff_see_which_max_channels_need_the_bot_and_which_network_is_silent(
    page, live_server, cast, tree, settings
):
    settings.MAX_BOT_NAME = "@union_stats_bot"
    channel = SocialPage.objects.create(
        organisation=tree.vao_p1,
        network="max",
        url="https://max.ru/school1_news",
        handle="school1_news",
        needs_bot_admin=True,
    )
    for day in (1, 2, 3):
        CollectionRun.objects.create(
            network="telegram", for_date=dt.date(2027, 4, day), trigger="nightly", status=RunStatus.FAILED
        )
    login(page, live_server, cast.info_officer.username)

    page.goto(f"{live_server.url}/stats/collection/")
    assert "Telegram не отвечает 3 ночи подряд" in page.inner_text("#not-answering")
    assert "добавьте бота @union_stats_bot в администраторы канала" in page.inner_text("#needing-bot")
    shot(page, "collection")

    page.click("#needing-bot >> text=school1_news")
    page.wait_for_url(f"{live_server.url}/stats/pages/{channel.pk}/")
    assert "добавьте бота @union_stats_bot в администраторы канала" in page.inner_text("#needs-bot-admin")
    shot(page, "max_page")

    page.goto(f"{live_server.url}/stats/dashboard/")
    assert "Telegram не отвечает 3 ночи подряд" in page.inner_text(".network-down")
    shot(page, "dashboard")
