"""The export links on every report and registry page: in view at 1280 and 390 px, and they download a workbook."""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tests.browser.conftest import login
from tests.socialstats.test_growth_rules import make_page, snap

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/stats/growth/",
    "/stats/growth/printed/",
    "/stats/dashboard/",
    "/stats/engagement/",
    "/stats/silent/",
    "/stats/reach/",
    "/stats/pages/",
    "/stats/websites/",
    "/stats/print/",
]
# Screenshots for a person to look at: set EXPORT_SCREENS_DIR to keep them.
SCREENS = os.environ.get("EXPORT_SCREENS_DIR")

_LINKS_JS = """
() => Array.from(document.querySelectorAll('#export-xlsx, #export-csv')).map(link => {
  const box = link.getBoundingClientRect();
  return {right: box.right, width: box.width, visible: box.width > 0 && box.height > 0};
})
"""


@pytest.fixture
def pages(tree):
    today = timezone.localdate()
    for organisation, handle, values in (
        (tree.vao, "vao-news", (100, 150)),
        (tree.vao_p1, "school-one", (20, 30)),
        (tree.zao, "zao-news", (1000, 1100)),
    ):
        page = make_page(organisation, handle)
        snap(page, today - dt.timedelta(days=40), values[0])
        snap(page, today - dt.timedelta(days=1), values[1], posts_counted=10, likes=40, comments=5, reposts=5)


@pytest.mark.parametrize("width", [1280, 390])
def test_every_page_shows_its_export_links_inside_the_screen(browser, live_server, cast, pages, width):
    context = browser.new_context(
        locale="ru-RU", viewport={"width": width, "height": 900}, is_mobile=width < 600, has_touch=width < 600
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        login(page, live_server, "tpo")
        for path in PAGES:
            page.goto(live_server.url + path)
            links = page.evaluate(_LINKS_JS)
            assert len(links) == 2, path
            assert all(link["visible"] and link["right"] <= width for link in links), (path, links)
            assert page.inner_text("#export-xlsx") == "Скачать XLSX"
            if width < 600:
                assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, path
            if SCREENS:
                target = Path(SCREENS) / f"{path.strip('/').replace('/', '-')}-{width}.png"
                target.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(target), full_page=False)
    finally:
        context.close()


def test_the_engagement_link_downloads_the_territorys_workbook(page, live_server, cast, pages):
    login(page, live_server, "tpo")
    page.goto(live_server.url + "/stats/engagement/")
    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    download = download_info.value
    assert download.suggested_filename.startswith("Вовлечённость ВАО ")
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = list(workbook["Страницы"].iter_rows(values_only=True))
    assert rows[0][0] == "Страница"
    assert {row[0] for row in rows[1:]} == {"vao-news", "school-one"}
