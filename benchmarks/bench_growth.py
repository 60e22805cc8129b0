"""Growth rollup and dashboard at federation scale, on PostgreSQL.

Builds (once; kept between runs when the scale matches) a federation: 20,000 organisations, 30,000 pages,
730 daily snapshots each (about 22 million rows) with server-side `INSERT … SELECT generate_series`,
indexes built after loading. Then measures, median of several runs:
- the union-wide rollup by territorial organisation: raw SQL of the aggregate, the selector, the page;
- growth by page and by organisation (totals and the first 50 rows, sorted in SQL), selector and page, each
  paired with the raw SQL it sends, with B on a day with data, B on a day nobody was collected, and both dates
  after the last collected day;
- the 002 printed layout and the overview dashboard pages;
SQL queries per page and the ratio of the page's time to the raw SQL time.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/up_b_bench .venv/bin/python -m benchmarks.run growth`
(`BENCH_GROWTH_SCALE=0.1` or `python -m benchmarks.bench_growth --scale 0.1` for a quick run).
Refuses SQLite: the numbers only mean something on the production database.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

TITLE = "Growth rollup and dashboard (PostgreSQL, federation scale)"
NAME = "growth"

FULL_ORGS = 20_000
FULL_PAGES = 30_000
DAYS = 730
RUNS = 9
END = dt.date(2026, 6, 30)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
RESULTS = Path(__file__).resolve().parent / "results" / "growth.json"


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


def _timed(function, runs: int = RUNS) -> dict:
    """median/min/max ms of `function` over `runs` runs after one warm-up."""
    function()  # warm the cache
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return {"median_ms": statistics.median(times), "min_ms": min(times), "max_ms": max(times)}


def _paired(page, raw, runs: int = RUNS) -> dict:
    """Timings of `page` and the median of page ÷ raw over back-to-back pairs.

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
    return {
        "median_ms": statistics.median(times),
        "min_ms": min(times),
        "max_ms": max(times),
        "ratio_to_raw": statistics.median(ratios),
    }


