"""Under the Content-Security-Policy the charts still draw: no inline script, no violation reported."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from socialstats.models import Snapshot, SocialPage
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/unionportal-screenshots"))


def test_growth_charts_draw_under_the_content_security_policy(page, live_server, cast, tree):
    social = SocialPage.objects.create(
        organisation=tree.vao, network="vk", url="https://vk.com/vao-news", handle="vao-news", title="vao-news"
    )
    Snapshot.objects.bulk_create(
        Snapshot(page=social, date=day, subscribers=value, source="api")
        for day, value in {dt.date(2024, 1, 31): 100, dt.date(2024, 2, 29): 140, dt.date(2024, 3, 31): 200}.items()
    )
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    login(page, live_server, "tpo")
    response = page.goto(f"{live_server.url}/stats/growth/charts/?a=31.01.2024&b=31.03.2024&page={social.pk}")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector("div.chart[data-chart] svg.main-svg")
    assert page.locator("div.chart[data-chart]").count() == 2
    assert page.locator("div.chart[data-chart] svg.main-svg").count() >= 2
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "csp-growth-charts.png"), full_page=True)
    assert violations == []
