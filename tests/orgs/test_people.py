"""People pages: roles changed only by someone whose scope is strictly wider; invitations; profile."""

from __future__ import annotations

import logging
import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgs.models import OrgKind, Role, RoleAssignment
from orgs.services import role_grant, role_revoke
from tests.factories import UserFactory, assign, make_org

User = get_user_model()

ACTORS = ["info_officer", "territorial_admin", "primary_admin", "presidium", "juror", "outsider"]
# Target organisations, relative to the cast: the union (where the info officer and the presidium sit),
# ВАО (the territorial admin's own territory), its primary «Школа 1», the sibling territory ЗАО and its
# primary «Школа 3» (outside every ВАО role's scope).
TARGETS = ["union", "vao", "vao_p1", "zao", "zao_p1"]

# Everything not listed here is refused. The info officer at the union may grant any role strictly below
# the union; the ВАО territorial admin only the editing roles strictly below ВАО; nobody else anything.
ALLOWED = {
    *(("info_officer", role, org) for role in Role.values for org in ("vao", "vao_p1", "zao", "zao_p1")),
    ("territorial_admin", Role.TERRITORIAL_ADMIN, "vao_p1"),
    ("territorial_admin", Role.PRIMARY_ADMIN, "vao_p1"),
}
MATRIX = [(actor, role, org) for actor in ACTORS for role in Role.values for org in TARGETS]


def _password_link(body: str) -> str:
    match = re.search(r"https?://[^/\s]+(/accounts/reset/[^\s]+/)", body)
    assert match, body
    return match.group(1)


# --- The rule, at the service -----------------------------------------------------------------


@pytest.mark.parametrize(("actor", "role", "org"), MATRIX)
def test_granting_a_role_needs_a_strictly_wider_scope(cast, tree, actor, role, org):
    target = UserFactory(username="target")
    organisation = getattr(tree, org)
    if (actor, role, org) in ALLOWED:
        assignment = role_grant(by=getattr(cast, actor), user=target, role=role, organisation=organisation)
        assert RoleAssignment.objects.filter(pk=assignment.pk, user=target).exists()
    else:
        with pytest.raises(ValidationError) as refused:
            role_grant(by=getattr(cast, actor), user=target, role=role, organisation=organisation)
        assert refused.value.messages[0]
        assert not RoleAssignment.objects.filter(user=target).exists()


@pytest.mark.parametrize(("actor", "role", "org"), MATRIX)
def test_revoking_a_role_follows_the_same_rule(cast, tree, actor, role, org):
    target = UserFactory(username="target")
    assignment = assign(target, role, getattr(tree, org))
    if (actor, role, org) in ALLOWED:
        role_revoke(by=getattr(cast, actor), assignment=assignment)
        assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    else:
        with pytest.raises(ValidationError):
            role_revoke(by=getattr(cast, actor), assignment=assignment)
        assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_territorial_admin_cannot_appoint_another_admin_of_the_same_territory(cast, tree):
    with pytest.raises(ValidationError) as refused:
        role_grant(by=cast.territorial_admin, user=cast.outsider, role=Role.TERRITORIAL_ADMIN, organisation=tree.vao)
    assert "выше" in refused.value.messages[0]


def test_territorial_admin_cannot_grant_presidium_and_says_why(cast, tree):
    with pytest.raises(ValidationError) as refused:
        role_grant(by=cast.territorial_admin, user=cast.outsider, role=Role.PRESIDIUM, organisation=tree.vao_p1)
    assert "«Член Президиума»" in refused.value.messages[0]


def test_nobody_changes_their_own_roles_even_with_a_wider_role(cast, tree):
    own = assign(cast.info_officer, Role.JUROR, tree.vao)
    with pytest.raises(ValidationError) as refused:
        role_revoke(by=cast.info_officer, assignment=own)
    assert "собственные роли" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        role_grant(by=cast.info_officer, user=cast.info_officer, role=Role.PRESIDIUM, organisation=tree.zao)
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_superuser_may_change_anything(tree):
    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    user = UserFactory(username="someone")
    assignment = role_grant(by=root, user=user, role=Role.INFO_OFFICER, organisation=tree.union)
    role_revoke(by=root, assignment=assignment)
    assert not RoleAssignment.objects.filter(user=user).exists()


def test_admin_of_a_closed_territory_can_no_longer_appoint(cast, tree):
    from orgs.services import organisation_close

    organisation_close(organisation=tree.vao)
    with pytest.raises(ValidationError):
        role_grant(by=cast.territorial_admin, user=cast.outsider, role=Role.PRIMARY_ADMIN, organisation=tree.vao_p1)


