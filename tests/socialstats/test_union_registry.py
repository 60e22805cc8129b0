"""The registry across the union: every website with its latest period (sortable) and every print title
grouped by level, in the user's scope, with XLSX and CSV exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse

from socialstats.models import PrintPublication, PublicationKind, Website, WebsiteStat


def _site(organisation, url, materials, visitors=None, *, start=dt.date(2018, 1, 1), end=dt.date(2022, 2, 28)):
    site = Website.objects.create(organisation=organisation, url=url, checklist={"decisions": True})
    WebsiteStat.objects.create(website=site, period_start=start, period_end=end, materials=materials, visitors=visitors)
    return site


@pytest.fixture
def sites(tree):
    vao = _site(tree.vao, "https://vao.example.org", 310, 4777)
    # An older period of the same site: the page shows the latest one.
    WebsiteStat.objects.create(
        website=vao, period_start=dt.date(2017, 1, 1), period_end=dt.date(2017, 12, 31), materials=9999
    )
    _site(tree.zao, "https://zao.example.org", 2142, 6741)
    _site(tree.vao_p1, "https://school1.example.org", 52)
    Website.objects.create(organisation=tree.zao_p1, url="")  # no figures yet, address unknown
    return tree


def test_the_websites_page_lists_the_scope_with_the_latest_period_leaders_first(client, cast, sites):
    client.force_login(cast.info_officer)
    response = client.get(reverse("socialstats:website_registry"))
    rows = list(response.context["table"].rows)
    assert [row.record.url for row in rows] == [
        "https://zao.example.org",
        "https://vao.example.org",
        "https://school1.example.org",
        "",
    ]
    body = response.content.decode()
    assert "2\u00a0142" in body and "9\u00a0999" not in body and "01.01.2018–28.02.2022" in body
    assert "адрес неизвестен" in body


def test_the_websites_page_sorts_by_a_column(client, cast, sites):
    client.force_login(cast.info_officer)
    response = client.get(reverse("socialstats:website_registry"), {"sort": "latest_visitors"})
    urls = [row.record.url for row in response.context["table"].rows if row.record.latest_visitors]
    assert urls == ["https://vao.example.org", "https://zao.example.org"]


def test_a_territorial_admin_sees_only_the_websites_of_their_subtree(client, cast, sites):
    client.force_login(cast.territorial_admin)
    response = client.get(reverse("socialstats:website_registry"))
    assert {row.record.url for row in response.context["table"].rows} == {
        "https://vao.example.org",
        "https://school1.example.org",
    }


def test_an_organisation_outside_the_scope_answers_404(client, cast, sites):
    client.force_login(cast.territorial_admin)
    for name in ("socialstats:website_registry", "socialstats:publication_registry"):
        assert client.get(reverse(name), {"org": sites.zao.pk}).status_code == 404
        assert client.get(reverse(name), {"org": "abc"}).status_code == 200  # a bad value is ignored


def test_the_registry_pages_need_a_login(client, sites):
    for name in ("socialstats:website_registry", "socialstats:publication_registry"):
        assert client.get(reverse(name)).status_code == 302


def test_the_websites_export_has_russian_headers_and_excel_csv(client, cast, sites):
    client.force_login(cast.info_officer)
    response = client.get(reverse("socialstats:website_registry"), {"export": "csv"})
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:2] == ["Организация", "Сайт"] and rows[0][-3:] == [
        "Опубликовано материалов",
        "Посетители",
        "Просмотры",
    ]
    assert rows[1][-5:] == ["01.01.2018", "28.02.2022", "2142", "6741", ""]
    response = client.get(reverse("socialstats:website_registry"), {"export": "xlsx"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Организация" and sheet.freeze_panes == "A2"
    assert sheet.cell(row=2, column=sheet.max_column - 2).value == 2142


def test_a_formula_in_a_title_is_exported_as_text(client, cast, tree):
    Website.objects.create(organisation=tree.vao, url="https://f.example.org", title="=HYPERLINK(1)")
    client.force_login(cast.info_officer)
    text = client.get(reverse("socialstats:website_registry"), {"export": "csv"}).content.decode()
    assert "'=HYPERLINK(1)" in text
    from openpyxl import load_workbook

    content = client.get(reverse("socialstats:website_registry"), {"export": "xlsx"}).content
    cell = load_workbook(io.BytesIO(content)).active["C2"]
    assert cell.value == "=HYPERLINK(1)" and cell.data_type == "s"


@pytest.mark.parametrize("count", [3, 30])
def test_the_websites_page_makes_the_same_queries_whatever_the_number_of_sites(
    client, cast, tree, count, django_assert_max_num_queries
):
    for number in range(count):
        _site(tree.vao_p1, f"https://s{number}.example.org", number)
    client.force_login(cast.info_officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("socialstats:website_registry")).status_code == 200


@pytest.fixture
def publications(tree):
    PrintPublication.objects.create(
        organisation=tree.union, title="Профсоюзный вестник", kind=PublicationKind.NEWSPAPER, issues_per_year=12
    )
    PrintPublication.objects.create(
        organisation=tree.vao, title="Металлист-инфо", kind=PublicationKind.MAGAZINE, issues_per_year=2
    )
    PrintPublication.objects.create(
        organisation=tree.vao_p1, title="Школьная", kind=PublicationKind.OTHER, print_run=1500
    )
    return tree


def test_the_print_page_groups_titles_by_level(client, cast, publications):
    client.force_login(cast.info_officer)
    body = client.get(reverse("socialstats:publication_registry")).content.decode()
    union, territorial, primary = (body.index(title) for title in ("Профсоюзный вестник", "Металлист-инфо", "Школьная"))
    assert union < territorial < primary
    assert "Территориальная организация" in body and "1\u00a0500" in body


def test_the_print_export_has_russian_headers(client, cast, publications):
    client.force_login(cast.info_officer)
    text = client.get(reverse("socialstats:publication_registry"), {"export": "csv"}).content.decode()
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0] == ["Уровень", "Организация", "Название", "Вид", "Выпусков в год", "Тираж", "Выходит"]
    assert rows[2][2:5] == ["Металлист-инфо", "Журнал", "2"]


@pytest.mark.parametrize("count", [2, 20])
def test_the_print_page_makes_the_same_queries_whatever_the_number_of_titles(
    client, cast, tree, count, django_assert_max_num_queries
):
    for number in range(count):
        PrintPublication.objects.create(organisation=tree.vao_p1, title=f"T{number}", kind=PublicationKind.OTHER)
    client.force_login(cast.info_officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("socialstats:publication_registry")).status_code == 200


def test_the_menu_links_to_the_registry_pages(client, cast, tree):
    client.force_login(cast.primary_admin)
    body = client.get(reverse("home")).content.decode()
    assert reverse("socialstats:website_registry") in body and reverse("socialstats:publication_registry") in body
