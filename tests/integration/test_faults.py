"""Faults: the broker goes away while the portal serves; work resumes when it is back."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import time
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import reverse

from orgs.models import Organisation, OrgKind, Role
from orgs.tasks import organisation_close_task
from tests.factories import UserFactory, assign, make_org
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("integration_db")]


def _redis_answers(host: str, port: int) -> bool:
    result = subprocess.run(["redis-cli", "-h", host, "-p", str(port), "ping"], capture_output=True, text=True)
    return result.stdout.strip() == "PONG"


@contextlib.contextmanager
def redis_stopped():
    """Stop the broker's Redis server and always start it again (same port, no persistence)."""
    broker = urlparse(settings.CELERY_BROKER_URL)
    host, port = broker.hostname or "127.0.0.1", broker.port or 6379
    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed for the fault tests")
    subprocess.run(["redis-cli", "-h", host, "-p", str(port), "shutdown", "nosave"], capture_output=True)
    wait_for(lambda: not _redis_answers(host, port), timeout=20)
    try:
        yield
    finally:
        subprocess.run(
            [
                "redis-server",
                "--daemonize",
                "yes",
                "--bind",
                host,
                "--port",
                str(port),
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            check=True,
            capture_output=True,
        )
        wait_for(lambda: _redis_answers(host, port), timeout=30)


def test_pages_keep_serving_while_redis_is_down_and_tasks_run_once_it_is_back(celery_worker_process, client):
    union = make_org("Союз", OrgKind.UNION)
    territory = make_org("ТПО", OrgKind.TERRITORIAL, union)
    user = UserFactory(username="info-fault")
    assign(user, Role.INFO_OFFICER, union)
    client.force_login(user)

    with redis_stopped():
        assert client.get(reverse("orgs:tree")).status_code == 200
        assert client.get(reverse("orgs:detail", args=[territory.pk])).status_code == 200
        health = client.get(reverse("health"))
        assert health.status_code == 503
        assert health.json()["broker"]["ok"] is False
        assert health.json()["database"]["ok"] is True
        started = time.monotonic()

    assert client.get(reverse("health")).status_code == 200
    result = organisation_close_task.delay(territory.pk)
    assert result.get(timeout=90) == f"closed {territory.pk}"
    assert not Organisation.objects.get(pk=territory.pk).is_active
    assert time.monotonic() - started < 120
