"""The registry pages: access by role and scope, adding and editing pages, archive, official mark,
manual snapshots, list filters and exports, imports through the upload pages, websites and print."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from socialstats.models import (
    PageStatus,
    PrintPublication,
    Snapshot,
    SnapshotSource,
    SocialPage,
    Website,
    WebsiteStat,
)
from tests.factories import make_org


@pytest.fixture
def pages(tree):
    vao_p1 = SocialPage.objects.create(
        organisation=tree.vao_p1, network="vk", url="https://vk.com/school1", handle="school1", title="Школа 1"
    )
    vao = SocialPage.objects.create(
        organisation=tree.vao, network="telegram", url="https://t.me/vao_tpo", handle="vao_tpo"
    )
    zao = SocialPage.objects.create(organisation=tree.zao, network="vk", url="https://vk.com/zao_tpo", handle="zao_tpo")
    return {"vao_p1": vao_p1, "vao": vao, "zao": zao}


def _login(client, cast, role):
    client.force_login(getattr(cast, role))
    return client


# (role, page key, may view, may edit)
MATRIX = [
    ("info_officer", "vao_p1", True, True),
    ("info_officer", "zao", True, True),
    ("territorial_admin", "vao_p1", True, True),
    ("territorial_admin", "vao", True, True),
    ("territorial_admin", "zao", False, False),
    ("primary_admin", "vao_p1", True, True),
    ("primary_admin", "vao", False, False),
    ("primary_admin", "zao", False, False),
    ("presidium", "zao", True, False),
    ("juror", "vao_p1", True, False),
    ("juror", "zao", False, False),
    ("outsider", "vao_p1", False, False),
]


@pytest.mark.parametrize(("role", "key", "may_view", "may_edit"), MATRIX)
def test_each_role_sees_and_edits_pages_only_in_its_scope(client, cast, pages, role, key, may_view, may_edit):
    _login(client, cast, role)
    page = pages[key]
    assert client.get(reverse("socialstats:page_detail", args=[page.pk])).status_code == (200 if may_view else 404)
    for name in ("page_edit", "page_archive", "snapshot_add"):
        response = client.get(reverse(f"socialstats:{name}", args=[page.pk]))
        assert response.status_code == (200 if may_edit else 404), name


def test_anonymous_visitors_are_sent_to_login(client, pages):
    response = client.get(reverse("socialstats:page_list"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_list_shows_only_pages_in_scope(client, cast, pages):
    _login(client, cast, "territorial_admin")
    body = client.get(reverse("socialstats:page_list")).content.decode()
    assert "school1" not in body  # titled pages show their title
    assert "Школа 1" in body and "vao_tpo" in body and "zao_tpo" not in body
    _login(client, cast, "outsider")
    body = client.get(reverse("socialstats:page_list")).content.decode()
    assert "Школа 1" not in body and "vao_tpo" not in body


def test_the_list_filters_by_network_and_by_organisation_with_or_without_subtree(client, cast, pages, tree):
    _login(client, cast, "info_officer")
    body = client.get(reverse("socialstats:page_list"), {"network": "telegram"}).content.decode()
    assert "vao_tpo" in body and "zao_tpo" not in body and "Школа 1" not in body
    body = client.get(reverse("socialstats:page_list"), {"org": tree.vao.pk}).content.decode()
    assert "vao_tpo" in body and "Школа 1" not in body
    body = client.get(reverse("socialstats:page_list"), {"org": tree.vao.pk, "subtree": "on"}).content.decode()
    assert "vao_tpo" in body and "Школа 1" in body and "zao_tpo" not in body


def test_the_list_of_an_organisation_out_of_scope_is_404(client, cast, pages, tree):
    _login(client, cast, "territorial_admin")
    assert client.get(reverse("socialstats:page_list"), {"org": tree.zao.pk}).status_code == 404


def test_the_list_filters_by_status_owner_and_official(client, cast, pages):
    pages["zao"].status = PageStatus.ARCHIVED
    pages["zao"].save()
    pages["vao"].is_official = True
    pages["vao"].owner = "youth_council"
    pages["vao"].save()
    _login(client, cast, "info_officer")
    url = reverse("socialstats:page_list")
    assert "zao_tpo" in client.get(url, {"status": "archived"}).content.decode()
    assert "vao_tpo" not in client.get(url, {"status": "archived"}).content.decode()
    body = client.get(url, {"is_official": "1"}).content.decode()
    assert "vao_tpo" in body and "zao_tpo" not in body
    body = client.get(url, {"owner": "youth_council"}).content.decode()
    assert "vao_tpo" in body and "Школа 1" not in body


def test_the_list_exports_csv_and_xlsx_with_the_filters_applied(client, cast, pages):
    Snapshot.objects.create(page=pages["vao"], date=dt.date(2026, 1, 5), subscribers=1234, source="manual")
    _login(client, cast, "territorial_admin")
    response = client.get(reverse("socialstats:page_list"), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["organisation", "network", "url"]
    assert sorted(row[2] for row in rows[1:]) == ["https://t.me/vao_tpo", "https://vk.com/school1"]
    assert ["ВАО", "telegram", "https://t.me/vao_tpo", "organisation", "0", "active", "1234", "2026-01-05"] in rows
    response = client.get(reverse("socialstats:page_list"), {"export": "xlsx", "network": "vk"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 2 and values[1][2] == "https://vk.com/school1"


def _make_pages(tree, count: int, start: int) -> None:
    for number in range(start, start + count):
        org = make_org(f"ППО №{number}", "primary", tree.vao)
        page = SocialPage.objects.create(
            organisation=org, network="vk", url=f"https://vk.com/p{number}", handle=f"p{number}"
        )
        Snapshot.objects.create(page=page, date=dt.date(2026, 1, 1), subscribers=number, source="import")


def test_the_list_costs_the_same_number_of_queries_at_two_sizes(client, cast, tree, django_assert_num_queries):
    _login(client, cast, "info_officer")
    url = reverse("socialstats:page_list")
    _make_pages(tree, 3, 0)
    client.get(url)  # warm the session
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _make_pages(tree, 40, 100)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert "p139" in response.content.decode()


def test_adding_a_page_recognises_the_link(client, cast, tree):
    _login(client, cast, "primary_admin")
    response = client.post(
        reverse("socialstats:page_add"),
        {"organisation": tree.vao_p1.pk, "url": "vk.com/public777", "owner": "organisation", "title": ""},
    )
    page = SocialPage.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("socialstats:page_detail", args=[page.pk])
    assert (page.network, page.handle, page.external_id, page.url) == ("vk", "club777", "777", "https://vk.com/club777")


def test_a_duplicate_page_is_refused_naming_the_existing_pages_organisation(client, cast, tree, pages):
    _login(client, cast, "territorial_admin")
    response = client.post(
        reverse("socialstats:page_add"),
        {"organisation": tree.vao_p2.pk, "url": "https://m.vk.com/School1", "owner": "organisation"},
    )
    assert response.status_code == 200
    assert "ППО Школа 1" in response.content.decode()
    assert SocialPage.objects.count() == 3


def test_an_unrecognised_link_is_refused_with_the_reason(client, cast, tree):
    _login(client, cast, "primary_admin")
    response = client.post(
        reverse("socialstats:page_add"),
        {"organisation": tree.vao_p1.pk, "url": "https://vk.com/id123", "owner": "organisation"},
    )
    assert response.status_code == 200
    assert "профиль" in response.content.decode()
    assert not SocialPage.objects.exists()


def test_a_page_cannot_be_added_to_an_organisation_out_of_scope(client, cast, tree):
    _login(client, cast, "primary_admin")
    response = client.post(
        reverse("socialstats:page_add"), {"organisation": tree.zao.pk, "url": "vk.com/club5", "owner": "organisation"}
    )
    assert response.status_code == 200
    assert not SocialPage.objects.exists()


def test_users_without_an_edit_role_cannot_open_the_add_page(client, cast):
    for role in ("presidium", "juror", "outsider"):
        _login(client, cast, role)
        assert client.get(reverse("socialstats:page_add")).status_code == 404


def test_editing_changes_link_and_owner_and_refuses_a_taken_link(client, cast, pages):
    _login(client, cast, "territorial_admin")
    url = reverse("socialstats:page_edit", args=[pages["vao_p1"].pk])
    response = client.post(url, {"url": "https://vk.com/school_one", "owner": "leader", "title": "Новое"})
    assert response.status_code == 302
    page = SocialPage.objects.get(pk=pages["vao_p1"].pk)
    assert (page.handle, page.owner, page.title) == ("school_one", "leader", "Новое")
    response = client.post(url, {"url": "https://t.me/vao_tpo", "owner": "leader"})
    assert response.status_code == 200 and "ВАО" in response.content.decode()
    assert SocialPage.objects.get(pk=page.pk).handle == "school_one"


def test_a_link_on_another_network_is_refused_when_editing(client, cast, pages):
    _login(client, cast, "territorial_admin")
    url = reverse("socialstats:page_edit", args=[pages["vao_p1"].pk])
    response = client.post(url, {"url": "https://t.me/school_one", "owner": "organisation"})
    assert response.status_code == 200
    assert SocialPage.objects.get(pk=pages["vao_p1"].pk).network == "vk"


def test_a_page_with_an_unknown_link_gets_its_link_through_the_edit_form(client, cast, tree):
    page = SocialPage.objects.create(organisation=tree.vao_p1, network="facebook")
    _login(client, cast, "primary_admin")
    client.post(
        reverse("socialstats:page_edit", args=[page.pk]), {"url": "facebook.com/school1", "owner": "organisation"}
    )
    page.refresh_from_db()
    assert (page.handle, page.url) == ("school1", "https://www.facebook.com/school1")


def test_archive_asks_for_confirmation_then_archives_and_unarchives(client, cast, pages):
    _login(client, cast, "primary_admin")
    url = reverse("socialstats:page_archive", args=[pages["vao_p1"].pk])
    assert client.get(url).status_code == 200
    assert SocialPage.objects.get(pk=pages["vao_p1"].pk).status == PageStatus.ACTIVE
    client.post(url)
    page = SocialPage.objects.get(pk=pages["vao_p1"].pk)
    assert page.status == PageStatus.ARCHIVED and page.archived_on is not None
    client.post(url)
    assert SocialPage.objects.get(pk=page.pk).status == PageStatus.ACTIVE


def test_only_information_staff_confirm_the_official_mark(client, cast, pages):
    url = reverse("socialstats:page_official", args=[pages["vao_p1"].pk])
    _login(client, cast, "territorial_admin")
    assert client.post(url, {"official": "1"}).status_code == 404
    assert not SocialPage.objects.get(pk=pages["vao_p1"].pk).is_official
    _login(client, cast, "info_officer")
    assert client.post(url, {"official": "1"}).status_code == 302
    page = SocialPage.objects.get(pk=pages["vao_p1"].pk)
    assert page.is_official and page.official_confirmed_by == cast.info_officer
    client.post(url, {"official": "0"})
    assert not SocialPage.objects.get(pk=page.pk).is_official


def test_a_manual_snapshot_is_recorded_and_the_same_day_is_replaced(client, cast, pages):
    _login(client, cast, "primary_admin")
    page = pages["vao_p1"]
    url = reverse("socialstats:snapshot_add", args=[page.pk])
    response = client.post(url, {"date": "01.11.2026", "subscribers": "1 234", "likes": "15", "last_post_date": ""})
    assert response.status_code == 302
    client.post(url, {"date": "2026-11-01", "subscribers": "1 240", "posts_30d": "4", "last_post_date": "30.10.2026"})
    snapshot = Snapshot.objects.get(page=page)
    assert (snapshot.subscribers, snapshot.posts_30d, snapshot.source) == (1240, 4, SnapshotSource.MANUAL)
    assert snapshot.recorded_by == cast.primary_admin
    assert snapshot.last_post_at.date() == dt.date(2026, 10, 30)
    detail = client.get(reverse("socialstats:page_detail", args=[page.pk])).content.decode()
    assert "01.11.2026" in detail and "1\u00a0240" in detail


def test_bad_snapshot_input_saves_nothing(client, cast, pages):
    _login(client, cast, "primary_admin")
    url = reverse("socialstats:snapshot_add", args=[pages["vao_p1"].pk])
    response = client.post(url, {"date": "32.13.2026", "subscribers": "много"})
    assert response.status_code == 200
    assert not Snapshot.objects.exists()


def _upload(name: str, text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_snapshot_upload_previews_then_saves_on_confirm(client, cast, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _login(client, cast, "info_officer")
    url = reverse("socialstats:snapshots_import")
    text = "organisation;network;date;subscribers\nВАО;vk;31.12.2017;108 549\nЗАО;facebook;31.12.2017;109\n"
    response = client.post(url, {"file": _upload("s.csv", text, "cp1251"), "create_missing": "on"})
    body = response.content.decode()
    assert response.status_code == 200 and "ВАО" in body and "ЗАО" in body
    assert not SocialPage.objects.exists() and not Snapshot.objects.exists()
    response = client.post(url, response.context["confirm"].initial)
    assert response.status_code == 200
    assert SocialPage.objects.count() == 2
    assert sorted(Snapshot.objects.values_list("subscribers", flat=True)) == [109, 108549]


def test_snapshot_upload_with_bad_rows_lists_them_and_saves_nothing(client, cast, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _login(client, cast, "info_officer")
    text = "organisation,network,date,subscribers\nВАО,vk,2017-12-31,abc\nНикто,vk,2017-12-31,1\n"
    response = client.post(
        reverse("socialstats:snapshots_import"), {"file": _upload("s.csv", text), "create_missing": "on"}
    )
    body = response.content.decode()
    assert "Строка 2" in body and "Строка 3" in body
    assert not Snapshot.objects.exists() and not SocialPage.objects.exists()


def test_page_upload_previews_then_saves_on_confirm(client, cast, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _login(client, cast, "info_officer")
    url = reverse("socialstats:pages_import")
    response = client.post(url, {"file": _upload("p.csv", "organisation,network,url\nВАО,vk,vk.com/club9\n")})
    assert "https://vk.com/club9" in response.content.decode()
    assert not SocialPage.objects.exists()
    client.post(url, response.context["confirm"].initial)
    assert SocialPage.objects.get().handle == "club9"


def test_website_figures_upload_previews_then_saves_on_confirm(client, cast, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _login(client, cast, "info_officer")
    url = reverse("socialstats:website_stats_import")
    text = "organisation,website,period_start,period_end,materials\nВАО,vao.example.org,01.01.2025,30.06.2025,84\n"
    response = client.post(url, {"file": _upload("w.csv", text), "create_missing": "on"})
    assert "https://vao.example.org" in response.content.decode()
    assert not Website.objects.exists()
    client.post(url, response.context["confirm"].initial)
    assert WebsiteStat.objects.get().materials == 84


def test_import_pages_are_for_information_staff_only(client, cast):
    for role in ("territorial_admin", "primary_admin", "presidium", "outsider"):
        _login(client, cast, role)
        for name in ("snapshots_import", "pages_import", "website_stats_import"):
            assert client.get(reverse(f"socialstats:{name}")).status_code == 404


def test_websites_with_checklist_and_period_figures(client, cast, tree):
    _login(client, cast, "primary_admin")
    org = tree.vao_p1
    response = client.post(
        reverse("socialstats:website_add", args=[org.pk]),
        {"url": "https://school1.example.org", "title": "Сайт", "is_active": "on", "check_decisions": "on"},
    )
    assert response.status_code == 302
    website = Website.objects.get()
    assert website.checklist_score == 1
    stat_url = reverse("socialstats:website_stat_add", args=[org.pk, website.pk])
    client.post(
        stat_url, {"period_start": "01.01.2025", "period_end": "30.06.2025", "materials": "12", "visitors": "1 500"}
    )
    client.post(stat_url, {"period_start": "01.01.2025", "period_end": "30.06.2025", "materials": "13", "views": "9"})
    stat = WebsiteStat.objects.get()
    assert (stat.materials, stat.visitors, stat.views) == (13, None, 9)
    response = client.post(stat_url, {"period_start": "01.07.2025", "period_end": "01.01.2025", "materials": "1"})
    assert response.status_code == 200 and WebsiteStat.objects.count() == 1
    body = client.get(reverse("socialstats:resources", args=[org.pk])).content.decode()
    assert "Сайт" in body and "01.01.2025" in body


def test_print_publications_are_added_and_bad_input_is_refused(client, cast, tree):
    _login(client, cast, "territorial_admin")
    url = reverse("socialstats:publication_add", args=[tree.vao.pk])
    client.post(
        url, {"title": "Вестник", "kind": "bulletin", "issues_per_year": "6", "print_run": "999", "is_active": "on"}
    )
    assert PrintPublication.objects.get().print_run == 999
    response = client.post(url, {"title": "", "kind": "poster"})
    assert response.status_code == 200 and PrintPublication.objects.count() == 1


def test_websites_and_print_of_another_territory_are_404(client, cast, tree):
    _login(client, cast, "territorial_admin")
    assert client.get(reverse("socialstats:resources", args=[tree.zao.pk])).status_code == 404
    assert client.get(reverse("socialstats:website_add", args=[tree.zao.pk])).status_code == 404
    assert client.get(reverse("socialstats:publication_add", args=[tree.zao.pk])).status_code == 404
    _login(client, cast, "presidium")
    assert client.get(reverse("socialstats:resources", args=[tree.zao.pk])).status_code == 200
    assert client.get(reverse("socialstats:website_add", args=[tree.zao.pk])).status_code == 404


def test_the_organisation_page_counts_pages_by_network(client, cast, pages, tree):
    _login(client, cast, "info_officer")
    body = client.get(reverse("orgs:detail", args=[tree.vao.pk])).content.decode()
    assert f"?org={tree.vao.pk}&amp;subtree=on" in body
    assert "ВКонтакте: 1" in body and "Telegram: 1" in body


def test_the_start_page_offers_the_registry(client, cast, pages):
    _login(client, cast, "primary_admin")
    body = client.get(reverse("home")).content.decode()
    assert reverse("socialstats:page_add") in body and reverse("socialstats:page_list") in body


def test_a_pages_history_costs_the_same_number_of_queries_at_two_sizes(client, cast, pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = pages["vao_p1"]
    _login(client, cast, "primary_admin")
    url = reverse("socialstats:page_detail", args=[page.pk])

    def add(days: range) -> None:
        for day in days:
            Snapshot.objects.create(
                page=page,
                date=dt.date(2026, 1, 1) + dt.timedelta(days=day),
                subscribers=day,
                source="manual",
                recorded_by=cast.primary_admin,
            )

    add(range(3))
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    add(range(3, 45))
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
