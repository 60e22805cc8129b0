"""The report pages: allowed, out of scope (404), bad input; exports carry the page's numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from socialstats.models import Snapshot, SocialPage
from tests.socialstats.test_growth_rules import make_page, snap

A, B = dt.date(2024, 1, 31), dt.date(2024, 2, 29)
PERIOD = {"a": "31.01.2024", "b": "29.02.2024"}


@pytest.fixture
def pages(tree):
    vao = make_page(tree.vao, "vao-page")
    school = make_page(tree.vao_p1, "school-page", "telegram")
    zao = make_page(tree.zao, "zao-page")
    for page, at_a, at_b in ((vao, 100, 150), (school, None, 30), (zao, 1000, 1100)):
        if at_a is not None:
            snap(page, A, at_a)
        snap(
            page,
            B,
            at_b,
            last_post_at=dt.datetime(2024, 2, 28, 12, tzinfo=dt.UTC),
            posts_counted=10,
            likes=40,
            comments=5,
            reposts=5,
            posts_30d=8,
        )
    return {"vao": vao, "school": school, "zao": zao}


def test_territorial_admin_sees_growth_of_their_own_territory_by_default(client, cast, pages):
    client.force_login(cast.territorial_admin)
    response = client.get("/stats/growth/", PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "vao-page" in html and "school-page" in html and "zao-page" not in html
    total = response.context["report"].total
    assert (total.at_a, total.at_b, total.change) == (100, 180, 80)


def test_growth_of_another_territory_answers_404(client, cast, tree, pages):
    client.force_login(cast.territorial_admin)
    assert client.get("/stats/growth/", {**PERIOD, "scope": tree.zao.pk}).status_code == 404
    assert client.get("/stats/growth/printed/", {**PERIOD, "scope": tree.zao.pk}).status_code == 404


def test_info_officer_may_pick_any_territory(client, cast, tree, pages):
    client.force_login(cast.info_officer)
    response = client.get("/stats/growth/", {**PERIOD, "scope": tree.zao.pk, "grouping": "territorial"})
    assert response.status_code == 200
    assert response.context["report"].total.change == 100


def test_bad_dates_are_reported_and_nothing_is_computed(client, cast, pages):
    client.force_login(cast.territorial_admin)
    response = client.get("/stats/growth/", {"a": "31.13.2024", "b": "29.02.2024"})
    assert response.status_code == 200
    assert "report" not in response.context
    assert response.context["form"].errors["a"]
    reversed_dates = client.get("/stats/growth/", {"a": "29.02.2024", "b": "31.01.2024"})
    assert reversed_dates.context["form"].errors["b"]


def test_an_unknown_period_typed_into_the_address_is_said_in_russian(client, cast, pages):
    client.force_login(cast.territorial_admin)
    response = client.get("/stats/growth/", {"preset": "zzz"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    assert "report" not in response.context
    html = response.content.decode()
    # The message sits where the select's aria-describedby points.
    assert 'aria-describedby="id_preset_error"' in html and 'id="id_preset_error"' in html
    assert "Выберите корректный вариант" in html


def test_anonymous_user_is_sent_to_login(client):
    response = client.get("/stats/growth/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_growth_page_marks_new_pages_and_formats_the_change(client, cast, pages):
    client.force_login(cast.territorial_admin)
    html = client.get("/stats/growth/", PERIOD).content.decode()
    assert 'class="badge ok"' in html
    assert "+50,0\u00a0%" in html


def test_xlsx_export_has_the_same_totals_as_the_page(client, cast, pages):
    client.force_login(cast.territorial_admin)
    page_total = client.get("/stats/growth/", PERIOD).context["report"].total
    response = client.get("/stats/growth/", {**PERIOD, "format": "xlsx"})
    assert response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.content)).active
    last = [cell.value for cell in sheet[sheet.max_row]]
    assert last[0] == "Итого" or last[0] == "Total"
    assert (last[5], last[7], last[9]) == (page_total.at_a, page_total.at_b, page_total.change)


def test_csv_export_is_semicolon_separated_with_russian_dates(client, cast, pages):
    client.force_login(cast.territorial_admin)
    response = client.get("/stats/growth/", {**PERIOD, "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Страница" and rows[0][5] == "Подписчики на 31.01.2024"
    body = {row[0]: row for row in rows[1:]}
    assert body["vao-page"][6] == "31.01.2024" and body["vao-page"][9] == "50"
    assert body["vao-page"][10] == "50,0%"
    assert body["school-page"][4] == "новая"


def test_printed_layout_of_own_territory(client, cast, pages):
    client.force_login(cast.territorial_admin)
    response = client.get("/stats/growth/printed/", PERIOD)
    assert response.status_code == 200
    layout = response.context["layout"]
    assert [row.label for row in layout.rows] == ["ВАО"]
    assert layout.rows[0].primaries == 2


def test_dashboard_shows_counts_for_the_users_scope(client, cast, pages, settings):
    settings.SUBSCRIBER_TARGET_PER_TERRITORIAL_PAGE = 1000
    client.force_login(cast.info_officer)
    response = client.get("/stats/dashboard/")
    assert response.status_code == 200
    summary = response.context["d"]
    assert summary.territorial_pages == 2 and summary.territorial_orgs == 2 and summary.primary_pages == 1
    assert summary.territorial_pages_at_target == 1
    client.force_login(cast.primary_admin)
    assert client.get("/stats/dashboard/").context["d"].pages == 1


def test_dashboard_aggregate_is_computed_once_per_scope_and_date_for_a_minute(client, cast, pages, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.REPORT_CACHE_SECONDS = 60
    client.force_login(cast.info_officer)
    with CaptureQueriesContext(connection) as first:
        assert client.get("/stats/dashboard/", {"on": "29.02.2024"}).context["d"].pages == 3
    Snapshot.objects.filter(page=pages["zao"], date=B).update(subscribers=2000)  # not seen within the minute
    with CaptureQueriesContext(connection) as second:
        assert client.get("/stats/dashboard/", {"on": "29.02.2024"}).context["d"].subscribers == 1280
    assert len(second) < len(first)
    assert client.get("/stats/dashboard/", {"on": "28.02.2024"}).context["d"].subscribers != 1280  # another date
    client.force_login(cast.territorial_admin)  # another scope never gets the union's numbers
    assert client.get("/stats/dashboard/", {"on": "29.02.2024"}).context["d"].pages == 2


def test_growth_table_and_printed_layout_are_kept_a_minute_per_scope_and_parameters(client, cast, pages, settings):
    settings.REPORT_CACHE_SECONDS = 60
    client.force_login(cast.info_officer)
    query = {**PERIOD, "grouping": "network"}
    assert client.get("/stats/growth/", query).context["report"].total.at_b == 1280
    assert client.get("/stats/growth/printed/", PERIOD).context["layout"].totals["vk"].at_b == 1250
    Snapshot.objects.filter(page=pages["zao"], date=B).update(subscribers=2000)
    assert client.get("/stats/growth/", query).context["report"].total.at_b == 1280  # within the minute
    assert client.get("/stats/growth/printed/", PERIOD).context["layout"].totals["vk"].at_b == 1250
    assert client.get("/stats/growth/", PERIOD).context["report"].total.at_b == 2180  # other parameters
    client.force_login(cast.territorial_admin)  # another scope never gets the union's numbers
    assert client.get("/stats/growth/", query).context["report"].total.at_b == 180


def test_dashboard_without_cache_reads_the_data_every_time(client, cast, pages, settings):
    settings.REPORT_CACHE_SECONDS = 0
    client.force_login(cast.info_officer)
    assert client.get("/stats/dashboard/", {"on": "29.02.2024"}).context["d"].subscribers == 1280
    Snapshot.objects.filter(page=pages["zao"], date=B).update(subscribers=2000)
    assert client.get("/stats/dashboard/", {"on": "29.02.2024"}).context["d"].subscribers == 2180


def test_dashboard_of_an_organisation_outside_scope_answers_404(client, cast, tree):
    client.force_login(cast.primary_admin)
    assert client.get("/stats/dashboard/", {"scope": tree.zao.pk}).status_code == 404


def test_silent_pages_are_grouped_by_territory_and_failing_pages_listed(client, cast, tree, pages, settings):
    settings.SILENT_PAGE_DAYS = 30
    failing = pages["vao"]
    SocialPage.objects.filter(pk=failing.pk).update(consecutive_failures=3, last_error="HTTP 500")
    client.force_login(cast.territorial_admin)
    response = client.get("/stats/silent/")
    assert response.status_code == 200
    labels = [group.label for group in response.context["groups"]]
    assert labels == ["ВАО"]  # the snapshots say the last post was on 28.02.2024, long ago
    assert [page.pk for page in response.context["failing"]] == [failing.pk]
    assert client.get("/stats/silent/", {"scope": tree.zao.pk}).status_code == 404


def test_engagement_is_the_mean_interactions_per_post_over_subscribers(client, cast, pages):
    client.force_login(cast.territorial_admin)
    response = client.get("/stats/engagement/")
    assert response.status_code == 200
    rows = {row["title"]: row for row in response.context["rows"]}
    # (40 + 5 + 5) / 10 posts = 5 per post; 5 / 150 subscribers = 3,3 %
    assert rows["vao-page"]["engagement"] == "3,3\u00a0%"


def test_reach_divides_subscribers_by_members(client, cast, tree, pages):
    tree.vao.members_count = 1500
    tree.vao.save()
    client.force_login(cast.territorial_admin)
    response = client.get("/stats/reach/")
    assert response.status_code == 200
    assert response.context["rows"][0]["reach"] == "12,0\u00a0%"  # 180 of 1 500


def test_reach_is_kept_a_minute_per_scope_and_grouping(client, cast, tree, pages, settings):
    settings.REPORT_CACHE_SECONDS = 60
    client.force_login(cast.info_officer)
    first = {row["label"]: row["subscribers"] for row in client.get("/stats/reach/").context["rows"]}
    assert first["ЗАО"] == "1\u00a0100"
    Snapshot.objects.filter(page=pages["zao"], date=B).update(subscribers=2000)
    assert {row["label"]: row["subscribers"] for row in client.get("/stats/reach/").context["rows"]} == first
    by_org = client.get("/stats/reach/", {"grouping": "org"}).context["rows"]  # another grouping: computed
    assert "2\u00a0000" in [row["subscribers"] for row in by_org]
    client.force_login(cast.territorial_admin)  # another scope never gets the union's rows
    assert [row["label"] for row in client.get("/stats/reach/").context["rows"]] == ["ВАО"]


def test_reach_by_organisation_is_a_page_of_rows_sorted_and_cut_in_the_database(client, cast, tree, pages):
    for organisation, members in ((tree.vao, 1500), (tree.vao_p1, 60), (tree.zao, 4000)):
        organisation.members_count = members
        organisation.save()
    client.force_login(cast.info_officer)
    first = client.get("/stats/reach/", {"grouping": "org", "sort": "-subscribers", "per_page": 2})
    assert [row["label"] for row in first.context["rows"]] == ["ЗАО", "ВАО"]  # 1 100, then 150
    assert first.context["rows"][1]["reach"] == "10,0\u00a0%"  # 150 of 1 500: ВАО's own page only
    assert first.context["table"].paginator.count == 3
    second = client.get("/stats/reach/", {"grouping": "org", "sort": "-subscribers", "per_page": 2, "page": 2})
    assert [(row["label"], row["reach"]) for row in second.context["rows"]] == [("ППО Школа 1", "50,0\u00a0%")]
    # The total is every organisation's, whatever the page shown.
    assert second.context["total"]["subscribers"] == "1\u00a0280"
    html = second.content.decode()
    assert "sort=-subscribers" in html and "sort=members" not in html  # members and reach: not sortable here
    export = client.get("/stats/reach/", {"grouping": "org", "sort": "subscribers", "format": "csv"})
    lines = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    assert [line[0] for line in lines[1:]] == ["ППО Школа 1", "ВАО", "ЗАО", "Всего"]  # every row, in that order


def test_reach_by_territorial_organisation_sorts_on_the_share(client, cast, tree, pages):
    tree.vao.members_count, tree.zao.members_count = 300, 10_000
    tree.vao.save()
    tree.zao.save()
    client.force_login(cast.info_officer)
    response = client.get("/stats/reach/", {"sort": "-reach"})
    assert [(row["label"], row["reach"]) for row in response.context["rows"]] == [
        ("ВАО", "60,0\u00a0%"),  # 180 of 300
        ("ЗАО", "11,0\u00a0%"),  # 1 100 of 10 000
    ]
    assert "sort=reach" in response.content.decode()  # the next click reverses it


def test_charts_page_shows_a_page_series_and_hides_pages_out_of_scope(client, cast, pages):
    client.force_login(cast.territorial_admin)
    response = client.get("/stats/growth/charts/", {**PERIOD, "page": pages["vao"].pk})
    assert response.status_code == 200
    assert "plotly.min.js" in response.content.decode()
    assert client.get("/stats/growth/charts/", {**PERIOD, "page": pages["zao"].pk}).status_code == 404


def test_growth_table_sorts_by_the_numbers_behind_the_text(client, cast, pages):
    client.force_login(cast.info_officer)
    response = client.get("/stats/growth/", {**PERIOD, "sort": "-change"})
    labels = [row.record["label"] for row in response.context["table"].page.object_list]
    assert labels == ["zao-page", "vao-page", "school-page"]  # +100, +50, +30


def _table_cells(html: str, table_id: str) -> tuple[list[str], list[list[tuple[str, str]]]]:
    """The header texts and (data-label, text) of each body cell of the table (an HTML parser, not our own
    markup)."""
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.headers, self.rows, self.inside, self.body, self.cell = [], [], False, False, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "table":
                self.inside = attrs.get("id") == table_id
            elif self.inside and tag == "tbody":
                self.body = True
            elif self.inside and tag == "th":
                self.cell = [None, ""]
            elif self.body and tag == "tr":
                self.rows.append([])
            elif self.body and tag == "td":
                self.cell = [attrs.get("data-label"), ""]

        def handle_endtag(self, tag):
            if tag in ("td", "th") and self.cell is not None:
                if tag == "th":
                    self.headers.append(self.cell[1].strip())
                else:
                    self.rows[-1].append((self.cell[0], self.cell[1].strip()))
                self.cell = None
            elif tag == "tbody":
                self.body = False
            elif tag == "table":
                self.inside = False

        def handle_data(self, data):
            if self.cell is not None:
                self.cell[1] += data

    parser = Cells()
    parser.feed(html)
    return parser.headers, parser.rows


@pytest.mark.parametrize("grouping", ["page", "territorial", "network"])
def test_growth_rows_carry_their_column_names_for_the_phone_and_escape_the_titles(client, cast, pages, grouping):
    SocialPage.objects.filter(pk=pages["vao"].pk).update(title='<b onclick="x()">ВАО & Co</b>')
    client.force_login(cast.info_officer)
    html = client.get("/stats/growth/", {**PERIOD, "grouping": grouping, "sort": "-change"}).content.decode()
    headers, rows = _table_cells(html, "growth-table")
    assert len(headers) >= 5 and rows
    assert all([label for label, _text in row] == headers for row in rows)  # each cell under its own column
    assert "<b onclick" not in html
    if grouping == "page":
        assert [row[0][1] for row in rows] == ["zao-page", '<b onclick="x()">ВАО & Co</b>', "school-page новая"]
        assert [row[headers.index("Изменение")][1] for row in rows] == ["+100", "+50", "+30"]