def test_territorial_admin_of_a_nested_territory_is_appointed_from_above(cast, tree):
    district = make_org("Район ВАО", OrgKind.TERRITORIAL, tree.vao)
    role_grant(by=cast.territorial_admin, user=cast.outsider, role=Role.TERRITORIAL_ADMIN, organisation=district)
    assert cast.outsider.role_assignments.filter(organisation=district).exists()


def test_granting_the_same_role_twice_is_refused_with_a_message(cast, tree):
    role_grant(by=cast.info_officer, user=cast.outsider, role=Role.JUROR, organisation=tree.zao)
    with pytest.raises(ValidationError) as refused:
        role_grant(by=cast.info_officer, user=cast.outsider, role=Role.JUROR, organisation=tree.zao)
    assert "уже" in refused.value.messages[0]
    assert cast.outsider.role_assignments.count() == 1


# --- The people page --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "org", "expected"),
    [
        ("info_officer", "zao_p1", 200),
        ("territorial_admin", "vao", 200),
        ("territorial_admin", "vao_p1", 200),
        ("territorial_admin", "zao", 404),
        ("primary_admin", "vao_p2", 404),
        ("juror", "vao_p1", 200),
        ("outsider", "vao", 404),
    ],
)
def test_people_page_answers_in_scope_and_404_outside(client, cast, tree, actor, org, expected):
    client.force_login(getattr(cast, actor))
    assert client.get(reverse("orgs:people", args=[getattr(tree, org).pk])).status_code == expected


def test_people_page_offers_only_the_roles_the_admin_may_grant(client, cast, tree):
    client.force_login(cast.territorial_admin)
    body = client.get(reverse("orgs:people", args=[tree.vao_p1.pk])).content.decode()
    assert 'value="primary_admin"' in body
    assert 'value="territorial_admin"' in body
    assert 'value="presidium"' not in body
    assert 'value="info_officer"' not in body


def test_people_page_of_own_territory_shows_no_forms_and_no_remove_for_self(client, cast, tree):
    client.force_login(cast.territorial_admin)
    response = client.get(reverse("orgs:people", args=[tree.vao.pk]))
    body = response.content.decode()
    assert 'name="action"' not in body
    own = cast.territorial_admin.role_assignments.get()
    assert reverse("orgs:people_remove", args=[tree.vao.pk, own.pk]) not in body
    primary = RoleAssignment.objects.get(user=cast.primary_admin)
    assert reverse("orgs:people_remove", args=[tree.vao.pk, primary.pk]) in body


def test_search_finds_people_by_name_and_email(client, cast, tree):
    ivanova = UserFactory(username="ivanova", first_name="Мария", last_name="Иванова", email="m.ivanova@school.example")
    assign(ivanova, Role.PRIMARY_ADMIN, tree.vao_p2)
    client.force_login(cast.territorial_admin)
    url = reverse("orgs:people", args=[tree.vao_p1.pk])
    assert "m.ivanova@school.example" in client.get(url, {"q": "Иванова"}).content.decode()
    assert "Мария" in client.get(url, {"q": "school.example"}).content.decode()
    assert "Никого не найдено" in client.get(url, {"q": "nobody-like-this"}).content.decode()


def test_granting_through_the_page_saves_and_records_the_actor(client, cast, tree):
    client.force_login(cast.info_officer)
    response = client.post(
        reverse("orgs:people", args=[tree.zao.pk]),
        {"action": "grant", "user": cast.outsider.pk, "role": Role.TERRITORIAL_ADMIN},
    )
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=cast.outsider)
    assert (assignment.role, assignment.organisation) == (Role.TERRITORIAL_ADMIN, tree.zao)
    entry = LogEntry.objects.get_for_object(assignment).get()
    assert entry.actor == cast.info_officer


def test_forged_grant_of_a_role_beyond_the_admins_own_is_refused_and_saves_nothing(client, cast, tree):
    client.force_login(cast.territorial_admin)
    response = client.post(
        reverse("orgs:people", args=[tree.vao_p1.pk]),
        {"action": "grant", "user": cast.primary_admin.pk, "role": Role.INFO_OFFICER},
    )
    assert response.status_code == 200
    assert "выходит за пределы вашей собственной роли" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=cast.primary_admin, role=Role.INFO_OFFICER).exists()


