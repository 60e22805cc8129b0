"""The daily job: the management command and the Celery task call the same run; beat schedules it after collection."""

from __future__ import annotations

from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command

from alerts.models import Alert, AlertKind
from alerts.services import alert_rule_update
from alerts.tasks import alerts_daily
from tests.alerts.conftest import TODAY, make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing(tree, cast):
    for kind in AlertKind:
        alert_rule_update(kind=kind, is_enabled=kind == AlertKind.COLLECTION_FAILING, threshold=3, user=None)
    return make_page(tree.vao_p1, "failing", consecutive_failures=3)


def test_command_evaluates_and_sends_the_digest_for_the_given_day(failing):
    out = StringIO()
    call_command("alerts_run", "--today", TODAY.isoformat(), stdout=out)

    assert "opened 1" in out.getvalue()
    assert "digests 1" in out.getvalue()
    assert Alert.objects.get().opened_at.date() == TODAY
    assert len(mail.outbox) == 1


def test_command_refuses_a_bad_date_in_russian(db):
    with pytest.raises(CommandError, match="ожидается дата ГГГГ-ММ-ДД"):
        call_command("alerts_run", "--today", "10.03.2026")


def test_task_runs_the_same_job_and_a_second_run_sends_nothing(failing):
    first = alerts_daily(TODAY.isoformat())
    second = alerts_daily(TODAY.isoformat())

    assert first.endswith("digests 1")
    assert second == "opened 0, closed 0, escalated 0; digests 0"
    assert len(mail.outbox) == 1


def test_beat_runs_alerts_every_morning_after_the_nightly_collection():
    schedule = settings.CELERY_BEAT_SCHEDULE
    alerts = schedule["alerts-daily"]["schedule"]
    collection = schedule["collect-stats-nightly"]["schedule"]

    assert schedule["alerts-daily"]["task"] == alerts_daily.name
    assert alerts.hour == {6} and alerts.minute == {30}
    assert min(collection.hour) < min(alerts.hour)


def test_demo_opens_alerts_once_however_often_it_is_loaded(db):
    from unionportal.demo import demo_load

    demo_load()
    opened = Alert.objects.count()
    demo_load()

    assert opened > 0
    assert Alert.objects.count() == opened
    assert mail.outbox == []
