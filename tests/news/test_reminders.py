"""Issue 13, point 8: reminders you can see — who will be reminded, «Remind now» once a day, the log."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from news import selectors
from news.models import MonthReopening, NewsStatus, NotificationPreference, ReminderLog, ReminderRun
from news.months import add_months, local_today
from news.notices import reminders_send
from orgs.models import OrgKind, Role
from tests.factories import UserFactory, assign, make_org
from tests.news.conftest import make_item, moscow

pytestmark = pytest.mark.django_db
CURRENT = local_today().replace(day=1)  # its deadline is next month: still open
CLOSED = add_months(CURRENT, -3)  # its deadline passed long ago


def _remind_now(client, month, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("news:reminders"), {"month": f"{month:%Y-%m}"}, follow=True)


def test_primary_without_an_admin_is_listed_to_its_territorial_admin_in_one_email(cast, tree):
    make_org("ППО Школа 4", OrgKind.PRIMARY, tree.vao)  # no admin either
    assert reminders_send(month=CURRENT) == 2  # ppo about Школа 1; tpo about Школа 2 and Школа 4 together
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"ppo@example.org", "tpo@example.org"}
    listing = by_recipient["tpo@example.org"]
    assert "без администратора" in listing.subject
    assert "ППО Школа 2" in listing.body and "ППО Школа 4" in listing.body and "ППО Школа 1" not in listing.body
    assert set(ReminderLog.objects.filter(via_territorial=True).values_list("organisation__name", flat=True)) == {
        "ППО Школа 2",
        "ППО Школа 4",
    }
    # ЗАО's primary has no admin and ЗАО has no territorial admin: nobody is told, the page says so.
    zao = next(t for t in selectors.reminder_plan(CURRENT) if t.organisation == tree.zao_p1)
    assert not zao.has_admin and zao.territorial_admins == []


def test_reminder_for_an_open_month_gives_the_deadline(cast, tree):
    reminders_send(month=CURRENT)
    body = next(m.body for m in mail.outbox if m.to == ["ppo@example.org"])
    assert "принимаются вовремя до" in body and "закрыт" not in body


def test_reminder_for_a_closed_month_does_not_promise_it_is_open(cast, tree):
    reminders_send(month=CLOSED)
    body = next(m.body for m in mail.outbox if m.to == ["ppo@example.org"])
    assert "вовремя" not in body
    assert "месяц закрыт для отправки" in body and "открыть его заново" in body


def test_reminder_for_a_reopened_month_says_it_is_open_again(cast, tree):
    MonthReopening.objects.create(organisation=tree.vao_p1, month=CLOSED)
    reminders_send(month=CLOSED)
    body = next(m.body for m in mail.outbox if m.to == ["ppo@example.org"])
    assert "открыт для вас заново" in body and "закрыт для отправки" not in body


def test_page_lists_who_will_be_reminded_in_the_territorial_admins_subtree_only(client, cast, tree):
    make_item(tree.vao_p1, CURRENT, NewsStatus.SUBMITTED, moscow(CURRENT.year, CURRENT.month, 1))
    client.force_login(cast.territorial_admin)
    response = client.get(reverse("news:reminders"), {"month": f"{CURRENT:%Y-%m}"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "ППО Школа 2" in body and "нет администратора" in body and "tpo" in body
    assert "ППО Школа 1" not in body.split('id="reminder-plan"')[1].split("</table>")[0]  # it sent news
    assert "ППО Школа 3" not in body  # another territory


def test_information_staff_see_every_territory(client, cast, tree):
    client.force_login(cast.info_officer)
    body = client.get(reverse("news:reminders"), {"month": f"{CURRENT:%Y-%m}"}).content.decode()
    assert "ППО Школа 1" in body and "ППО Школа 3" in body
    assert "никому: у территории тоже нет администратора" in body


def test_remind_now_sends_for_the_scope_logs_who_started_it_and_refuses_a_second_time_that_day(
    client, cast, tree, django_capture_on_commit_callbacks
):
    zao_admin = UserFactory(username="ppo_zao")
    assign(zao_admin, Role.PRIMARY_ADMIN, tree.zao_p1)
    client.force_login(cast.territorial_admin)
    response = _remind_now(client, CURRENT, django_capture_on_commit_callbacks)
    assert "Напоминания за" in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["ppo@example.org", "tpo@example.org"]  # not ЗАО's admin
    run = ReminderRun.objects.get()
    assert (run.started_by, run.automatic, run.sent) == (cast.territorial_admin, False, 2)

    response = _remind_now(client, CURRENT, django_capture_on_commit_callbacks)
    assert "сегодня уже отправлялись" in response.content.decode()
    assert len(mail.outbox) == 2 and ReminderRun.objects.count() == 1

    log = client.get(reverse("news:reminders"), {"month": f"{CURRENT:%Y-%m}"}).content.decode()
    assert "ppo@example.org" in log.split('id="reminder-log"')[1] and "tpo" in log.split('id="reminder-log"')[1]

    # Information staff's scope is another one: their press the same day is not refused.
    client.force_login(cast.info_officer)
    _remind_now(client, CURRENT, django_capture_on_commit_callbacks)
    assert [m.to for m in mail.outbox[2:]] == [["ppo_zao@example.org"]]  # ВАО's people heard about it today


def test_the_scheduled_run_is_logged_as_automatic(client, cast, tree):
    reminders_send(month=CURRENT)
    client.force_login(cast.info_officer)
    body = client.get(reverse("news:reminders"), {"month": f"{CURRENT:%Y-%m}"}).content.decode()
    assert "автоматически" in body.split('id="reminder-log"')[1]


def test_remind_now_refuses_a_month_outside_the_list(client, cast, tree):
    client.force_login(cast.territorial_admin)
    response = client.post(reverse("news:reminders"), {"month": "2001-01"}, follow=True)
    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
    assert not ReminderRun.objects.exists() and mail.outbox == []


def test_switched_off_admin_is_shown_and_not_reminded_and_the_territory_is_not_told_instead(cast, tree):
    NotificationPreference.objects.create(user=cast.primary_admin, reminders=False)
    plan = {t.organisation: t for t in selectors.reminder_plan(CURRENT)}
    assert plan[tree.vao_p1].switched_off == [cast.primary_admin] and plan[tree.vao_p1].territorial_admins == []
    reminders_send(month=CURRENT)
    assert "ppo@example.org" not in [m.to[0] for m in mail.outbox]


@pytest.mark.parametrize("extra", [0, 20])
def test_reminders_page_query_budget_does_not_grow_with_primaries(
    client, cast, tree, extra, django_assert_max_num_queries
):
    for number in range(extra):
        organisation = make_org(f"ППО {number}", OrgKind.PRIMARY, tree.vao)
        assign(UserFactory(username=f"admin{number}"), Role.PRIMARY_ADMIN, organisation)
    reminders_send(month=CURRENT)
    client.force_login(cast.info_officer)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("news:reminders"), {"month": f"{CURRENT:%Y-%m}"}).status_code == 200


# --- the permission matrix of the new page: every demo role, GET and POST ---------------------------

ROLE_ANSWERS = {
    "info_officer": 200,
    "territorial_admin": 200,
    "primary_admin": 404,
    "presidium": 404,
    "juror": 404,
    "outsider": 404,
}


@pytest.mark.parametrize(("role", "status"), ROLE_ANSWERS.items())
def test_reminders_page_rights_for_every_role(client, cast, tree, role, status, django_capture_on_commit_callbacks):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("news:reminders")).status_code == status
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("news:reminders"), {"month": f"{CURRENT:%Y-%m}"})
    assert response.status_code == (302 if status == 200 else 404)
    assert ReminderRun.objects.exists() is (status == 200)


def test_anonymous_visitor_is_sent_to_log_in(client, tree):
    response = client.get(reverse("news:reminders"))
    assert response.status_code == 302 and "login" in response.url