def test_forged_grant_in_the_admins_own_organisation_is_refused(client, cast, tree):
    colleague = UserFactory(username="colleague")
    assign(colleague, Role.JUROR, tree.vao_p1)
    client.force_login(cast.primary_admin)
    response = client.post(
        reverse("orgs:people", args=[tree.vao_p1.pk]),
        {"action": "grant", "user": colleague.pk, "role": Role.PRIMARY_ADMIN},
    )
    assert response.status_code == 200
    assert "Только администратор организации выше" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=colleague, role=Role.PRIMARY_ADMIN).exists()


def test_forged_grant_out_of_scope_answers_404_and_saves_nothing(client, cast, tree):
    client.force_login(cast.territorial_admin)
    response = client.post(
        reverse("orgs:people", args=[tree.zao_p1.pk]),
        {"action": "grant", "user": cast.outsider.pk, "role": Role.PRIMARY_ADMIN},
    )
    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(user=cast.outsider).exists()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"action": "grant", "user": "999999", "role": Role.PRIMARY_ADMIN}, 200),
        ({"action": "grant", "user": "", "role": Role.PRIMARY_ADMIN}, 200),
        ({"action": "grant", "role": "king"}, 200),
        ({"action": "invite", "username": "", "email": "not-an-email", "role": Role.PRIMARY_ADMIN}, 200),
        ({"action": "promote"}, 400),
    ],
)
def test_bad_input_on_the_people_page_saves_nothing(client, cast, tree, data, expected):
    client.force_login(cast.territorial_admin)
    before = RoleAssignment.objects.count(), User.objects.count()
    response = client.post(reverse("orgs:people", args=[tree.vao_p1.pk]), data)
    assert response.status_code == expected
    assert (RoleAssignment.objects.count(), User.objects.count()) == before
    assert mail.outbox == []


def test_removing_asks_for_confirmation_then_removes_with_the_actor_recorded(client, cast, tree):
    assignment = RoleAssignment.objects.get(user=cast.primary_admin)
    client.force_login(cast.territorial_admin)
    url = reverse("orgs:people_remove", args=[tree.vao_p1.pk, assignment.pk])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Да, снять роль" in confirm.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    pk = assignment.pk
    assert client.post(url).status_code == 302
    assert not RoleAssignment.objects.filter(pk=pk).exists()
    deletion = LogEntry.objects.filter(object_pk=str(pk), action=LogEntry.Action.DELETE).get()
    assert deletion.actor == cast.territorial_admin


def test_forged_removal_of_own_role_is_refused_and_keeps_it(client, cast, tree):
    own = cast.territorial_admin.role_assignments.get()
    client.force_login(cast.territorial_admin)
    response = client.post(reverse("orgs:people_remove", args=[tree.vao.pk, own.pk]))
    assert response.status_code == 403
    assert "собственные роли" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()


def test_forged_removal_by_a_juror_is_refused(client, cast, tree):
    assignment = RoleAssignment.objects.get(user=cast.primary_admin)
    client.force_login(cast.juror)
    response = client.post(reverse("orgs:people_remove", args=[tree.vao_p1.pk, assignment.pk]))
    assert response.status_code == 403
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_removal_of_an_assignment_outside_the_page_organisation_answers_404(client, cast, tree):
    elsewhere = assign(cast.outsider, Role.PRIMARY_ADMIN, tree.zao_p1)
    client.force_login(cast.territorial_admin)
    assert client.post(reverse("orgs:people_remove", args=[tree.vao.pk, elsewhere.pk])).status_code == 404
    client.force_login(cast.info_officer)
    assert client.post(reverse("orgs:people_remove", args=[tree.vao.pk, elsewhere.pk])).status_code == 404
    assert RoleAssignment.objects.filter(pk=elsewhere.pk).exists()


# --- Invitations ------------------------------------------------------------------------------


def _invite(client, tree, **extra):
    data = {
        "action": "invite",
        "username": "newadmin",
        "first_name": "Пётр",
        "last_name": "Сидоров",
        "email": "p.sidorov@school.example",
        "role": Role.PRIMARY_ADMIN,
        **extra,
    }
    return client.post(reverse("orgs:people", args=[tree.vao_p1.pk]), data, follow=True)


