"""Files: a territory's month of accepted news as a DOCX digest, the completeness grid as XLSX."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from docx import Document
from docx.shared import Cm
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from orgs.models import Organisation
from unionportal.lib.cells import xlsx_row

from .models import NewsItem
from .selectors import LATE, MISSING, NOT_EXPECTED, ON_TIME, OPEN, Completeness


def state_labels() -> dict[str, str]:
    return {
        ON_TIME: _("on time"),
        LATE: _("late"),
        MISSING: _("missing"),
        OPEN: _("not yet due"),
        NOT_EXPECTED: _("not expected"),
    }


def digest_docx(*, territorial: Organisation, month: dt.date, items: list[NewsItem]) -> bytes:
    document = Document()
    document.add_heading(
        _("News of %(territorial)s for %(month)s") % {"territorial": territorial.name, "month": f"{month:%m.%Y}"}, 0
    )
    if not items:
        document.add_paragraph(_("No accepted news for this month."))
    for item in items:
        document.add_heading(item.title, level=1)
        meta = item.organisation.name
        if item.event_date:
            meta += f", {item.event_date:%d.%m.%Y}"
        document.add_paragraph(meta).italic = True
        for paragraph in item.text.split("\n"):
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
        for link in item.link_list:
            document.add_paragraph(link)
        if item.published_url:
            document.add_paragraph(_("Published: %(url)s") % {"url": item.published_url})
        for photo in item.photos.all():
            with photo.thumbnail.open("rb") as handle:
                document.add_picture(io.BytesIO(handle.read()), width=Cm(8))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


FILLS = {
    ON_TIME: "DFF1E4",
    LATE: "FBEFD9",
    MISSING: "F8E0DE",
    OPEN: "E7EBF2",
    NOT_EXPECTED: "FFFFFF",
}


def completeness_xlsx(report: Completeness) -> bytes:
    labels = state_labels()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Completeness")[:31]
    sheet.append(
        [
            _("Territorial organisation"),
            _("Primary organisation"),
            *[f"{m:%m.%Y}" for m in report.months],
            _("Reached the pages"),
        ]
    )
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for block in report.territories:
        territorial = block.territorial.name if block.territorial else "—"
        for row in block.rows:
            sheet.append(
                xlsx_row(
                    sheet,
                    [territorial, row.organisation.name, *[labels[cell.state] for cell in row.cells], row.reached],
                )
            )
            for column, cell in enumerate(row.cells, start=3):
                sheet.cell(sheet.max_row, column).fill = PatternFill("solid", fgColor=FILLS[cell.state])
    totals = workbook.create_sheet(_("Rates")[:31])
    totals.append(
        [
            _("Month"),
            _("Expected"),
            _("Sent"),
            _("On time"),
            _("Late"),
            _("Missing"),
            _("Not yet due"),
            _("Rate, %"),
            _("Reached the pages"),
        ]
    )
    for month in report.union_totals:
        totals.append(
            [
                f"{month.month:%m.%Y}",
                month.expected,
                month.sent,
                month.on_time,
                month.late,
                month.missing,
                month.open,
                month.rate,
                month.reached,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
