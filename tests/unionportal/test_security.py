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


@pytest.mark.parametrize("role", ["territorial_admin", "primary_admin", "presidium", "juror", "outsider"])
def test_history_is_for_information_staff_only(client, cast, tree, role):
    client.force_login(getattr(cast, role))
    assert client.get(reverse("object_history", args=["orgs.organisation", tree.vao.pk])).status_code == 404


def test_history_of_unaudited_model_answers_404(client, cast):
    client.force_login(cast.info_officer)
    assert client.get(reverse("object_history", args=["auth.user", cast.info_officer.pk])).status_code == 404
