"""Growth table exports: CSV for Excel in Russia and XLSX with typed cells."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from unionportal.lib.cells import csv_writer, xlsx_row
from unionportal.lib.formatting import fmt_date

from .growth import GrowthRow

EXPORT_HEADER = (
    "Строка",
    "Сеть",
    "Организация",
    "Страниц",
    "Новая",
    "На дату A",
    "Дата снимка A",
    "На дату B",
    "Дата снимка B",
    "Прирост",
    "Прирост, %",
)


def export_rows(rows: list[GrowthRow], extra: list[GrowthRow]) -> list[list]:
    """The table's cells as plain values (numbers stay numbers): rows, then subtotals and the total."""
    result = []
    for row in [*rows, *extra]:
        pct = row.change_pct
        result.append(
            [
                row.label,
                row.network,
                row.organisation,
                row.pages,
                "новая" if row.is_new else "",
                row.at_a,
                row.date_a,
                row.at_b,
                row.date_b,
                row.change,
                None if pct is None else round(pct, 1),
            ]
        )
    return result


def to_csv(rows: list[list], title: str, header: Sequence[str] = EXPORT_HEADER) -> bytes:
    """CSV for Excel in Russia: `;` separated, UTF-8 with BOM, dates 31.12.2017, decimal comma."""
    import io

    buffer = io.StringIO()
    writer = csv_writer(buffer, delimiter=";")
    writer.writerow([title])
    writer.writerow(list(header))
    for row in rows:
        writer.writerow(
            [
                fmt_date(value)
                if isinstance(value, dt.date)
                else (str(value).replace(".", ",") if isinstance(value, float) else ("" if value is None else value))
                for value in row
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list], title: str, header: Sequence[str] = EXPORT_HEADER, sheet_title: str = "Прирост") -> bytes:
    """XLSX with the same cells; numbers and dates typed so Excel sums and sorts them."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_title
    sheet.append(xlsx_row(sheet, [title]))
    sheet.append(list(header))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, row))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
    sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
