from __future__ import annotations

import pytest

from socialstats.models import Snapshot, SocialPage
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_primary_admin_adds_a_page_by_pasting_a_link_and_enters_a_snapshot(page, live_server, cast, tree):
    login(page, live_server, "ppo")
    page.click("text=Добавить страницу")
    page.select_option("#id_organisation", str(tree.vao_p1.pk))
    page.fill("#id_url", "https://m.vk.com/public777")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Внести замер")
    assert "https://vk.com/club777" in page.content()
    page.click("text=Внести замер")
    page.fill("#id_date", "2026-11-01")  # a date input takes ISO; the page shows it the Russian way
    page.fill("#id_subscribers", "1 234")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=01.11.2026")
    snapshot = Snapshot.objects.get()
    assert (snapshot.page.handle, snapshot.subscribers) == ("club777", 1234)


def test_the_registry_fits_a_phone_screen(phone_page, live_server, cast, tree):
    SocialPage.objects.create(organisation=tree.vao_p1, network="vk", url="https://vk.com/school1", handle="school1")
    login(phone_page, live_server, "ppo")
    phone_page.goto(f"{live_server.url}/stats/pages/")
    assert "school1" in phone_page.content()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page is {width}px wide on a 390px screen"
