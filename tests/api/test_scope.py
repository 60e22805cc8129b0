"""Every endpoint per role: exactly the token owner's scope; anything outside it answers 404 or is absent."""

from __future__ import annotations

import datetime as dt

import pytest

from contests import services as contest_services
from news.models import NewsStatus
from tests.news.conftest import make_item, moscow
from tests.socialstats.test_growth_rules import make_page, snap

A, B = dt.date(2024, 1, 31), dt.date(2024, 2, 29)
ROLES = ("info_officer", "territorial_admin", "primary_admin", "presidium", "juror", "outsider")


@pytest.fixture
def pages(tree):
    vao = make_page(tree.vao, "vao-page")
    school = make_page(tree.vao_p1, "school-page", "telegram")
    zao = make_page(tree.zao, "zao-page")
    for page, at_a, at_b in ((vao, 100, 150), (school, None, 30), (zao, 1000, 1100)):
        if at_a is not None:
            snap(page, A, at_a)
        snap(page, B, at_b)
    return {"vao": vao, "school": school, "zao": zao}


def _names(tree, *attributes) -> set[str]:
    return {getattr(tree, attribute).name for attribute in attributes}


EVERYONE = ("union", "vao", "zao", "vao_p1", "vao_p2", "zao_p1", "youth")
VISIBLE_ORGS = {
    "info_officer": EVERYONE,
    "presidium": EVERYONE,
    "territorial_admin": ("vao", "vao_p1", "vao_p2"),
    "juror": ("vao", "vao_p1", "vao_p2"),
    "primary_admin": ("vao_p1",),
    "outsider": (),
}


@pytest.mark.parametrize("role", ROLES)
def test_organisations_are_exactly_the_roles_scope(api_as, tree, role):
    body = api_as(role).get("/api/v1/organisations/").json()
    assert {row["name"] for row in body["results"]} == _names(tree, *VISIBLE_ORGS[role])


def test_organisations_carry_their_parent_so_the_tree_can_be_rebuilt(api_as, tree):
    rows = {row["id"]: row for row in api_as("info_officer").get("/api/v1/organisations/").json()["results"]}
    assert rows[tree.union.pk]["parent_id"] is None
    assert rows[tree.vao_p1.pk]["parent_id"] == tree.vao.pk
    assert rows[tree.vao.pk]["depth"] == 2


def test_the_top_of_a_narrower_scope_has_no_parent_so_nothing_above_it_shows(api_as, tree):
    rows = {row["id"]: row for row in api_as("territorial_admin").get("/api/v1/organisations/").json()["results"]}
    assert rows[tree.vao.pk]["parent_id"] is None
    assert rows[tree.vao_p2.pk]["parent_id"] == tree.vao.pk


def test_organisations_filter_by_subtree(api_as, tree):
    body = api_as("info_officer").get("/api/v1/organisations/", {"within": tree.zao.pk}).json()
    assert {row["name"] for row in body["results"]} == _names(tree, "zao", "zao_p1")


@pytest.mark.parametrize("role", ROLES)
def test_an_organisation_outside_the_scope_answers_404(api_as, tree, role):
    client = api_as(role)
    for attribute in EVERYONE:
        status = client.get(f"/api/v1/organisations/{getattr(tree, attribute).pk}/").status_code
        assert status == (200 if attribute in VISIBLE_ORGS[role] else 404), attribute


