"""The reports on the analytics tables at national scale, on PostgreSQL (issue 14, «national scale on paper»).

Generates the analytics tables directly, without snapshots: 1,000 territorial organisations (50 primaries
each), 200,000 pages on 3 networks, `PageLatest` for every page and `SubtreeDay` for the federation, the
union and every territorial organisation × network × own/subtree × 10 years of days (about 22 million rows),
with server-side `INSERT … SELECT generate_series` and the indexes built after loading. Generated once and
kept while the sizes match. Then times the report reads that read those tables, union-wide, median of 9
after one warm-up: growth by territorial organisation and by network (B with data, and both dates after
the horizon), the printed 002 layout, the dashboard's subscriber series and totals.

It runs in its own database, never the growth benchmark's: `BENCH_NATIONAL_DATABASE` (default: the
configured database's name + `_national`, or that name itself when it already ends so), created on the same
server when missing. `--scale 0.01` (or `BENCH_NATIONAL_SCALE`) for a quick run; results are written to
benchmarks/results/national.json and the `national` section of docs/performance.md.
Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/up_bench .venv/bin/python -m benchmarks.run national`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

from benchmarks.bench_growth import RUNS, _log, _paired, _queries, _replay, _step

TITLE = "Reports on the analytics tables at national scale (PostgreSQL, generated tables)"
NAME = "national"

FULL_TERRITORIALS = 1_000
FULL_PAGES = 200_000
PRIMARIES_PER_TERRITORIAL = 50
NETWORKS = ("vk", "telegram", "ok")
YEARS = 10
END = dt.date(2026, 6, 30)
START = END - dt.timedelta(days=365 * YEARS - 1)
BUILD: dict = {}  # the dashboard rows' build: units and seconds (measure)
RESULTS = Path(__file__).resolve().parent / "results" / "national.json"


def _scale() -> float:
    for index, arg in enumerate(sys.argv):
        if arg == "--scale" and index + 1 < len(sys.argv):
            return float(sys.argv[index + 1])
    return float(os.environ.get("BENCH_NATIONAL_SCALE", "1"))


def _sizes(scale: float) -> dict:
    territorials = max(int(FULL_TERRITORIALS * scale), 3)
    return {
        "territorials": territorials,
        "primaries": territorials * PRIMARIES_PER_TERRITORIAL,
        "pages": max(int(FULL_PAGES * scale), 60),
        "days": (END - START).days + 1,
    }


@contextlib.contextmanager
def national_database():
    """Point the default connection at the national database for the duration (created when missing)."""
    from django.db import connection

    original = dict(connection.settings_dict)
    name = os.environ.get("BENCH_NATIONAL_DATABASE") or (
        original["NAME"] if original["NAME"].endswith("_national") else f"{original['NAME']}_national"
    )
    if name != original["NAME"]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield name
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(original)


def _present(cursor, sizes: dict) -> bool:
    cursor.execute("SELECT count(*) FROM socialstats_socialpage")
    pages = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM orgs_organisation WHERE kind = 'territorial'")
    territorials = cursor.fetchone()[0]
    cursor.execute("SELECT horizon FROM socialstats_analyticsstate")
    state = cursor.fetchone()
    return pages == sizes["pages"] and territorials == sizes["territorials"] and state is not None


def _without_indexes(cursor, table: str):
    """Drop the table's unique and foreign key constraints and secondary indexes; returns the statements that
    rebuild them."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint) AND indexname NOT LIKE '%%_pkey'",
        [table],
    )
    indexes = cursor.fetchall()
    for name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    return [f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}' for name, definition in constraints] + [
        definition for _name, definition in indexes
    ]


