from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from news import services
from news.models import NewsStatus, Notice, NotificationPreference, ReminderLog
from news.notices import digest_send, reminders_send
from news.tasks import news_reminders_task
from orgs.models import OrgKind, Role
from tests.factories import UserFactory, assign, make_org
from tests.news.conftest import make_item, moscow

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


def test_author_gets_a_notice_when_returned_and_when_published(cast, tree, django_capture_on_commit_callbacks):
    item = make_item(tree.vao_p1, OCT, first_submitted_at=moscow(2026, 10, 20), author=cast.primary_admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.news_return(item=item, by=cast.territorial_admin, comment="Нужны фото")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ppo@example.org"]
    assert "возвращена" in mail.outbox[0].subject and "Нужны фото" in mail.outbox[0].body
    item.__class__.objects.filter(pk=item.pk).update(status=NewsStatus.ACCEPTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.news_publish(item=item, by=cast.territorial_admin, url="https://vk.com/wall-1_7")
    assert len(mail.outbox) == 2
    assert "https://vk.com/wall-1_7" in mail.outbox[1].body
    assert list(Notice.objects.values_list("kind", flat=True).order_by("pk")) == ["returned", "published"]


def test_author_who_switched_notices_off_gets_none(client, cast, tree, django_capture_on_commit_callbacks):
    client.force_login(cast.primary_admin)
    client.post(reverse("news:preferences"), {"reminders": "on", "digest": "on"})  # item notices off
    assert NotificationPreference.objects.get(user=cast.primary_admin).item_notices is False
    item = make_item(tree.vao_p1, OCT, first_submitted_at=moscow(2026, 10, 20), author=cast.primary_admin)
    with django_capture_on_commit_callbacks(execute=True):
        services.news_return(item=item, by=cast.territorial_admin, comment="Нужны фото")
    assert mail.outbox == []
    assert not Notice.objects.exists()


def test_reminders_go_to_exactly_the_missing_primaries_once(cast, tree):
    other_admin = UserFactory(username="ppo_zao")
    assign(other_admin, Role.PRIMARY_ADMIN, tree.zao_p1)
    silent_admin = UserFactory(username="ppo_vao2")
    assign(silent_admin, Role.PRIMARY_ADMIN, tree.vao_p2)
    NotificationPreference.objects.create(user=silent_admin, reminders=False)
    make_item(tree.vao_p1, OCT, NewsStatus.SUBMITTED, moscow(2026, 10, 20))
    make_org("ППО будущая", OrgKind.PRIMARY, tree.zao, founded_on=dt.date(2026, 11, 2))  # not expected in October

    assert news_reminders_task("2026-10") == "reminded 1 for 2026-10"
    assert [message.to for message in mail.outbox] == [["ppo_zao@example.org"]]
    assert "05.11.2026" in mail.outbox[0].body
    assert reminders_send(month=OCT) == 0  # idempotent
    assert list(ReminderLog.objects.values_list("organisation__name", flat=True)) == ["ППО Школа 3"]


def test_weekly_digest_tells_territorial_admins_what_waits(cast, tree):
    make_item(tree.vao_p1, OCT, NewsStatus.SUBMITTED, moscow(2026, 10, 20))
    make_item(tree.vao_p2, OCT, NewsStatus.SUBMITTED, moscow(2026, 10, 21))
    make_item(tree.vao_p2, OCT, NewsStatus.ACCEPTED, moscow(2026, 10, 21))
    zao_admin = UserFactory(username="tpo_zao")
    assign(zao_admin, Role.TERRITORIAL_ADMIN, tree.zao)
    assert digest_send() == 1
    assert mail.outbox[0].to == ["tpo@example.org"] and "2" in mail.outbox[0].subject


def test_preferences_page_shows_and_saves_settings(client, cast):
    client.force_login(cast.territorial_admin)
    assert client.get(reverse("news:preferences")).status_code == 200
    client.post(reverse("news:preferences"), {})
    preference = NotificationPreference.objects.get(user=cast.territorial_admin)
    assert not (preference.reminders or preference.digest)


def test_primary_admin_is_not_offered_the_reviewers_digest_and_saving_leaves_it_alone(client, cast):
    client.force_login(cast.primary_admin)
    body = client.get(reverse("news:preferences")).content.decode()
    assert 'name="reminders"' in body and 'name="item_notices"' in body
    assert 'name="digest"' not in body and 'name="forwarded"' not in body
    client.post(reverse("news:preferences"), {"reminders": "on"})
    preference = NotificationPreference.objects.get(user=cast.primary_admin)
    assert (preference.reminders, preference.item_notices, preference.digest) == (True, False, True)


@pytest.mark.parametrize(
    ("role", "offered"),
    [
        ("info_officer", ["forwarded"]),
        ("territorial_admin", ["reminders", "digest"]),
        ("primary_admin", ["reminders", "item_notices"]),
        ("presidium", []),
        ("juror", []),
        ("outsider", []),
    ],
)
def test_each_role_is_offered_the_notices_that_concern_it(client, cast, role, offered):
    client.force_login(getattr(cast, role))
    body = client.get(reverse("news:preferences")).content.decode()
    shown = [name for name in ("reminders", "item_notices", "digest", "forwarded") if f'name="{name}"' in body]
    assert shown == offered
    if not offered:
        assert "не присылает писем" in body


def test_information_staff_get_an_email_when_an_item_is_forwarded(cast, tree, django_capture_on_commit_callbacks):
    item = make_item(tree.vao_p1, OCT, NewsStatus.ACCEPTED, moscow(2026, 10, 20), title="Субботник")
    with django_capture_on_commit_callbacks(execute=True):
        services.news_forward(item=item, by=cast.territorial_admin)
    assert [message.to for message in mail.outbox] == [["info@example.org"]]
    assert "Субботник" in mail.outbox[0].subject and f"/news/{item.pk}/" in mail.outbox[0].body
    assert Notice.objects.get().kind == "forwarded"


def test_information_officer_who_switched_forward_notices_off_gets_none(
    client, cast, tree, django_capture_on_commit_callbacks
):
    client.force_login(cast.info_officer)
    client.post(reverse("news:preferences"), {})
    item = make_item(tree.vao_p1, OCT, NewsStatus.ACCEPTED, moscow(2026, 10, 20))
    with django_capture_on_commit_callbacks(execute=True):
        services.news_forward(item=item, by=cast.territorial_admin)
    assert mail.outbox == []
