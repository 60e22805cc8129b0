"""`make loadtest`: 50 users for 60 s against gunicorn + PostgreSQL at federation scale (docs/loadtest.md).

1. Database: LOADTEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/unionportal_bench, the growth
   benchmark's database). Created when missing; migrated; the federation of benchmarks/bench_growth.py is built
   by its `load(scale)` unless it is already there (`--scale 0.1` or BENCH_GROWTH_SCALE for a small one).
2. Load-test users, idempotently: an information officer at the federation root, a territorial admin of the
   biggest territorial organisation and a presidium member over the union. Their password is LOADTEST_PASSWORD
   or a generated one; it is never printed and reaches locust only through its environment.
3. collectstatic into a temporary STATIC_ROOT, then gunicorn on 127.0.0.1 (a free port), production settings
   (DEBUG off, a generated SECRET_KEY, no HTTPS redirect or secure cookies since it is plain HTTP on loopback).
4. locust headless (loadtest/locustfile.py), its CSV statistics turned into the `loadtest` section of
   docs/performance.md. gunicorn is always stopped; every step has a time limit.
Exit status 1 when any request failed (or the run could not be made).
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/unionportal_bench"
# The shared report cache, as in production (REDIS_URL): gunicorn's workers share one entry per report. Empty:
# each worker's own memory.
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
USERS = int(os.environ.get("LOADTEST_USERS", "50"))
SPAWN_RATE = int(os.environ.get("LOADTEST_SPAWN_RATE", "10"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
WORKERS = int(os.environ.get("LOADTEST_WORKERS", "4"))
WORKER_CLASS = "sync"  # CPU-bound pages on a 2-core machine that also runs PostgreSQL: see docs/loadtest.md
# The measured window starts once every user has logged in (the locustfile ends the run SECONDS after that); the
# logins themselves get this long at most, after which locust's own --run-time ends the run.
LOGIN_ALLOWANCE = 120
HARD_LIMIT = SECONDS + LOGIN_ALLOWANCE + 180  # seconds for locust, including its stop and CSV writing


def _log(message: str) -> None:
    print(f"[loadtest {time.strftime('%H:%M:%S')}] {message}", flush=True)  # noqa: T201


def _ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist yet (connecting to the server's `postgres` database)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    name = name.split("?", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True, connect_timeout=10) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            _log(f"creating database {name}")
            conn.execute(f'CREATE DATABASE "{name}"')


def _prepare(password: str) -> dict:
    """Migrate, build the federation when missing, create the users. Returns facts for the run and report."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from benchmarks import bench_growth
    from orgs.models import Organisation, OrgKind, Role, RoleAssignment

    if connection.vendor != "postgresql":
        raise SystemExit("loadtest needs PostgreSQL (LOADTEST_DATABASE_URL)")
    call_command("migrate", verbosity=0)
    bench_growth.load(bench_growth._scale())
    root = Organisation.objects.filter(depth=1).order_by("path").first()
    union = Organisation.objects.filter(kind=OrgKind.UNION).order_by("path").first() or root
    territorial = Organisation.objects.filter(kind=OrgKind.TERRITORIAL).order_by("-numchild", "path").first()
    if root is None or territorial is None:
        raise SystemExit("the load-test database has no federation or no territorial organisation")
    user_model = get_user_model()
    for username, role, organisation in [
        ("loadtest_info", Role.INFO_OFFICER, root),
        ("loadtest_territorial", Role.TERRITORIAL_ADMIN, territorial),
        ("loadtest_presidium", Role.PRESIDIUM, union),
    ]:
        user, _created = user_model.objects.get_or_create(username=username)
        user.set_password(password)
        user.is_active = True
        user.save()
        RoleAssignment.objects.get_or_create(user=user, role=role, organisation=organisation)
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(date) FROM socialstats_snapshot")
        as_of = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM socialstats_socialpage")
        pages = cursor.fetchone()[0]
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = 'socialstats_snapshot'")
        snapshots = cursor.fetchone()[0]
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    warmed, warm_seconds = _warm()
    connection.close()
    return {
        "warmed": warmed,
        "warm_seconds": warm_seconds,
        "as_of": as_of,
        "union_id": union.pk,
        "territorial": territorial,
        "organisations": Organisation.objects.count(),
        "pages": pages,
        "snapshots": snapshots,
        "postgres": version.split(" ")[0],
    }


