"""Text search: Cyrillic without regard to case on every database, and a NUL in the query is no 500."""

from __future__ import annotations

import pytest

from orgs.models import Organisation
from tests.factories import make_org
from unionportal.lib.search import text_contains

pytestmark = pytest.mark.django_db


def test_cyrillic_search_ignores_case_on_every_database():
    make_org("ВАО")
    found = Organisation.objects.filter(text_contains(["name"], "вао"))
    assert [organisation.name for organisation in found] == ["ВАО"]


def test_a_nul_character_in_the_query_is_dropped_instead_of_reaching_the_database(client, django_user_model):
    make_org("ВАО")
    assert Organisation.objects.filter(text_contains(["name"], "в\x00ао")).count() == 1
    user = django_user_model.objects.create_user("staff", password="x-pass-12345", is_staff=True)
    client.force_login(user)
    assert client.get("/orgs/list/", {"q": "\x00"}).status_code < 500
