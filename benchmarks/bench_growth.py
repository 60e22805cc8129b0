"""Growth rollup and dashboard at federation scale, on PostgreSQL.

Builds (once; kept between runs when the scale matches) a federation: 20,000 organisations, 30,000 pages,
730 daily snapshots each (about 22 million rows) with server-side `INSERT … SELECT generate_series`,
indexes built after loading. Then measures, median of several runs:
- the union-wide rollup by territorial organisation: raw SQL of the aggregate, the selector, the page;
- the 002 printed layout and the overview dashboard pages;
SQL queries per page and the ratio of the page's time to the raw SQL time.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/up_b_bench .venv/bin/python -m benchmarks.run growth`
(`BENCH_GROWTH_SCALE=0.1` or `python -m benchmarks.bench_growth --scale 0.1` for a quick run).
Refuses SQLite: the numbers only mean something on the production database.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import time

TITLE = "Growth rollup and dashboard (PostgreSQL, federation scale)"
NAME = "growth"

FULL_ORGS = 20_000
FULL_PAGES = 30_000
DAYS = 730
RUNS = 9
END = dt.date(2026, 6, 30)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: T201


def _step(number: int) -> str:
    """treebeard's path step (steplen 4, base 36)."""
    digits = ""
    for _ in range(4):
        number, rest = divmod(number, 36)
        digits = ALPHABET[rest] + digits
    return digits


def _existing_section() -> str:
    from benchmarks.run import REPORT

    text = REPORT.read_text() if REPORT.exists() else ""
    begin, end = f"<!-- bench:{NAME} -->", f"<!-- /bench:{NAME} -->"
    if begin in text and end in text:
        return text.split(begin, 1)[1].split(end, 1)[0]
    return f"## {TITLE}\n\nNot measured yet: needs PostgreSQL (see benchmarks/bench_growth.py).\n"


def _scale() -> float:
    for index, arg in enumerate(sys.argv):
        if arg == "--scale" and index + 1 < len(sys.argv):
            return float(sys.argv[index + 1])
    return float(os.environ.get("BENCH_GROWTH_SCALE", "1"))


def _loaded_scale(cursor) -> tuple[int, int]:
    cursor.execute("SELECT count(*) FROM socialstats_socialpage")
    pages = cursor.fetchone()[0]
    cursor.execute("SELECT count(*) FROM orgs_organisation")
    organisations = cursor.fetchone()[0]
    cursor.execute("SELECT EXISTS (SELECT 1 FROM socialstats_snapshot)")
    return organisations, pages if cursor.fetchone()[0] else 0