def _warm() -> tuple[int, float]:
    """What the nightly run does after collecting: the union's and each territorial organisation's default
    reports computed into the shared cache (none without the analytics tables or a shared cache)."""
    from django.conf import settings

    from socialstats.analytics.services import analytics_state
    from socialstats.reports.cache import report_cache_warm

    if analytics_state() is None or "redis" not in settings.CACHES["default"]["BACKEND"].lower():
        return 0, 0.0
    started = time.perf_counter()
    scopes = report_cache_warm()
    seconds = time.perf_counter() - started
    _log(f"report cache warmed for {scopes} scopes in {seconds:.0f} s")
    return scopes, seconds


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_ready(url: str, process: subprocess.Popen, limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode} (see its log)")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # 127.0.0.1 only
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {limit:.0f} s")


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)  # graceful: the arbiter stops its workers
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def read_stats(path: Path) -> list[dict]:
    """Rows of locust's `<prefix>_stats.csv`, the Aggregated row last."""
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def report(rows: list[dict], facts: dict, split: dict | None = None) -> str:
    """The Markdown section of docs/performance.md."""
    territorial = facts["territorial"]
    lines = [
        "## Load test: 50 users on dashboards, growth tables and the tree (gunicorn + PostgreSQL)",
        "",
        f"`make loadtest` (loadtest/run.py, docs/loadtest.md). Data: the growth benchmark's federation, "
        f"{facts['organisations']:,} organisations, {facts['pages']:,} pages, about {facts['snapshots']:,} "
        f"snapshots, last collected day {facts['as_of']:%d.%m.%Y}; PostgreSQL {facts['postgres']}. "
        f"{USERS} users (spawned {SPAWN_RATE}/s), 1–3 s think time, each logged in through the form; the table is "
        f"the {_window(split)} s after the last of them logged in (locust's statistics are reset then). Users: "
        f"information officers, territorial admins ({territorial.name}, {territorial.numchild} primaries) "
        f"and presidium members, 2 : 2 : 1. gunicorn: {WORKERS} {WORKER_CLASS} workers, DEBUG off, "
        + (
            f"report aggregates in the shared Redis cache, warmed as after the nightly run ({facts['warmed']} "
            f"scopes in {facts['warm_seconds']:.0f} s before the run)"
            if facts.get("warmed")
            else "report aggregates cached in each worker's memory (no analytics tables or no Redis)"
        )
        + ", on the same "
        f"machine as PostgreSQL and locust: {os.cpu_count()} CPUs, load average before the run "
        f"{facts['load_before']}, after {facts['load_after']} (the machine is shared with other work).",
        "",
        "| Endpoint | Requests | Failures | p50, ms | p95, ms | Max, ms | Requests/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if not int(row["Request Count"]):
            continue  # the logins: all before the window, on their own row below
        name = "**all requests**" if row["Name"] == "Aggregated" else row["Name"]
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count']):,} | {row['50%']} | "
            f"{row['95%']} | {float(row['Max Response Time']):.0f} | {float(row['Requests/s']):.2f} |"
        )
    labels = {
        "pages": "**pages (logins left out)**",
        "pages_during_logins": "pages asked while the users were still logging in (before the window)",
        "logins": "**logins** (Django's password hasher; before the window)",
    }
    for kind, summary in (split or {}).items():
        if kind not in labels:
            continue
        lines.append(
            f"| {labels[kind]} | {summary['requests']:,} | | {summary['p50']:.0f} | {summary['p95']:.0f} "
            f"| {summary['max']:.0f} | |"
        )
    return "\n".join(lines)


def _window(split: dict | None) -> str:
    return str((split or {}).get("window_seconds") or SECONDS)


def _load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> int:
    url = os.environ.get("LOADTEST_DATABASE_URL", DEFAULT_URL)
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("LOADTEST_DATABASE_URL must be a PostgreSQL URL")
    os.environ["DATABASE_URL"] = url
    os.environ["REDIS_URL"] = os.environ.get("LOADTEST_REDIS_URL", DEFAULT_REDIS_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionportal.settings")
    password = os.environ.get("LOADTEST_PASSWORD") or secrets.token_urlsafe(24)
    _ensure_database(url)
    facts = _prepare(password)
    workdir = Path(tempfile.mkdtemp(prefix="unionportal-loadtest-"))
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    server_env = {
        **os.environ,
        "DATABASE_URL": url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(workdir / "static"),
        "CELERY_BROKER_URL": "",
        "EMAIL_URL": "dummymail://",  # no mail in a load test; the console is refused with DEBUG off
        "LOG_LEVEL": "WARNING",
    }
    server = None
    try:
        _log("collectstatic")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=server_env,
            check=True,
            timeout=300,
        )
        _log(f"gunicorn on {host}: {WORKERS} {WORKER_CLASS} workers")
        server_log = (workdir / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "unionportal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(WORKERS),
                "--worker-class",
                WORKER_CLASS,
                "--timeout",
                "120",
                "--graceful-timeout",
                "10",
            ],
            cwd=ROOT,
            env=server_env,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        _wait_ready(f"{host}/accounts/login/", server)
        locust_env = {
            **os.environ,
            "LOADTEST_PASSWORD": password,
            "LOADTEST_AS_OF": f"{facts['as_of']:%d.%m.%Y}",
            "LOADTEST_SCOPE_ID": str(facts["territorial"].pk),
            "LOADTEST_TREE_ID": str(facts["union_id"]),
            "LOADTEST_SPLIT_JSON": str(workdir / "split.json"),
        }
        prefix = workdir / "stats"
        facts["load_before"] = _load_average()
        _log(f"locust: {USERS} users, {SECONDS} s")
        with (workdir / "locust.log").open("w") as locust_log:
            subprocess.run(
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "loadtest" / "locustfile.py"),
                    "--headless",
                    "-u",
                    str(USERS),
                    "-r",
                    str(SPAWN_RATE),
                    "-t",
                    f"{SECONDS + LOGIN_ALLOWANCE}s",
                    "--stop-timeout",
                    "30",
                    "--host",
                    host,
                    "--csv",
                    str(prefix),
                    "--only-summary",
                ],
                cwd=ROOT,
                env=locust_env,
                stdout=locust_log,
                stderr=subprocess.STDOUT,
                timeout=HARD_LIMIT,
                check=False,  # locust exits 1 on failed requests; the CSV says which
            )
        facts["load_after"] = _load_average()
    finally:
        _stop(server)
    rows = read_stats(Path(f"{prefix}_stats.csv"))
    from benchmarks.run import write_section

    split_path = workdir / "split.json"
    split = json.loads(split_path.read_text()) if split_path.exists() else None
    write_section("loadtest", report(rows, facts, split))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failures = int(total["Failure Count"])
    _log(f"{total['Request Count']} requests, {failures} failed; docs/performance.md updated (logs in {workdir})")
    if failures:
        failures_csv = Path(f"{prefix}_failures.csv")
        if failures_csv.exists():
            print(failures_csv.read_text(), file=sys.stderr)  # noqa: T201
        return 1
    shutil.rmtree(workdir / "static", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
