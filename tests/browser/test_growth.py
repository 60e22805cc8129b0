"""A territorial admin opens the growth page, changes the dates, exports XLSX: the file's totals are the page's."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from socialstats.models import Snapshot, SocialPage
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_with_history(organisation, handle: str, values: dict[dt.date, int]) -> None:
    page = SocialPage.objects.create(
        organisation=organisation, network="vk", url=f"https://vk.com/{handle}", handle=handle, title=handle
    )
    Snapshot.objects.bulk_create(
        Snapshot(page=page, date=day, subscribers=value, source="api") for day, value in values.items()
    )


def test_territorial_admin_changes_dates_and_the_xlsx_totals_match_the_page(page, live_server, cast, tree):
    jan, feb, mar = dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 31)
    _page_with_history(tree.vao, "vao-news", {jan: 100, feb: 140, mar: 200})
    _page_with_history(tree.vao_p1, "school-one", {feb: 30, mar: 45})
    _page_with_history(tree.zao, "zao-news", {jan: 1000, mar: 5000})  # another territory: never shown

    login(page, live_server, "tpo")
    page.click("text=Прирост")
    page.wait_for_selector("#report-form")
    page.fill("#id_a", "31.01.2024")
    page.fill("#id_b", "31.03.2024")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#growth-total")
    assert "zao-news" not in page.content()
    total = page.locator("#growth-total td")
    at_a, at_b, change = (int(total.nth(index).get_attribute("data-value")) for index in (3, 4, 5))
    assert (at_a, at_b, change) == (100, 245, 145)
    assert "новая" in page.inner_text("#growth-table")

    with page.expect_download() as download_info:
        page.click("#export-xlsx")
    download = download_info.value
    assert download.suggested_filename == "Прирост подписчиков ВАО 31.01.2024–31.03.2024.xlsx"
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    last = [cell.value for cell in sheet[sheet.max_row]]
    assert last[0] == "Итого"
    assert (last[5], last[7], last[9]) == (at_a, at_b, change)
