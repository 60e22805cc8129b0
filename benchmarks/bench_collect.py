"""Collect 30,000 VK pages from the local fake VK server (tests/fakes/vk_server.py) through the real service.

Runs in a throw-away test database (SQLite file by default, PostgreSQL with DATABASE_URL). The rate
limit is raised for the benchmark; the time the real 3 requests/s would need is requests / 3.
"""

from __future__ import annotations

import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

TITLE = "Collecting 30,000 VK pages"
ROOT = Path(__file__).resolve().parent.parent
PAGES = int(os.environ.get("BENCH_COLLECT_PAGES", "30000"))


def _collect(collection, network_date):
    flush_seconds = 0.0
    original = collection._flush

    def timed_flush(*args, **kwargs):
        nonlocal flush_seconds
        started = time.perf_counter()
        original(*args, **kwargs)
        flush_seconds += time.perf_counter() - started

    collection._flush = timed_flush
    try:
        started = time.perf_counter()
        run = collection.collection_collect(network="vk", for_date=network_date, trigger="benchmark")
        return run, time.perf_counter() - started, flush_seconds
    finally:
        collection._flush = original


def main() -> str:
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.utils import timezone

    from orgs.models import OrgKind
    from orgs.services import organisation_add
    from socialstats.collection import services as collection
    from socialstats.collection.collectors.vk import EXECUTE_CALLS, IDS_PER_CALL
    from socialstats.models import Snapshot, SocialPage

    tmp = tempfile.TemporaryDirectory()
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(Path(tmp.name) / "bench.sqlite3")
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    # The fake runs in its own process so its work does not share our interpreter (and GIL).
    token = "bench-token"
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.vk_server", token], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    url = server.stdout.readline().strip()
    settings.VK_API_URL, settings.VK_API_TOKEN, settings.VK_API_RPS = url, token, 10_000.0
    try:
        union = organisation_add(parent=None, name="Бенчмарк", kind=OrgKind.UNION)
        SocialPage.objects.bulk_create(
            [
                SocialPage(organisation=union, network="vk", url=f"https://vk.com/club{i}", handle=f"club{i}")
                for i in range(1, PAGES + 1)
            ],
            batch_size=2000,
        )
        day = timezone.localdate()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        first, first_seconds, first_write = _collect(collection, day)
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        second, second_seconds, second_write = _collect(collection, day)
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rows = Snapshot.objects.filter(date=day).count()
    finally:
        server.terminate()
        server.wait(30)
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
        tmp.cleanup()

    minimum = math.ceil(PAGES / (IDS_PER_CALL * EXECUTE_CALLS)) + math.ceil(PAGES / EXECUTE_CALLS)
    naive = PAGES * 2 // IDS_PER_CALL + PAGES  # getById per 500 ids + one wall.get per page, no execute
    database = connection.vendor if not os.environ.get("DATABASE_URL") else f"{connection.vendor} (DATABASE_URL)"
    return f"""## {TITLE}

`make bench` → `benchmarks/bench_collect.py`: {PAGES:,} VK communities (ids already known) collected by
`collection_collect` from the local fake VK server (`tests/fakes/vk_server.py`, real HTTP on 127.0.0.1,
in its own process), database: {database}. `VK_API_RPS` is raised to 10,000 for the run so the wall time
shows our own cost.

| measure | first run | same day again (values replaced) |
|---|---|---|
| status | {first.status} | {second.status} |
| pages collected | {first.pages_collected:,} | {second.pages_collected:,} |
| HTTP requests made | {first.http_requests:,} | {second.http_requests:,} |
| minimum the documented limits allow | {minimum:,} | {minimum:,} |
| wall time | {first_seconds:.1f} s | {second_seconds:.1f} s (under tracemalloc) |
| time writing snapshots and page fields | {first_write:.1f} s | {second_write:.1f} s |
| peak memory | max RSS {rss_before / 1024:.0f} → {rss_after / 1024:.0f} MB | Python heap peak {peak / 1e6:.1f} MB |

- Snapshot rows for the day after both runs: {rows:,} (one per page).
- Minimum = ⌈{PAGES:,} / (25 × 500)⌉ `execute` requests for the counts + ⌈{PAGES:,} / 25⌉ `execute` requests
  for the walls. Without `execute` it would be {naive:,} requests.
- At the real limit of 3 requests/s the {first.http_requests:,} requests need at least
  {first.http_requests / 3:.0f} s ({first.http_requests / 3 / 60:.1f} min); at a community token's 20/s,
  {first.http_requests / 20:.0f} s (but `wall.get` needs a user or service token).
"""
