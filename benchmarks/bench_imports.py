"""Import files far past the limits: a 3-million-row CSV and XLSX are refused within seconds, memory bounded.

Each file is fed to `website_stats_import` (the importer of the 003 table; every importer reads through the
same `unionportal.lib.importing.read_table`) in a fresh Python process, so the resident set size measured
is that of a worker doing nothing else: its growth is the peak (VmHWM) minus the size before the import.
Results also go to benchmarks/results/imports.json.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

TITLE = "Imports past the limits (3 million rows)"
ROWS = 3_000_000
ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "imports.json"

_CHILD = r"""
import json, os, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
import django
django.setup()
from django.conf import settings
from socialstats.registry.imports import ImportRejected, website_stats_import
import openpyxl  # loaded before the baseline: a worker has it imported already

def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024
    return 0

path, xlsx_limit = sys.argv[1], int(sys.argv[2])
settings.IMPORT_MAX_XLSX_UNCOMPRESSED_SIZE = xlsx_limit
before = status("VmRSS:")
started = time.perf_counter()
try:
    website_stats_import(source=__import__("pathlib").Path(path), filename=os.path.basename(path), dry_run=True)
    outcome = "imported"
except ImportRejected as rejected:
    outcome = rejected.errors[0]
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "rss_growth": status("VmHWM:") - before, "refusal": outcome}))
"""


def _csv(path: Path) -> None:
    with path.open("w", encoding="utf-8") as target:
        target.write("Профсоюзная организация;Число посетителей\n")
        chunk = "ВАО;1\n" * 100_000
        for _ in range(ROWS // 100_000):
            target.write(chunk)


def _xlsx(path: Path, *, dimension: bool) -> None:
    """A minimal workbook written part by part: the sheet's XML streams into the zip, never held whole."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
            '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
            'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                b'spreadsheetml/2006/main">'
            )
            if dimension:
                sheet.write(f'<dimension ref="A1:B{ROWS + 1}"/>'.encode())
            sheet.write(
                '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Профсоюзная организация</t></is></c>'
                '<c r="B1" t="inlineStr"><is><t>Число посетителей</t></is></c></row>'.encode()
            )
            # Rows without their optional `r` attributes, alike: 3 million rows pack into about a megabyte.
            block = '<row><c t="inlineStr"><is><t>ВАО</t></is></c><c><v>1</v></c></row>'.encode() * 50_000
            for _ in range(ROWS // 50_000):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")


def _measure(path: Path, *, xlsx_limit: int, database: str) -> dict:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "DJANGO_SETTINGS_MODULE": "unionportal.settings"}
    started = time.perf_counter()
    output = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), str(xlsx_limit)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result


def main() -> str:
    cases = []
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        database = base / "bench.sqlite3"
        files = [
            ("CSV, 3 000 000 rows", base / "rows.csv", _csv, {}, 100 * 1_048_576),
            ("XLSX, 3 000 000 rows", base / "rows.xlsx", _xlsx, {"dimension": True}, 100 * 1_048_576),
            (
                "XLSX, 3 000 000 rows, no declared size, unpacked-size limit lifted (rows counted)",
                base / "rows-undeclared.xlsx",
                _xlsx,
                {"dimension": False},
                10 * 1024 * 1_048_576,
            ),
        ]
        for label, path, write, options, xlsx_limit in files:
            write(path, **options)
            result = _measure(path, xlsx_limit=xlsx_limit, database=database)
            cases.append({"file": label, "bytes": path.stat().st_size, **result})
            path.unlink()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"rows": ROWS, "cases": cases}, ensure_ascii=False, indent=2) + "\n")
    lines = [
        f"## {TITLE}",
        "",
        "Each file goes to `website_stats_import` in a fresh process (`benchmarks/bench_imports.py`; numbers also in",
        "`benchmarks/results/imports.json`). Limits are the defaults: 100 000 rows, 100 MB unpacked XLSX.",
        "",
        "| file | size, MB | refused in, s | RSS growth, MB | refusal |",
        "|---|---:|---:|---:|---|",
    ]
    for case in cases:
        lines.append(
            f"| {case['file']} | {case['bytes'] / 1_048_576:.1f} | {case['seconds']:.2f} | "
            f"{case['rss_growth'] / 1_048_576:.1f} | {case['refusal']} |"
        )
    lines += [
        "",
        "A CSV is read row by row and refused at the first row past the limit; an XLSX is refused from its zip",
        "directory (the unpacked size) or by counting the `<row>` tags of its sheet XML as it unpacks, before",
        "openpyxl opens it (openpyxl reads a whole sheet that declares no size when opening it: the third file took",
        "254 s and 262 MB that way). Nothing is kept before the limits are known to hold.",
    ]
    return "\n".join(lines)
