from __future__ import annotations

import pytest

from orgs.models import Organisation, OrgKind
from orgs.tasks import organisation_close_task
from tests.factories import make_org
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("integration_db")]


def test_real_worker_runs_a_task_end_to_end_on_postgres(celery_worker_process):
    union = make_org("Союз", OrgKind.UNION)
    territory = make_org("ТПО", OrgKind.TERRITORIAL, union)
    result = organisation_close_task.delay(territory.pk, "2026-01-31")
    assert result.get(timeout=60) == f"closed {territory.pk}"
    territory.refresh_from_db()
    assert not territory.is_active
    assert str(territory.closed_on) == "2026-01-31"


def test_task_for_a_deleted_object_returns_quietly(celery_worker_process):
    result = organisation_close_task.delay(987654321)
    assert result.get(timeout=60) == "gone"


def test_broker_is_really_used(celery_worker_process, settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER is False
    union = make_org("Союз 2", OrgKind.UNION)
    organisation_close_task.delay(union.pk)
    wait_for(lambda: not Organisation.objects.get(pk=union.pk).is_active)
