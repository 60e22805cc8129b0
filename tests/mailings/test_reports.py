"""Scheduled reports: each recipient's report holds only their scope; a rerun sends nothing twice; the
unsubscribe link works without login; the attachment opens; history and log pages keep to their owners."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mailings.models import DeliveryStatus, ReportDelivery, ReportSubscription
from mailings.selectors import report_period
from mailings.services import group_subscribe, reports_send, subscription_create
from mailings.tasks import reports_send_task
from orgs.models import Role
from tests.factories import UserFactory, assign

from .conftest import FIRST, MONDAY, NAMES

pytestmark = pytest.mark.django_db


def _report_for(user, frequency="weekly", scope=None, today=MONDAY) -> str:
    subscription_create(user=user, frequency=frequency, scope=scope)
    mail.outbox.clear()
    reports_send(frequency=frequency, today=today)
    [message] = [message for message in mail.outbox if message.to == [user.email]]
    [(html, _type)] = message.alternatives
    return html


def test_periods_are_the_last_full_week_and_month():
    week = report_period("weekly", MONDAY)
    assert (week.key, week.start.isoformat(), week.end.isoformat()) == ("2026-W49", "2026-11-30", "2026-12-06")
    month = report_period("monthly", FIRST)
    assert (month.key, month.start.isoformat(), month.end.isoformat()) == ("2026-11", "2026-11-01", "2026-11-30")


def test_information_officer_report_covers_the_whole_union(union_data, cast):
    html = _report_for(cast.info_officer)
    for name in NAMES.values():
        assert name in html
    assert "ЗАО" in html and "ВАО" in html
    assert "Конкурс ЗАО на лучшую страницу" in html


def test_presidium_report_covers_the_whole_union(union_data, cast):
    html = _report_for(cast.presidium, frequency="monthly", today=FIRST)
    assert NAMES["zao"] in html and NAMES["vao"] in html
    assert "01.11.2026–30.11.2026" in html


def test_territorial_admin_report_holds_only_their_territory(union_data, cast):
    html = _report_for(cast.territorial_admin)
    assert NAMES["vao"] in html and NAMES["vao_p2"] in html
    assert NAMES["zao"] not in html
    assert "ЗАО" not in html  # neither the territory's row nor its contest
    top = html.split("Больше всех выросли")[1].split("Страницы без постов")[0]
    assert top.index(NAMES["vao"]) < top.index(NAMES["vao_p1"]) < top.index(NAMES["vao_p2"])  # +100, +10, +5
    # Growth of ВАО over the week: 1000 + 60 + 40 → 1100 + 70 + 45.
    text = html.replace("\xa0", " ").replace("\u202f", " ")
    assert "1 215" in text and "+115" in text


def test_primary_admin_report_holds_only_their_primary(union_data, cast):
    html = _report_for(cast.primary_admin)
    assert NAMES["vao_p1"] in html
    for other in ("vao", "zao", "vao_p2"):
        assert NAMES[other] not in html
    assert "ЗАО" not in html


def test_subscribing_outside_the_scope_is_refused(union_data, cast, client):
    client.force_login(cast.territorial_admin)
    response = client.post(reverse("mailings:subscriptions"), {"frequency": "weekly", "scope": union_data.zao.pk})
    assert response.status_code == 200
    assert "Выберите организацию из списка" in response.content.decode()
    assert not ReportSubscription.objects.exists()
    response = client.post(reverse("mailings:subscriptions"), {"frequency": "weekly", "scope": union_data.vao_p1.pk})
    assert response.status_code == 302
    assert ReportSubscription.objects.get().scope == union_data.vao_p1


def test_a_subscription_to_an_organisation_narrows_the_report(union_data, cast):
    html = _report_for(cast.info_officer, scope=union_data.zao)
    assert NAMES["zao"] in html
    assert NAMES["vao"] not in html


def test_a_rerun_sends_nothing_twice(union_data, cast):
    for user in (cast.info_officer, cast.territorial_admin):
        subscription_create(user=user, frequency="weekly", scope=None)
    assert reports_send(frequency="weekly", today=MONDAY) == {"sent": 2}
    assert len(mail.outbox) == 2
    assert reports_send(frequency="weekly", today=MONDAY) == {"done": 2}
    call_command("send_reports", "--frequency", "weekly", "--today", MONDAY.isoformat(), stdout=io.StringIO())
    reports_send_task("weekly", MONDAY.isoformat())
    assert len(mail.outbox) == 2
    assert ReportDelivery.objects.filter(status=DeliveryStatus.SENT).count() == 2
    # The next week is a new period.
    reports_send_task("weekly", "2026-12-14")
    assert len(mail.outbox) == 4


def test_a_recipient_without_address_is_logged_as_skipped(union_data, cast):
    cast.juror.email = ""
    cast.juror.save()
    subscription_create(user=cast.juror, frequency="weekly", scope=None)
    assert reports_send(frequency="weekly", today=MONDAY) == {"skipped": 1}
    assert not mail.outbox
    assert ReportDelivery.objects.get().status == DeliveryStatus.SKIPPED


def test_unsubscribe_link_works_without_login_and_asks_first(union_data, cast, client):
    subscription = subscription_create(user=cast.territorial_admin, frequency="weekly", scope=None)
    reports_send(frequency="weekly", today=MONDAY)
    url = reverse("mailings:unsubscribe", args=[subscription.token])
    assert url in mail.outbox[0].alternatives[0][0]
    assert url in mail.outbox[0].extra_headers["List-Unsubscribe"]
    response = client.get(url)
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.active  # a GET (a mail scanner following links) changes nothing
    response = client.post(url)
    assert "Вы отписаны" in response.content.decode()
    subscription.refresh_from_db()
    assert not subscription.active
    mail.outbox.clear()
    reports_send(frequency="weekly", today=MONDAY + dt.timedelta(days=7))
    assert not mail.outbox
    assert client.get(reverse("mailings:unsubscribe", args=["no-such-token"])).status_code == 404


def test_the_attachment_opens_and_holds_the_scope_only(union_data, cast):
    subscription_create(user=cast.territorial_admin, frequency="weekly", scope=None)
    reports_send(frequency="weekly", today=MONDAY)
    [(filename, content, mimetype)] = mail.outbox[0].attachments
    assert filename == "Отчёт 2026-W49.xlsx"
    assert mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(content))
    assert {"По сетям", "По организациям", "Конкурсы"} <= set(book.sheetnames)
    cells = [str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]
    assert NAMES["vao"] in cells
    assert not any("ЗАО" in cell for cell in cells)


def test_history_shows_own_reports_and_the_stored_html_others_404(union_data, cast, client):
    subscription_create(user=cast.territorial_admin, frequency="weekly", scope=None)
    subscription_create(user=cast.info_officer, frequency="weekly", scope=None)
    reports_send(frequency="weekly", today=MONDAY)
    own = ReportDelivery.objects.get(user=cast.territorial_admin)
    other = ReportDelivery.objects.get(user=cast.info_officer)
    client.force_login(cast.territorial_admin)
    page = client.get(reverse("mailings:history")).content.decode()
    assert reverse("mailings:delivery", args=[own.pk]) in page
    assert reverse("mailings:delivery", args=[other.pk]) not in page
    detail = client.get(reverse("mailings:delivery", args=[own.pk]))
    assert NAMES["vao"] in detail.content.decode()
    assert client.get(reverse("mailings:delivery", args=[other.pk])).status_code == 404
    assert client.get(reverse("mailings:log")).status_code == 404


def test_information_staff_subscribe_a_group_and_see_the_log(union_data, cast, client):
    second = UserFactory(username="presidium2")
    assign(second, Role.PRESIDIUM, union_data.union)
    client.force_login(cast.info_officer)
    response = client.post(reverse("mailings:group_subscribe"), {"group": "presidium", "frequency": "monthly"})
    assert response.status_code == 302
    assert set(ReportSubscription.objects.values_list("user__username", flat=True)) == {"presidium", "presidium2"}
    reports_send(frequency="monthly", today=FIRST)
    assert sorted(message.to[0] for message in mail.outbox) == ["presidium2@example.org", "presidium@example.org"]
    log = client.get(reverse("mailings:log")).content.decode()
    assert "presidium2@example.org" in log and "отправлен" in log
    bad = client.post(reverse("mailings:group_subscribe"), {"group": "everyone", "frequency": "monthly"})
    assert bad.status_code == 302
    assert ReportSubscription.objects.count() == 2


def test_only_information_staff_subscribe_groups(union_data, cast, client):
    client.force_login(cast.territorial_admin)
    response = client.post(reverse("mailings:group_subscribe"), {"group": "presidium", "frequency": "monthly"})
    assert response.status_code == 404
    with pytest.raises(Exception, match="информационного отдела"):
        group_subscribe(by=cast.territorial_admin, group="presidium", frequency="monthly")
    assert not ReportSubscription.objects.exists()


def test_subscription_page_lists_and_cancels(union_data, cast, client):
    client.force_login(cast.primary_admin)
    page = client.get(reverse("mailings:subscriptions")).content.decode()
    assert "ППО Школа 1" in page and "ЗАО" not in page
    client.post(reverse("mailings:subscriptions"), {"frequency": "monthly", "scope": ""})
    subscription = ReportSubscription.objects.get()
    assert subscription.scope is None
    other = subscription_create(user=cast.territorial_admin, frequency="weekly", scope=None)
    assert client.post(reverse("mailings:cancel", args=[other.pk])).status_code == 404
    client.post(reverse("mailings:cancel", args=[subscription.pk]))
    subscription.refresh_from_db()
    assert not subscription.active
    profile = client.get(reverse("orgs:profile")).content.decode()
    assert reverse("mailings:subscriptions") in profile


def test_beat_sends_weekly_on_monday_and_monthly_on_the_first_at_seven(settings):
    from celery import current_app

    weekly, monthly = settings.CELERY_BEAT_SCHEDULE["reports-weekly"], settings.CELERY_BEAT_SCHEDULE["reports-monthly"]
    for entry, frequency in ((weekly, "weekly"), (monthly, "monthly")):
        assert entry["task"] in current_app.tasks
        assert entry["args"] == (frequency,)
        assert entry["schedule"].hour == {7} and entry["schedule"].minute == {0}
    assert weekly["schedule"].day_of_week == {1}
    assert monthly["schedule"].day_of_month == {1}


@pytest.mark.parametrize("recipients", [1, 6])
def test_log_and_history_take_a_fixed_number_of_queries(
    union_data, cast, client, recipients, django_assert_max_num_queries
):
    users = [cast.info_officer] + [UserFactory(username=f"extra{n}") for n in range(recipients - 1)]
    for user in users[1:]:
        assign(user, Role.PRESIDIUM, union_data.union)
    for user in users:
        subscription_create(user=user, frequency="weekly", scope=None)
    reports_send(frequency="weekly", today=MONDAY)
    client.force_login(cast.info_officer)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("mailings:log")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("mailings:history")).status_code == 200


def test_a_failed_send_is_retried_by_the_next_run_and_then_sent_once(union_data, cast, settings):
    subscription_create(user=cast.territorial_admin, frequency="weekly", scope=None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    assert reports_send(frequency="weekly", today=MONDAY) == {"failed": 1}
    delivery = ReportDelivery.objects.get()
    assert delivery.status == DeliveryStatus.FAILED and delivery.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reports_send(frequency="weekly", today=MONDAY) == {"sent": 1}
    assert reports_send(frequency="weekly", today=MONDAY) == {"done": 1}
    assert len(mail.outbox) == 1


def test_a_claim_left_by_a_dead_run_is_taken_over_after_an_hour(union_data, cast):
    subscription_create(user=cast.territorial_admin, frequency="weekly", scope=None)
    reports_send(frequency="weekly", today=MONDAY)
    ReportDelivery.objects.update(status=DeliveryStatus.PENDING)  # as if the run died before sending
    assert reports_send(frequency="weekly", today=MONDAY) == {"done": 1}  # a fresh claim: another run may hold it
    ReportDelivery.objects.update(created_at=timezone.now() - dt.timedelta(hours=2))
    assert reports_send(frequency="weekly", today=MONDAY) == {"sent": 1}
