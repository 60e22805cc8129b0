"""Russian error pages in the portal's layout, whatever DEBUG says; the history page reads as Russian."""

from __future__ import annotations

import pytest
from django.urls import reverse

from socialstats.models import SocialPage
from socialstats.registry import services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_out_of_scope_organisation_answers_the_portals_russian_404(client, cast, tree, settings, debug):
    settings.DEBUG = debug
    client.force_login(cast.primary_admin)
    for url in (reverse("orgs:detail", args=[tree.zao.pk]), "/no/such/page/"):
        response = client.get(url)
        assert response.status_code == 404
        body = response.content.decode()
        assert "Не найдено" in body and "ПрофПортал" in body and "Page not found" not in body


def test_history_names_actions_fields_and_related_objects_in_russian(client, cast, tree):
    page = SocialPage.objects.create(organisation=tree.vao, network="vk", handle="vao", url="https://vk.com/vao")
    services.page_update(page=page, url=page.url, owner=page.owner, title="Новости ВАО")
    client.force_login(cast.territorial_admin)
    body = client.get(reverse("object_history", args=["socialstats.socialpage", page.pk])).content.decode()
    assert "Изменение" in body and "Создание" in body
    assert "<b>Название</b>: — → Новости ВАО" in body
    assert "<b>Организация</b>" in body and "ВАО" in body
    for raw in (">update<", ">create<", "<b>title</b>", "organisation_id", ".None", "+00:00"):
        assert raw not in body


def test_history_is_out_of_reach_beyond_the_territorial_admins_scope(client, cast, tree):
    page = SocialPage.objects.create(organisation=tree.zao, network="vk", handle="zao", url="https://vk.com/zao")
    client.force_login(cast.territorial_admin)
    assert client.get(reverse("object_history", args=["socialstats.socialpage", page.pk])).status_code == 404
    client.force_login(cast.primary_admin)
    mine = SocialPage.objects.create(organisation=tree.vao_p1, network="vk", handle="p1", url="https://vk.com/p1")
    assert client.get(reverse("object_history", args=["socialstats.socialpage", mine.pk])).status_code == 404