VISIBLE_PAGES = {
    "info_officer": {"vao", "school", "zao"},
    "presidium": {"vao", "school", "zao"},
    "territorial_admin": {"vao", "school"},
    "juror": {"vao", "school"},
    "primary_admin": {"school"},
    "outsider": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_pages_and_their_snapshots_are_exactly_the_roles_scope(api_as, pages, role):
    client = api_as(role)
    expected = {pages[name].pk for name in VISIBLE_PAGES[role]}
    assert {row["id"] for row in client.get("/api/v1/pages/").json()["results"]} == expected
    snapshots = client.get("/api/v1/snapshots/").json()["results"]
    assert {row["page"] for row in snapshots} == expected
    for name, page in pages.items():
        status = client.get(f"/api/v1/pages/{page.pk}/").status_code
        assert status == (200 if name in VISIBLE_PAGES[role] else 404)


def test_snapshots_outside_the_scope_are_not_found_by_filtering_for_them(api_as, pages):
    body = api_as("territorial_admin").get("/api/v1/snapshots/", {"page": pages["zao"].pk}).json()
    assert body["results"] == []


def test_snapshots_are_paginated_by_cursor(api_as, pages):
    client = api_as("info_officer")
    first = client.get("/api/v1/snapshots/", {"page_size": 2}).json()
    assert len(first["results"]) == 2 and first["next"] and "cursor=" in first["next"]
    ids, body = [], first
    while True:
        ids += [row["id"] for row in body["results"]]
        if not body["next"]:
            break
        body = client.client.get(body["next"], HTTP_AUTHORIZATION=f"Token {client.key}").json()
    assert ids == sorted(set(ids)) and len(ids) == 5


def test_snapshots_filter_by_dates(api_as, pages):
    body = api_as("info_officer").get("/api/v1/snapshots/", {"date_from": "2024-02-01"}).json()
    assert {row["date"] for row in body["results"]} == {"2024-02-29"}


GROWTH_TOTAL = {  # (at_a, at_b) of the role's whole scope
    "info_officer": (1100, 1280),
    "presidium": (1100, 1280),
    "territorial_admin": (100, 180),
    "juror": (100, 180),
    "primary_admin": (None, 30),
    "outsider": (None, None),
}


@pytest.mark.parametrize("role", ROLES)
def test_growth_totals_cover_exactly_the_roles_scope(api_as, pages, role):
    body = api_as(role).get("/api/v1/growth/", {"a": "2024-01-31", "b": "2024-02-29"}).json()
    assert (body["total"]["at_a"], body["total"]["at_b"]) == GROWTH_TOTAL[role]


@pytest.mark.parametrize("role", ["territorial_admin", "primary_admin", "juror", "outsider"])
def test_growth_of_an_organisation_outside_the_scope_answers_404(api_as, tree, pages, role):
    response = api_as(role).get("/api/v1/growth/", {"a": "2024-01-31", "b": "2024-02-29", "scope": tree.zao.pk})
    assert response.status_code == 404


def test_growth_refuses_reversed_dates_with_a_message_naming_the_field(api_as, pages):
    response = api_as("info_officer").get("/api/v1/growth/", {"a": "2024-02-29", "b": "2024-01-31"})
    assert response.status_code == 400
    assert list(response.json()) == ["b"]


@pytest.fixture
def news(tree, settings):
    settings.NEWS_DEADLINE_DAY = 5
    make_item(tree.vao_p1, dt.date(2026, 10, 1), NewsStatus.ACCEPTED, moscow(2026, 10, 20))
    make_item(tree.zao_p1, dt.date(2026, 10, 1), NewsStatus.SUBMITTED, moscow(2026, 11, 2))


COMPLETENESS_PRIMARIES = {
    "info_officer": {"vao_p1", "vao_p2", "zao_p1"},
    "territorial_admin": {"vao_p1", "vao_p2"},
    # News completeness is for reviewers and, read-only, the presidium (news.selectors.COMPLETENESS_ROLES):
    # others get an empty report. The demo presidium sits at the union, so it sees every primary.
    "presidium": {"vao_p1", "vao_p2", "zao_p1"},
    "juror": set(),
    "primary_admin": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_news_completeness_covers_exactly_the_reviewers_scope(api_as, tree, news, role):
    body = api_as(role).get("/api/v1/news-completeness/", {"until": "2026-10", "months": 2}).json()
    ids = {row["organisation_id"] for block in body["territories"] for row in block["primaries"]}
    assert ids == {getattr(tree, name).pk for name in COMPLETENESS_PRIMARIES[role]}
    assert body["months"] == ["2026-09-01", "2026-10-01"]


def test_news_completeness_refuses_a_bad_month(api_as, news):
    response = api_as("info_officer").get("/api/v1/news-completeness/", {"until": "october"})
    assert response.status_code == 400 and "until" in response.json()


@pytest.fixture
def published(scored):
    contest_services.contest_close(contest=scored.contest)
    contest_services.contest_publish(contest=scored.contest)
    return scored


def test_the_contest_overseers_see_every_place(api_as, published):
    for role in ("info_officer", "presidium"):
        body = api_as(role).get(f"/api/v1/contests/{published.contest.pk}/results/").json()
        assert body["complete"] is True
        assert [(row["title"], row["place"]) for row in body["rows"]] == [("ЗАО", 1), ("ВАО", 2), ("САО", 3)]


def test_a_participants_admin_sees_only_their_own_row(api_as, published):
    body = api_as("territorial_admin").get(f"/api/v1/contests/{published.contest.pk}/results/").json()
    assert body["complete"] is False and body["participants"] == 3
    assert [(row["title"], row["place"]) for row in body["rows"]] == [("ВАО", 2)]


@pytest.mark.parametrize("role", ["outsider", "juror"])
def test_a_contest_the_user_has_no_part_in_answers_404(api_as, published, role):
    client = api_as(role)
    assert client.get(f"/api/v1/contests/{published.contest.pk}/results/").status_code == 404
    assert client.get("/api/v1/contests/").json()["results"] == []


def test_results_of_an_unpublished_contest_answer_404_even_for_its_managers(api_as, scored):
    client = api_as("info_officer")
    assert client.get(f"/api/v1/contests/{scored.contest.pk}/results/").status_code == 404
    assert client.get("/api/v1/contests/").json()["results"] == []
