"""One browser test per defect a person met on screen (issue «Every screen, every role, phone and desktop»)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from contests import services as contest_services
from contests.models import Contest
from socialstats.models import Snapshot, SnapshotSource, SocialPage, Website
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_with_history(organisation, handle: str, values: dict[dt.date, int], **fields) -> SocialPage:
    page = SocialPage.objects.create(
        organisation=organisation, network="vk", url=f"https://vk.com/{handle}", handle=handle, **fields
    )
    Snapshot.objects.bulk_create(
        Snapshot(page=page, date=day, subscribers=value, source=SnapshotSource.API) for day, value in values.items()
    )
    return page


def test_contest_edit_form_shows_its_dates_and_saves_unchanged(page, live_server, cast, tree):
    contest = contest_services.contest_create(
        title="Конкурс",
        scope=tree.union,
        level="territorial",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
    )
    login(page, live_server, "info")
    page.goto(f"{live_server.url}/contests/{contest.pk}/edit/")
    assert page.input_value("#id_period_start") == "2026-01-01"
    assert page.input_value("#id_period_end") == "2026-03-31"
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(".errorlist").count() == 0
    contest.refresh_from_db()
    assert (contest.period_start, contest.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def test_dashboard_and_growth_charts_draw_their_svg_without_console_errors(page, live_server, cast, tree):
    today = timezone.localdate()
    _page_with_history(tree.vao, "vao-news", {today - dt.timedelta(days=60): 100, today: 180})
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    login(page, live_server, "info")
    page.set_default_timeout(60_000)  # plotly.min.js is 4 MB, served by the test server
    for path in ("/stats/dashboard/", "/stats/growth/charts/"):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_selector(".chart svg", state="attached")
        assert page.evaluate("Array.from(document.querySelectorAll('.chart')).every(c => c.querySelector('svg'))")
    assert errors == []


def test_home_page_counts_active_pages_in_russian(page, live_server, cast, tree):
    _page_with_history(tree.vao, "vao-news", {timezone.localdate(): 10})
    login(page, live_server, "tpo")
    text = page.inner_text("main")
    assert "1 активная страница в ваших организациях." in text
    assert "active page" not in text


def test_history_speaks_russian_with_field_labels_and_local_time(page, live_server, cast, tree):
    social_page = _page_with_history(tree.vao, "vao_news", {timezone.localdate(): 10}, title="Старое имя")
    login(page, live_server, "tpo")  # territorial admins read the history of their own scope
    page.goto(f"{live_server.url}/stats/pages/{social_page.pk}/edit/")
    page.fill("#id_title", "Новое имя")
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    page.goto(f"{live_server.url}/stats/pages/{social_page.pk}/")
    page.click("text=История изменений")
    text = page.inner_text("main")
    assert "Изменение" in text and "Название" in text and "Старое имя → Новое имя" in text
    for raw in ("update", "create", "title:", "None", "+00:00"):
        assert raw not in text


def test_not_found_is_the_portals_russian_page_also_under_debug(page, live_server, cast, tree, settings):
    settings.DEBUG = True
    login(page, live_server, "ppo")
    response = page.goto(f"{live_server.url}/orgs/{tree.zao.pk}/")
    assert response.status == 404
    assert page.inner_text("h1") == "Не найдено"
    assert page.locator("header.top .brand").inner_text() == "ПрофПортал"


def test_primary_admin_sees_no_link_to_organisations_outside_the_scope(page, live_server, cast, tree):
    login(page, live_server, "ppo")
    page.goto(f"{live_server.url}/orgs/{tree.vao_p1.pk}/")
    crumbs = page.locator("main > p.muted").first
    assert "ВАО" in crumbs.inner_text()
    for href in crumbs.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        assert page.request.get(f"{live_server.url}{href}").status == 200


def test_contest_management_and_websites_page_fit_a_phone(phone_page, live_server, cast, tree):
    contest_services.contest_create(
        title="Конкурс",
        scope=tree.union,
        level="territorial",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
    )
    Website.objects.create(organisation=tree.vao, url="https://vao.example.org/a/very/long/address/of/the/site/")
    login(phone_page, live_server, "info")
    contest = Contest.objects.get()
    for path in (f"/contests/{contest.pk}/", f"/stats/org/{tree.vao.pk}/resources/"):
        phone_page.goto(f"{live_server.url}{path}")
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390, path
    assert phone_page.locator("header.top").bounding_box()["height"] < 100  # the compact menu


def test_registry_table_keeps_each_pages_name_in_view_on_a_phone(phone_page, live_server, cast, tree):
    _page_with_history(tree.vao, "vao-news", {timezone.localdate(): 10}, title="Новости ВАО")
    login(phone_page, live_server, "info")
    phone_page.goto(f"{live_server.url}/stats/pages/")
    name = phone_page.locator("table tbody tr a", has_text="Новости ВАО").bounding_box()
    assert name["x"] >= 0 and name["x"] + name["width"] <= 390  # a card per page (test_table_layouts.py)
