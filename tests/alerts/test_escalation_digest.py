"""Alerts go to the organisation's admins, up one level after a week unhandled; one digest per person per day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from alerts.models import Alert, AlertDigest, AlertKind
from alerts.services import alert_handle, alert_rule_update, alerts_digest_send, alerts_evaluate, alerts_run
from tests.alerts.conftest import TODAY, make_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def failing(tree, cast):
    """Only the collection rule on, and one failing page of the first VAO primary (which has an admin)."""
    for kind in AlertKind:
        alert_rule_update(kind=kind, is_enabled=kind == AlertKind.COLLECTION_FAILING, threshold=3, user=None)
    return make_page(tree.vao_p1, "failing", consecutive_failures=5)


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


def test_alert_goes_to_the_admin_of_its_organisation(failing, cast):
    alerts_run(today=TODAY)

    assert recipients() == ["ppo@example.org"]
    body = mail.outbox[0].body
    assert "Сбор данных не удаётся" in body
    assert "failing (ВКонтакте): сбор не удаётся 5 ночей подряд" in body
    assert "https://portal.example.org/alerts/" in body


def test_unhandled_for_a_week_it_goes_to_the_parents_admin(failing, tree, cast):
    alerts_evaluate(today=TODAY)

    six_days = alerts_evaluate(today=TODAY + dt.timedelta(days=6))
    assert six_days.escalated == 0
    assert Alert.objects.get().routed_to == tree.vao_p1

    week = alerts_evaluate(today=TODAY + dt.timedelta(days=7))
    alert = Alert.objects.get()
    assert week.escalated == 1
    assert alert.routed_to == tree.vao
    assert alert.escalated_at is not None

    alerts_digest_send(today=TODAY + dt.timedelta(days=7))
    assert recipients() == ["tpo@example.org"]
    assert "передано вам от «ППО Школа 1»" in mail.outbox[0].body

    assert alerts_evaluate(today=TODAY + dt.timedelta(days=13)).escalated == 0
    alerts_evaluate(today=TODAY + dt.timedelta(days=14))
    assert Alert.objects.get().routed_to == tree.union
    # The top of the tree: nothing above to pass it to.
    assert alerts_evaluate(today=TODAY + dt.timedelta(days=21)).escalated == 0


def test_a_handled_alert_is_not_passed_up(failing, cast):
    alerts_evaluate(today=TODAY)
    alert_handle(alert=Alert.objects.get(), user=cast.primary_admin, comment="Переподключили бота")

    assert alerts_evaluate(today=TODAY + dt.timedelta(days=7)).escalated == 0


def test_organisation_without_admin_is_served_by_the_nearest_admin_above(tree, cast):
    for kind in AlertKind:
        alert_rule_update(kind=kind, is_enabled=kind == AlertKind.COLLECTION_FAILING, threshold=3, user=None)
    make_page(tree.vao_p2, "orphan", consecutive_failures=3)

    alerts_run(today=TODAY)

    assert recipients() == ["tpo@example.org"]


def test_one_digest_per_person_per_day_however_many_runs(failing, tree, cast):
    make_page(tree.vao_p1, "second", consecutive_failures=4)

    alerts_run(today=TODAY)
    alerts_run(today=TODAY)

    assert len(mail.outbox) == 1
    assert "2 открытых оповещения" in mail.outbox[0].body
    assert AlertDigest.objects.filter(user=cast.primary_admin, day=TODAY).count() == 1

    alerts_run(today=TODAY + dt.timedelta(days=1))
    assert len(mail.outbox) == 2


def test_no_digest_without_open_alerts(tree, cast):
    alerts_digest_send(today=TODAY)

    assert mail.outbox == []


def test_mark_handled_needs_a_comment_and_closes_once(failing, cast):
    alerts_evaluate(today=TODAY)
    alert = Alert.objects.get()

    with pytest.raises(ValidationError, match="Напишите комментарий"):
        alert_handle(alert=alert, user=cast.primary_admin, comment="   ")
    handled = alert_handle(alert=alert, user=cast.primary_admin, comment="Токен обновлён")

    assert handled.handled_by == cast.primary_admin
    assert handled.comment == "Токен обновлён"
    with pytest.raises(ValidationError, match="уже закрыто"):
        alert_handle(alert=alert, user=cast.primary_admin, comment="Ещё раз")
    alerts_digest_send(today=TODAY)
    assert mail.outbox == []
