"""The shared export writer: typed XLSX cells with formats, frozen header, autofilter, widths; CSV for Russian Excel."""

from __future__ import annotations

import csv
import datetime as dt
import io
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from unionportal.lib.export import Column, Sheet, Typed, content_disposition, export_response, to_csv, to_xlsx

COLUMNS = [
    Column("Организация", width=30),
    Column("Подписчики", "int"),
    Column("Прирост, %", "percent"),
    Column("Дата снимка", "date"),
    Column("Постов в среднем", "float", decimals=2),
]
ROWS = [
    ["ВАО", 1234, 210.1, dt.date(2017, 12, 31), 2.5],
    ['=HYPERLINK("http://evil.example","x")', None, None, None, None],
    ["-12", -5, -3.5, dt.datetime(2018, 4, 20, 22, 30, tzinfo=dt.UTC), 0.0],
]


def _sheet(content: bytes, index: int = 0):
    return load_workbook(io.BytesIO(content)).worksheets[index]


def _csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_the_xlsx_has_a_bold_frozen_header_an_autofilter_and_widths():
    sheet = _sheet(to_xlsx([Sheet("Прирост", COLUMNS, ROWS)]))
    assert sheet.title == "Прирост"
    assert [cell.value for cell in sheet[1]] == [column.header for column in COLUMNS]
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:E4"
    # 30 characters as Excel shows the width (the file stores it with Excel's cell padding: 30.71).
    assert sheet.column_dimensions["A"].width == pytest.approx(30, abs=1)
    # Without a width: from the header and the values, never narrower than the header.
    assert sheet.column_dimensions["B"].width >= len("Подписчики")


def test_the_xlsx_cells_are_typed_with_russian_number_percent_and_date_formats():
    sheet = _sheet(to_xlsx([Sheet("Прирост", COLUMNS, ROWS)]))
    name, number, pct, date, mean = sheet[2]
    assert name.value == "ВАО" and name.data_type == "s"
    assert number.value == 1234 and number.data_type == "n" and number.number_format == "#,##0"
    assert pct.value == pytest.approx(2.101) and pct.number_format == "0.0%"  # a fraction, not 210.1
    assert date.value.date() == dt.date(2017, 12, 31) and date.is_date and date.number_format == "DD.MM.YYYY"
    assert mean.value == 2.5 and mean.number_format == "#,##0.00"
    assert [cell.value for cell in sheet[3]][1:] == [None, None, None, None]
    # An aware datetime is a date in Moscow time: 22:30 UTC is already the next day there.
    assert sheet["D4"].value.date() == dt.date(2018, 4, 21)
    assert sheet["B4"].value == -5 and sheet["C4"].value == pytest.approx(-0.035)


def test_the_xlsx_writes_formula_like_text_as_text():
    sheet = _sheet(to_xlsx([Sheet("Прирост", COLUMNS, ROWS)]))
    cell = sheet["A3"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK") and cell.quotePrefix
    assert sheet["A4"].value == "-12" and sheet["A4"].data_type == "s"  # a number typed as text stays text


def test_the_csv_is_semicolon_separated_with_a_bom_russian_dates_and_decimal_commas():
    rows = _csv(to_csv([Sheet("Прирост", COLUMNS, ROWS)]))
    assert rows[0] == ["Организация", "Подписчики", "Прирост, %", "Дата снимка", "Постов в среднем"]
    assert rows[1] == ["ВАО", "1234", "210,1%", "31.12.2017", "2,50"]
    assert rows[2] == ['\'=HYPERLINK("http://evil.example","x")', "", "", "", ""]  # the formula guard
    assert rows[3] == ["-12", "-5", "-3,5%", "21.04.2018", "0,00"]


def test_several_sheets_are_tabs_in_xlsx_and_sections_in_csv():
    first = Sheet("Страницы", [Column("Страница")], [["a"]])
    second = Sheet("Страницы", [Column("Дата", "date")], [[dt.date(2020, 1, 2)]])  # the same name twice
    workbook = load_workbook(io.BytesIO(to_xlsx([first, second])))
    assert workbook.sheetnames == ["Страницы", "Страницы (2)"]
    assert workbook.worksheets[1].freeze_panes == "A2"
    assert _csv(to_csv([first, second])) == [
        ["Страницы"],
        ["Страница"],
        ["a"],
        [],
        ["Страницы"],
        ["Дата"],
        ["02.01.2020"],
    ]


def test_a_cell_may_override_its_columns_kind():
    sheet = Sheet("Показатели", [Column("Показатель"), Column("Значение", "int")], [["Доля", Typed(42.5, "percent")]])
    cell = _sheet(to_xlsx([sheet]))["B2"]
    assert cell.value == pytest.approx(0.425) and cell.number_format == "0.0%"
    assert _csv(to_csv([sheet]))[1] == ["Доля", "42,5%"]


def test_an_empty_table_still_has_its_header_and_filter():
    sheet = _sheet(to_xlsx([Sheet("Пусто", COLUMNS, [])]))
    assert sheet.max_row == 1 and sheet.auto_filter.ref == "A1:E1"


def test_a_row_of_the_wrong_length_is_a_programming_error():
    with pytest.raises(ValueError):
        to_csv([Sheet("x", COLUMNS, [["only one"]])])


def test_the_download_keeps_the_russian_file_name():
    response = export_response([Sheet("x", COLUMNS, ROWS)], fmt="xlsx", name="Прирост ВАО 31.01.2024–31.03.2024")
    header = response["Content-Disposition"]
    assert header.startswith('attachment; filename="export-31.01.2024-31.03.2024.xlsx"; ')
    encoded = header.split("filename*=UTF-8''")[1]
    assert unquote(encoded) == "Прирост ВАО 31.01.2024–31.03.2024.xlsx"
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    csv_response = export_response([Sheet("x", COLUMNS, ROWS)], fmt="csv", name="Охват: «ВАО»/2024")
    assert csv_response["Content-Type"] == "text/csv; charset=utf-8"
    assert unquote(csv_response["Content-Disposition"].split("''")[1]) == "Охват «ВАО» 2024.csv"
    assert 'filename="Growth-2024.csv"' in content_disposition("Growth 2024.csv")


def test_an_aware_datetime_in_a_figure_column_is_written_not_refused():
    moment = dt.datetime(2026, 5, 1, 9, 30, tzinfo=dt.UTC)
    sheet = Sheet("Время", [Column("Когда", "float")], [[moment]])
    cell = _sheet(to_xlsx([sheet]))["A2"]
    assert cell.value == moment.replace(tzinfo=None)  # Excel keeps no time zone
