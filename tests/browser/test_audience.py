"""Where the audience moved, in the browser: the stacked chart draws, and neither page widens a phone's screen."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from socialstats.models import Snapshot, SocialPage
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH_JS = "() => document.documentElement.scrollWidth"


def shot(page, name: str) -> None:
    """Keep a screenshot when SCREENSHOT_DIR is set (for looking at the pages by eye)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def _page(organisation, network: str, handle: str, values: dict[dt.date, int]) -> None:
    page = SocialPage.objects.create(
        organisation=organisation, network=network, url=f"https://example.org/{network}/{handle}", handle=handle
    )
    Snapshot.objects.bulk_create(
        Snapshot(page=page, date=day, subscribers=value, source="api") for day, value in values.items()
    )


@pytest.fixture
def moved(tree):
    months = [dt.date(2025, 10, 31), dt.date(2025, 11, 30), dt.date(2025, 12, 31), dt.date(2026, 1, 31)]
    months += [dt.date(2026, 2, 28), dt.date(2026, 3, 31)]
    _page(tree.vao, "vk", "vao-vk", dict(zip(months, [500, 505, 510, 512, 515, 520], strict=True)))
    _page(tree.vao_p1, "telegram", "school1-tg", dict(zip(months, [1200, 1150, 1100, 1000, 700, 400], strict=True)))
    _page(tree.vao_p1, "max", "school1-max", dict(zip(months[3:], [50, 300, 650], strict=True)))
    _page(tree.vao_p2, "ok", "school2-ok", dict(zip(months, [80, 82, 85, 85, 90, 95], strict=True)))
    _page(tree.vao_p2, "facebook", "school2-fb", {dt.date(2025, 9, 30): 300})
    return tree


def test_the_stacked_chart_draws_and_the_pages_fit_a_phone(page, phone_page, live_server, cast, moved):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, live_server, "tpo")
    page.set_default_timeout(60_000)  # plotly.min.js is 4 MB, served by the test server
    page.click("text=Прирост")
    page.click("#report-form button[type=submit]")
    page.click("text=Куда перешла аудитория")
    page.select_option("#id_months", "6")
    page.fill("#id_on", "31.03.2026")
    page.click("#audience-form button[type=submit]")
    page.wait_for_selector("#audience-chart .chart svg", state="attached")
    assert page.locator("#audience-chart .chart svg.main-svg").count() >= 1
    assert page.locator("#audience-chart path.js-fill").count() >= 4  # one filled area per network
    table = page.inner_text("#audience-table")
    assert "Facebook (история)" in table and "31.03.2026" in table
    shot(page, "audience-1280")
    page.goto(f"{live_server.url}/stats/growth/?a=31.12.2025&b=31.03.2026&view=transition")
    shot(page, "transition-1280")
    assert errors == []

    login(phone_page, live_server, "tpo")
    phone_page.set_default_timeout(60_000)
    phone_page.goto(f"{live_server.url}/stats/audience/?on=31.03.2026&months=6")
    phone_page.wait_for_selector("#audience-chart .chart svg", state="attached")
    assert phone_page.evaluate(WIDTH_JS) <= 390
    shot(phone_page, "audience-390")
    phone_page.goto(f"{live_server.url}/stats/growth/?a=31.12.2025&b=31.03.2026&view=transition")
    row = phone_page.locator("#transition-table tbody tr", has_text="ППО Школа 1")
    assert "переход" in row.inner_text()
    assert phone_page.evaluate(WIDTH_JS) <= 390
    # A card per organisation: every network's change and the total on screen, nothing to scroll sideways.
    box = phone_page.locator("#transition-table").evaluate("table => table.parentElement.scrollWidth")
    assert box <= 390
    for cell in row.locator("td").all():
        right = cell.evaluate("cell => cell.getBoundingClientRect().right")
        assert cell.is_visible() and right <= 390, cell.inner_text()
    total = row.locator("td").last
    assert total.get_attribute("data-label") == "Итого" and total.inner_text() == "\u221250"
    shot(phone_page, "transition-390")
