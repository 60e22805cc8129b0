"""The union's review and taking a decision back, on a desktop and on a phone; completeness on both."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from news.models import NewsItem, NewsStatus
from tests.browser.conftest import login
from tests.news.conftest import make_item, moscow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    """Screenshots for a person to look at, when NEWS_SCREENS_DIR is set."""
    target = os.environ.get("NEWS_SCREENS_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(target) / f"{name}.png"), full_page=True)


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport + 2, f"the page is {width}px wide on a {viewport}px screen"


def test_information_officer_accepts_then_takes_back_with_a_reason(page, phone_page, live_server, cast, tree):
    import datetime as dt

    item = make_item(tree.vao_p1, dt.date(2026, 10, 1), NewsStatus.ACCEPTED, moscow(2026, 10, 20), title="Субботник")
    NewsItem.objects.filter(pk=item.pk).update(forwarded_to_union=True, forwarded_at=moscow(2026, 10, 21))
    for current, size in ((page, "1280"), (phone_page, "390")):
        login(current, live_server, "info")
        current.goto(f"{live_server.url}/news/{item.pk}/")
        _fits(current)
        _shot(current, f"item-forwarded-{size}")
    page.click("#union-accept")
    page.wait_for_selector("#union-accepted")
    phone_page.reload()
    phone_page.click("#union-unaccept")
    _fits(phone_page)
    _shot(phone_page, "take-back-confirm-390")
    phone_page.click("#confirm")  # without a reason: refused on the page
    assert NewsItem.objects.get(pk=item.pk).union_accepted_at is not None
    phone_page.fill("#id_reason", "Дубль новости ТПО ВАО от 18.10")
    phone_page.click("#confirm")
    phone_page.wait_for_selector("#review-steps")
    assert "Дубль новости ТПО ВАО от 18.10" in phone_page.inner_text("#review-steps")
    assert NewsItem.objects.get(pk=item.pk).union_accepted_at is None
    _fits(phone_page)
    _shot(phone_page, "item-after-take-back-390")
    page.reload()
    _shot(page, "item-after-take-back-1280")


def test_completeness_for_the_presidium_and_a_territory(page, phone_page, live_server, cast, tree):
    from news.months import local_today

    month = local_today().replace(day=1)
    make_item(tree.vao_p1, month, NewsStatus.SUBMITTED, moscow(month.year, month.month, 1))
    login(page, live_server, "presidium")
    page.goto(f"{live_server.url}/news/completeness/")
    assert "МГО Профсоюза" in page.inner_text("#completeness-heading")
    _shot(page, "completeness-presidium-1280")
    login(phone_page, live_server, "tpo")
    phone_page.goto(f"{live_server.url}/news/completeness/")
    assert "ВАО" in phone_page.inner_text("#completeness-heading")
    _fits(phone_page)
    _shot(phone_page, "completeness-territory-390")
    phone_page.click("td.cell a")  # the cell opens the item behind it
    phone_page.wait_for_selector("#news-status")
