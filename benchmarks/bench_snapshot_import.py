"""Snapshot import and export at the size of a few years of a large union's history.

Runs in a throwaway test database (never the development one): 2,000 pages × 10 dates = 20,000 rows.
"""

from __future__ import annotations

import datetime as dt
import io
import time

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

TITLE = "Snapshot import and export (20000 rows)"
PAGES = 2_000
DATES = 10


def _csv() -> bytes:
    lines = ["organisation,network,date,subscribers,page_url"]
    start = dt.date(2024, 1, 31)
    for page in range(PAGES):
        org = f"Бенч-ППО {page // 4}"
        for step in range(DATES):
            date = start + dt.timedelta(days=30 * step)
            lines.append(f"{org},vk,{date:%d.%m.%Y},{1000 + page + step * 7},https://vk.com/bench_page_{page}")
    return ("\n".join(lines) + "\n").encode()


def _run() -> list[tuple[str, float, int]]:
    from orgs.models import OrgKind
    from orgs.services import organisation_add
    from socialstats.registry.imports import snapshots_import

    union = organisation_add(parent=None, kind=OrgKind.UNION, name="Бенч-союз")
    for number in range(PAGES // 4):
        organisation_add(parent=union, kind=OrgKind.PRIMARY, name=f"Бенч-ППО {number}")
    data = _csv()
    results = []
    for label, kwargs in (
        ("first import: creates 2000 pages and 20000 snapshots", {"create_pages": True}),
        ("the same file again (nothing changes)", {"create_pages": True}),
    ):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            snapshots_import(source=data, filename="bench.csv", **kwargs)
            results.append((label, time.perf_counter() - started, len(queries.captured_queries)))
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call_command("export_snapshots", stdout=io.StringIO())
        results.append(("export_snapshots of all 20000 rows", time.perf_counter() - started, len(queries)))
    return results


def main() -> str:
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        results = _run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    vendor = connection.vendor
    lines = [
        f"## {TITLE}",
        "",
        f"Database: {vendor} (a throwaway test database). `benchmarks/bench_snapshot_import.py`.",
        "",
        "| step | seconds | SQL queries |",
        "|---|---:|---:|",
    ]
    lines += [
        f"| {label} | {seconds:.2f} | {queries:,} |".replace(",", "\u00a0") for label, seconds, queries in results
    ]
    lines += [
        "",
        "Pages are found with two queries for the whole file; new and changed days are written as one bulk "
        "upsert on (page, date) in batches (1000 rows on PostgreSQL; SQLite's variable limit makes them "
        "smaller); pages missing from the portal are created one by one.",
    ]
    return "\n".join(lines)
