"""The public widget: off until an editor publishes it; JSON and a framable card; CORS only for listed sites."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from api.models import Widget
from api.services import widget_save
from tests.socialstats.test_growth_rules import make_page, snap


@pytest.fixture
def vao_pages(tree):
    today = timezone.localdate()
    end_of_last_month = today.replace(day=1) - dt.timedelta(days=1)
    vao = make_page(tree.vao, "vao-page")
    school = make_page(tree.vao_p1, "school-page", "telegram")
    zao = make_page(tree.zao, "zao-page")
    for page, before, now in ((vao, 100, 150), (school, 20, 30), (zao, 1000, 1100)):
        snap(page, end_of_last_month, before)
        snap(page, today, now)
    return {"vao": vao, "school": school, "zao": zao}


@pytest.fixture
def published(cast, tree):
    return widget_save(
        organisation=tree.vao, is_enabled=True, allowed_origins="https://vao.example.org/", by=cast.territorial_admin
    )


def test_the_widget_shows_the_subtrees_total_growth_and_pages(client, vao_pages, published, tree):
    body = client.get(f"/api/widget/{tree.vao.pk}.json").json()
    assert body["organisation"] == "ВАО"
    assert (body["subscribers"], body["growth_this_month"]) == (180, 60)
    assert [(page["title"], page["subscribers"]) for page in body["pages"]] == [("vao-page", 150), ("school-page", 30)]
    assert body["pages"][0]["url"] == "https://vk.com/vao-page"


def test_an_organisation_that_has_not_opted_in_shows_nothing(client, vao_pages, tree, cast):
    assert client.get(f"/api/widget/{tree.zao.pk}.json").status_code == 404
    assert client.get(f"/api/widget/{tree.zao.pk}/").status_code == 404
    widget_save(organisation=tree.zao, is_enabled=False, allowed_origins="", by=cast.info_officer)
    assert client.get(f"/api/widget/{tree.zao.pk}.json").status_code == 404


def test_cors_is_allowed_only_for_the_listed_sites(client, vao_pages, published, tree):
    listed = client.get(f"/api/widget/{tree.vao.pk}.json", HTTP_ORIGIN="https://vao.example.org")
    assert listed["Access-Control-Allow-Origin"] == "https://vao.example.org"
    other = client.get(f"/api/widget/{tree.vao.pk}.json", HTTP_ORIGIN="https://evil.example.com")
    assert "Access-Control-Allow-Origin" not in other
    assert "Origin" in other["Vary"]


def test_the_card_can_be_framed_and_shows_the_numbers_the_russian_way(client, vao_pages, published, tree):
    response = client.get(f"/api/widget/{tree.vao.pk}/")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "180" in html and "+60" in html and "https://vk.com/vao-page" in html
    assert "zao-page" not in html and "<script" not in html


def test_an_editor_publishes_the_widget_from_its_settings_page(client, cast, tree):
    client.force_login(cast.territorial_admin)
    response = client.post(
        f"/api/widget/{tree.vao.pk}/settings/",
        {"is_enabled": "on", "allowed_origins": "https://vao.example.org\nhttp://localhost:8080/"},
    )
    assert response.status_code == 302
    widget = Widget.objects.get(organisation=tree.vao)
    assert widget.is_enabled and widget.origins == ["https://vao.example.org", "http://localhost:8080"]
    assert "/api/widget/" in client.get(f"/orgs/{tree.vao.pk}/").content.decode()


def test_a_bad_site_address_is_named_and_nothing_is_saved(client, cast, tree):
    client.force_login(cast.territorial_admin)
    response = client.post(
        f"/api/widget/{tree.vao.pk}/settings/",
        {"is_enabled": "on", "allowed_origins": "https://vao.example.org\nvao.example.org/news"},
    )
    assert response.status_code == 200
    assert "vao.example.org/news" in str(response.context["form"].errors["allowed_origins"])
    assert not Widget.objects.exists()


@pytest.mark.parametrize("role", ["primary_admin", "presidium", "juror", "outsider"])
def test_only_editors_of_the_organisation_reach_the_settings(client, cast, tree, role):
    client.force_login(getattr(cast, role))
    assert client.get(f"/api/widget/{tree.vao.pk}/settings/").status_code == 404
    assert "/api/widget/" not in client.get(f"/orgs/{tree.vao.pk}/").content.decode()
