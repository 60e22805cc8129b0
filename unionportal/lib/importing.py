"""The one import pipeline: read → recognise columns → resolve names → validate all rows → preview → write → report.

This module holds the parts every importer shares and that know no app:

- `Column`: what an importer declares — a field, its Russian label and the headers people type for it
  (English, Russian, synonyms from the seed documents), matched without regard to case, spaces, «ё» and
  punctuation (`header_key`).
- `read_table`: CSV (UTF-8 or Windows-1251, `,` `;` or tab) and XLSX read row by row with limits on rows,
  cells per row and an XLSX's uncompressed size (`Limits`, from the IMPORT_MAX_* settings). A file past a
  limit is refused before any row is kept, so memory stays bounded whatever the file.
- `ColumnsNotRecognised`: a required column not found, or a header nobody knows. The upload page turns it
  into a mapping step (a select per file column); the command line takes `--column "HEADER=field"`.
- `ImportRejected` and `import_finish`: all or nothing — every bad row is named and nothing is saved.

Resolving organisation names belongs to `orgs` (its aliases, its scope): importers pass in what it resolves.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from .cells import csv_cell_read

Source = bytes | IO[bytes] | Path | str

# Headers that number the rows («№», «№ п/п»): never data, never a reason to ask.
_ROW_NUMBER_KEYS = {"", "№", "n", "no", "№пп", "nпп"}
_NOT_WORD = re.compile(r"[\W_]+")


def header_key(text: object) -> str:
    """What a header is compared by: lower case, «ё» as «е», no spaces or punctuation (`№` kept)."""
    value = str(text or "").replace("\ufeff", "").lower().replace("ё", "е")
    return "№" * value.count("№") + _NOT_WORD.sub("", value) if "№" in value else _NOT_WORD.sub("", value)


class TableError(Exception):
    """The file as a whole cannot be read (wrong format, past a limit, no header)."""


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: `row` is the line number a person sees in Excel (header = 1).

    `column` is the importer's field; the message names it as the file spells it (`headers`, see `Table`).
    """

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return self.text()

    def text(self, headers: Mapping[str, str] | None = None) -> str:
        if self.column:
            return _("Row %(row)s, column «%(column)s»: %(message)s") % {
                "row": self.row,
                "column": (headers or {}).get(self.column, self.column),
                "message": self.message,
            }
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class ImportRejected(Exception):
    """Nothing was saved: `errors` name each row and column at fault.

    `unknown_names` lists organisation names found nowhere in the tree (nor among its aliases): the upload
    page offers a select for each, and the command line an `--alias`.
    """

    def __init__(
        self,
        errors: Sequence[RowError | str],
        *,
        unknown_names: Iterable[str] = (),
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = [error.text(headers) if isinstance(error, RowError) else str(error) for error in errors]
        self.unknown_names = sorted(set(unknown_names))


def import_finish(
    report,
    errors: list[RowError],
    *,
    dry_run: bool,
    unknown_names: Iterable[str] = (),
    headers: Mapping[str, str] | None = None,
):
    """End an all-or-nothing import inside its transaction: roll back and name every bad row, or a dry run.

    `headers` (a `Table`'s) names each column in the messages as the file spells it.
    """
    if errors:
        transaction.set_rollback(True)
        raise ImportRejected(sorted(errors, key=lambda error: error.row), unknown_names=unknown_names, headers=headers)
    if dry_run:
        transaction.set_rollback(True)
    return report


@dataclass(frozen=True)
class Column:
    """One column an importer takes: `field` is the key its rows use, `names` what people type as a header."""

    field: str
    label: str
    names: tuple[str, ...] = ()
    required: bool = False

    @property
    def keys(self) -> set[str]:
        return {header_key(name) for name in (self.field, str(self.label), *self.names)}


@dataclass(frozen=True)
class Limits:
    rows: int
    cells: int
    xlsx_bytes: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            rows=settings.IMPORT_MAX_ROWS,
            cells=settings.IMPORT_MAX_CELLS_PER_ROW,
            xlsx_bytes=settings.IMPORT_MAX_XLSX_UNCOMPRESSED_SIZE,
        )


class ColumnsNotRecognised(ImportRejected):
    """Some header is unknown or a required column is missing: the person maps the file's columns.

    `headers` are the file's headers as typed; `recognised` maps each recognised header to its field.
    """

    def __init__(self, *, headers: list[str], recognised: dict[str, str], unknown: list[str], missing: list[Column]):
        self.headers, self.recognised, self.unknown, self.missing = headers, recognised, unknown, missing
        parts = []
        if unknown:
            parts.append(_("Columns not recognised: %(list)s.") % {"list": ", ".join(f"«{name}»" for name in unknown)})
        if missing:
            parts.append(
                _("Required columns not found: %(list)s.")
                % {"list": ", ".join(f"«{column.label}» ({column.field})" for column in missing)}
            )
        super().__init__([" ".join(parts)])


