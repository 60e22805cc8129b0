"""Completeness on a fixed calendar: September and October 2026, looked at on 20 November 2026.

Deadline day 5: October's news is on time until 5 November, September's until 5 October.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from news import selectors
from news.models import NewsItem, NewsStatus
from orgs.models import OrgKind
from tests.factories import make_org
from tests.news.conftest import make_item, moscow

pytestmark = pytest.mark.django_db

SEP, OCT, NOV = dt.date(2026, 9, 1), dt.date(2026, 10, 1), dt.date(2026, 11, 1)
TODAY = dt.date(2026, 11, 20)


@pytest.fixture
def calendar(tree, settings):
    settings.NEWS_DEADLINE_DAY = 5
    newcomer = make_org("ППО Новая", OrgKind.PRIMARY, tree.zao, founded_on=dt.date(2026, 10, 15))
    closed = make_org("ППО Закрытая", OrgKind.PRIMARY, tree.zao, founded_on=dt.date(2000, 1, 1))
    closed.closed_on, closed.is_active = dt.date(2026, 9, 10), False
    closed.save()
    # ВАО: Школа 1 on time both months; Школа 2 late in October, on time (5th, the last day) in September.
    make_item(tree.vao_p1, SEP, NewsStatus.PUBLISHED, moscow(2026, 9, 30))
    make_item(tree.vao_p1, OCT, NewsStatus.ACCEPTED, moscow(2026, 10, 20))
    make_item(tree.vao_p1, OCT, NewsStatus.SUBMITTED, moscow(2026, 10, 25))  # a second item: still one sender
    make_item(tree.vao_p2, SEP, NewsStatus.SUBMITTED, moscow(2026, 10, 5, 23))
    make_item(tree.vao_p2, OCT, NewsStatus.SUBMITTED, moscow(2026, 11, 7))
    # ЗАО: Школа 3 sent only drafts and a returned item (neither counts): missing both months.
    make_item(tree.zao_p1, SEP, NewsStatus.DRAFT)
    make_item(tree.zao_p1, OCT, NewsStatus.RETURNED, moscow(2026, 10, 3))
    # The newcomer (founded mid-October) sent on time in October; the closed one sent in September late.
    make_item(newcomer, OCT, NewsStatus.SUBMITTED, moscow(2026, 11, 2))
    make_item(closed, SEP, NewsStatus.SUBMITTED, moscow(2026, 10, 9))
    return {"newcomer": newcomer, "closed": closed}


def _states(report):
    return {
        row.organisation.name: [cell.state for cell in row.cells] for block in report.territories for row in block.rows
    }


def test_completeness_numbers_on_a_fixed_calendar(cast, tree, calendar):
    report = selectors.completeness(cast.info_officer, [SEP, OCT, NOV], today=TODAY)
    assert _states(report) == {
        "ППО Школа 1": ["on_time", "on_time", "open"],
        "ППО Школа 2": ["on_time", "late", "open"],
        "ППО Закрытая": ["late", "not_expected", "not_expected"],
        "ППО Новая": ["not_expected", "on_time", "open"],
        "ППО Школа 3": ["missing", "missing", "open"],
    }
    vao, zao = report.territories
    assert vao.territorial == tree.vao and zao.territorial == tree.zao
    october = zao.totals[1]
    assert (october.expected, october.sent, october.on_time, october.late, october.missing) == (2, 1, 1, 0, 1)
    assert october.rate == 50.0
    union_sep, union_oct, union_nov = report.union_totals
    assert (union_sep.expected, union_sep.sent, union_sep.on_time, union_sep.late, union_sep.missing) == (4, 3, 2, 1, 1)
    assert (union_oct.expected, union_oct.sent, union_oct.on_time, union_oct.late, union_oct.missing) == (4, 3, 2, 1, 1)
    assert (union_nov.expected, union_nov.open, union_nov.missing) == (4, 4, 0)
    assert union_sep.rate == 75.0
    assert [(row.organisation.name, row.silent_months) for row, _t in report.silent] == [("ППО Школа 3", 2)]


def test_a_primary_founded_on_the_last_day_of_a_month_is_expected_in_it(tree):
    late_founder = make_org("ППО", OrgKind.PRIMARY, tree.vao, founded_on=dt.date(2026, 10, 31))
    assert selectors.is_expected(late_founder, OCT)
    assert not selectors.is_expected(late_founder, SEP)


def test_territorial_admin_sees_only_their_territory(cast, tree, calendar):
    report = selectors.completeness(cast.territorial_admin, [SEP, OCT], today=TODAY)
    assert [block.territorial for block in report.territories] == [tree.vao]
    assert report.union_totals[1].expected == 2


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_completeness_page_query_count_does_not_grow_with_primaries(client, cast, tree, calendar):
    client.force_login(cast.info_officer)
    url = reverse("news:completeness") + "?until=2026-11&months=3"
    small = _queries(client, url)
    for number in range(12):
        org = make_org(f"ППО доп {number}", OrgKind.PRIMARY, tree.zao if number % 2 else tree.vao)
        make_item(org, OCT, NewsStatus.SUBMITTED, moscow(2026, 10, 20))
    assert _queries(client, url) == small
    body = client.get(url).content.decode()
    assert "вовремя" in body and "не прислали" in body  # states as text, not only colour


def test_completeness_page_is_for_reviewers_only(client, cast):
    for user in (cast.primary_admin, cast.juror, cast.outsider):
        client.force_login(user)
        assert client.get(reverse("news:completeness")).status_code == 404
        assert client.get(reverse("news:completeness_xlsx")).status_code == 404


def test_completeness_xlsx_has_the_grid_and_the_rates(client, cast, calendar):
    client.force_login(cast.info_officer)
    response = client.get(reverse("news:completeness_xlsx"), {"until": "2026-10", "months": "2"})
    workbook = load_workbook(io.BytesIO(response.content))
    grid, rates = workbook.worksheets
    rows = {row[1]: row[2:] for row in grid.iter_rows(min_row=2, values_only=True)}
    assert rows["ППО Школа 2"] == ("вовремя", "с опозданием", 0)  # the last column: reached the pages
    assert [row[:3] for row in rates.iter_rows(min_row=2, values_only=True)] == [("09.2026", 4, 3), ("10.2026", 4, 3)]


def test_digest_docx_holds_a_months_accepted_news_with_photos(client, cast, tree):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from news import services
    from news.photos import photo_check
    from tests.news.conftest import image_bytes

    photo = photo_check(SimpleUploadedFile("p.jpg", image_bytes("JPEG", (300, 200))))
    item = services.news_create(
        author=cast.primary_admin,
        organisation=tree.vao_p1,
        title="Принятая",
        text="Текст",
        reporting_month=OCT,
        photos=[photo],
    )
    item.__class__.objects.filter(pk=item.pk).update(status=NewsStatus.ACCEPTED)
    make_item(tree.vao_p2, OCT, NewsStatus.SUBMITTED, moscow(2026, 10, 20), title="Не принятая")
    client.force_login(cast.territorial_admin)
    response = client.get(reverse("news:digest_docx", args=[tree.vao.pk, "2026-10"]))
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Принятая" in text and "Не принятая" not in text
    assert len(document.inline_shapes) == 1
    assert client.get(reverse("news:digest_docx", args=[tree.zao.pk, "2026-10"])).status_code == 404
    assert client.get(reverse("news:digest_docx", args=[tree.vao.pk, "октябрь"])).status_code == 404


# --- primaries opened and closed mid-period; months not yet due; scope, links and the presidium -------

DEC = dt.date(2026, 12, 1)


def _closed(org, on: dt.date):
    org.closed_on, org.is_active = on, False
    org.save()
    return org


def test_primaries_opened_and_closed_mid_period_are_expected_only_while_in_the_union(cast, tree, settings):
    settings.NEWS_DEADLINE_DAY = 5
    both = _closed(
        make_org("ППО Сезонная", OrgKind.PRIMARY, tree.zao, founded_on=dt.date(2026, 9, 15)), NOV.replace(day=20)
    )
    october_end = _closed(make_org("ППО До конца октября", OrgKind.PRIMARY, tree.zao), dt.date(2026, 10, 31))
    first_day = _closed(make_org("ППО Первое октября", OrgKind.PRIMARY, tree.zao), OCT)
    make_org("ППО Декабрьская", OrgKind.PRIMARY, tree.zao, founded_on=DEC)
    make_item(both, SEP, NewsStatus.SUBMITTED, moscow(2026, 9, 30))
    make_item(october_end, OCT, NewsStatus.SUBMITTED, moscow(2026, 11, 8))
    report = selectors.completeness(cast.info_officer, [SEP, OCT, NOV, DEC], today=dt.date(2026, 12, 3))
    states = _states(report)
    assert states["ППО Сезонная"] == ["on_time", "missing", "open", "not_expected"]
    assert states["ППО До конца октября"] == ["missing", "late", "not_expected", "not_expected"]
    assert states["ППО Первое октября"] == ["missing", "missing", "not_expected", "not_expected"]
    assert states["ППО Декабрьская"] == ["not_expected", "not_expected", "not_expected", "open"]
    expected = [totals.expected for totals in report.union_totals]
    # Школа 1–3 all four months, plus the mid-period ones while they were in the union.
    assert expected == [3 + 3, 3 + 3, 3 + 1, 3 + 1]
    assert [totals.is_due for totals in report.union_totals] == [True, True, False, False]
    assert report.union_totals[2].due == dt.date(2026, 12, 5)
    missing_in_october = {org.name for org in selectors.missing_primaries(OCT)}
    assert {"ППО Сезонная", "ППО Первое октября"} <= missing_in_october
    assert not {"ППО До конца октября", "ППО Декабрьская"} & missing_in_october
    assert first_day.name not in {org.name for org in selectors.missing_primaries(NOV)}


def test_the_heading_names_the_scope_and_the_current_month_is_not_yet_due(client, cast, tree):
    client.force_login(cast.territorial_admin)
    body = client.get(reverse("news:completeness")).content.decode()
    assert "Полнота новостей: ВАО" in body and "Доля приславших: ВАО" in body
    assert "срок не наступил (до" in body
    client.force_login(cast.info_officer)
    assert "Полнота новостей: МГО Профсоюза" in client.get(reverse("news:completeness")).content.decode()


def test_a_cell_links_to_the_item_or_to_the_queue_of_its_items(client, cast, tree, calendar):
    single = NewsItem.objects.get(organisation=tree.vao_p2, reporting_month=OCT)
    client.force_login(cast.territorial_admin)
    body = client.get(reverse("news:completeness"), {"until": "2026-10", "months": "2"}).content.decode()
    assert f'href="{reverse("news:detail", args=[single.pk])}"' in body
    queue = f'href="{reverse("news:review")}?organisation={tree.vao_p1.pk}&amp;month=2026-10"'
    assert queue in body
    # The link leads to exactly the items behind the cell.
    listing = client.get(reverse("news:review"), {"organisation": tree.vao_p1.pk, "month": "2026-10"})
    assert len(listing.context["page_obj"].object_list) == 2


def test_the_presidium_reads_completeness_without_links_it_could_not_follow(client, cast, tree, calendar):
    client.force_login(cast.presidium)
    response = client.get(reverse("news:completeness"), {"until": "2026-10", "months": "2"})
    body = response.content.decode()
    assert response.status_code == 200 and "Полнота новостей: МГО Профсоюза" in body
    assert "ППО Школа 3" in body and "ППО Новая" in body
    assert "/news/review/" not in body and "/news/digest/" not in body
    assert not any(f'href="/news/{pk}/"' in body for pk in NewsItem.objects.values_list("pk", flat=True))
    assert client.get(reverse("news:completeness_xlsx")).status_code == 200
    for item in NewsItem.objects.all():
        assert client.get(reverse("news:detail", args=[item.pk])).status_code == 404


def test_names_are_escaped_in_the_grid_and_in_the_silent_list(client, cast, tree, calendar):
    tree.zao_p1.name = "ППО <Школа> 3"
    tree.zao_p1.save()
    client.force_login(cast.info_officer)
    body = client.get(reverse("news:completeness"), {"until": "2026-10", "months": "2"}).content.decode()
    assert "<Школа>" not in body
    assert "<tr><td>ППО &lt;Школа&gt; 3</td>" in body  # its row in ЗАО's grid
    assert '<li>ППО &lt;Школа&gt; 3 <span class="muted">(ЗАО)</span> — 2 месяца</li>' in body  # silent since September
