"""Reading uploaded tables: CSV (UTF-8 or Windows-1251, `,` `;` or tab) and XLSX, as numbered rows.

Every importer goes through `read_table`, so every importer accepts what Excel in Russia saves.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

from .cells import csv_cell_read


class TableError(Exception):
    """The file as a whole cannot be read (wrong format, no header, missing columns)."""


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: `row` is the line number a person sees in Excel (header = 1)."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(row)s, column «%(column)s»: %(message)s") % {
                "row": self.row,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def _normalise_header(value: object) -> str:
    return str(value or "").strip().lower().replace("\ufeff", "")


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError(_("The file is neither UTF-8 nor Windows-1251 text."))


def _read_csv(raw: bytes) -> list[list[str]]:
    text = _decode(raw).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    first_line = text.splitlines()[0] if text.strip() else ""
    delimiter = max([";", ",", "\t"], key=first_line.count)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [[csv_cell_read(cell) for cell in row] for row in reader]
    except csv.Error as error:
        raise TableError(_("The file is not a readable CSV table: %(error)s") % {"error": error}) from error


def _cell(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):
        return value.date().isoformat()  # an XLSX datetime cell holding a date
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(raw: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise TableError(_("The XLSX file cannot be opened: %(error)s") % {"error": error}) from error
    sheet = workbook.worksheets[0]
    rows = [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def read_table(
    source: bytes | IO[bytes] | Path | str,
    *,
    filename: str = "",
    required: list[str],
    optional: list[str] | None = None,
) -> Table:
    """Read a CSV or XLSX file into numbered rows keyed by lower-cased column names.

    Blank rows are skipped; unknown columns are refused so a typo in a header is not silently ignored.
    """
    if isinstance(source, Path | str):
        filename = filename or str(source)
        raw = Path(source).read_bytes()
    elif isinstance(source, bytes):
        raw = source
    else:
        raw = source.read()
    if not raw.strip():
        raise TableError(_("The file is empty."))
    is_xlsx = filename.lower().endswith(".xlsx") or raw[:2] == b"PK"
    matrix = _read_xlsx(raw) if is_xlsx else _read_csv(raw)
    matrix = [row for row in matrix if any(str(cell).strip() for cell in row)]
    if not matrix:
        raise TableError(_("The file has no rows."))
    header = [_normalise_header(cell) for cell in matrix[0]]
    while header and not header[-1]:
        header.pop()
    allowed = set(required) | set(optional or [])
    missing = [name for name in required if name not in header]
    if missing:
        raise TableError(
            _("Missing columns: %(missing)s. Expected columns: %(expected)s.")
            % {"missing": ", ".join(missing), "expected": ", ".join([*required, *(optional or [])])}
        )
    unknown = [name for name in header if name and name not in allowed]
    if unknown:
        raise TableError(
            _("Unknown columns: %(unknown)s. Expected columns: %(expected)s.")
            % {"unknown": ", ".join(unknown), "expected": ", ".join([*required, *(optional or [])])}
        )
    table = Table(columns=header)
    for index, row in enumerate(matrix[1:], start=2):
        values = {name: str(row[i]).strip() if i < len(row) else "" for i, name in enumerate(header) if name}
        table.rows.append((index, values))
    return table
