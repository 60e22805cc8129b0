"""The layout's main menu is rendered once per process, language and set of roles (templates/base.html): each
user still gets the entries of their own roles, and a new role shows at once."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orgs.models import Role
from tests.factories import assign

pytestmark = pytest.mark.django_db


def link(name: str) -> str:
    return f'href="{reverse(name)}"'


def menu(client, user) -> str:
    client.force_login(user)
    html = client.get(reverse("orgs:profile")).content.decode()
    return html[html.index('<nav class="main"') : html.index("</nav>")]


def test_each_role_gets_its_own_menu_from_the_cached_fragment(client, cast):
    review, mine, collection = link("news:review"), link("news:list"), link("socialstats:collection_list")
    for _round in range(2):  # the second round is served from the cache
        ppo, tpo, info = (
            menu(client, cast.primary_admin),
            menu(client, cast.territorial_admin),
            menu(client, cast.info_officer),
        )
        assert mine in ppo and review not in ppo and collection not in ppo
        assert review in tpo and mine not in tpo and collection not in tpo
        assert review in info and collection in info


def test_a_new_role_changes_the_menu_at_once(client, cast, tree):
    assert link("news:review") not in menu(client, cast.primary_admin)
    assign(cast.primary_admin, Role.TERRITORIAL_ADMIN, tree.zao)
    assert link("news:review") in menu(client, cast.primary_admin)


def test_the_administration_link_is_only_for_staff(client, cast):
    assert link("admin:index") not in menu(client, cast.info_officer)
    cast.info_officer.is_staff = True
    cast.info_officer.save()
    assert link("admin:index") in menu(client, cast.info_officer)
