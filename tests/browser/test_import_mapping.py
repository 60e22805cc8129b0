"""The import's mapping step on a phone: a file whose organisation column nobody recognises is mapped with a
select, then previewed and imported; the steps fit a 390 px screen."""

from __future__ import annotations

import os

import pytest

from socialstats.models import WebsiteStat
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FILE = "Кто;Количество опубликованных материалов;Число посетителей\nВАО;310;4 777\nЗАО;52;1 463\n"
SHOTS = os.environ.get("SCREENSHOT_DIR")  # set it to keep screenshots of each step


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page is {width}px wide on a 390px screen"


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_mapping_step_works_on_a_phone(phone_page, live_server, cast, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = phone_page
    login(page, live_server, "info")
    page.goto(f"{live_server.url}/stats/websites/import/")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "003.csv",
                "mimeType": "text/csv",
                "buffer": FILE.encode(),
            }
        ],
    )
    page.fill("#id_period_start", "2018-01-01")
    page.fill("#id_period_end", "2022-02-28")
    page.check("#id_create_missing")
    _fits(page)
    _shot(page, "import-upload-390")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Что в каком столбце?")
    _fits(page)
    _shot(page, "import-mapping-390")
    assert page.input_value("#id_column_1") == "materials"  # recognised columns come preselected
    page.select_option("#id_column_0", "organisation")
    page.click("form.mapping-form button[type=submit]")
    page.wait_for_selector("text=Предпросмотр")
    _fits(page)
    _shot(page, "import-preview-390")
    assert not WebsiteStat.objects.exists()
    page.click("text=Подтвердить загрузку")
    page.wait_for_selector("text=Файл импортирован")
    assert sorted(WebsiteStat.objects.values_list("materials", "visitors")) == [(52, 1463), (310, 4777)]