def generate(sizes: dict) -> float:
    """Organisations and pages as rows, then PageLatest and SubtreeDay straight from generate_series."""
    from django.db import connection, transaction
    from django.utils import timezone

    from orgs.models import Organisation, OrgKind
    from socialstats.models import AnalyticsState, SocialPage

    started = time.perf_counter()
    _log(
        f"generating {sizes['territorials']:,} territorials, {sizes['primaries']:,} primaries, "
        f"{sizes['pages']:,} pages, {sizes['days']:,} days"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE socialstats_subtreeday, socialstats_pagelatest, socialstats_analyticsstate, "
            "socialstats_collectionfailure, socialstats_collectionrun, socialstats_snapshot, "
            "socialstats_socialpage, orgs_roleassignment, orgs_organisation CASCADE"
        )
    federation = Organisation(path=_step(1), depth=1, numchild=1, kind=OrgKind.FEDERATION, name="Федерация")
    union = Organisation(
        path=_step(1) * 2, depth=2, numchild=sizes["territorials"], kind=OrgKind.UNION, name="Профсоюз"
    )
    organisations = [federation, union]
    for t in range(1, sizes["territorials"] + 1):
        path = union.path + _step(t)
        organisations.append(
            Organisation(
                path=path,
                depth=3,
                numchild=PRIMARIES_PER_TERRITORIAL,
                kind=OrgKind.TERRITORIAL,
                name=f"ТПО {t}",
                members_count=20000 + t,
            )
        )
        organisations += [
            Organisation(
                path=path + _step(p), depth=4, numchild=0, kind=OrgKind.PRIMARY, name=f"ППО {t}-{p}", members_count=80
            )
            for p in range(1, PRIMARIES_PER_TERRITORIAL + 1)
        ]
    with transaction.atomic():
        Organisation.objects.bulk_create(organisations, batch_size=5000)
    ids = list(Organisation.objects.order_by("path").values_list("id", "kind"))
    territorial_ids = [pk for pk, kind in ids if kind == OrgKind.TERRITORIAL]
    primary_ids = [pk for pk, kind in ids if kind == OrgKind.PRIMARY]
    own = len(territorial_ids) * len(NETWORKS)  # every territorial runs one page on each network
    pages = []
    for index in range(sizes["pages"]):
        org_id = territorial_ids[index // len(NETWORKS)] if index < own else primary_ids[index % len(primary_ids)]
        network = NETWORKS[index % len(NETWORKS)]
        pages.append(
            SocialPage(
                organisation_id=org_id,
                network=network,
                url=f"https://example.org/{network}/n{index}",
                handle=f"n{index}",
                title=f"Страница {index}",
                added_on=START,
            )
        )
    with transaction.atomic():
        SocialPage.objects.bulk_create(pages, batch_size=5000)
    _log(f"organisations and pages in {time.perf_counter() - started:.0f} s; analytics tables next")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")
        cursor.execute("SET LOCAL maintenance_work_mem TO '512MB'")
        # Every 10th page started late (up to ~8 years in): «new» pages in any period.
        cursor.execute(
            """
            INSERT INTO socialstats_pagelatest
                (page_id, first_date, date, subscribers, posts_30d, last_post_at, posts_counted, likes, comments,
                 reposts, views)
            SELECT p.id, CASE WHEN mod(p.id, 10) = 0 THEN %s::date + mod(p.id, 3000)::int ELSE %s::date END, %s::date,
                   500 + mod(p.id, 900), mod(p.id, 25), %s::timestamptz - mod(p.id, 40) * interval '1 day', 10,
                   mod(p.id, 97), mod(p.id, 31), mod(p.id, 13), 2000 + mod(p.id, 500)
            FROM socialstats_socialpage p
            """,
            [START, START, END, f"{END} 10:00+03"],
        )
        rebuild = _without_indexes(cursor, "socialstats_subtreeday")
        # Keys: every rollup organisation × network over its subtree (own = false), and over its own
        # pages (own = true) where it has some; `k` pages each. A day's sums grow linearly with the day.
        # Written day by day, as the nightly update appends them (a day's rows sit together on disk).
        cursor.execute(
            """
            WITH paged AS (
                SELECT o.path AS org_path, p.network FROM socialstats_socialpage p
                JOIN orgs_organisation o ON o.id = p.organisation_id
            ), rollup AS (
                SELECT id, path FROM orgs_organisation WHERE depth <= 3
            ), keys AS (
                SELECT r.id, false AS own, g.network, count(*) AS k
                FROM paged g CROSS JOIN generate_series(1, 3) AS l
                JOIN rollup r ON r.path = substr(g.org_path, 1, 4 * l) AND length(g.org_path) >= 4 * l
                GROUP BY r.id, g.network
                UNION ALL
                SELECT r.id, true, g.network, count(*)
                FROM rollup r JOIN paged g ON g.org_path = r.path
                GROUP BY r.id, g.network
            )
            INSERT INTO socialstats_subtreeday
                (organisation_id, own, network, day, pages, subscribers, oldest, posts_30d, posts_counted,
                 interactions, views)
            SELECT k.id, k.own, k.network, d::date, k.k, k.k * (500 + (d::date - %s::date) / 7),
                   d::date - CASE WHEN mod(d::date - %s::date, 7) = 0 THEN 3 ELSE 0 END,
                   k.k * 12, k.k * 10, k.k * 140, k.k * 2000
            FROM keys k CROSS JOIN generate_series(%s::date, %s::date, interval '1 day') AS d
            ORDER BY d::date, k.id, k.own, k.network
            """,
            [START, START, START, END],
        )
        _log(f"analytics tables inserted at {time.perf_counter() - started:.0f} s; building indexes")
        for statement in rebuild:
            cursor.execute(statement)
        AnalyticsState.objects.all().delete()
        AnalyticsState.objects.create(built_at=timezone.now(), horizon=END, depth=3, latest_date=END)
    with connection.cursor() as cursor:
        tables = ("socialstats_subtreeday", "socialstats_pagelatest", "socialstats_socialpage", "orgs_organisation")
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
    seconds = time.perf_counter() - started
    _log(f"generated in {seconds:.0f} s")
    return seconds


def measure() -> list[dict]:
    from socialstats.analytics.services import analytics_state
    from socialstats.reports import selectors
    from socialstats.reports.current import dashboard_figures
    from socialstats.reports.dashboard import dashboard, subscribers_series
    from socialstats.reports.rollup import growth_figures, rollup_network_series
    from socialstats.reports.summary import dashboard_days_build, dashboard_parameters

    a, b = END - dt.timedelta(days=91), END - dt.timedelta(days=1)
    after_a, after_b = END + dt.timedelta(days=31), END + dt.timedelta(days=62)
    month_ends = []
    day = END.replace(day=1) - dt.timedelta(days=1)
    for _ in range(12):
        month_ends.append(day)
        day = day.replace(day=1) - dt.timedelta(days=1)
    series_dates = [*reversed(month_ends[:5]), END]
    # The dashboard's stored rows, as the nightly run stores them (reports/summary.py), timed once: a night's cost.
    started = time.perf_counter()
    units = dashboard_days_build(today=END, silent_days=30)
    BUILD.update(units=units, seconds=time.perf_counter() - started)
    _log(f"dashboard rows of {units} units stored in {BUILD['seconds']:.2f} s")
    reads = []
    # The growth selectors as the pages call them: with the analytics state the page reads once for its report
    # cache key (reports/cache.py), as in bench_growth.
    state = analytics_state()
    for words, start, end in (("B has data", a, b), ("both dates after the horizon", after_a, after_b)):
        for grouping in ("territorial", "network"):

            def read(start=start, end=end, grouping=grouping):
                return selectors.growth_rows(scope_paths=None, a=start, b=end, grouping=grouping, state=state)

            reads.append((f"selector: growth by {grouping}, union-wide, {words}", read))
    reads += [
        ("selector: printed layout (002), union-wide", lambda: selectors.printed_layout(scope_paths=None, a=a, b=b)),
        (
            "dashboard: the cards, leaders and counts at the horizon (`dashboard`: the units' stored rows, "
            "DashboardDay, and the pages above the units)",
            lambda: dashboard(scope_paths=None, today=END, target=1000, silent_days=30),
        ),
        (
            "dashboard's figures computed from the pages, as when the rows are gone (`dashboard_figures`: one pass "
            "over every page's PageLatest row)",
            lambda: dashboard_figures(scope_paths=None, **dashboard_parameters(END, 30, False)),
        ),
        (
            "dashboard: subscribers-over-time series, 6 dates (`subscribers_series`)",
            lambda: subscribers_series(scope_paths=None, dates=series_dates),
        ),
        (
            "dashboard: totals at the date — pages and subscribers per network (`growth_figures`, the tables' part)",
            lambda: growth_figures(scope_paths=None, a=END, b=END, dimensions=("network",)),
        ),
        (
            "audience: subscribers per network at 13 dates (`rollup_network_series`)",
            lambda: rollup_network_series(scope_paths=None, dates=[*reversed(month_ends), END]),
        ),
    ]
    results = []
    for label, read in reads:
        rows = read()
        # The analytics tables' statements, and the dashboard's territorial trend on the (empty) snapshots.
        tables = ("subtreeday", "pagelatest", "dashboardday", "dashboardleader", "socialstats_snapshot")
        timing = _paired(read, _replay(read, tables=tables), runs=RUNS)
        results.append({"read": label, "queries": _queries(read), "rows": _count(rows), **timing, **_by_table(read)})
        _log(f"{label}: {timing['median_ms']:.1f} ms")
    return results


def _by_table(read, runs: int = 5) -> dict:
    """Median SQL time of the read's statements on the analytics tables (Django's own timing)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    samples: list[float] = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            read()
        samples.append(
            sum(
                float(q["time"]) * 1000
                for q in captured.captured_queries
                if any(table in q["sql"] for table in ("subtreeday", "pagelatest", "dashboardday", "dashboardleader"))
            )
        )
    return {"analytics_sql_ms": statistics.median(samples)}


def _count(rows) -> int:
    if hasattr(rows, "rows"):
        return len(rows.rows)
    return len(rows) if hasattr(rows, "__len__") else 1


def _data_sizes() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        counts = {}
        for key, table in (
            ("organisations", "orgs_organisation"),
            ("pages", "socialstats_socialpage"),
            ("page_latest", "socialstats_pagelatest"),
            ("subtree_days", "socialstats_subtreeday"),
            ("snapshots", "socialstats_snapshot"),
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[key] = cursor.fetchone()[0]
        cursor.execute("SELECT pg_total_relation_size('socialstats_subtreeday')")
        counts["subtree_day_bytes"] = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        counts["postgres"] = cursor.fetchone()[0]
    return counts


def _existing_section() -> str:
    from benchmarks.run import REPORT

    text = REPORT.read_text() if REPORT.exists() else ""
    begin, end = f"<!-- bench:{NAME} -->", f"<!-- /bench:{NAME} -->"
    if begin in text and end in text:
        return text.split(begin, 1)[1].split(end, 1)[0]
    return f"## {TITLE}\n\nNot measured yet: needs PostgreSQL (see benchmarks/bench_national.py).\n"


def main() -> str:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("bench_national needs PostgreSQL (skipped; the section is unchanged)", file=sys.stderr)  # noqa: T201
        return _existing_section()
    scale = _scale()
    sizes = _sizes(scale)
    settings.REPORT_CACHE_SECONDS = 0
    settings.REPORT_CACHE_VERSIONED_SECONDS = 0
    with national_database() as database:
        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:
            present = _present(cursor, sizes)
        generated = None if present else generate(sizes)
        if present:
            _log(f"data present in {database}")
        results = measure()
        data = _data_sizes()
    load_average = os.getloadavg()
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "load_average": load_average,
                "cpus": os.cpu_count(),
                "scale": scale,
                "sizes": {**sizes, **data},
                "generated_seconds": generated,
                "dashboard_rows_build": BUILD,
                "reads": results,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    lines = [
        f"## {TITLE}",
        "",
        f"Generated (benchmarks/bench_national.py, scale {scale:g}): {data['organisations']:,} organisations "
        f"({sizes['territorials']:,} territorial, {sizes['primaries']:,} primaries), {data['pages']:,} pages on "
        f"{len(NETWORKS)} networks, {sizes['days']:,} days ({START:%d.%m.%Y}–{END:%d.%m.%Y}); "
        f"{data['subtree_days']:,} subtree-days ({data['subtree_day_bytes'] / 2**30:.1f} GB with indexes), "
        f"{data['page_latest']:,} latest rows, {data['snapshots']:,} snapshots (the tables are generated "
        f"directly: the snapshots of 200,000 pages × 10 years, 730 million rows, are not needed to read the "
        f"reports). PostgreSQL {data['postgres']}." + (f" Generated in {generated:.0f} s." if generated else ""),
        f"Union-wide, A = {END - dt.timedelta(days=91):%d.%m.%Y}, B = {END - dt.timedelta(days=1):%d.%m.%Y} "
        f"unless said. Median of {RUNS} after one warm-up, report cache off, selectors called directly (server "
        "time without rendering). Raw SQL = the same statements on the analytics tables through a cursor. Load "
        "average while measuring: "
        + " / ".join(f"{value:.1f}" for value in load_average)
        + f" on {os.cpu_count()} CPUs (shared machine).",
        "",
        "| What | Median, ms | Min–max, ms | SQL queries | Ratio to raw SQL | of which the analytics tables' "
        "statements, ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result['read']} | {result['median_ms']:.1f} | {result['min_ms']:.0f}–{result['max_ms']:.0f} "
            f"| {result['queries']} | {result['ratio_to_raw']:.2f} | {result['analytics_sql_ms']:.1f} |"
        )
    per_page = [result for result in results if "one pass over every page" in result["read"]]
    slowest = max(result["analytics_sql_ms"] for result in results if result not in per_page)
    lines += [
        "",
        f"The statements on the analytics tables take at most {slowest:.0f} ms in any other read: a few days of "
        "SubtreeDay's (day, organisation) index and the range (A, B] of PageLatest's first-date index (the pages new "
        "in the period), whatever the number of pages or days held. The rest of a read's time is Python: a row per "
        "territorial organisation (1,000 here), labelled. "
        + "The dashboard's cards, leaders and counts are read from the rows the nightly run stores per territorial "
        f"organisation (DashboardDay, docs/analytics.md): storing the {BUILD['units']:,} units' rows, with and "
        f"without history networks, took {BUILD['seconds']:.1f} s, one pass over every page per variant. The "
        "same figures computed from the pages, as the dashboard does for units whose rows a change deleted, grow "
        "with the pages, unlike every other read here. Target (issue 14): ≤ 150 ms each. How the snapshot table "
        "is kept at this size: docs/analytics.md «At national scale». "
        "Numbers: benchmarks/results/national.json.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    django.setup()
    from benchmarks.run import write_section

    write_section(NAME, main())
