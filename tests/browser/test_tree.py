from __future__ import annotations

import pytest

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_territorial_admin_logs_in_and_browses_the_tree(page, live_server, cast, tree):
    login(page, live_server, "tpo")
    assert "Администратор ТПО" in page.content()
    page.click("text=Открыть дерево организаций")
    page.wait_for_selector("#org-tree")
    assert "ЗАО" not in page.inner_text("#org-tree")
    page.click("#org-tree summary")  # expand ВАО: children load on demand
    page.wait_for_selector("text=ППО Школа 2")
    page.click("text=ППО Школа 2")
    page.wait_for_selector("h1")
    assert page.inner_text("h1").startswith("ППО Школа 2")
    page.goto(f"{live_server.url}/orgs/{tree.zao.pk}/")
    assert "Не найдено" in page.content()


def test_tree_works_in_a_phone_sized_window(phone_page, live_server, cast, tree):
    login(phone_page, live_server, "tpo")
    phone_page.goto(f"{live_server.url}/orgs/?q=Школа")
    assert "ППО Школа 1" in phone_page.content()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page is {width}px wide on a 390px screen"
