from __future__ import annotations

import pytest
from django.urls import reverse

from orgs import access
from orgs.models import Role
from tests.factories import UserFactory, assign


def test_territorial_admin_sees_only_their_subtree(cast, tree):
    visible = set(access.viewable_organisations(cast.territorial_admin).values_list("name", flat=True))
    assert visible == {"ВАО", "ППО Школа 1", "ППО Школа 2"}


def test_info_officer_at_union_sees_everything_below(cast, tree):
    assert access.viewable_organisations(cast.info_officer).count() == 7


def test_outsider_sees_nothing(cast):
    assert access.viewable_organisations(cast.outsider).count() == 0


def test_presidium_and_juror_can_view_but_not_edit(cast, tree):
    assert access.viewable_organisations(cast.presidium).count() == 7
    assert access.editable_organisations(cast.presidium).count() == 0
    assert not access.can_edit(cast.juror, tree.vao)


def test_primary_admin_edits_only_own_organisation(cast, tree):
    assert list(access.editable_organisations(cast.primary_admin)) == [tree.vao_p1]
    assert not access.can_edit(cast.primary_admin, tree.vao_p2)


def test_roles_in_two_subtrees_add_up(tree):
    user = UserFactory(username="double")
    assign(user, Role.TERRITORIAL_ADMIN, tree.vao)
    assign(user, Role.PRIMARY_ADMIN, tree.zao_p1)
    names = set(access.viewable_organisations(user).values_list("name", flat=True))
    assert names == {"ВАО", "ППО Школа 1", "ППО Школа 2", "ППО Школа 3"}


def test_role_in_closed_organisation_gives_nothing(tree):
    from orgs.services import organisation_close

    user = UserFactory(username="closed")
    assign(user, Role.TERRITORIAL_ADMIN, tree.zao)
    organisation_close(organisation=tree.zao)
    assert access.viewable_organisations(user).count() == 0


ROLE_USERS = ["info_officer", "territorial_admin", "primary_admin", "presidium", "juror", "outsider"]
# For each role: the organisation (by tree attribute) it can see, and one it cannot (None = sees all).
SCOPE = {
    "info_officer": ("zao_p1", None),
    "territorial_admin": ("vao_p2", "zao_p1"),
    "primary_admin": ("vao_p1", "vao_p2"),
    "presidium": ("zao", None),
    "juror": ("vao", "zao"),
    "outsider": (None, "vao"),
}
ORG_VIEWS = ["orgs:detail", "orgs:children"]


@pytest.mark.parametrize("role", ROLE_USERS)
@pytest.mark.parametrize("view", ORG_VIEWS)
def test_every_org_view_answers_in_scope_and_404_outside(client, cast, tree, role, view):
    client.force_login(getattr(cast, role))
    inside, outside = SCOPE[role]
    if inside:
        assert client.get(reverse(view, args=[getattr(tree, inside).pk])).status_code == 200
    if outside:
        assert client.get(reverse(view, args=[getattr(tree, outside).pk])).status_code == 404


@pytest.mark.parametrize("role", ROLE_USERS)
def test_import_page_is_for_information_staff_only(client, cast, role):
    client.force_login(getattr(cast, role))
    expected = 200 if role == "info_officer" else 404
    assert client.get(reverse("orgs:import")).status_code == expected


@pytest.mark.parametrize("url_name", ["home", "orgs:tree", "orgs:list", "orgs:import"])
def test_anonymous_users_are_sent_to_login(client, db, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ROLE_USERS)
def test_tree_search_finds_only_in_scope(client, cast, role):
    client.force_login(getattr(cast, role))
    body = client.get(reverse("orgs:tree"), {"q": "Школа"}).content.decode()
    expected = {
        "info_officer": {"1", "2", "3"},
        "presidium": {"1", "2", "3"},
        "territorial_admin": {"1", "2"},
        "juror": {"1", "2"},
        "primary_admin": {"1"},
        "outsider": set(),
    }[role]
    for number in "123":
        assert (f"ППО Школа {number}" in body) == (number in expected)


@pytest.mark.parametrize("role", ROLE_USERS)
def test_list_page_shows_only_scope(client, cast, role):
    client.force_login(getattr(cast, role))
    body = client.get(reverse("orgs:list")).content.decode()
    assert ("ЗАО" in body) == (role in ("info_officer", "presidium"))
