"""The report email, served from the history, reads on a phone: no wider than the 390 px screen; the
subscription page reads at 1280 and 390 px."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mailings.models import ReportDelivery
from mailings.services import reports_send, subscription_create
from tests.browser.conftest import login
from tests.mailings.conftest import MONDAY, NAMES, union_data  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "/tmp/unionportal-screens"))


def _width(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_the_report_email_fits_a_phone_screen(phone_page, live_server, cast, union_data):  # noqa: F811
    subscription_create(user=cast.territorial_admin, frequency="weekly", scope=None)
    reports_send(frequency="weekly", today=MONDAY)
    delivery = ReportDelivery.objects.get()
    login(phone_page, live_server, "tpo")
    phone_page.goto(f"{live_server.url}/mailings/history/")
    phone_page.click(f"a[href='/mailings/history/{delivery.pk}/']")
    phone_page.wait_for_selector("text=Подписчики по сетям")
    assert NAMES["vao"] in phone_page.content()
    assert _width(phone_page) <= 390
    SHOTS.mkdir(parents=True, exist_ok=True)
    phone_page.screenshot(path=str(SHOTS / "mailings-email-390.png"), full_page=True)


@pytest.mark.parametrize("fixture", ["page", "phone_page"])
def test_the_subscription_page_reads_on_desktop_and_phone(request, fixture, live_server, cast, union_data):  # noqa: F811
    page = request.getfixturevalue(fixture)
    login(page, live_server, "info")
    page.goto(f"{live_server.url}/orgs/profile/")
    page.click("#profile-mailings")
    page.select_option("#id_frequency", "monthly")
    page.click("#subscribe-form button[type=submit]")
    page.wait_for_selector("#subscriptions >> text=ежемесячно")
    assert page.is_visible("#group-form")
    button = page.locator("#subscriptions button").bounding_box()
    assert button["x"] + button["width"] <= page.viewport_size["width"]  # «Отписаться» is on screen
    width = page.viewport_size["width"]
    assert _width(page) <= width
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"mailings-subscriptions-{width}.png"), full_page=True)
