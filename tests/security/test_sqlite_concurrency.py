"""SQLite under a small office's concurrent use: a double submission gives one success and one clear refusal.

Runs in a fresh process against a file database with the portal's own settings (the test database of
the suite is in memory, where SQLite locks differently), whatever DATABASE_URL the suite itself uses.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Two threads submit the same thing at once: each checks that it is not there yet, waits a moment (a
# slow request), then writes it, inside one transaction.atomic() as a service does.
DOUBLE_SUBMIT = """
import json, threading, time
import django
django.setup()
from django.db import connection, connections, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE submission (id INTEGER PRIMARY KEY, key TEXT UNIQUE)")
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
connections.close_all()
outcomes = []
start = threading.Barrier(2)

def submit():
    start.wait()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM submission WHERE key = 'news-1'")
            if cursor.fetchone()[0]:
                outcomes.append("already submitted")
                return
            time.sleep(0.3)
            cursor.execute("INSERT INTO submission (key) VALUES ('news-1')")
        outcomes.append("saved")
    except Exception as error:
        outcomes.append(f"{error.__class__.__name__}: {error}")
    finally:
        connections.close_all()

threads = [threading.Thread(target=submit) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({"journal": journal, "outcomes": sorted(outcomes)}))
"""


def _run(tmp_path: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(
        {"DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}", "DJANGO_SETTINGS_MODULE": "unionportal.settings"}
    )
    result = subprocess.run(
        [sys.executable, "-c", DOUBLE_SUBMIT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_double_submission_on_sqlite_gives_one_success_and_one_clear_refusal(tmp_path: Path):
    report = _run(tmp_path)
    assert report["outcomes"] == ["already submitted", "saved"]


def test_sqlite_runs_in_write_ahead_log_mode(tmp_path: Path):
    assert _run(tmp_path)["journal"] == "wal"