def load(scale: float) -> dict:
    """Build the federation unless it is already there at this scale."""
    from django.db import connection, transaction

    from orgs.models import Organisation, OrgKind
    from socialstats.models import SocialPage

    n_orgs, n_pages = max(int(FULL_ORGS * scale), 50), max(int(FULL_PAGES * scale), 60)
    n_territorial = max(n_orgs // 100, 3)
    with connection.cursor() as cursor:
        have_orgs, have_pages = _loaded_scale(cursor)
    if have_pages == n_pages and have_orgs >= n_orgs:
        _log(f"data present: {have_orgs} organisations, {have_pages} pages")
        return {"loaded_seconds": None}
    started = time.perf_counter()
    _log(f"loading {n_orgs} organisations, {n_pages} pages, {DAYS} days")
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE socialstats_collectionfailure, socialstats_collectionrun, socialstats_snapshot, "
            "socialstats_socialpage, orgs_roleassignment, orgs_organisation CASCADE"
        )
    # Organisations: federation → union → territorials → primaries (the rest), built as rows with paths.
    federation = Organisation(path=_step(1), depth=1, numchild=1, kind=OrgKind.FEDERATION, name="Федерация")
    union = Organisation(path=_step(1) + _step(1), depth=2, numchild=n_territorial, kind=OrgKind.UNION, name="Профсоюз")
    organisations = [federation, union]
    primaries_total = n_orgs - 2 - n_territorial
    per_territorial = primaries_total // n_territorial
    territorials = []
    for t in range(1, n_territorial + 1):
        children = per_territorial + (1 if t <= primaries_total % n_territorial else 0)
        territorial = Organisation(
            path=union.path + _step(t),
            depth=3,
            numchild=children,
            kind=OrgKind.TERRITORIAL,
            name=f"ТПО {t}",
            members_count=5000 + t * 7,
        )
        territorials.append(territorial)
        organisations.append(territorial)
        for p in range(1, children + 1):
            organisations.append(
                Organisation(
                    path=territorial.path + _step(p),
                    depth=4,
                    numchild=0,
                    kind=OrgKind.PRIMARY,
                    name=f"ППО {t}-{p}",
                    members_count=50 + p,
                )
            )
    with transaction.atomic():
        Organisation.objects.bulk_create(organisations, batch_size=5000)
    ids = list(Organisation.objects.order_by("path").values_list("id", "kind"))
    territorial_ids = [pk for pk, kind in ids if kind == OrgKind.TERRITORIAL]
    primary_ids = [pk for pk, kind in ids if kind == OrgKind.PRIMARY]
    networks = ["vk", "telegram", "ok"]
    pages = []
    for index in range(n_pages):
        if index < len(territorial_ids) * 2:
            org_id = territorial_ids[index // 2]
        else:
            org_id = primary_ids[(index * 7919) % len(primary_ids)]
        network = networks[index % 3]
        pages.append(
            SocialPage(
                organisation_id=org_id,
                network=network,
                url=f"https://example.org/{network}/p{index}",
                handle=f"p{index}",
                title=f"Страница {index}",
                owner="organisation",
                added_on=END - dt.timedelta(days=DAYS),
            )
        )
    with transaction.atomic():
        SocialPage.objects.bulk_create(pages, batch_size=5000)
    _log(f"organisations and pages in {time.perf_counter() - started:.0f} s; snapshots next")
    # One transaction: a failure leaves the table with its constraints and indexes (DDL is transactional).
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'socialstats_snapshot'::regclass AND contype IN ('u', 'f')"
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'socialstats_snapshot' "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint) AND indexname NOT LIKE '%%_pkey'"
        )
        indexes = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE socialstats_snapshot DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET LOCAL synchronous_commit TO off")
        # Every page-day, except a sparse pattern of missed days (2 %) and pages that started late
        # (every 10th page starts up to 600 days in), so the fallback path of the read is exercised.
        cursor.execute(
            """
            INSERT INTO socialstats_snapshot
                (page_id, date, subscribers, posts_30d, last_post_at, posts_counted, likes, comments, reposts,
                 views, source, taken_at)
            SELECT p.id, d::date,
                   100 + (mod(p.id, 900)) + (d::date - %s::date) * (1 + mod(p.id, 3)),
                   mod(p.id, 25), d + interval '10 hours' - ((mod(p.id, 40)) * interval '1 day'), 10,
                   mod(p.id, 97), mod(p.id, 31), mod(p.id, 13),
                   CASE WHEN p.network = 'telegram' THEN 2000 + mod(p.id, 500) END,
                   'api', d + interval '3 hours'
            FROM socialstats_socialpage p
            CROSS JOIN generate_series(%s::date, %s::date, interval '1 day') AS d
            WHERE mod(p.id * 31 + (d::date - %s::date), 50) <> 0
              AND (mod(p.id, 10) <> 0 OR d::date >= %s::date + mod(p.id, 600)::int)
            """,
            [
                END - dt.timedelta(days=DAYS - 1),
                END - dt.timedelta(days=DAYS - 1),
                END,
                END - dt.timedelta(days=DAYS - 1),
                END - dt.timedelta(days=DAYS - 1),
            ],
        )
        _log(f"snapshots inserted at {time.perf_counter() - started:.0f} s; building indexes")
        cursor.execute("SET LOCAL maintenance_work_mem TO '1GB'")
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE socialstats_snapshot ADD CONSTRAINT "{name}" {definition}')
        for _name, definition in indexes:
            cursor.execute(definition)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE socialstats_snapshot")
        cursor.execute("ANALYZE socialstats_socialpage")
        cursor.execute("ANALYZE orgs_organisation")
    seconds = time.perf_counter() - started
    _log(f"loaded in {seconds:.0f} s")
    return {"loaded_seconds": seconds}


def _median_ms(function, runs: int = RUNS) -> float:
    function()  # warm the cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _paired(page, raw, runs: int = RUNS) -> tuple[float, float]:
    """Median time of `page` and the median of page ÷ raw over back-to-back pairs.

    The machine is shared: timing the two alternately keeps a change of load from skewing the ratio.
    """
    page()
    raw()
    times, ratios = [], []
    for _ in range(runs):
        started = time.perf_counter()
        raw()
        raw_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        page()
        page_ms = (time.perf_counter() - started) * 1000
        times.append(page_ms)
        ratios.append(page_ms / raw_ms)
    return statistics.median(times), statistics.median(ratios)


