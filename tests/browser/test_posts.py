"""The posts reports in the browser with the demo's posts: the heat maps and the kinds chart draw under the CSP,
the page screen draws its subscribers chart, and no page widens a phone's screen."""

from __future__ import annotations

import os

import pytest

from orgs.models import Role
from socialstats.models import SocialPage
from tests.browser.conftest import login
from tests.factories import UserFactory, assign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH_JS = "() => document.documentElement.scrollWidth"


def shot(page, name: str) -> None:
    """Keep a screenshot when SCREENSHOT_DIR is set (for looking at the pages by eye)."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


def test_posts_reports_draw_their_charts_and_fit_a_phone(page, phone_page, live_server):
    from orgs.models import Organisation
    from unionportal.demo import demo_load

    demo_load()
    officer = UserFactory(username="posts-officer")
    assign(officer, Role.INFO_OFFICER, Organisation.objects.get(depth=1))
    demo_page = SocialPage.objects.get(handle="demo_ppo_vao_1", network="vk")
    urls = [
        ("posts-top", "/stats/posts/", "#posts-table"),
        ("posts-hours", "/stats/posts/hours/", "#heat-engagement .chart svg"),
        ("posts-frequency", "/stats/posts/frequency/", "#frequency-table"),
        ("posts-kinds", "/stats/posts/kinds/", "#kinds-chart .chart svg"),
        ("page-posts", f"/stats/pages/{demo_page.pk}/posts/", "#chart-series .chart svg"),
    ]
    for browser_page, width in ((page, 1280), (phone_page, 390)):
        errors: list[str] = []
        browser_page.on(
            "console", lambda message, errors=errors: message.type == "error" and errors.append(message.text)
        )
        login(browser_page, live_server, "posts-officer")
        browser_page.set_default_timeout(60_000)
        for name, url, selector in urls:
            browser_page.goto(f"{live_server.url}{url}")
            browser_page.wait_for_selector(selector, state="attached")
            if width == 390:
                assert browser_page.evaluate(WIDTH_JS) <= 390, name
            shot(browser_page, f"{name}-{width}")
        assert errors == []
    page.goto(f"{live_server.url}/stats/pages/{demo_page.pk}/posts/")
    assert page.locator("#heat-engagement .chart svg.main-svg").count() >= 1
    assert "удалена" in page.content()
