"""Posts reports at federation scale, on PostgreSQL: top posts and the weekday × hour heat map.

On top of the growth benchmark's federation (`bench_growth.load` at the same scale: reused when present),
adds posts once (kept when the table already has posts): every page ~15 posts a month over the 60 days
ending on the growth data's last day, with server-side `INSERT … SELECT generate_series`. Then measures,
median of 9 runs after a warm-up, the selectors the pages call, union-wide (no scope), for the union's subtree as
a scope and for one territorial scope, over the last 30 days: SQL queries and the ratio to the raw SQL they send.

Run: `DATABASE_URL=postgres://postgres@127.0.0.1:5432/<bench db> .venv/bin/python -m benchmarks.run posts`
(`--scale 0.1` or BENCH_GROWTH_SCALE=0.1 for a quick run). Refuses SQLite.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

from benchmarks import bench_growth

TITLE = "Posts reports: top posts and heat map (PostgreSQL, federation scale)"
NAME = "posts"
POST_DAYS = 60
POSTS_PER_PAGE = 30  # ~15 a month over 60 days
PERIOD_DAYS = 30
RESULTS = Path(__file__).resolve().parent / "results" / "posts.json"
TARGET_MS = 150


def _log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: T201


def _existing_section() -> str:
    from benchmarks.run import REPORT

    text = REPORT.read_text() if REPORT.exists() else ""
    begin, end = f"<!-- bench:{NAME} -->", f"<!-- /bench:{NAME} -->"
    if begin in text and end in text:
        return text.split(begin, 1)[1].split(end, 1)[0]
    return f"## {TITLE}\n\nNot measured yet: needs PostgreSQL (see benchmarks/bench_posts.py).\n"


def load_posts() -> dict:
    """Posts for every page unless the table already has some. Times spread over 08–22 Moscow time."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM socialstats_post)")
        if cursor.fetchone()[0]:
            _log("posts present")
            return {"loaded_seconds": None}
    started = time.perf_counter()
    first = bench_growth.END - dt.timedelta(days=POST_DAYS - 1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit TO off")
        # Post n of page p: day n * 2 (+1 on odd pages) into the window, hour 8..22 Moscow; reactions and views
        # vary with p and n; Telegram and VK give views, OK not; every 200th post deleted. Each post keeps the
        # page's subscribers on its day (as the collection stores those of the day it first reads the post);
        # PostgreSQL computes the generated `engagement_rate` and `err_rate` from them (migration 0012).
        # Inserted in publication order, as the nightly collection adds each day's new posts.
        cursor.execute(
            """
            INSERT INTO socialstats_post
                (page_id, external_id, url, published_at, excerpt, kind, likes, comments, reposts, views,
                 is_pinned, subscribers, weekday, hour, first_seen_at, refreshed_at, deleted_at)
            SELECT p.id, 'b' || n, 'https://example.org/' || p.network || '/p' || p.id || '/' || n,
                   (d.day + (8 + mod(p.id * 7 + n * 5, 15)) * interval '1 hour'
                    + mod(p.id + n, 60) * interval '1 minute') AT TIME ZONE 'Europe/Moscow',
                   'Публикация ' || n || ' страницы ' || p.id,
                   (ARRAY['text', 'photo', 'photo', 'video', 'link', 'repost'])[1 + mod(p.id + n, 6)],
                   mod(p.id * 13 + n * 17, 90), mod(p.id + n * 3, 12), mod(p.id * 3 + n, 9),
                   CASE WHEN p.network <> 'ok' THEN 200 + mod(p.id * 31 + n * 97, 3000) END,
                   false,
                   (SELECT s.subscribers FROM socialstats_snapshot s WHERE s.page_id = p.id AND s.date <= d.day
                    ORDER BY s.date DESC LIMIT 1),
                   extract(isodow FROM d.day), 8 + mod(p.id * 7 + n * 5, 15),
                   now(), now(),
                   CASE WHEN mod(p.id + n, 200) = 0 THEN now() END
            FROM socialstats_socialpage p CROSS JOIN generate_series(0, %s) AS n
                CROSS JOIN LATERAL (SELECT %s::date + (n * 2 + mod(p.id, 2))::int AS day) d
            ORDER BY 4
            """,
            [POSTS_PER_PAGE - 1, first],
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE socialstats_post")
    seconds = time.perf_counter() - started
    _log(f"posts loaded in {seconds:.0f} s")
    return {"loaded_seconds": seconds}


def _replay(function):
    """The SELECT statements `function` sends, as a function that sends only them through a cursor."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    # The reads only (JIT is off on the portal's connections: settings.py).
    statements = [query["sql"] for query in captured if query["sql"].lstrip().upper().startswith("SELECT")]

    def raw() -> None:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
                cursor.fetchall()

    return raw


def measure() -> list[dict]:
    from orgs.models import Organisation, OrgKind
    from socialstats.posts import selectors

    end = bench_growth.END
    start = end - dt.timedelta(days=PERIOD_DAYS - 1)
    territorial = Organisation.objects.filter(kind=OrgKind.TERRITORIAL).order_by("path").first()
    union = Organisation.objects.filter(kind=OrgKind.UNION).order_by("path").first()
    # A superuser reads everything (no scope); the union's chairman its whole subtree as a scope (every page too:
    # read unscoped once user_scope has found no page outside it); a territorial admin a hundredth of it.
    scopes = [
        ("union-wide", None),
        ("the union's subtree (a chairman's scope)", [union.path]),
        (f"one territorial ({territorial.name})", [territorial.path]),
    ]
    results = []
    for scope_words, paths in scopes:

        def query(paths=paths) -> selectors.PostQuery:
            """As the posts views build it, reading the user's scope (user_scope) inside the timed read."""
            return selectors.PostQuery(selectors.user_scope(paths)[1], start, end)

        reads = [
            ("top 20 by engagement", lambda query=query: selectors.top_posts(query(), by="engagement")),
            ("top 20 by ERR", lambda query=query: selectors.top_posts(query(), by="err")),
            ("top 20 by views", lambda query=query: selectors.top_posts(query(), by="views")),
            ("heat map", lambda query=query: selectors.heat_map(query())),
        ]
        for words, read in reads:
            timing = bench_growth._paired(read, _replay(read))
            results.append({"read": f"{words}, {scope_words}", "queries": bench_growth._queries(read), **timing})
            _log(f"{words}, {scope_words}: {timing['median_ms']:.0f} ms")
    return results


def main() -> str:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql":
        print("bench_posts needs PostgreSQL (skipped; the section is unchanged)", file=sys.stderr)  # noqa: T201
        return _existing_section()
    settings.REPORT_CACHE_SECONDS = 0
    call_command("migrate", verbosity=0)
    bench_growth.load(bench_growth._scale())
    loaded = load_posts()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM socialstats_post")
        posts = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM socialstats_socialpage")
        pages = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM socialstats_snapshot")
        snapshots = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    results = measure()
    load_average = os.getloadavg()
    sizes = {"pages": pages, "posts": posts, "snapshots": snapshots, "scale": bench_growth._scale()}
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {"load_average": load_average, "cpus": os.cpu_count(), "sizes": sizes, "reads": results},
            indent=2,
            ensure_ascii=False,
        )
        + "\n"
    )
    lines = [
        f"## {TITLE}",
        "",
        f"Data: {pages:,} pages, {posts:,} posts ({POST_DAYS} days, ~15 a month per page), {snapshots:,} snapshots "
        f"(the growth benchmark's). PostgreSQL {version}."
        + (f" Posts loaded in {loaded['loaded_seconds']:.0f} s." if loaded["loaded_seconds"] else ""),
        f"Period: the last {PERIOD_DAYS} days of the data. Median of {bench_growth.RUNS} runs after one warm-up, "
        "the selectors the pages call. Raw SQL = the same statements through a cursor. Load average: "
        + " / ".join(f"{value:.1f}" for value in load_average)
        + f" on {os.cpu_count()} CPUs (shared machine).",
        "",
        "| What | Median, ms | Min–max, ms | SQL queries | Ratio to raw SQL |",
        "|---|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result['read']} | {result['median_ms']:.0f} | {result['min_ms']:.0f}–{result['max_ms']:.0f} "
            f"| {result['queries']} | {result['ratio_to_raw']:.2f} |"
        )
    lines += [
        "",
        f"Target (issue 16): top posts and the heat map ≤ {TARGET_MS} ms at federation scale. "
        "Numbers: benchmarks/results/posts.json.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    django.setup()
    from benchmarks.run import write_section

    write_section(NAME, main())
