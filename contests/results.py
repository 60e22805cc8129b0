"""Result documents: the ranking as XLSX, the presidium resolution as DOCX, winners' certificates as PDF.

Each function takes the computed ranking (selectors.contest_ranking) and returns bytes.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from unionportal.lib.cells import xlsx_row
from unionportal.lib.russian import count_phrase, plural_form

from .models import ParticipantLevel
from .selectors import Ranking, ResolutionFigures

MONTHS_GENITIVE = [
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
]


def _number(value: float) -> str:
    return formats.number_format(round(value, 2), decimal_pos=2, use_l10n=True, force_grouping=True)


def ranking_header(ranking: Ranking) -> list[str]:
    return [_("Place"), _("Participant"), *[criterion.name for criterion in ranking.criteria], _("Total")]


def ranking_table(ranking: Ranking) -> list[list[str]]:
    """The ranking as text cells: place, participant, weighted points per criterion, total."""
    return [
        [
            str(row.place) if row.place else "—",
            row.title,
            *[_number(row.weighted.get(criterion.pk, 0.0)) for criterion in ranking.criteria],
            _number(row.total),
        ]
        for row in ranking.rows
    ]


def ranking_xlsx(ranking: Ranking) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Ranking")[:31]
    sheet.append(xlsx_row(sheet, [ranking.contest.title]))
    sheet["A1"].font = Font(bold=True)
    sheet.append(xlsx_row(sheet, ranking_header(ranking)))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in ranking.rows:
        sheet.append(
            xlsx_row(
                sheet,
                [
                    row.place or None,
                    row.title,
                    *[round(row.weighted.get(criterion.pk, 0.0), 2) for criterion in ranking.criteria],
                    round(row.total, 2),
                ],
            )
        )
    sheet.column_dimensions["B"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def russian_date(value) -> str:
    return f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year} года"


# «от 1 первичной профсоюзной организации», «от 2 / 5 первичных профсоюзных организаций».
PRIMARY_GENITIVE = (
    "первичной профсоюзной организации",
    "первичных профсоюзных организаций",
    "первичных профсоюзных организаций",
)


def default_preamble(ranking: Ranking, figures: ResolutionFigures) -> str:
    """The preamble's first paragraph with the figures, every number agreeing with its words
    («21 участник принял участие», «1604 новых подписчика»). A news contest speaks of news items."""
    contest = ranking.contest
    period = (
        f"В период с {contest.period_start:%d.%m.%Y} по {contest.period_end:%d.%m.%Y} "
        f"проведён конкурс «{contest.title}»."
    )
    count = figures.participants
    if contest.level == ParticipantLevel.NEWS:
        organisations = len({row.organisation_id for row in ranking.rows})
        verb = plural_form(count, "рассмотрена", "рассмотрены", "рассмотрено")
        body = (
            f"На конкурс {verb} {count_phrase(count, 'новость', 'новости', 'новостей')} от "
            + count_phrase(organisations, *PRIMARY_GENITIVE)
            + "."
        )
    else:
        took_part = plural_form(count, "принял", "приняли", "приняли")
        gained = figures.subscribers_gained
        published = figures.publications
        body = (
            f"{count_phrase(count, 'участник', 'участника', 'участников')} {took_part} участие в конкурсе. "
            f"За период конкурса сообщества участников получили "
            f"{count_phrase(gained, 'нового подписчика', 'новых подписчика', 'новых подписчиков')}, "
            f"{plural_form(published, 'вышла', 'вышли', 'вышло')} "
            f"{count_phrase(published, 'публикация', 'публикации', 'публикаций')}."
        )
    heard = f"Заслушав информацию об итогах конкурса «{contest.title}», Президиум Комитета Профсоюза отмечает:"
    return f"{heard}\n{period} {body}\nИтоги конкурса представлены в таблице."


def default_decisions(ranking: Ranking) -> str:
    winners = [row for row in ranking.rows if row.is_winner]
    by_place = {place: [row.title for row in winners if row.place == place] for place in (1, 2, 3)}
    lines = []
    if by_place[1]:
        lines.append(f"1. Признать победителями конкурса «{ranking.contest.title}»: " + _places_text(by_place) + ".")
        lines.append("2. Наградить победителей конкурса дипломами и ценными подарками.")
    nominations = [line.strip() for line in ranking.contest.nominations.splitlines() if line.strip()]
    if nominations:
        lines.append(f"{len(lines) + 1}. Отметить в номинациях: " + "; ".join(nominations) + ".")
    return "\n".join(lines)


CONTROL_WORDS = "Контроль за выполнением настоящего постановления"


def control_point(decisions: str, control: str) -> str:
    """The last numbered point, naming who controls the execution (the contest's field; the information
    department when it is empty). Empty when the decisions already have such a point (older saved texts)."""
    if CONTROL_WORDS.lower() in decisions.lower():
        return ""
    lines = [line.strip() for line in decisions.splitlines() if line.strip()]
    numbered = [line for line in lines if re.match(r"^\d+\.", line)]
    number = len(numbered or lines) + 1
    return f"{number}. {CONTROL_WORDS} возложить на {control.strip() or 'информационный отдел'}."


def _places_text(by_place: dict[int, list[str]]) -> str:
    words = {1: "I место", 2: "II место", 3: "III место"}
    return "; ".join(f"{words[place]} — {', '.join(names)}" for place, names in by_place.items() if names)


# A table wider than this goes to «Приложение № 1» on a landscape page (the 002 document's rule of thumb:
# place, participant and up to four criteria fit across A4 portrait).
INLINE_TABLE_COLUMNS = 6


def _add_table(document, ranking: Ranking) -> None:
    header = ranking_header(ranking)
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for values in ranking_table(ranking):
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text


def resolution_docx(
    ranking: Ranking,
    *,
    preamble: str,
    decisions: str,
    header_lines: list[str] | None = None,
    on=None,
    city: str = "",
    chair: str = "",
    control: str = "",
) -> bytes:
    """The presidium resolution in the form of the 002 document on A4: the organisations' names (root first),
    «ПРЕЗИДИУМ КОМИТЕТА ПРОФСОЮЗА», «ПОСТАНОВЛЕНИЕ», the date and «№ __», the centred subject, the preamble,
    the ranking table (inline, or as «Приложение № 1» on a landscape page when wider than six columns),
    «Президиум … постановляет:», the numbered decisions ending with the control point (`control` names the
    person), and the chair's signature line with `chair`'s name; `city` goes under the date."""
    from docx import Document
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    def centred(text: str, *, bold: bool = True) -> None:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).bold = bold

    on = on or timezone.localdate()
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin = section.bottom_margin = Mm(20)
    for line in header_lines or []:
        centred(line.upper())
    centred("ПРЕЗИДИУМ КОМИТЕТА ПРОФСОЮЗА")
    centred("ПОСТАНОВЛЕНИЕ")
    document.add_paragraph(russian_date(on))
    if city.strip():
        centred(city.strip(), bold=False)
    document.add_paragraph("№ ____")
    centred(f"Об итогах конкурса «{ranking.contest.title}»")
    for paragraph in preamble.splitlines():
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())
    wide = len(ranking_header(ranking)) > INLINE_TABLE_COLUMNS
    if wide:
        document.add_paragraph("Итоги конкурса приведены в приложении № 1 к настоящему постановлению.")
    else:
        _add_table(document, ranking)
    document.add_paragraph("Учитывая вышеизложенное,")
    decides = document.add_paragraph()
    decides.add_run("Президиум Комитета Профсоюза постановляет:").bold = True
    for paragraph in decisions.splitlines():
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())
    control_line = control_point(decisions, control)
    if control_line:
        document.add_paragraph(control_line)
    document.add_paragraph("")
    document.add_paragraph(f"Председатель\t\t\t____________________\t{chair.strip()}".rstrip())
    if wide:
        appendix = document.add_section(WD_SECTION.NEW_PAGE)
        appendix.orientation = WD_ORIENT.LANDSCAPE
        appendix.page_width, appendix.page_height = Mm(297), Mm(210)
        note = document.add_paragraph()
        note.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        note.add_run("Приложение № 1\nк постановлению Президиума\nот " + russian_date(on))
        centred(f"Итоги конкурса «{ranking.contest.title}»")
        _add_table(document, ranking)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # Debian/Ubuntu fonts-dejavu-core
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",  # Fedora, Alpine
    "/usr/share/fonts/TTF/DejaVuSans.ttf",  # Arch
]


def certificate_font() -> Path:
    """A TTF with Cyrillic for the certificates: CONTESTS_CERTIFICATE_FONT, the system's DejaVu Sans,
    or the DejaVu Sans that matplotlib ships when it is installed. Nothing is downloaded."""
    configured = getattr(settings, "CONTESTS_CERTIFICATE_FONT", "")
    candidates = [configured] if configured else []
    candidates += FONT_CANDIDATES
    try:
        import matplotlib

        candidates.append(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"))
    except ImportError:
        pass
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise ImproperlyConfigured(
        "No Cyrillic TTF font for certificates: install fonts-dejavu-core or set CONTESTS_CERTIFICATE_FONT."
    )


ROMAN = {1: "I", 2: "II", 3: "III"}


def certificate_wording(row) -> str:
    """«за I место» for places 1–3, «за участие» for everyone else."""
    return f"за {ROMAN[row.place]} место" if row.is_winner else "за участие"


def _wrapped(pdf, text: str, *, top: float, width: float, page_width: float, size: float, max_lines: int) -> float:
    """Draw `text` centred, wrapped to `width`; the size shrinks until it fits in `max_lines` (never cut).
    Returns the y below the last line."""
    from reportlab.lib.utils import simpleSplit

    lines = simpleSplit(text, "CertificateFont", size, width)
    while len(lines) > max_lines and size > 10:
        size -= 2
        lines = simpleSplit(text, "CertificateFont", size, width)
    pdf.setFont("CertificateFont", size)
    y = top
    for line in lines:
        pdf.drawCentredString(page_width / 2, y, line)
        y -= size * 1.25
    return y


def certificates_pdf(ranking: Ranking, *, issuer: str = "", on=None) -> bytes:
    """One A4 landscape page per participant: «ДИПЛОМ» for places 1–3 («за I место»), «ГРАМОТА» «за участие»
    for the others. Long names and titles wrap (the font shrinks if needed), never cut; the issuer on top,
    the chair's signature line and the date at the bottom."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    font_path = certificate_font()
    if "CertificateFont" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("CertificateFont", str(font_path)))
    on = on or timezone.localdate()
    buffer = io.BytesIO()
    width, height = landscape(A4)
    text_width = width - 2 * 60
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Дипломы — {ranking.contest.title}")
    for row in ranking.rows:
        y = height - 60
        if issuer:
            y = _wrapped(pdf, issuer, top=y, width=text_width, page_width=width, size=14, max_lines=2) - 20
        pdf.setFont("CertificateFont", 40)
        pdf.drawCentredString(width / 2, y - 30, "ДИПЛОМ" if row.is_winner else "ГРАМОТА")
        y -= 80
        pdf.setFont("CertificateFont", 18)
        pdf.drawCentredString(width / 2, y, "награждается")
        y = _wrapped(pdf, row.title, top=y - 45, width=text_width, page_width=width, size=28, max_lines=4)
        phrase = f"{certificate_wording(row)} в конкурсе «{ranking.contest.title}»"
        _wrapped(pdf, phrase, top=y - 20, width=text_width, page_width=width, size=18, max_lines=3)
        pdf.setFont("CertificateFont", 14)
        pdf.drawString(60, 90, "Председатель  ____________________")
        pdf.drawRightString(width - 60, 90, russian_date(on))
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()
