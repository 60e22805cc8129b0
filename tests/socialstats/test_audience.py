"""Where the audience moved: subscribers by network over time, and the growth table's «move» view.

The numbers, by hand (ВАО's subtree; ЗАО's page is outside it):
  ВАО's VK page           31.01: 500, 31.03: 520                        → 500, 500, 520
  Школа 1's Telegram      31.01: 1000, 20.02: 700, 31.03: 400           → 1000, 700, 400
  Школа 1's MAX channel   first seen 10.02: 200, 31.03: 650             → 0, 200, 650
  Школа 2's Facebook      31.12.2025: 300, archived on 01.03.2026       → 300, 300, 0
  at 31.01, 28.02, 31.03: totals 1 800, 1 700, 1 570; change −230.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from socialstats.analytics.services import analytics_rebuild
from socialstats.models import PageStatus, Snapshot, SocialPage
from socialstats.reports.audience import audience_by_network, transition_report
from socialstats.reports.growth import preset_period
from tests.factories import UserFactory, assign

pytestmark = pytest.mark.django_db

D1, D2, D3 = dt.date(2026, 1, 31), dt.date(2026, 2, 28), dt.date(2026, 3, 31)
TODAY = dt.date(2026, 4, 15)


def _page(organisation, network: str, handle: str, values: dict[dt.date, int], **fields) -> SocialPage:
    page = SocialPage.objects.create(
        organisation=organisation,
        network=network,
        url=f"https://example.org/{network}/{handle}",
        handle=handle,
        title=handle,
        **fields,
    )
    Snapshot.objects.bulk_create(
        Snapshot(page=page, date=day, subscribers=value, source="api") for day, value in values.items()
    )
    return page


@pytest.fixture
def moved(tree):
    _page(tree.vao, "vk", "vao-vk", {D1: 500, D3: 520})
    _page(tree.vao_p1, "telegram", "school1-tg", {D1: 1000, dt.date(2026, 2, 20): 700, D3: 400})
    _page(tree.vao_p1, "max", "school1-max", {dt.date(2026, 2, 10): 200, D3: 650})
    facebook = _page(tree.vao_p2, "facebook", "school2-fb", {dt.date(2025, 12, 31): 300})
    SocialPage.objects.filter(pk=facebook.pk).update(status=PageStatus.ARCHIVED, archived_on=dt.date(2026, 3, 1))
    _page(tree.zao, "vk", "zao-vk", {D1: 9000, D3: 9000})
    return tree


@pytest.fixture(params=["snapshots", "analytics"])
def source(request, moved):
    """The same numbers from the snapshots and from the analytics tables."""
    if request.param == "analytics":
        analytics_rebuild(today=TODAY)
    return request.param


def test_subscribers_by_network_show_telegram_losing_and_max_gaining(moved, source):
    report = audience_by_network(scope_paths=[moved.vao.path], dates=[D1, D2, D3])

    assert report.networks == ["vk", "telegram", "max", "ok", "facebook"]
    assert report.values == {
        "vk": [500, 500, 520],
        "telegram": [1000, 700, 400],
        "max": [0, 200, 650],
        "ok": [0, 0, 0],
        "facebook": [300, 300, 0],
    }
    assert report.totals == [1800, 1700, 1570]
    assert (report.change("telegram"), report.change("max"), report.change()) == (-600, 650, -230)


def test_a_primary_below_the_rollup_depth_reads_its_own_pages(moved, source):
    report = audience_by_network(scope_paths=[moved.vao_p1.path], dates=[D1, D3])

    assert report.values["telegram"] == [1000, 400]
    assert report.values["max"] == [0, 650]
    assert report.totals == [1000, 1050]


def test_the_whole_union_counts_every_territory(moved, source):
    report = audience_by_network(scope_paths=None, dates=[D3, TODAY])

    assert report.values["vk"] == [9520, 9520]
    assert report.totals == [10570, 10570]


def test_the_series_from_the_analytics_tables_is_two_queries_whatever_the_pages(moved, django_assert_num_queries):
    for number in range(30):
        _page(moved.vao_p2, "max", f"more-{number}", {D1: number, D3: 2 * number})
    analytics_rebuild(today=D3)  # TODAY lies after the tables' horizon: it reads the horizon's values
    dates = [D1, D2, D3, TODAY]

    # The tables' state, then one read of every date.
    with django_assert_num_queries(2):
        report = audience_by_network(scope_paths=[moved.vao.path], dates=dates)

    assert report.values["max"] == [435, 635, 1520, 1520]


def test_the_move_view_puts_each_organisations_change_per_network_side_by_side(moved, source):
    report = transition_report(scope_paths=[moved.vao.path], a=D1, b=D3)

    assert report.networks == ["vk", "telegram", "max", "ok", "facebook"]
    rows = {row.label: row for row in report.rows}
    assert [row.label for row in report.rows] == ["ВАО", "ППО Школа 1", "ППО Школа 2"]
    school = rows["ППО Школа 1"]
    assert (school.change("telegram"), school.change("max"), school.change("vk"), school.change()) == (-600, 650, 0, 50)
    assert school.is_move
    assert not rows["ВАО"].is_move and rows["ВАО"].change() == 20
    assert not rows["ППО Школа 2"].is_move and rows["ППО Школа 2"].change("facebook") == -300
    assert [report.total.change(network) for network in report.networks] == [20, -600, 650, 0, -300]
    assert report.total.change() == -230


# Views ----------------------------------------------------------------------------------------------

AUDIENCE = "/stats/audience/"
PERIOD = {"a": "31.01.2026", "b": "31.03.2026"}


def test_territorial_admin_sees_the_stacked_chart_and_its_table(client, cast, moved):
    client.force_login(cast.territorial_admin)

    response = client.get(AUDIENCE, {"on": "31.03.2026", "months": "6"})

    assert response.status_code == 200
    report = response.context["report"]
    assert report.dates[-3:] == [D1, D2, D3]
    assert report.values["telegram"][-3:] == [1000, 700, 400]
    assert report.values["vk"][-1] == 520  # ЗАО's 9 000 is not in ВАО's subtree
    html = response.content.decode()
    assert 'id="audience-table"' in html and "data-chart" in html
    assert '"stackgroup": "networks"' in html
    assert "Facebook (история)" in html and "Куда перешла аудитория" in html
    # The change row: from 30.09.2025, before any page, to 31.03.2026.
    assert response.context["changes"] == ["+520", "+400", "+650", "0", "0"]
    assert response.context["total_change"] == "+1\u00a0570"


def test_audience_of_another_territory_answers_404(client, cast, moved):
    client.force_login(cast.territorial_admin)
    assert client.get(AUDIENCE, {"scope": moved.zao.pk}).status_code == 404
    assert client.get("/stats/growth/", {**PERIOD, "view": "transition", "scope": moved.zao.pk}).status_code == 404
    client.force_login(cast.primary_admin)
    assert client.get(AUDIENCE, {"scope": moved.vao.pk}).status_code == 404


def test_audience_ignores_bad_parameters(client, cast, moved):
    client.force_login(cast.territorial_admin)

    response = client.get(AUDIENCE, {"months": "-5", "on": "31.13.2026", "scope": "x" * 40})

    assert response.status_code == 200
    assert response.context["months"] == 12
    assert len(response.context["report"].dates) == 13


def test_the_organisation_page_links_to_its_audience(client, cast, moved):
    client.force_login(cast.territorial_admin)

    html = client.get(f"/orgs/{moved.vao_p1.pk}/").content.decode()

    assert f"/stats/audience/?scope={moved.vao_p1.pk}" in html
    primary = client.get(AUDIENCE, {"scope": moved.vao_p1.pk, "on": "31.03.2026"})
    assert primary.status_code == 200
    assert primary.context["report"].totals[-1] == 1050


def test_audience_exports_carry_the_table(client, cast, moved):
    client.force_login(cast.territorial_admin)
    query = {"on": "31.03.2026", "months": "6"}

    rows = list(
        csv.reader(
            io.StringIO(client.get(AUDIENCE, {**query, "format": "csv"}).content.decode("utf-8-sig")), delimiter=";"
        )
    )
    sheet = load_workbook(io.BytesIO(client.get(AUDIENCE, {**query, "format": "xlsx"}).content)).active

    assert rows[0] == ["Дата", "ВКонтакте", "Telegram", "MAX", "Одноклассники", "Facebook (история)", "Итого"]
    assert sheet.freeze_panes == "A2" and sheet["A2"].number_format == "DD.MM.YYYY"
    assert rows[-2] == ["31.03.2026", "520", "400", "650", "0", "0", "1570"]
    assert rows[-4] == ["31.01.2026", "500", "1000", "0", "0", "300", "1800"]
    assert rows[-1] == ["Изменение", "520", "400", "650", "0", "0", "1570"]
    last = [cell.value for cell in sheet[sheet.max_row]]
    assert last == ["Изменение", 520, 400, 650, 0, 0, 1570]


def test_the_growth_page_move_view_shows_a_fall_next_to_a_rise(client, cast, moved):
    client.force_login(cast.territorial_admin)

    response = client.get("/stats/growth/", {**PERIOD, "view": "transition"})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="transition-table"' in html
    assert '<label for="id_view">Вид:</label>' in html
    assert 'id="id_grouping"' not in html  # rows are organisations here: the grouping is kept, not offered
    assert "growth-table" not in html  # the move view, not the usual table
    table = html[html.index('id="transition-table"') :]
    headers = ["Организация", "ВКонтакте", "Telegram", "MAX", "Одноклассники", "Facebook (история)", "Итого"]
    positions = [table.index(header) for header in headers]
    assert positions == sorted(positions)
    school_row = table[table.index("ППО Школа 1") : table.index("</tr>", table.index("ППО Школа 1"))]
    assert "переход" in school_row
    assert school_row.index("−600") < school_row.index("+650")
    assert 'title="1 000 → 400"'.replace(" ", "\u00a0", 1) in school_row
    assert "ЗАО" not in table


def test_the_move_view_linked_by_its_view_alone_shows_the_dates_it_reads(client, cast, moved):
    client.force_login(cast.territorial_admin)

    response = client.get("/stats/growth/", {"view": "transition"})  # no dates: this month

    a, b = preset_period("this_month", timezone.localdate())
    assert (response.context["transition"].a, response.context["transition"].b) == (a, b)
    html = response.content.decode()
    assert f'id="id_a" value="{a:%d.%m.%Y}"' in html and f'id="id_b" value="{b:%d.%m.%Y}"' in html


def test_the_move_view_exports_its_rows(client, cast, moved):
    client.force_login(cast.territorial_admin)

    content = client.get("/stats/growth/", {**PERIOD, "view": "transition", "format": "csv"}).content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))

    assert rows[0][:3] == ["Организация", "ВКонтакте: изменение", "Telegram: изменение"]
    assert rows[1] == ["ВАО", "20", "0", "0", "0", "0", "20"]
    assert rows[2] == ["ППО Школа 1", "0", "-600", "650", "0", "0", "50"]
    assert rows[-1] == ["Итого", "20", "-600", "650", "0", "-300", "-230"]


def test_the_move_view_is_sorted_and_cut_in_the_database(client, cast, moved):
    client.force_login(cast.territorial_admin)

    def exported(**query):
        content = client.get("/stats/growth/", {**PERIOD, "view": "transition", "format": "csv", **query}).content
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))[1:-1]  # no header, total

    def shown(**query):
        response = client.get("/stats/growth/", {**PERIOD, "view": "transition", **query})
        return [row.record["label"] for row in response.context["table"].page.object_list]

    tree_order = exported()
    by_change = sorted(tree_order, key=lambda row: -int(row[-1]))  # stable: the tree's order among equals
    assert len(tree_order) >= 3 and by_change != tree_order
    assert [row[0] for row in exported(sort="-change")] == [row[0] for row in by_change]
    assert shown(sort="-change", per_page=1, page=2) == [by_change[1][0]]
    assert shown(sort="d_telegram")[0] == "ППО Школа 1"  # −600 on Telegram, the largest fall
    assert shown(sort="-change", per_page=1, page=999) == [by_change[-1][0]]  # past the end: the last page


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "-d_nonsense,<script>", "page": "abc", "per_page": "-5"},
        {"sort": "d_facebook", "page": "99999999999999999999", "per_page": "100000"},
        {"sort": ";DROP TABLE orgs_organisation", "per_page": "0"},
    ],
)
def test_the_move_view_answers_bad_sort_and_page_values_with_its_first_page(client, cast, moved, query):
    client.force_login(cast.territorial_admin)
    plain = client.get("/stats/growth/", {**PERIOD, "view": "transition"})
    response = client.get("/stats/growth/", {**PERIOD, "view": "transition", **query})
    assert response.status_code == 200
    labels = [row.record["label"] for row in response.context["table"].page.object_list]
    assert labels  # a page of rows, never an error
    assert set(labels) <= {row.record["label"] for row in plain.context["table"].page.object_list}
    assert response.context["total"]["change_text"] == plain.context["total"]["change_text"]


def test_the_usual_growth_table_is_unchanged_by_the_move_view(client, cast, moved):
    client.force_login(cast.territorial_admin)

    response = client.get("/stats/growth/", {**PERIOD, "grouping": "org"})

    assert response.status_code == 200
    assert response.context["report"].total.change == -230
    assert "transition" not in response.context


def test_a_user_without_a_role_sees_no_other_organisations_audience(client, moved):
    outsider = UserFactory(username="stranger")
    client.force_login(outsider)
    assert client.get(AUDIENCE, {"scope": moved.vao.pk}).status_code == 404


def test_an_info_officer_sees_the_whole_union(client, moved):
    info = UserFactory(username="info2")
    assign(info, "info_officer", moved.union)
    client.force_login(info)

    response = client.get(AUDIENCE, {"on": "31.03.2026"})

    assert response.context["report"].values["vk"][-1] == 9520


@pytest.mark.parametrize("extra", [0, 40])
def test_the_audience_and_move_pages_keep_their_query_budget(client, cast, moved, extra, django_assert_max_num_queries):
    for number in range(extra):
        organisation = moved.vao_p1 if number % 2 else moved.vao_p2
        _page(organisation, ["vk", "telegram", "max", "ok"][number % 4], f"bulk-{number}", {D1: number, D3: number + 5})
    client.force_login(cast.territorial_admin)

    # The same count at both sizes: 8 for the session, the user's scope and the form, then one read per date
    # (7 here, no analytics tables built); the move view reads the rows in one statement and names them in one.
    with django_assert_max_num_queries(15):
        assert client.get(AUDIENCE, {"on": "31.03.2026", "months": "6"}).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get("/stats/growth/", {**PERIOD, "view": "transition"}).status_code == 200