@dataclass
class Table:
    """Rows keyed by field: `columns` are the fields the file has, `headers` how the file spells each."""

    columns: list[str]
    headers: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


# --- reading row by row -----------------------------------------------------------------------------


def _open(source: Source) -> IO[bytes]:
    if isinstance(source, Path | str):
        return Path(source).open("rb")
    if isinstance(source, bytes):
        return io.BytesIO(source)
    return source


def _encoding(stream: IO[bytes]) -> str:
    head = stream.read(65_536)
    stream.seek(0)
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1251"
    return "utf-8-sig"


def _csv_rows(stream: IO[bytes]) -> Iterator[list[str]]:
    text = io.TextIOWrapper(stream, encoding=_encoding(stream), newline="")
    try:
        first_line = text.readline()
        delimiter = max([";", ",", "\t"], key=first_line.count)
        lines = (line.replace("\x00", "") for line in _chain_first(first_line, text))
        for row in csv.reader(lines, delimiter=delimiter):
            yield [csv_cell_read(cell) for cell in row]
    except UnicodeDecodeError as error:
        raise TableError(_("The file is neither UTF-8 nor Windows-1251 text.")) from error
    except csv.Error as error:
        raise TableError(_("The file is not a readable CSV table: %(error)s") % {"error": error}) from error
    finally:
        with contextlib.suppress(ValueError):  # the stream is already closed
            text.detach()


def _chain_first(first: str, rest: IO[str]) -> Iterator[str]:
    if first:
        yield first
    for line in rest:  # noqa: UP028 (`yield from` would close the file when this generator is closed)
        yield line


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):
        return value.date().isoformat()  # an XLSX datetime cell holding a date
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _refuse_rows(limits: Limits) -> TableError:
    return TableError(
        _("The file has more than %(limit)s rows (the IMPORT_MAX_ROWS limit); split it into smaller files.")
        % {"limit": f"{limits.rows:,}".replace(",", " ")}
    )


