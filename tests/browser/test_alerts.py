"""The alerts page (issue 17, point 2) on a desktop and a phone: readable without sideways scroll, and marking an
alert handled through the confirmation page with a required comment."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertKind
from alerts.services import alert_rule_update, alerts_evaluate
from tests.alerts.conftest import make_page, snap
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page, name: str) -> None:
    """Keep a screenshot when SCREENS_DIR is set (to look at the page by eye)."""
    folder = os.environ.get("SCREENS_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.jpeg"), full_page=True, type="jpeg", quality=80)


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_territorial_admin_reads_alerts_and_marks_one_handled(request, live_server, cast, tree, device):
    page = request.getfixturevalue(device)
    today = timezone.localdate()
    for kind in AlertKind:
        alert_rule_update(kind=kind, is_enabled=True, threshold={"subscriber_drop": 10}.get(kind, 3), user=None)
    make_page(tree.vao_p1, "school1_vk_official_page_with_a_long_handle", consecutive_failures=5)
    falling = make_page(tree.vao_p2, "school2")
    snap(falling, today - dt.timedelta(days=7), 1200)
    snap(falling, today, 950, last_post_days_ago=1)
    make_page(tree.zao_p1, "zao", consecutive_failures=4)  # another territory: not on this admin's page
    alerts_evaluate(today=today)

    login(page, live_server, "tpo")
    page.goto(f"{live_server.url}/alerts/")
    listing = page.locator("#alert-list").inner_text()
    assert "сбор не удаётся 5 ночей подряд" in listing
    assert "1\u00a0200 → 950" in listing
    assert "zao (" not in listing
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport + 10, f"the page is {width}px wide on a {viewport}px screen"
    _shot(page, f"alerts-{viewport}")

    page.locator(".alert-subscriber_drop a.button").click()
    page.click("#confirm")  # no comment: the browser or the server refuses
    assert Alert.objects.filter(kind=AlertKind.SUBSCRIBER_DROP, handled_at__isnull=False).count() == 0
    page.fill("#id_comment", "Удалили спам-ботов, отток ожидаемый")
    _shot(page, f"alerts-handle-{viewport}")
    page.click("#confirm")
    page.wait_for_selector("text=Оповещение отмечено как решённое.")
    assert Alert.objects.get(kind=AlertKind.SUBSCRIBER_DROP).comment == "Удалили спам-ботов, отток ожидаемый"

    page.goto(f"{live_server.url}/stats/dashboard/")
    in_vao = Alert.objects.filter(
        organisation__path__startswith=tree.vao.path, handled_at__isnull=True, resolved_at__isnull=True
    ).count()
    assert in_vao < Alert.objects.filter(handled_at__isnull=True).count()  # ZAO's alert is left out
    assert page.locator("#dash-alerts").inner_text() == f"Открытых оповещений: {in_vao}"
    _shot(page, f"alerts-dashboard-{viewport}")


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_information_officer_changes_a_rule_on_the_settings_page(request, live_server, cast, device):
    page = request.getfixturevalue(device)
    login(page, live_server, "info")
    page.goto(f"{live_server.url}/alerts/rules/")
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport + 10, f"the page is {width}px wide on a {viewport}px screen"
    page.fill("#id_silent_page-threshold", "45")
    page.uncheck("#id_below_trend-is_enabled")
    _shot(page, f"alerts-rules-{viewport}")
    page.click("#rules-form button[type=submit]")
    page.wait_for_selector("text=Настройки оповещений сохранены.")
    assert page.input_value("#id_silent_page-threshold") == "45"
    assert not page.is_checked("#id_below_trend-is_enabled")
