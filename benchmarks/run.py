"""`make bench`: run every benchmarks/bench_*.py and write each one's section of docs/performance.md.

A benchmark module defines `TITLE` and `main() -> str` (Markdown). Its section sits between
`<!-- bench:NAME -->` markers, so benchmarks update their own part of the file independently.
Run one: `python -m benchmarks.run collect` (NAME is the module name without `bench_`).
"""

from __future__ import annotations

import importlib
import os
import re
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "performance.md"
HEADER = "# Performance\n\nWritten by `make bench` (benchmarks/). Each section is replaced by its benchmark.\n"


def write_section(name: str, markdown: str) -> None:
    text = REPORT.read_text() if REPORT.exists() else HEADER
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{begin}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _m: block, text) if pattern.search(text) else text.rstrip() + "\n\n" + block + "\n"
    REPORT.write_text(text)


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    django.setup()
    names = argv or sorted(path.stem.removeprefix("bench_") for path in Path(__file__).parent.glob("bench_*.py"))
    for name in names:
        module = importlib.import_module(f"benchmarks.bench_{name}")
        print(f"== {module.TITLE}", flush=True)  # noqa: T201
        write_section(name, module.main())
    print(f"results in {REPORT.relative_to(ROOT)}")  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1:])
