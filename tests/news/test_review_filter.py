"""The review queue's organisation filter: a list while the primaries in scope fit one, a search by name past
that (the union's staff review thousands of primaries), and the organisation a link asked for shown apart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from news import views
from tests.news.conftest import make_item

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


@pytest.fixture
def items(tree):
    return {org.pk: make_item(org, OCT, title=f"Новость {org.name}") for org in (tree.vao_p1, tree.vao_p2, tree.zao_p1)}


def _titles(response) -> list[str]:
    return sorted(item.title for item in response.context["page_obj"].object_list)


def test_a_territorial_admin_picks_among_the_primaries_of_the_subtree(client, cast, tree, items):
    client.force_login(cast.territorial_admin)
    body = client.get(reverse("news:review")).content.decode()
    assert '<select id="organisation" name="organisation">' in body
    assert "ППО Школа 1" in body and "ППО Школа 2" in body and "ППО Школа 3" not in body
    assert 'name="org"' not in body


def test_past_the_list_size_the_queue_searches_by_name_in_any_case(client, cast, tree, items, monkeypatch):
    monkeypatch.setattr(views, "ORG_SELECT_MAX", 2)  # the union's three primaries no longer fit the list
    client.force_login(cast.info_officer)
    response = client.get(reverse("news:review"))
    body = response.content.decode()
    assert '<select id="organisation"' not in body and '<input type="search" id="org" name="org"' in body
    assert 'placeholder="часть названия"' in body
    assert _titles(response) == ["Новость ППО Школа 1", "Новость ППО Школа 2", "Новость ППО Школа 3"]

    found = client.get(reverse("news:review"), {"org": "  школа 3 "})  # lower case Cyrillic, spaces around
    assert _titles(found) == ["Новость ППО Школа 3"]
    assert 'value="школа 3"' in found.content.decode()
    assert _titles(client.get(reverse("news:review"), {"org": "нет такой"})) == []


def test_an_organisation_a_link_asked_for_is_shown_and_can_be_dropped(client, cast, tree, items, monkeypatch):
    monkeypatch.setattr(views, "ORG_SELECT_MAX", 2)
    client.force_login(cast.info_officer)
    response = client.get(reverse("news:review"), {"organisation": tree.vao_p2.pk, "month": "2026-10"})
    body = response.content.decode()
    assert _titles(response) == ["Новость ППО Школа 2"]
    assert f'<input type="hidden" name="organisation" value="{tree.vao_p2.pk}">' in body
    assert "Только ППО Школа 2" in body
    assert 'href="?month=2026-10">все организации</a>' in body


def test_an_organisation_out_of_scope_is_neither_listed_nor_shown(client, cast, tree, items, monkeypatch):
    monkeypatch.setattr(views, "ORG_SELECT_MAX", 1)  # the territorial admin's two primaries: the search
    client.force_login(cast.territorial_admin)
    response = client.get(reverse("news:review"), {"organisation": tree.zao_p1.pk})
    body = response.content.decode()
    assert _titles(response) == [] and "ППО Школа 3" not in body and "Только" not in body


def test_a_search_text_with_a_nul_or_past_100_characters_is_cut_not_a_failure(client, cast, tree, items, monkeypatch):
    monkeypatch.setattr(views, "ORG_SELECT_MAX", 2)
    client.force_login(cast.info_officer)
    with_nul = client.get(reverse("news:review"), {"org": "Школа 3\x00"})
    assert with_nul.status_code == 200 and _titles(with_nul) == ["Новость ППО Школа 3"]
    long = client.get(reverse("news:review"), {"org": "Школа 1" + "я" * 500})
    assert long.status_code == 200 and _titles(long) == []
    assert long.context["filters"]["org"] == ("Школа 1" + "я" * 500)[:100]
