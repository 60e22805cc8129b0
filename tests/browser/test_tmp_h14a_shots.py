from __future__ import annotations

import datetime as dt

import pytest

from tests.browser.conftest import login
from tests.socialstats.growth_data import bulk_pages

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_shots(page, phone_page, live_server, cast, tree):
    bulk_pages(tree.vao, 120, days=[dt.date(2024, 1, 31), dt.date(2024, 2, 20)], prefix="shot")
    for view, width in ((page, 1280), (phone_page, 390)):
        login(view, live_server, "info")
        for grouping, sort in (("page", "-change_pct"), ("org", "at_b")):
            view.goto(
                f"{live_server.url}/stats/growth/?a=31.01.2024&b=29.02.2024&grouping={grouping}&sort={sort}&page=2"
            )
            view.wait_for_selector("#growth-table")
            view.screenshot(path=f"/tmp/h14a-{grouping}-{width}.png", full_page=width == 1280)