def test_invitation_creates_the_account_and_emails_a_working_one_time_link(client, cast, tree, caplog):
    client.force_login(cast.territorial_admin)
    with caplog.at_level(logging.DEBUG):
        page = _invite(client, tree)
    newcomer = User.objects.get(username="newadmin")
    assert not newcomer.has_usable_password()
    assert newcomer.role_assignments.get().organisation == tree.vao_p1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["p.sidorov@school.example"]
    link = _password_link(message.body)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    assert token not in page.content.decode()
    assert token not in caplog.text

    client.logout()
    form = client.get(link, follow=True)
    assert "Задайте пароль" in form.content.decode()
    set_url = form.redirect_chain[-1][0]
    assert token not in set_url
    done = client.post(set_url, {"new_password1": "Kx7-long-secret", "new_password2": "Kx7-long-secret"})
    assert done.status_code == 302
    newcomer.refresh_from_db()
    assert newcomer.check_password("Kx7-long-secret")
    again = client.get(link, follow=True)
    assert "больше не действует" in again.content.decode()


def test_invitation_refused_by_the_rule_creates_nobody_and_sends_nothing(client, cast, tree):
    client.force_login(cast.territorial_admin)
    page = _invite(client, tree, role=Role.PRESIDIUM)
    assert "выходит за пределы" in page.content.decode()
    assert not User.objects.filter(username="newadmin").exists()
    assert mail.outbox == []


def test_invitation_with_a_taken_username_or_email_names_the_field(client, cast, tree):
    client.force_login(cast.territorial_admin)
    body = _invite(client, tree, username="ppo").content.decode()
    assert "Это имя пользователя занято" in body
    body = _invite(client, tree, email="ppo@example.org").content.decode()
    assert "С этим адресом уже есть учётная запись" in body
    assert not User.objects.filter(username="newadmin").exists()
    assert mail.outbox == []


