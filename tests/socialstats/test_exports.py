"""Every table the portal shows downloads as XLSX and CSV for handing on: a territorial admin's export holds their
territory only (the page's scope and filters, every row, not one page of them), Russian headers, typed numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from socialstats.models import PrintPublication, PublicationKind, Website, WebsiteStat
from tests.socialstats.test_growth_rules import make_page, snap

TODAY = timezone.localdate()
A, B = TODAY - dt.timedelta(days=40), TODAY - dt.timedelta(days=1)
PERIOD = {"a": f"{A:%d.%m.%Y}", "b": f"{B:%d.%m.%Y}"}
OLD_POST = timezone.now() - dt.timedelta(days=90)  # a silent page


@pytest.fixture
def data(tree):
    tree.vao.members_count = 2000
    tree.vao.save(update_fields=["members_count"])
    vao = make_page(tree.vao, "vao-news")
    school = make_page(tree.vao_p1, "school-one", "telegram")
    zao = make_page(tree.zao, "zao-news")
    for page, at_a, at_b in ((vao, 100, 150), (school, 20, 30), (zao, 1000, 1100)):
        snap(page, A, at_a)
        snap(page, B, at_b, last_post_at=OLD_POST, posts_counted=10, likes=40, comments=5, reposts=5, posts_30d=8)
    # Sixty more pages in the territory: the export carries every row, the page shows 50.
    for number in range(60):
        snap(make_page(tree.vao_p2, f"p{number}"), B, number + 1)
    return tree


def _get(client, url: str, params: dict, fmt: str):
    response = client.get(url, {**params, "format": fmt})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment; ")
    return response


def _workbook(client, url: str, params: dict | None = None):
    response = _get(client, url, params or {}, "xlsx")
    return load_workbook(io.BytesIO(response.content)), response


def _csv(client, url: str, params: dict | None = None) -> list[list[str]]:
    content = _get(client, url, params or {}, "csv").content
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def _values(sheet) -> list[list]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def _assert_handed_on(sheet) -> None:
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref
    assert all(any("а" <= ch.lower() <= "я" for ch in str(cell.value)) for cell in sheet[1])  # Russian headers


def _file_name(response) -> str:
    return unquote(response["Content-Disposition"].split("filename*=UTF-8''")[1])


@pytest.mark.parametrize("grouping", ["page", "org", "territorial", "network"])
def test_the_growth_table_exports_in_every_grouping_for_the_users_scope(client, cast, data, grouping):
    client.force_login(cast.territorial_admin)
    workbook, response = _workbook(client, "/stats/growth/", {**PERIOD, "grouping": grouping})
    sheet = workbook.active
    _assert_handed_on(sheet)
    assert _file_name(response) == f"Прирост подписчиков ВАО {PERIOD['a']}–{PERIOD['b']}.xlsx"
    rows = _values(sheet)
    assert rows[0][5] == f"Подписчики на {PERIOD['a']}"
    assert not any("zao-news" in str(cell) or cell == "ЗАО" for row in rows for cell in row)
    total = rows[-1]
    assert total[0] == "Итого" and total[9] == 60 + sum(range(1, 61)) and sheet.cell(sheet.max_row, 10).data_type == "n"
    if grouping == "page":
        assert len(rows) == 1 + 62 + 2 + 1  # header, every page (not the first 50), two networks' subtotals, total
        vao = next(row for row in rows if row[0] == "vao-news")
        assert vao[7] == 150 and vao[10] == pytest.approx(0.5)
        assert sheet.cell(rows.index(vao) + 1, 11).number_format == "0.0%"
    csv_rows = _csv(client, "/stats/growth/", {**PERIOD, "grouping": grouping})
    assert csv_rows[-1][0] == "Итого" and csv_rows[-1][9] == str(total[9])


def test_the_printed_layout_exports_its_rows_and_total(client, cast, data):
    client.force_login(cast.territorial_admin)
    workbook, _response = _workbook(client, "/stats/growth/printed/", PERIOD)
    sheet = workbook.active
    _assert_handed_on(sheet)
    rows = _values(sheet)
    assert rows[0][:3] == ["Территориальная организация", "Первичных организаций", f"ВКонтакте: на {PERIOD['a']}"]
    assert [row[0] for row in rows[1:]] == ["ВАО", "Итого"]
    assert rows[1][1] == 2 and isinstance(rows[1][2], int)
    assert _csv(client, "/stats/growth/printed/", PERIOD)[-1][0] == "Итого"


def test_the_engagement_export_has_both_tables(client, cast, data):
    client.force_login(cast.territorial_admin)
    workbook, _response = _workbook(client, reverse("socialstats:engagement"))
    assert workbook.sheetnames == ["По организациям", "Страницы"]
    pages = workbook["Страницы"]
    _assert_handed_on(pages)
    rows = _values(pages)
    assert rows[0][:4] == ["Страница", "Сеть", "Организация", "Подписчики"]
    vao = next(row for row in rows if row[0] == "vao-news")
    assert vao[3] == 150 and vao[4] == pytest.approx(5 / 150)  # (40+5+5)/10 per post ÷ 150 subscribers
    assert pages.cell(rows.index(vao) + 1, 5).number_format == "0.00%"
    assert isinstance(vao[7], dt.datetime) and vao[7].date() == timezone.localdate(OLD_POST)
    assert not any(row[0] == "zao-news" for row in rows)
    text = _csv(client, reverse("socialstats:engagement"))
    assert text[0] == ["По организациям"] and ["Страницы"] in text


def test_the_silent_pages_export_lists_the_silent_and_the_failing(client, cast, data):
    data_page = make_page(data.vao, "failing-one", consecutive_failures=4, last_error="Сеть не ответила")
    client.force_login(cast.territorial_admin)
    workbook, _response = _workbook(client, reverse("socialstats:silent"))
    silent, failing = workbook.worksheets
    _assert_handed_on(silent)
    rows = _values(silent)
    assert rows[0] == [
        "Территориальная организация",
        "Страница",
        "Организация",
        "Сеть",
        "Последний пост",
        "Дней без постов",
    ]
    by_page = {row[1]: row for row in rows[1:]}
    assert len(by_page) == 62 and "zao-news" not in by_page  # posts 90 days ago, or none at all
    days = (timezone.localdate() - timezone.localdate(OLD_POST)).days  # 90, or 91 across a Moscow midnight
    assert by_page["vao-news"][4].date() == timezone.localdate(OLD_POST) and by_page["vao-news"][5] == days
    assert by_page["p0"][4] is None and by_page["p0"][5] is None
    assert _values(failing)[1][:4] == [data_page.display_name, "ВКонтакте", "ВАО", 4]


def test_the_reach_export_has_the_share_as_a_percent(client, cast, data):
    client.force_login(cast.territorial_admin)
    workbook, response = _workbook(client, reverse("socialstats:reach"))
    sheet = workbook.active
    _assert_handed_on(sheet)
    rows = _values(sheet)
    assert rows[0][0] == "Организация" and rows[0][2] == "Члены профсоюза"
    assert rows[1][:3] == ["ВАО", 150 + 30 + sum(range(1, 61)), 2000]
    assert rows[1][3] == pytest.approx((150 + 30 + sum(range(1, 61))) / 2000) and sheet["D2"].number_format == "0.0%"
    assert rows[-1][0] == "Всего"
    assert _file_name(response).startswith("Охват ВАО ")


def test_the_dashboard_figures_export(client, cast, data):
    client.force_login(cast.territorial_admin)
    workbook, _response = _workbook(client, reverse("socialstats:dashboard"), {"on": f"{B:%d.%m.%Y}"})
    assert workbook.sheetnames[:2] == ["Показатели", "Лидеры"]
    figures = {row[0]: row[1] for row in _values(workbook["Показатели"])[1:]}
    assert figures["На дату"].date() == B
    assert figures["Подписчики"] == 150 + 30 + sum(range(1, 61))
    leaders = _values(workbook["Лидеры"])
    assert leaders[1][:3] == ["Больше всего подписчиков", 1, "vao-news"] and leaders[1][5] == 150
    assert _csv(client, reverse("socialstats:dashboard"))[0] == ["Показатели"]


def test_the_registry_exports_for_people_and_keeps_the_import_format(client, cast, data):
    client.force_login(cast.territorial_admin)
    url = reverse("socialstats:page_list")
    workbook, response = _workbook(client, url, {"network": "telegram"})
    sheet = workbook.active
    _assert_handed_on(sheet)
    rows = _values(sheet)
    assert rows[0] == [
        "Организация",
        "Соцсеть",
        "Страница",
        "Адрес",
        "Кто ведёт",
        "Официальная",
        "Статус",
        "Подписчики",
        "На дату",
    ]
    assert len(rows) == 2 and rows[1][1] == "Telegram" and rows[1][7] == 30 and rows[1][8].date() == B
    assert _file_name(response).startswith("Реестр страниц ")
    assert len(_values(_workbook(client, url)[0].active)) == 1 + 62  # every page, not the first 50
    body = client.get(url).content.decode()
    assert "Скачать в формате импорта (CSV)" in body and "format=xlsx" in body
    import_rows = list(csv.reader(io.StringIO(client.get(url, {"export": "csv"}).content.decode("utf-8-sig"))))
    assert import_rows[0][:3] == ["organisation", "network", "url"]


def test_the_websites_and_print_exports_are_typed(client, cast, tree):
    site = Website.objects.create(organisation=tree.vao, url="https://vao.example.org")
    WebsiteStat.objects.create(
        website=site, period_start=dt.date(2018, 1, 1), period_end=dt.date(2022, 2, 28), materials=2142
    )
    Website.objects.create(organisation=tree.zao, url="https://zao.example.org")
    PrintPublication.objects.create(
        organisation=tree.vao, title="Вестник", kind=PublicationKind.NEWSPAPER, print_run=1500
    )
    client.force_login(cast.territorial_admin)
    sites = _workbook(client, reverse("socialstats:website_registry"))[0].active
    _assert_handed_on(sites)
    rows = _values(sites)
    assert len(rows) == 2 and rows[1][1] == "https://vao.example.org"
    assert rows[0][-5] == "Период с" and rows[1][-5].date() == dt.date(2018, 1, 1) and rows[1][-3] == 2142
    prints = _workbook(client, reverse("socialstats:publication_registry"))[0].active
    _assert_handed_on(prints)
    assert _values(prints)[1][2:6] == ["Вестник", "Газета", None, 1500]