_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _xlsx_rows_past(archive: zipfile.ZipFile, limit: int) -> bool:
    """Whether a worksheet has more than `limit` rows, counted in its XML as it unpacks (nothing kept).

    Before openpyxl sees the file: opening a worksheet that declares no size makes openpyxl read all of it
    (a 3-million-row sheet took minutes and hundreds of megabytes), and a declared size may lie.
    """
    for member in archive.infolist():
        if not (member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")):
            continue
        count, tail = 0, b""
        with archive.open(member) as part:
            while chunk := part.read(1_048_576):
                data = tail + chunk
                count += len(_ROW_TAG.findall(data))
                if count > limit:
                    return True
                # Keep the end of the chunk: a tag cut in two is found in the next round, not twice.
                cut = max(len(data) - 16, 0)
                last = data.rfind(b"<", cut)
                tail = data[last:] if last != -1 else b""
                count -= len(_ROW_TAG.findall(tail))
    return False


def _xlsx_rows(stream: IO[bytes], limits: Limits) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
            if unpacked > limits.xlsx_bytes:
                raise TableError(
                    _(
                        "The XLSX file unpacks to %(size)s MB, more than %(limit)s MB (the "
                        "IMPORT_MAX_XLSX_UNCOMPRESSED_SIZE limit); save it as CSV or split it."
                    )
                    % {"size": unpacked // 1_048_576, "limit": limits.xlsx_bytes // 1_048_576}
                )
            if _xlsx_rows_past(archive, limits.rows + 1):
                raise _refuse_rows(limits)
    except zipfile.BadZipFile as error:
        raise TableError(_("The XLSX file cannot be opened: %(error)s") % {"error": error}) from error
    stream.seek(0)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise TableError(_("The XLSX file cannot be opened: %(error)s") % {"error": error}) from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True, max_col=limits.cells + 1):
            yield [_xlsx_cell(value) for value in row]
    finally:
        workbook.close()


def _rows(stream: IO[bytes], filename: str, limits: Limits) -> Iterator[list[str]]:
    """Non-blank rows, header first, refusing at once a row past the cell limit or past the row limit."""
    head = stream.read(4)
    stream.seek(0)
    is_xlsx = filename.lower().endswith(".xlsx") or head[:2] == b"PK"
    rows = _xlsx_rows(stream, limits) if is_xlsx else _csv_rows(stream)
    count = 0
    for row in rows:
        while row and not str(row[-1]).strip():
            row.pop()
        if not row:
            continue
        if len(row) > limits.cells:
            raise TableError(
                _("A row has more than %(limit)s cells (the IMPORT_MAX_CELLS_PER_ROW limit).") % {"limit": limits.cells}
            )
        count += 1
        if count - 1 > limits.rows:
            raise _refuse_rows(limits)
        yield row


# --- recognising columns ----------------------------------------------------------------------------


def parse_column_options(values: Iterable[str], fields: Iterable[str]) -> dict[str, str]:
    """`--column "HEADER=field"` (field `-` skips the column) as a mapping; ValueError names a bad one."""
    known = set(fields)
    mapping: dict[str, str] = {}
    for value in values:
        header, sep, target = value.rpartition("=")
        target = target.strip()
        if not sep or not header.strip() or (target not in known and target != "-"):
            raise ValueError(
                _("«%(value)s»: write HEADER=field, the field one of %(fields)s or - to skip the column")
                % {"value": value, "fields": ", ".join(sorted(known))}
            )
        mapping[header.strip()] = "" if target == "-" else target
    return mapping


def recognise(header: list[str], columns: Sequence[Column], mapping: Mapping[str, str] | None = None) -> dict[int, str]:
    """The field of each file column by position; raises ColumnsNotRecognised when a person must map them.

    `mapping` (header as typed → field, "" to skip) wins over recognition.
    """
    chosen = {header_key(name): target for name, target in (mapping or {}).items()}
    by_key = {key: column.field for column in columns for key in column.keys}
    fields: dict[int, str] = {}
    recognised: dict[str, str] = {}
    unknown: list[str] = []
    for position, name in enumerate(header):
        key = header_key(name)
        target = chosen[key] if key in chosen else by_key.get(key)
        if target:
            if target in fields.values():
                raise TableError(
                    _("Two columns are both «%(field)s»; keep one of them.")
                    % {"field": next(str(c.label) for c in columns if c.field == target)}
                )
            fields[position] = target
            recognised[name] = target
        elif key not in chosen and key not in _ROW_NUMBER_KEYS:
            unknown.append(name)
    missing = [column for column in columns if column.required and column.field not in fields.values()]
    if unknown or missing:
        raise ColumnsNotRecognised(headers=list(header), recognised=recognised, unknown=unknown, missing=missing)
    return fields


def read_table(
    source: Source,
    *,
    filename: str = "",
    columns: Sequence[Column],
    mapping: Mapping[str, str] | None = None,
    limits: Limits | None = None,
) -> Table:
    """Read a CSV or XLSX file into numbered rows keyed by field, refusing it at once past a limit.

    Two passes over the file: the first only counts and recognises (nothing kept), so a file past a limit
    costs no memory; the second keeps the rows of a file within the limits. Blank rows are skipped.
    """
    limits = limits or Limits.from_settings()
    if isinstance(source, Path | str):
        filename = filename or str(source)
    stream = _open(source)
    try:
        if not stream.read(1024).strip():
            raise TableError(_("The file is empty."))
        stream.seek(0)
        rows = _rows(stream, filename, limits)
        header = next(rows, None)
        if header is None:
            raise TableError(_("The file has no rows."))
        header = [str(cell).strip().replace("\ufeff", "") for cell in header]
        fields = recognise(header, columns, mapping)
        for _row in rows:
            pass  # the first pass: only the limits
        stream.seek(0)
        table = Table(columns=list(fields.values()), headers={target: header[i] for i, target in fields.items()})
        rows = _rows(stream, filename, limits)
        next(rows)
        for number, row in enumerate(rows, start=2):
            values = {target: str(row[i]).strip() if i < len(row) else "" for i, target in fields.items()}
            table.rows.append((number, values))
        return table
    finally:
        if isinstance(source, Path | str):
            stream.close()


def read_header(source: Source, *, filename: str = "", limits: Limits | None = None) -> list[str]:
    """The file's header as typed (for the mapping step)."""
    limits = limits or Limits.from_settings()
    if isinstance(source, Path | str):
        filename = filename or str(source)
    stream = _open(source)
    try:
        header = next(_rows(stream, filename, limits), None)
    finally:
        if isinstance(source, Path | str):
            stream.close()
    if header is None:
        raise TableError(_("The file has no rows."))
    return [str(cell).strip().replace("\ufeff", "") for cell in header]