def test_invitation_that_cannot_be_sent_keeps_the_account_and_warns(client, cast, tree, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    client.force_login(cast.territorial_admin)
    body = _invite(client, tree).content.decode()
    assert "не удалось отправить" in body
    assert User.objects.filter(username="newadmin").exists()


# --- Query budget -----------------------------------------------------------------------------


def _many_assignments(tree, count: int) -> None:
    primaries = [make_org(f"ППО Бюджет {n}", OrgKind.PRIMARY, tree.vao) for n in range(max(1, count // 20))]
    users = User.objects.bulk_create(User(username=f"bulk{n}", email=f"bulk{n}@example.org") for n in range(count))
    RoleAssignment.objects.bulk_create(
        RoleAssignment(
            user=user,
            role=Role.PRIMARY_ADMIN if n % 2 else Role.JUROR,
            organisation=primaries[n % len(primaries)] if n % 3 else tree.vao,
        )
        for n, user in enumerate(users)
    )


@pytest.mark.parametrize("count", [10, 200])
def test_people_page_query_budget_does_not_grow_with_assignments(
    client, cast, tree, count, django_assert_max_num_queries
):
    _many_assignments(tree, count)
    client.force_login(cast.info_officer)
    with django_assert_max_num_queries(9):
        response = client.get(reverse("orgs:people", args=[tree.vao.pk]), {"q": "bulk"})
    assert response.status_code == 200
    assert "bulk1" in response.content.decode()


# --- Profile and the password-reset flow --------------------------------------------------------


def test_profile_shows_name_email_roles_and_the_password_link(client, cast, tree):
    cast.territorial_admin.first_name = "Анна"
    cast.territorial_admin.save()
    client.force_login(cast.territorial_admin)
    body = client.get(reverse("orgs:profile")).content.decode()
    assert "Анна" in body
    assert "tpo@example.org" in body
    assert "Территориальный" in body or "ВАО" in body
    assert reverse("password_change") in body


def test_profile_needs_a_login(client, db):
    response = client.get(reverse("orgs:profile"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_forgotten_password_flow_is_russian_and_emails_a_link(client, cast):
    page = client.get(reverse("password_reset"))
    assert page.status_code == 200
    assert "Введите e-mail вашей учётной записи" in page.content.decode()
    done = client.post(reverse("password_reset"), {"email": "tpo@example.org"}, follow=True)
    assert done.status_code == 200
    assert len(mail.outbox) == 1
    link = _password_link(mail.outbox[0].body)
    assert link.rstrip("/").rsplit("/", 1)[-1] not in done.content.decode()
    assert client.get(link, follow=True).status_code == 200


def test_forgotten_password_for_an_unknown_address_sends_nothing_and_says_the_same(client, cast):
    done = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert done.status_code == 200
    assert mail.outbox == []


def test_login_page_links_to_the_forgotten_password_page(client, db):
    assert reverse("password_reset") in client.get(reverse("login")).content.decode()


def test_an_invitee_whose_link_expired_can_ask_for_a_new_one(client, cast, tree):
    invitee = UserFactory(username="invitee", email="invitee@example.org")
    invitee.set_unusable_password()
    invitee.save()
    client.post(reverse("password_reset"), {"email": "Invitee@Example.org"})
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["invitee@example.org"]


def test_an_account_without_password_that_logged_in_before_gets_no_link(client, cast, tree):
    from django.utils import timezone

    locked = UserFactory(username="locked", email="locked@example.org", last_login=timezone.now())
    locked.set_unusable_password()
    locked.save()
    client.post(reverse("password_reset"), {"email": "locked@example.org"})
    assert mail.outbox == []


def test_a_grant_outside_a_request_records_the_granting_user_as_actor(cast, tree):
    assignment = role_grant(by=cast.info_officer, user=cast.outsider, role=Role.JUROR, organisation=tree.zao)
    pk = assignment.pk
    role_revoke(by=cast.info_officer, assignment=assignment)
    entries = LogEntry.objects.filter(object_pk=str(pk), content_type__model="roleassignment")
    assert {entry.actor for entry in entries} == {cast.info_officer}
    assert entries.count() == 2


def test_changes_after_a_grant_in_the_same_request_keep_their_actor(rf, cast, tree):
    from auditlog.middleware import AuditlogMiddleware

    def view(request):
        role_grant(by=request.user, user=cast.outsider, role=Role.JUROR, organisation=tree.zao)
        tree.zao.region = "Запад"
        tree.zao.save()
        return None

    request = rf.get("/")
    request.user = cast.info_officer
    AuditlogMiddleware(view)(request)
    latest = LogEntry.objects.get_for_object(tree.zao).latest("timestamp")
    assert latest.actor == cast.info_officer


def test_request_logs_never_carry_a_set_password_token():
    from orgs.logging_filters import RedactResetTokens

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /accounts/reset/MTI/cz1a2b-0123abcd/ HTTP/1.1", 302, 0),
        None,
    )
    RedactResetTokens().filter(record)
    assert record.getMessage() == '"GET /accounts/reset/MTI/***/ HTTP/1.1" 302 0'
    kept = logging.LogRecord("x", logging.INFO, __file__, 1, "GET /accounts/reset/MTI/set-password/", (), None)
    RedactResetTokens().filter(kept)
    assert kept.getMessage() == "GET /accounts/reset/MTI/set-password/"


def test_the_console_handlers_redact_tokens(settings):
    assert "redact_reset_tokens" in settings.LOGGING["handlers"]["console"]["filters"]
    assert "redact_reset_tokens" in settings.LOGGING["handlers"]["django.server"]["filters"]


def test_a_territorial_admin_finds_nobody_outside_their_territory(client, cast, tree):
    zao_admin = UserFactory(username="zao-admin", first_name="Пётр", last_name="Западный", email="zao@union.example")
    assign(zao_admin, Role.TERRITORIAL_ADMIN, tree.zao)
    UserFactory(username="zao-nobody", email="zao-nobody@union.example")  # no role at all
    client.force_login(cast.territorial_admin)
    url = reverse("orgs:people", args=[tree.vao_p1.pk])
    page = client.get(url, {"q": "zao"}).content.decode()
    assert "zao@union.example" not in page and "Западный" not in page and "zao-nobody" not in page
    assert "Никого не найдено" in page
    assert "ppo" in client.get(url, {"q": "ppo"}).content.decode()  # the primary admin below: found


def test_a_territorial_admin_cannot_grant_a_role_to_an_account_outside_their_territory(client, cast, tree):
    zao_admin = UserFactory(username="zao-admin")
    assign(zao_admin, Role.TERRITORIAL_ADMIN, tree.zao)
    client.force_login(cast.territorial_admin)
    response = client.post(
        reverse("orgs:people", args=[tree.vao_p1.pk]),
        {"action": "grant", "user": zao_admin.pk, "role": Role.PRIMARY_ADMIN},
    )
    assert response.status_code == 200
    assert "zao-admin" not in response.content.decode()
    assert not RoleAssignment.objects.filter(user=zao_admin, organisation=tree.vao_p1).exists()


def test_information_staff_find_accounts_anywhere_and_accounts_without_a_role(client, cast, tree):
    zao_admin = UserFactory(username="zao-admin", email="zao@union.example")
    assign(zao_admin, Role.TERRITORIAL_ADMIN, tree.zao)
    UserFactory(username="zao-nobody", email="zao-nobody@union.example")
    client.force_login(cast.info_officer)
    page = client.get(reverse("orgs:people", args=[tree.zao.pk]), {"q": "zao"}).content.decode()
    assert "zao@union.example" in page and "zao-nobody@union.example" in page