def measure() -> list[tuple[str, float, int | None, float | None]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from socialstats.reports import facts, selectors

    a, b = END - dt.timedelta(days=91), END - dt.timedelta(days=1)
    level = facts.territorial_depth(None)
    sql, params = facts.growth_sql(scope_paths=None, a=a, b=b, dimensions=("level",), level=level)

    def raw_sql() -> None:
        """The same aggregate straight through a cursor, with JIT off as the selectors run it."""
        with connection.cursor() as cursor:
            cursor.execute("SET jit = off")
            cursor.execute(sql, params)
            cursor.fetchall()
            cursor.execute("RESET jit")

    raw = _median_ms(raw_sql)
    selector, selector_ratio = _paired(
        lambda: selectors.growth_rows(scope_paths=None, a=a, b=b, grouping="territorial"), raw_sql
    )
    results = [
        ("raw SQL: rollup by territorial organisation", raw, 1, None),
        ("selector `growth_rows(grouping='territorial')`", selector, None, selector_ratio),
    ]
    user, _created = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    pages = [
        (
            "page: growth table by territorial organisation",
            f"/stats/growth/?a={a:%d.%m.%Y}&b={b:%d.%m.%Y}&grouping=territorial",
            raw_sql,
        ),
        ("page: printed layout (002)", f"/stats/growth/printed/?a={a:%d.%m.%Y}&b={b:%d.%m.%Y}", None),
        ("page: overview dashboard (as of the last collected day)", f"/stats/dashboard/?on={END:%d.%m.%Y}", None),
        (
            "page: growth by territorial organisation, B = a day nobody was collected (every page falls back)",
            f"/stats/growth/?a={a:%d.%m.%Y}&b={END + dt.timedelta(days=1):%d.%m.%Y}&grouping=territorial",
            raw_sql,
        ),
    ]
    for label, url, base in pages:
        response = client.get(url)
        if response.status_code != 200:
            results.append((f"{label} — HTTP {response.status_code}", 0.0, None, None))
            continue
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = len(captured)  # read now: the next request clears the connection's query log
        if base:
            ms, ratio = _paired(lambda url=url: client.get(url), base)
        else:
            ms, ratio = _median_ms(lambda url=url: client.get(url)), None
        results.append((label, ms, queries, ratio))
    return results


def main() -> str:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        message = (
            "bench_growth needs PostgreSQL: run it with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/<bench db> (skipped; the section is unchanged)"
        )
        print(message, file=sys.stderr)  # noqa: T201
        return _existing_section()
    scale = _scale()
    # Measure the work, not the report cache (socialstats/report_views.py keeps aggregates a minute).
    settings.REPORT_CACHE_SECONDS = 0
    call_command("migrate", verbosity=0)
    loaded = load(scale)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM socialstats_snapshot")
        snapshots = cursor.fetchone()[0]
        have_orgs, have_pages = _loaded_scale(cursor)
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    results = measure()
    lines = [
        f"## {TITLE}",
        "",
        f"Data: {have_orgs:,} organisations, {have_pages:,} pages, {snapshots:,} snapshots "
        f"({DAYS} days; 2 % of page-days missing, every 10th page started late). PostgreSQL {version}."
        + (f" Loaded in {loaded['loaded_seconds']:.0f} s." if loaded["loaded_seconds"] else ""),
        f"Period: A = {END - dt.timedelta(days=91):%d.%m.%Y}, B = {END - dt.timedelta(days=1):%d.%m.%Y}, "
        f"union-wide. Median of {RUNS} runs after one warm-up; pages through the Django test client "
        "(server time, a superuser). Load average while measuring: "
        + " / ".join(f"{value:.1f}" for value in os.getloadavg())
        + f" on {os.cpu_count()} CPUs (the machine is shared; numbers on a quiet machine are lower).",
        "",
        "| What | Median, ms | SQL queries | Ratio to raw SQL (median of back-to-back pairs) |",
        "|---|---:|---:|---:|",
    ]
    for label, ms, queries, ratio in results:
        lines.append(
            f"| {label} | {ms:.0f} | {'' if queries is None else queries} | {'' if ratio is None else f'{ratio:.2f}'} |"
        )
    lines += [
        "",
        "Targets: rollup under 200 ms, ratio under 1.5. The read takes each date's snapshots as one range of the "
        "(date, page) index and falls back to the latest earlier snapshot only for pages missing on that day "
        "(one probe each on the (page, date) unique index); see docs/reports.md.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    django.setup()
    from benchmarks.run import write_section

    write_section(NAME, main())
