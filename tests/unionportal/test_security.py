from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from orgs.models import Organisation, Role
from orgs.services import organisation_close, role_assign
from tests.factories import UserFactory


@pytest.mark.django_db
def test_login_is_blocked_after_five_wrong_passwords(client):
    UserFactory(username="victim")
    for _attempt in range(5):
        response = client.post(reverse("login"), {"username": "victim", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "victim", "password": "test-pass-123"})
    assert response.status_code == 429
    assert "Слишком много попыток" in response.content.decode()


@pytest.mark.django_db
def test_a_correct_password_before_the_limit_still_logs_in(client):
    UserFactory(username="forgetful")
    for _attempt in range(3):
        client.post(reverse("login"), {"username": "forgetful", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "forgetful", "password": "test-pass-123"})
    assert response.status_code == 302


def test_changes_to_organisations_and_roles_are_audited(tree):
    user = UserFactory(username="newcomer")
    role_assign(user=user, role=Role.TERRITORIAL_ADMIN, organisation=tree.zao)
    organisation_close(organisation=tree.vao_p1)
    tree.zao.region = "Москва"
    tree.zao.save()
    changes = [entry.changes_dict for entry in LogEntry.objects.get_for_object(tree.zao)]
    assert {"region": ["", "Москва"]} in [{k: v for k, v in c.items() if k == "region"} for c in changes]
    closed = [entry.changes_dict for entry in LogEntry.objects.get_for_object(tree.vao_p1)]
    assert any("is_active" in change for change in closed)
    assignment = user.role_assignments.get()
    assert LogEntry.objects.get_for_object(assignment).count() == 1
    assert isinstance(tree.zao, Organisation)


@pytest.mark.django_db
def test_weak_passwords_are_refused_on_change(client):
    user = UserFactory(username="weak")
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "test-pass-123", "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "слишком" in body.lower() or "распространён" in body.lower()
    user.refresh_from_db()
    assert user.check_password("test-pass-123")


def test_information_staff_see_an_organisations_history(client, cast, tree):
    tree.vao.region = "Восток"
    tree.vao.save()
    client.force_login(cast.info_officer)
    body = client.get(reverse("object_history", args=["orgs.organisation", tree.vao.pk])).content.decode()
    assert "Восток" in body


@pytest.mark.parametrize("role", ["primary_admin", "presidium", "juror", "outsider"])
def test_history_is_for_information_staff_and_territorial_admins_only(client, cast, tree, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("object_history", args=["orgs.organisation", tree.vao.pk])).status_code == 404


def test_territorial_admin_reads_the_history_of_the_own_territory_only(client, cast, tree):
    client.force_login(cast.territorial_admin)
    assert client.get(reverse("object_history", args=["orgs.organisation", tree.vao.pk])).status_code == 200
    assert client.get(reverse("object_history", args=["orgs.organisation", tree.zao.pk])).status_code == 404


def test_history_of_unaudited_model_answers_404(client, cast):
    client.force_login(cast.info_officer)
    assert client.get(reverse("object_history", args=["auth.user", cast.info_officer.pk])).status_code == 404


def test_news_review_is_in_the_audit_trail_with_its_reviewer(client, cast, tree):
    from news.models import NewsItem
    from news.months import local_today, month_start
    from news.services import news_create, news_return, news_submit

    item = news_create(
        organisation=tree.vao_p1,
        author=cast.primary_admin,
        title="Субботник",
        text="Текст",
        reporting_month=month_start(local_today()),
    )
    news_submit(item=item)
    news_return(item=item, by=cast.territorial_admin, comment="Добавьте фото")
    entries = LogEntry.objects.get_for_object(NewsItem.objects.get(pk=item.pk))
    changes = [entry.changes_dict for entry in entries]
    assert any(change.get("status", [None, None])[1] == "returned" for change in changes)
    assert any("Добавьте фото" in str(change.get("review_comment", "")) for change in changes)
    client.force_login(cast.info_officer)
    body = client.get(reverse("object_history", args=["news.newsitem", item.pk])).content.decode()
    assert "Добавьте фото" in body


def test_hand_entered_snapshot_and_page_changes_are_audited(cast, tree):
    import datetime as dt

    from socialstats.models import Snapshot, SocialPage

    page = SocialPage.objects.create(organisation=tree.vao, network="vk", url="https://vk.com/vao", handle="vao")
    page.title = "ВАО ВКонтакте"
    page.save()
    snapshot = Snapshot.objects.create(page=page, date=dt.date(2026, 1, 1), subscribers=10, source="manual")
    assert LogEntry.objects.get_for_object(page).count() == 2
    assert LogEntry.objects.get_for_object(snapshot).count() == 1