def _replay(function, tables: tuple[str, ...] = ("subtreeday", "pagelatest", "dashboardday", "dashboardleader")):
    """The SQL statements `function` sends to `tables` (by default the analytics tables), as a function that
    sends only them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    statements = [query["sql"] for query in captured if any(table in query["sql"] for table in tables)]

    def raw() -> None:
        with connection.cursor() as cursor:  # JIT is off on the portal's connections (settings.py)
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return raw


def _queries(function) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured)


def measure() -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from socialstats.analytics.services import analytics_state
    from socialstats.reports import paged, selectors

    a, b = END - dt.timedelta(days=91), END - dt.timedelta(days=1)
    today = timezone.localdate()
    month_a, month_b = today.replace(day=1) - dt.timedelta(days=1), today
    periods = [
        ("B has data", a, b),
        ("B a day nobody was collected", a, END + dt.timedelta(days=1)),
        ("«этот месяц»: both dates after the last collected day", month_a, month_b),
    ]
    results = []
    # The selectors as the pages call them: the page reads the analytics tables' state once, for its report
    # cache key, and hands it to the read (reports/cache.py), so the read itself does not query it again.
    state = analytics_state()
    for words, start, end in periods:
        for grouping in ("territorial", "network"):

            def read(start=start, end=end, grouping=grouping):
                return selectors.growth_rows(scope_paths=None, a=start, b=end, grouping=grouping, state=state)

            timing = _paired(read, _replay(read))
            results.append(
                {"read": f"selector: growth by {grouping}, union-wide, {words}", "queries": _queries(read), **timing}
            )
    # Growth by page and by organisation: the totals and the first 50 rows, sorted in SQL (reports/paged.py),
    # against the same statements sent raw (they read the snapshots and PageLatest).
    paged_raw = {}
    for words, start, end in periods:
        for grouping in paged.PAGED_GROUPINGS:

            def read_paged(start=start, end=end, grouping=grouping):
                common = {"scope_paths": None, "a": start, "b": end, "grouping": grouping, "state": state}
                return paged.growth_page(**common, limit=50)  # the totals and the first 50 rows: one statement

            # Its statement reads the snapshots, or PageLatest alone when both dates are after the last collected
            # day (paged.page_values_sql `latest_holds`), and SubtreeDay for the totals.
            raw = _replay(read_paged, tables=("socialstats_snapshot", "pagelatest", "subtreeday"))
            paged_raw[(grouping, start, end)] = raw
            timing = _paired(read_paged, raw)
            name = "page" if grouping == "page" else "organisation"
            results.append(
                {
                    "read": f"selector: growth by {name} (totals + 50 rows), union-wide, {words}",
                    "queries": _queries(read_paged),
                    **timing,
                }
            )
    user, _created = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    raw_territorial = _replay(lambda: selectors.growth_rows(scope_paths=None, a=a, b=b, grouping="territorial"))
    pages = [
        (
            "page: growth by territorial organisation",
            f"/stats/growth/?a={a:%d.%m.%Y}&b={b:%d.%m.%Y}&grouping=territorial",
        ),
        (
            "page: growth by territorial organisation, «этот месяц»",
            f"/stats/growth/?a={month_a:%d.%m.%Y}&b={month_b:%d.%m.%Y}&grouping=territorial",
        ),
        ("page: printed layout (002)", f"/stats/growth/printed/?a={a:%d.%m.%Y}&b={b:%d.%m.%Y}"),
    ]
    # The dashboard as of the last collected day: PageLatest holds that day; its 90-day territorial trend and the
    # month's start read the snapshots, so its raw SQL is its statements on both.
    dashboard_url = f"/stats/dashboard/?on={END:%d.%m.%Y}"
    pages.append(
        (
            "page: overview dashboard (as of the last collected day)",
            dashboard_url,
            _replay(
                lambda: client.get(dashboard_url),
                tables=("subtreeday", "pagelatest", "dashboardday", "dashboardleader", "socialstats_snapshot"),
            ),
        )
    )
    for words, start, end in periods:
        for grouping in paged.PAGED_GROUPINGS:
            name = "page" if grouping == "page" else "organisation"
            pages.append(
                (
                    f"page: growth by {name} (50 rows shown), {words}",
                    f"/stats/growth/?a={start:%d.%m.%Y}&b={end:%d.%m.%Y}&grouping={grouping}",
                    paged_raw[(grouping, start, end)],
                )
            )
    # Another page of rows in another order: sorted by growth in % in SQL, rows 101–150.
    sorted_url = f"/stats/growth/?a={a:%d.%m.%Y}&b={b:%d.%m.%Y}&grouping=page&sort=-change_pct&page=3"
    pages.append(
        (
            "page: growth by page sorted by growth in %, rows 101–150, B has data",
            sorted_url,
            _replay(lambda: client.get(sorted_url), tables=("socialstats_snapshot",)),
        )
    )
    for entry in pages:
        label, url = entry[0], entry[1]
        response = client.get(url)
        if response.status_code != 200:
            results.append({"read": f"{label} — HTTP {response.status_code}"})
            continue
        queries = _queries(lambda url=url: client.get(url))
        if len(entry) > 2:
            timing = _paired(lambda url=url: client.get(url), entry[2], runs=RUNS)
        elif "territorial" in url or "printed" in url:
            timing = _paired(lambda url=url: client.get(url), raw_territorial, runs=RUNS)
        else:  # still read from the snapshots (seconds each): 3 runs, said in the label
            timing = _timed(lambda url=url: client.get(url), runs=3)
            label += " — median of 3, reads the snapshots"
        results.append({"read": label, "queries": queries, **timing})
    return results


def measure_overview() -> list[dict]:
    """The dashboard (default date and a past date), silent pages, engagement, reach and the contests'
    automatic metrics: each read's selector paired with the raw SQL of its statements on the analytics tables
    (reports/current.py), and its page."""
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from contests.metrics import entry_metrics
    from contests.models import Entry
    from socialstats.analytics.services import analytics_state
    from socialstats.models import SocialPage
    from socialstats.reports import lists, paged, selectors
    from socialstats.reports.audience import transition_page
    from socialstats.reports.dashboard import dashboard
    from socialstats.reports.facts import territorial_depth
    from socialstats.reports.growth import preset_period

    today = timezone.localdate()
    month = preset_period("this_month", today)
    past = END - dt.timedelta(days=45)
    state = analytics_state()
    level = territorial_depth(None)

    def silent(day):
        # The page's reads (reports/list_views.py): the paged silent pages, then the failing pages.
        lists.silent_page(scope_paths=None, today=day, days=30, level=level, limit=50)
        return selectors.failing_pages(scope_paths=None)

    def engagement(order, offset=0):
        return lists.engagement_page(scope_paths=None, on=today, order=order, offset=offset, limit=50)

    # The dashboard as its page calls it (reports/cache.py: the state read once for the cache key, handed on).
    reads = [
        (
            "dashboard, default date",
            lambda: dashboard(scope_paths=None, today=today, target=1000, silent_days=30, state=state),
        ),
        (
            f"dashboard, a past date ({past:%d.%m.%Y}: from the snapshots)",
            lambda: dashboard(scope_paths=None, today=past, target=1000, silent_days=30, state=state),
        ),
        ("silent pages (50 rows + counts per territory), default date", lambda: silent(today)),
        ("silent pages (50 rows + counts per territory), as of the last collected day", lambda: silent(END)),
        (
            "engagement (50 pages + 50 organisations' means + the chart's 200 pages), sorted by engagement",
            lambda: engagement(()),
        ),
        ("engagement, sorted by subscribers, rows 101–150", lambda: engagement(("-subscribers",), offset=100)),
        # As the page calls it (reports/cache.py: the state read once for the cache key, handed to the read).
        ("reach by territorial organisation", lambda: selectors.reach_report(scope_paths=None, on=today, state=state)),
        (
            "reach by organisation (totals + 50 rows)",
            lambda: selectors.organisations_reach(
                paged.growth_page(scope_paths=None, a=today, b=today, grouping="org", limit=50, state=state)[1]
            ),
        ),
    ]
    # The contests' automatic metrics of 200 organisation entries (unsaved: only their pages are read).
    organisations = list(
        SocialPage.objects.order_by("organisation_id").values_list("organisation_id", flat=True).distinct()[:200]
    )
    entries = [Entry(pk=index + 1, organisation_id=org_id) for index, org_id in enumerate(organisations)]
    reads.append(
        (
            f"contest metrics, {len(entries)} organisation entries",
            lambda: entry_metrics(entries, start=END - dt.timedelta(days=90), end=today, metrics={"subscribers_end"}),
        )
    )
    # A past date reads the snapshots (PageLatest does not hold it), and any date the territorial trend: the
    # dashboard's raw SQL is its statements on them too.
    past_tables = ("subtreeday", "pagelatest", "dashboardday", "dashboardleader", "socialstats_snapshot")
    results = []
    for label, read in reads:
        raw = _replay(read, tables=past_tables) if read in (reads[0][1], reads[1][1]) else _replay(read)
        results.append({"read": f"selector: {label}", "queries": _queries(read), **_paired(read, raw)})
    user, _created = get_user_model().objects.get_or_create(
        username="bench", defaults={"is_superuser": True, "is_staff": True}
    )
    client = Client()
    client.force_login(user)
    # The dashboard's figures include its territorial trend, read from the snapshots: its raw SQL is its
    # statements on the analytics tables and that one.
    raw_dashboard = _replay(reads[0][1], tables=past_tables)
    pages = [
        ("page: overview dashboard, default date", "/stats/dashboard/", raw_dashboard),
        (
            f"page: overview dashboard, {past:%d.%m.%Y}",
            f"/stats/dashboard/?on={past:%d.%m.%Y}",
            _replay(reads[1][1], tables=past_tables),
        ),
        ("page: silent pages (50 rows shown)", "/stats/silent/", _replay(reads[2][1])),
        (
            "page: engagement (50 pages, 50 organisations, a chart of 200 pages)",
            "/stats/engagement/",
            _replay(reads[4][1]),
        ),
        (
            "page: engagement sorted by subscribers, rows 101–150",
            "/stats/engagement/?sort=-subscribers&page=3",
            _replay(reads[5][1]),
        ),
        ("page: reach", "/stats/reach/", _replay(reads[6][1])),
        ("page: reach by organisation (50 rows shown)", "/stats/reach/?grouping=org", _replay(reads[7][1])),
        (
            "page: growth «move between networks» view, this month (50 organisations shown)",
            "/stats/growth/?view=transition",
            _replay(lambda: transition_page(scope_paths=None, a=month[0], b=month[1], limit=50, state=state)),
        ),
    ]
    for label, url, raw in pages:
        response = client.get(url)
        if response.status_code != 200:
            results.append({"read": f"{label} — HTTP {response.status_code}"})
            continue
        timing = _paired(lambda url=url: client.get(url), raw)
        results.append({"read": label, "queries": _queries(lambda url=url: client.get(url)), **timing})
    # What any page costs before its report: the session, the user, the middleware and the layout. A page whose
    # raw SQL takes less than twice this cannot be within 1.5x of it (docs/performance.md).
    floor = "/accounts/password/"
    results.append(
        {
            "read": "page without a report (the password form): the cost of any page",
            "queries": _queries(lambda: client.get(floor)),
            **_timed(lambda: client.get(floor)),
        }
    )
    return results


def nightly_write() -> dict:
    """30,000 snapshots of today through the collector's save step (`_flush` per COLLECTION_FLUSH_EVERY results,
    as a run does) plus a nightly run's analytics update (`_after_writes`), against a COPY of the same rows
    into the same table, interleaved, median of 3. Also a second identical flush (a rerun) and the night's one
    post retention for every network (`nightly_posts_prune`, after the last network's run; not per run).

    All in one transaction rolled back at the end, each measurement in a savepoint rolled back after it. The
    bench's posts are all older than the retention window (they end on END): the backlog a first retention
    deletes (two thirds of them) is deleted once, untimed, before measuring, so the measured retention is a
    night's (the posts kept: each page's 10 newest)."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from socialstats.collection.collectors.base import Metrics, Outcome, PageResult
    from socialstats.collection.services import _after_writes, _flush, nightly_posts_prune
    from socialstats.models import CollectionRun, SocialPage
    from socialstats.reports.summary import dashboard_days_build

    day = timezone.localdate()  # the nightly run writes today, the analytics tables' horizon
    page_ids = list(SocialPage.objects.filter(network__in=["vk", "telegram", "ok"]).values_list("pk", flat=True))
    rows = [(pk, day, 500 + pk % 700) for pk in page_ids]

    def copy() -> float:
        with transaction.atomic(), connection.cursor() as cursor:
            started = time.perf_counter()
            with cursor.copy(
                "COPY socialstats_snapshot (page_id, date, subscribers, source, taken_at) FROM STDIN"
            ) as copy:
                for pk, date, subscribers in rows:
                    copy.write_row((pk, date, subscribers, "api", "2026-07-03 03:00:00+03"))
            seconds = time.perf_counter() - started
            transaction.set_rollback(True)
        return seconds

    def write() -> tuple[float, float, float, int, int, float]:
        with transaction.atomic():
            run = CollectionRun.objects.create(network="vk", for_date=day, trigger="nightly")
            results = [PageResult(pk, Outcome.COLLECTED, metrics=Metrics(subscribers=value)) for pk, _d, value in rows]
            every = settings.COLLECTION_FLUSH_EVERY
            batches = [results[index : index + every] for index in range(0, len(results), every)]
            started = time.perf_counter()
            for batch in batches:
                _flush(run, batch, 0)
            flushed = time.perf_counter()
            _after_writes(run)
            done = time.perf_counter()
            # After the night's last run: the dashboard's rows of today (the last collected day is today now).
            dashboard_days_build(today=day, silent_days=settings.SILENT_PAGE_DAYS)
            stored = time.perf_counter() - done
            with CaptureQueriesContext(connection) as again:
                for batch in batches:
                    _flush(run, batch, 0)
            page_updates = sum('UPDATE "socialstats_socialpage"' in query["sql"] for query in again.captured_queries)
            started_prune = time.perf_counter()
            pruned = nightly_posts_prune()
            prune = time.perf_counter() - started_prune
            transaction.set_rollback(True)
        return flushed - started, done - flushed, prune, page_updates, pruned, stored

    copies, writes = [], []
    with transaction.atomic():
        started = time.perf_counter()
        backlog = nightly_posts_prune()
        _log(
            f"nightly write: {backlog} posts of the retention backlog deleted in {time.perf_counter() - started:.0f} s"
        )
        for _ in range(3):
            copies.append(copy())
            writes.append(write())
        transaction.set_rollback(True)
    copy_s = statistics.median(copies)
    totals = [flush + update for flush, update, *_rest in writes]
    return {
        "snapshots": len(rows),
        "copy_s": copy_s,
        "flush_s": statistics.median(w[0] for w in writes),
        "analytics_update_s": statistics.median(w[1] for w in writes),
        "total_s": statistics.median(totals),
        "ratio_to_copy": statistics.median(total / copied for total, copied in zip(totals, copies, strict=True)),
        "transactions": len(range(0, len(rows), settings.COLLECTION_FLUSH_EVERY)),
        "page_updates_on_a_second_identical_flush": writes[0][3],
        "nightly_posts_prune_s": statistics.median(w[2] for w in writes),
        "posts_pruned_in_a_night": writes[0][4],
        "dashboard_rows_s": statistics.median(w[5] for w in writes),
    }


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
    settings.REPORT_CACHE_VERSIONED_SECONDS = 0
    call_command("migrate", verbosity=0)
    loaded = load(scale)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM socialstats_snapshot")
        snapshots = cursor.fetchone()[0]
        have_orgs, have_pages = _loaded_scale(cursor)
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    from socialstats.analytics.services import analytics_state
    from socialstats.models import PageLatest, SubtreeDay

    if analytics_state() is None:
        _log("building the analytics tables")
        started = time.perf_counter()
        call_command("analytics_rebuild", verbosity=0)
        _log(f"analytics tables built in {time.perf_counter() - started:.0f} s")
    from django.utils import timezone

    from socialstats.reports.summary import dashboard_days_build

    # The dashboard's rows as the nightly run stores them (today and the last collected day: reports/summary.py).
    started = time.perf_counter()
    dashboard_days_build(today=timezone.localdate(), silent_days=settings.SILENT_PAGE_DAYS)
    _log(f"dashboard rows stored in {time.perf_counter() - started:.1f} s")
    results = measure() + measure_overview()
    nightly = nightly_write()
    load_average = os.getloadavg()
    sizes = {
        "organisations": have_orgs,
        "pages": have_pages,
        "snapshots": snapshots,
        "subtree_days": SubtreeDay.objects.count(),
        "page_latest": PageLatest.objects.count(),
        "scale": scale,
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "load_average": load_average,
                "cpus": os.cpu_count(),
                "sizes": sizes,
                "reads": results,
                "nightly": nightly,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    lines = [
        f"## {TITLE}",
        "",
        f"Data: {have_orgs:,} organisations, {have_pages:,} pages, {snapshots:,} snapshots "
        f"({DAYS} days; 2 % of page-days missing, every 10th page started late); analytics tables: "
        f"{sizes['subtree_days']:,} subtree-days, {sizes['page_latest']:,} latest rows. PostgreSQL {version}."
        + (f" Loaded in {loaded['loaded_seconds']:.0f} s." if loaded["loaded_seconds"] else ""),
        f"Union-wide; A = {END - dt.timedelta(days=91):%d.%m.%Y}, B = {END - dt.timedelta(days=1):%d.%m.%Y} unless "
        f"said. Median of {RUNS} runs after one warm-up, report cache off; pages through the Django test client "
        "(server time, a superuser). Raw SQL = the same statements on the analytics tables through a cursor. "
        "Load average while measuring: "
        + " / ".join(f"{value:.1f}" for value in load_average)
        + f" on {os.cpu_count()} CPUs (the machine is shared; numbers on a quiet machine are lower).",
        "",
        "| What | Median, ms | Min–max, ms | SQL queries | Ratio to raw SQL |",
        "|---|---:|---:|---:|---:|",
    ]
    for result in results:
        if "median_ms" not in result:
            lines.append(f"| {result['read']} | | | | |")
            continue
        ratio = result.get("ratio_to_raw")
        lines.append(
            f"| {result['read']} | {result['median_ms']:.0f} | {result['min_ms']:.0f}–{result['max_ms']:.0f} "
            f"| {result['queries']} | {'' if ratio is None else f'{ratio:.2f}'} |"
        )
    lines += [
        "",
        f"Nightly write of {nightly['snapshots']:,} snapshots (the collector's save step, `_flush` per 5,000) "
        f"{nightly['flush_s']:.2f} s + analytics update {nightly['analytics_update_s']:.2f} s = "
        f"{nightly['total_s']:.2f} s; a COPY of the same rows into the same table {nightly['copy_s']:.2f} s "
        f"(ratio {nightly['ratio_to_copy']:.1f}). {nightly['transactions']} transactions (the day's new snapshots "
        f"by COPY in each); page rows updated by a second identical flush: "
        f"{nightly['page_updates_on_a_second_identical_flush']}. The night's post retention for every network, "
        f"once after the last run: {nightly['nightly_posts_prune_s']:.2f} s ({nightly['posts_pruned_in_a_night']} "
        "deleted; the bench posts' first-retention backlog deleted beforehand). The dashboard's rows of the day "
        f"(DashboardDay, stored with the report cache's warm-up after the last run): {nightly['dashboard_rows_s']:.2f} "
        "s. Median of 3, interleaved with the COPY, each rolled back.",
        "",
        "Targets (issue 14): every report ≤ 150 ms and ≤ 1.5× the raw SQL on the analytics tables; the nightly "
        "write + update ≤ 3 s and ≤ 3× COPY. Growth by territorial organisation and network, the printed layout "
        "and reach read the analytics tables (docs/analytics.md); growth by page and by organisation read each "
        "page's value at the last collected day on or before each date (one range of the (date, page) index, "
        "PageLatest before any probe) and sort and cut the page of rows in SQL; the dashboard reads its units' "
        "stored rows (DashboardDay) for today and the last collected day; silent pages, engagement and contest "
        "metrics read PageLatest (a past date, the dashboard's too: the snapshots, aggregated in SQL); silent "
        "pages and engagement sort, cut and count their tables in SQL (reports/lists.py). "
        "Numbers: benchmarks/results/growth.json.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    django.setup()
    from benchmarks.run import write_section

    write_section(NAME, main())
