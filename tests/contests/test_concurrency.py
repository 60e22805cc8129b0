"""Closing the judging and saving a score at the same moment: the close waits for the save, never overtakes it."""

from __future__ import annotations

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections, transaction

from contests import services
from contests.models import Contest, ContestStatus, JuryScore

pytestmark = pytest.mark.django_db(transaction=True)


def _wait_for_lock_waiters(count: int, timeout: float = 10.0) -> None:
    """Return once `count` other sessions of this database wait on a lock (or after `timeout`)."""
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= count:
                return
            time.sleep(0.05)


def _in_thread(name: str, events: list[str], work) -> threading.Thread:
    def run() -> None:
        try:
            work()
            events.append(name)
        except ValidationError:
            events.append(f"{name} refused")
        finally:
            connections.close_all()

    thread = threading.Thread(target=run, name=name)
    thread.start()
    return thread


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks: PostgreSQL (SQLite writes one at a time)")
def test_closing_the_judging_waits_for_a_score_being_saved(fixed):
    juror, entry = fixed.jurors["juror_zao"], fixed.entries["ВАО"]
    events: list[str] = []
    with transaction.atomic():
        # Hold the scores' table so the save stops half-way: after reading the contest's status, before writing.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {JuryScore._meta.db_table} IN EXCLUSIVE MODE")
        saver = _in_thread(
            "saved",
            events,
            lambda: services.jury_scores_save(juror=juror, entry=entry, marks={fixed.design.pk: {"points": "7"}}),
        )
        _wait_for_lock_waiters(1)  # the save holds the contest's row and waits for the scores' table
        closer = _in_thread(
            "closed",
            events,
            lambda: services.contest_close(contest=Contest.objects.get(pk=fixed.contest.pk), confirm_gaps=True),
        )
        # The close waits for the save's row lock; without that lock it would finish here, under the save's feet.
        _wait_for_lock_waiters(2, timeout=3.0)
    saver.join(timeout=10)
    closer.join(timeout=10)
    assert events == ["saved", "closed"]
    assert Contest.objects.get(pk=fixed.contest.pk).status == ContestStatus.CLOSED
    assert JuryScore.objects.filter(juror=juror, entry=entry).count() == 1


def test_a_score_sent_after_the_close_is_refused_and_saves_nothing(fixed):
    services.contest_close(contest=fixed.contest, confirm_gaps=True)
    juror = fixed.jurors["juror_zao"]
    juror.contest.status = ContestStatus.JUDGING  # the status the juror's page read before the close
    with pytest.raises(ValidationError, match="только во время работы жюри"):
        services.jury_scores_save(juror=juror, entry=fixed.entries["ВАО"], marks={fixed.design.pk: {"points": "7"}})
    assert not JuryScore.objects.exists()
