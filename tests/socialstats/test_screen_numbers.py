"""What the portal tells a person is right: the dashboard answers for its date, search ignores case in
Cyrillic, a snapshot is never from the future and re-entering a day keeps what was left empty."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from orgs.models import Role
from socialstats.models import Snapshot, SnapshotSource, SocialPage
from socialstats.registry import services

pytestmark = pytest.mark.django_db


def _page(organisation, handle: str, values: dict[dt.date, int], network: str = "vk", **fields) -> SocialPage:
    page = SocialPage.objects.create(
        organisation=organisation, network=network, url=f"https://example.org/{handle}", handle=handle, **fields
    )
    for day, value in values.items():
        Snapshot.objects.create(page=page, date=day, subscribers=value, source=SnapshotSource.IMPORT)
    return page


def _dashboard(client, **params) -> str:
    return client.get(reverse("socialstats:dashboard"), params).content.decode()


def test_dashboard_leaves_history_networks_out_of_current_totals_unless_asked(client, cast, tree):
    today = timezone.localdate()
    _page(tree.vao, "vao-vk", {today: 100})
    _page(tree.vao, "vao-fb", {dt.date(2018, 4, 20): 408}, network="facebook")
    client.force_login(cast.info_officer)
    current = _dashboard(client)
    assert '<div style="font-size:1.6rem" id="dash-subscribers">100</div>' in current
    assert "Count them too" not in current and "Учесть и их" in current
    with_history = _dashboard(client, history="1")
    assert '<div style="font-size:1.6rem" id="dash-subscribers">508</div>' in with_history


def test_dashboard_growth_this_month_ignores_start_values_from_years_ago(client, cast, tree):
    today = timezone.localdate()
    month_start = today.replace(day=1) - dt.timedelta(days=1)
    _page(tree.vao, "old", {dt.date(2018, 4, 20): 10, today: 5010})  # 5 000 over eight years
    _page(tree.zao, "recent", {month_start: 100, today: 130})
    client.force_login(cast.info_officer)
    page = _dashboard(client)
    assert 'id="dash-growth">+30<' in page
    assert "Посчитано по 1 странице из 2" in page


def test_dashboard_organisations_with_pages_answers_for_the_date_asked(client, cast, tree):
    _page(tree.vao, "early", {dt.date(2020, 1, 1): 10})
    _page(tree.zao, "later", {dt.date(2024, 1, 1): 10})
    client.force_login(cast.info_officer)
    assert "1 / 7" in _dashboard(client, on="2021-01-01")
    assert "2 / 7" in _dashboard(client, on="2025-01-01")


def test_dashboard_leaders_link_to_their_pages_and_it_shows_subscribers_over_time(client, cast, tree):
    page = _page(tree.vao, "vao-vk", {timezone.localdate(): 100}, title="Новости ВАО")
    client.force_login(cast.info_officer)
    body = _dashboard(client)
    assert f'<a href="{reverse("socialstats:page_detail", args=[page.pk])}">Новости ВАО</a>' in body
    assert 'id="dash-series"' in body and 'class="chart-figure"' in body


def test_growth_table_header_says_change_as_a_difference(client, cast, tree):
    client.force_login(cast.info_officer)
    body = client.get(reverse("socialstats:growth")).content.decode()
    assert "Изменение" in body and "Изменить</th>" not in body


def test_registry_and_tree_search_ignore_case_in_cyrillic(client, cast, tree):
    _page(tree.vao, "vao-vk", {timezone.localdate(): 100}, title="Новости ВАО")
    client.force_login(cast.info_officer)
    registry = client.get(reverse("socialstats:page_list"), {"q": "новости вао"}).content.decode()
    assert "Новости ВАО" in registry
    tree_search = client.get(reverse("orgs:tree"), {"q": "вао"}).content.decode()
    assert "ВАО" in tree_search and "ничего не найдено" not in tree_search.lower()


def test_a_snapshot_from_the_future_is_refused_with_a_message(client, cast, tree):
    page = _page(tree.vao, "vao-vk", {})
    client.force_login(cast.territorial_admin)
    future = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(
        reverse("socialstats:snapshot_add", args=[page.pk]), {"date": future.isoformat(), "subscribers": "100"}
    )
    assert response.status_code == 200
    assert "Дата в будущем" in response.content.decode()
    assert not Snapshot.objects.exists()
    with pytest.raises(services.ValidationError):
        services.snapshot_record(page=page, date=future, subscribers=1, source=SnapshotSource.MANUAL)


def test_re_entering_a_day_with_only_subscribers_keeps_its_likes_unless_asked(client, cast, tree):
    page = _page(tree.vao, "vao-vk", {})
    today = timezone.localdate()
    Snapshot.objects.create(
        page=page, date=today, subscribers=90, likes=40, comments=5, posts_counted=10, source=SnapshotSource.API
    )
    client.force_login(cast.territorial_admin)
    url = reverse("socialstats:snapshot_add", args=[page.pk])
    client.post(url, {"date": today.isoformat(), "subscribers": "100"})
    snapshot = Snapshot.objects.get()
    assert (snapshot.subscribers, snapshot.likes, snapshot.comments, snapshot.posts_counted) == (100, 40, 5, 10)
    client.post(url, {"date": today.isoformat(), "subscribers": "101", "clear_blank": "on"})
    snapshot.refresh_from_db()
    assert (snapshot.subscribers, snapshot.likes) == (101, None)


def test_snapshot_form_renders_its_date_as_iso_for_the_date_input(client, cast, tree):
    page = _page(tree.vao, "vao-vk", {})
    client.force_login(cast.territorial_admin)
    body = client.get(reverse("socialstats:snapshot_add", args=[page.pk])).content.decode()
    assert f'type="date" name="date" value="{timezone.localdate().isoformat()}"' in body


def test_who_entered_a_snapshot_is_shown_by_name(client, cast, tree):
    page = _page(tree.vao, "vao-vk", {})
    cast.territorial_admin.first_name, cast.territorial_admin.last_name = "Анна", "Петрова"
    cast.territorial_admin.save()
    services.snapshot_record(
        page=page,
        date=timezone.localdate(),
        subscribers=5,
        source=SnapshotSource.MANUAL,
        recorded_by=cast.territorial_admin,
    )
    client.force_login(cast.info_officer)
    body = client.get(reverse("socialstats:page_detail", args=[page.pk])).content.decode()
    assert "Анна Петрова" in body


def test_a_page_without_title_or_link_is_named_by_network_and_organisation(client, cast, tree):
    page = SocialPage.objects.create(organisation=tree.vao, network="facebook")
    client.force_login(cast.info_officer)
    body = client.get(reverse("socialstats:page_detail", args=[page.pk])).content.decode()
    assert "<h1>Facebook: Facebook · ВАО</h1>" in body


def test_invitation_email_names_the_portal_and_links_to_site_url(client, cast, tree, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    client.force_login(cast.territorial_admin)
    client.post(
        reverse("orgs:people", args=[tree.vao_p1.pk]),
        {
            "action": "invite",
            "username": "newadmin",
            "first_name": "Пётр",
            "last_name": "Сидоров",
            "email": "p.sidorov@school.example",
            "role": Role.PRIMARY_ADMIN,
        },
    )
    message = mail.outbox[0]
    assert "ПрофПортал" in message.subject and "ПрофПортал" in message.body
    assert "http://127.0.0.1:8123/" in message.body and "UnionPortal" not in message.subject + message.body


def test_a_page_imported_without_its_link_can_be_saved_unchanged_or_retitled(client, cast, tree):
    page = SocialPage.objects.create(organisation=tree.vao, network="facebook")
    client.force_login(cast.territorial_admin)
    url = reverse("socialstats:page_edit", args=[page.pk])
    form = client.get(url).content.decode()
    assert 'name="url"' in form and 'name="url" maxlength="500" required' not in form
    response = client.post(url, {"url": "", "owner": page.owner, "title": "ВАО в Facebook"})
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.title, page.url) == ("ВАО в Facebook", "")
