"""The registry across the union as files to hand on: XLSX and CSV with Russian headers.

CSV for Excel in Russia: `;`, UTF-8 with a BOM, dates 31.12.2017, a decimal comma. XLSX: typed cells,
a frozen header, widths. A cell from user input that starts with `=`, `+`, `-` or `@` is written as text
(OWASP's CSV-injection rule): a leading apostrophe in CSV, a string cell in XLSX.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _

from unionportal.lib.cells import csv_writer, xlsx_row
from unionportal.lib.formatting import fmt_date

from ..models import PrintPublication, PublicationKind, Website, WebsiteCheck


def website_header() -> list[str]:
    return [
        _("Organisation"),
        _("Website"),
        _("Title"),
        _("Active"),
        _("Checklist items met"),
        *(str(label) for label in WebsiteCheck.labels),
        _("Period from"),
        _("Period to"),
        _("Published materials"),
        _("Visitors"),
        _("Views"),
    ]


def website_rows(websites: Iterable[Website]) -> list[list]:
    yes, no = _("yes"), _("no")
    return [
        [
            site.organisation.name,
            site.url or _("(address unknown)"),
            site.title,
            yes if site.is_active else no,
            site.checklist_score,
            *(yes if site.checklist.get(key) else no for key in WebsiteCheck.values),
            site.latest_start,
            site.latest_end,
            site.latest_materials,
            site.latest_visitors,
            site.latest_views,
        ]
        for site in websites
    ]


def publication_header() -> list[str]:
    return [_("Level"), _("Organisation"), _("Title"), _("Kind"), _("Issues a year"), _("Print run"), _("Comes out")]


def publication_rows(publications: Iterable[PrintPublication]) -> list[list]:
    yes, no = _("yes"), _("no")
    kinds = dict(PublicationKind.choices)
    return [
        [
            str(item.organisation.get_kind_display()),
            item.organisation.name,
            item.title,
            str(kinds.get(item.kind, item.kind)),
            item.issues_per_year,
            item.print_run,
            yes if item.is_active else no,
        ]
        for item in publications
    ]


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return fmt_date(value)
    if isinstance(value, float):
        return f"{value}".replace(".", ",")
    if isinstance(value, int):
        return str(value)
    return str(value)  # formula-like text is neutralised by csv_writer (unionportal/lib/cells.py)


def to_csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv_writer(buffer, delimiter=";")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(header: list[str], rows: list[list], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(xlsx_row(sheet, [None if value is None else value for value in row]))
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
            elif isinstance(cell.value, int):
                cell.number_format = "#,##0"
    for index, name in enumerate(header, start=1):
        widest = max([len(str(name)), *(len(str(row[index - 1] or "")) for row in rows[:500])])
        sheet.column_dimensions[get_column_letter(index)].width = min(60, max(10, widest + 2))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
