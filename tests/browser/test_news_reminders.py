"""The reminders page (issue 13, point 8) on a desktop and a phone: readable, no sideways scroll, and
«Напомнить сейчас» works once a day."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from news.models import ReminderRun
from orgs.models import OrgKind
from tests.browser.conftest import login
from tests.factories import make_org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    """Keep a screenshot when SCREENS_DIR is set (to look at the page by eye)."""
    folder = os.environ.get("SCREENS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.jpeg"), full_page=True, type="jpeg", quality=80)


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_territorial_admin_sees_who_will_be_reminded_and_reminds_once_a_day(request, live_server, cast, tree, device):
    page = request.getfixturevalue(device)
    make_org("ППО Детский сад № 1234 имени очень длинного названия района", OrgKind.PRIMARY, tree.vao)
    login(page, live_server, "tpo")
    page.goto(f"{live_server.url}/news/reminders/")
    plan = page.locator("#reminder-plan")
    assert "ППО Школа 2" in plan.inner_text() and "нет администратора" in plan.inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport + 10, f"the page is {width}px wide on a {viewport}px screen"
    _shot(page, f"reminders-{viewport}")

    page.click("#remind-now button")
    page.wait_for_selector("text=отправляются")
    assert ReminderRun.objects.count() == 1
    assert "ppo@example.org" in page.locator("#reminder-log").inner_text()
    _shot(page, f"reminders-sent-{viewport}")

    assert page.locator("#remind-now button").is_disabled()  # the server refuses a second press too
    assert "уже отправлялись" in page.locator("#remind-now").inner_text()
