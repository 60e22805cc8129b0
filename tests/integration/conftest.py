"""Integration stage: the configured PostgreSQL database and a real Celery worker on Redis.

Run by .ci/run with DATABASE_URL (a dedicated database) and CELERY_BROKER_URL set; it fails, not
skips, without them. Tests use the `integration_db` fixture (see `pytestmark` in the test modules):
rows are committed so the worker sees them, and the data tables are emptied after each test. Django's
`transaction=True` is not used: its flush re-creates content types under new ids, which the long-lived
worker process still has cached.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def django_db_setup(django_db_blocker):
    """Use the configured database itself (the worker connects to the same one), migrated."""
    from django.core.management import call_command

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("integration tests need DATABASE_URL pointing at PostgreSQL")
    with django_db_blocker.unblock():
        call_command("migrate", verbosity=0)


PRESERVED_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


def _empty_data_tables() -> None:
    from django.db import connection

    tables = sorted(set(connection.introspection.django_table_names(only_existing=True)) - PRESERVED_TABLES)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE {} RESTART IDENTITY CASCADE".format(", ".join(f'"{t}"' for t in tables)))


@pytest.fixture
def integration_db(django_db_setup, django_db_blocker):
    """Committed database access for one test; the data tables are emptied afterwards."""
    with django_db_blocker.unblock():
        _empty_data_tables()
        yield
        _empty_data_tables()


class WorkerProcess:
    """A `celery worker` subprocess that can be killed and started again."""

    def __init__(self, log_path: Path, env: dict[str, str] | None = None):
        self.log_path = log_path
        self.env = {**os.environ, **(env or {})}
        self.process: subprocess.Popen | None = None

    def start(self, wait: bool = True) -> None:
        from unionportal.celery import app

        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "unionportal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-n",
                f"integration-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"celery worker exited: {self.log_path.read_text()[-2000:]}")
            if app.control.ping(timeout=1.0):
                return
        pytest.fail("celery worker did not answer a ping within 60 s")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture(scope="session")
def celery_worker_process(tmp_path_factory):
    if not settings.CELERY_BROKER_URL:
        pytest.fail("integration tests need CELERY_BROKER_URL (Redis)")
    worker = WorkerProcess(tmp_path_factory.mktemp("worker") / "worker.log")
    worker.start()
    yield worker
    worker.stop()


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.25):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"condition not met within {timeout} s")


FAKE_HTTP_TIMEOUT = 2.0  # seconds; the worker's HTTP_TIMEOUT_SECONDS during the integration stage


@pytest.fixture(scope="session", autouse=True)
def fake_vk_server():
    """A local fake of the VK API (tests/fakes/vk_server.py), started before the worker.

    The worker subprocess copies os.environ when it starts, so the fake's URL and token go there first;
    the test process's settings get the same values.
    """
    from tests.fakes.vk_server import FakeVk, serve

    fake = FakeVk(token="integration-vk-token", synthetic=True)
    server, url = serve(fake)
    # A short HTTP timeout lets the fault tests (test_collection_faults.py) make the fake answer too late
    # without slowing the suite; the fake answers everything else in milliseconds.
    values = {
        "VK_API_URL": url,
        "VK_API_TOKEN": fake.token,
        "VK_API_RPS": "20",
        "COLLECTION_FLUSH_EVERY": "500",  # a run of 2,000 pages commits several times (a kill lands midway)
        "HTTP_TIMEOUT_SECONDS": str(FAKE_HTTP_TIMEOUT),
    }
    previous = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    settings.VK_API_URL, settings.VK_API_TOKEN, settings.VK_API_RPS = url, fake.token, 20.0
    settings.HTTP_TIMEOUT_SECONDS = FAKE_HTTP_TIMEOUT
    yield fake
    server.shutdown()
    for name, value in previous.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
