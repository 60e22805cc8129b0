"""A real Celery worker (separate process, PostgreSQL, Redis) sends a month's reminders.

The worker's emails go to its own console, so the test asserts on the reminder log (`news.ReminderLog`),
one row per recipient and primary, written in the same transaction as the send.
"""

from __future__ import annotations

import datetime as dt

import pytest

from news.models import NewsItem, NewsStatus, ReminderLog
from news.tasks import news_reminders_task
from orgs.models import OrgKind, Role
from tests.factories import UserFactory, assign, make_org

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("integration_db")]

OCTOBER = dt.date(2026, 10, 1)


def test_real_worker_reminds_exactly_the_missing_primaries(celery_worker_process):
    union = make_org("Союз новостей", OrgKind.UNION)
    territory = make_org("ТПО новостей", OrgKind.TERRITORIAL, union)
    sent = make_org("ППО прислала", OrgKind.PRIMARY, territory)
    silent = make_org("ППО молчит", OrgKind.PRIMARY, territory)
    drafted = make_org("ППО только черновик", OrgKind.PRIMARY, territory)
    newborn = make_org("ППО с ноября", OrgKind.PRIMARY, territory, founded_on=dt.date(2026, 11, 3))
    admins = {}
    for organisation in (sent, silent, drafted, newborn):
        user = UserFactory(username=f"news-int-{organisation.pk}")
        assign(user, Role.PRIMARY_ADMIN, organisation)
        admins[organisation.pk] = user
    NewsItem.objects.create(
        organisation=sent, title="Есть", text="т", reporting_month=OCTOBER, status=NewsStatus.SUBMITTED
    )
    NewsItem.objects.create(
        organisation=drafted, title="Черновик", text="т", reporting_month=OCTOBER, status=NewsStatus.DRAFT
    )

    result = news_reminders_task.delay("2026-10")
    summary = result.get(timeout=60)

    reminded = set(
        ReminderLog.objects.filter(month=OCTOBER, organisation__path__startswith=union.path).values_list(
            "organisation_id", "user_id"
        )
    )
    assert reminded == {(silent.pk, admins[silent.pk].pk), (drafted.pk, admins[drafted.pk].pk)}
    assert summary.startswith("reminded ") and summary.endswith(" for 2026-10")

    again = news_reminders_task.delay("2026-10").get(timeout=60)
    assert again == "reminded 0 for 2026-10"
    assert ReminderLog.objects.filter(organisation__path__startswith=union.path).count() == 2
