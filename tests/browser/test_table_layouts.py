"""Tables a person reads on a phone and on a desktop: the key numbers are on screen without scrolling sideways.

At 390 px the growth (every grouping), registry and printed tables show a card per row; at 1280 px the
contest ranking keeps «Итого» in view and the criteria editor's last columns fit the page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from contests import services as contest_services
from contests.models import Criterion, Metric
from socialstats.models import Snapshot, SnapshotSource, SocialPage
from tests.browser.conftest import login
from tests.contests.conftest import fixed  # noqa: F401  (the fixed contest of the scoring tests)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 390

# The first row's cell under the header `text` of `table`, found by the header's column index (the thead is
# the same on the old and the new layout), with its box and whether it is what the eye sees at its centre.
_CELL_JS = """([table, text]) => {
  const headers = Array.from(document.querySelectorAll(table + " thead th"));
  const index = headers.findIndex(th => th.innerText.trim().replace(/\\s+/g, " ") === text);
  if (index < 0) return null;
  const cell = document.querySelector(table + " tbody tr").cells[index];
  return _box(cell);
}"""
_BOX_JS = """function _box(element) {
  const before = element.getBoundingClientRect();
  window.scrollTo(0, window.scrollY + before.top - window.innerHeight / 2);  // vertically only
  const r = element.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {left: r.left, right: r.right, text: element.innerText,
          seen: !!hit && (hit === element || element.contains(hit))};
}"""


def _cell(page, table: str, header: str) -> dict:
    box = page.evaluate(f"(args) => {{ {_BOX_JS}; return ({_CELL_JS})(args); }}", [table, header])
    assert box is not None, f"no column «{header}» in {table}"
    return box


def _element(page, selector: str) -> dict:
    return page.evaluate(f"(selector) => {{ {_BOX_JS}; return _box(document.querySelector(selector)); }}", selector)


def _assert_in_view(box: dict, width: int, what: str) -> None:
    assert box["left"] >= 0 and box["right"] <= width, f"{what} at {box['left']:.0f}–{box['right']:.0f}px"
    assert box["seen"], f"{what} is hidden under something else"


def _page_with_history(organisation, handle: str, values: dict[dt.date, int], network: str = "vk") -> SocialPage:
    page = SocialPage.objects.create(
        organisation=organisation,
        network=network,
        url=f"https://example.org/{handle}",
        handle=handle,
        title=f"Очень длинное название страницы {handle}",
    )
    Snapshot.objects.bulk_create(
        Snapshot(page=page, date=day, subscribers=value, source=SnapshotSource.API) for day, value in values.items()
    )
    return page


@pytest.fixture
def history(tree):
    today = timezone.localdate()
    start = today - dt.timedelta(days=40)
    for organisation, handle, network in (
        (tree.vao, "vao-news", "vk"),
        (tree.vao_p1, "school-one", "telegram"),
        (tree.zao, "zao-news", "ok"),
    ):
        _page_with_history(organisation, handle, {start: 1_234_000, today: 1_298_765}, network)


def _width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("grouping", ["page", "org", "territorial", "network"])
def test_growth_table_shows_the_growth_of_the_first_row_on_a_phone(phone_page, live_server, cast, history, grouping):
    login(phone_page, live_server, "info")
    phone_page.goto(f"{live_server.url}/stats/growth/?grouping={grouping}")
    phone_page.wait_for_selector("#growth-table tbody tr")
    # «Изменение» (the growth) is the last column but one, whatever the grouping and the header's wording.
    change = phone_page.evaluate(
        f"() => {{ {_BOX_JS}; return _box(document.querySelector('#growth-table tbody tr td:nth-last-child(2)')); }}"
    )
    assert change["text"].strip().startswith("+")
    _assert_in_view(change, PHONE, f"the growth of the first row ({grouping})")
    _assert_in_view(_cell(phone_page, "#growth-table", "На дату B"), PHONE, "«На дату B»")
    assert _width(phone_page) <= PHONE


def test_registry_shows_each_pages_subscribers_on_a_phone(phone_page, live_server, cast, history):
    login(phone_page, live_server, "info")
    phone_page.goto(f"{live_server.url}/stats/pages/")
    subscribers = _cell(phone_page, "table.table", "Подписчики")
    assert subscribers["text"].replace("\u00a0", " ").strip() in ("1 298 765", "1,298,765")
    _assert_in_view(subscribers, PHONE, "the subscribers of the first page")
    _assert_in_view(_cell(phone_page, "table.table", "На дату"), PHONE, "the date of the figure")
    assert _width(phone_page) <= PHONE


def test_printed_table_shows_every_networks_growth_on_a_phone(phone_page, live_server, cast, history):
    login(phone_page, live_server, "info")
    phone_page.goto(f"{live_server.url}/stats/growth/printed/")
    cells = phone_page.locator("#printed-table tbody tr").first.locator("td[data-col=change]")
    assert cells.count() >= 1
    for index in range(cells.count()):
        box = cells.nth(index).evaluate(f"cell => {{ {_BOX_JS}; return _box(cell); }}")
        _assert_in_view(box, PHONE, f"growth cell {index} of the first organisation")
    assert _width(phone_page) <= PHONE


@pytest.mark.parametrize("grouping", ["territorial", "org"])
def test_reach_shows_each_rows_share_on_a_phone(phone_page, live_server, cast, tree, history, grouping):
    tree.vao.members_count = 5_000_000
    tree.vao.save()
    login(phone_page, live_server, "info")
    phone_page.goto(f"{live_server.url}/stats/reach/?grouping={grouping}")
    reach = _cell(phone_page, "#reach-table", "Охват")
    assert reach["text"].replace("\u00a0", " ").strip() in ("26,0 %", "52,0 %")  # of the first row, by grouping
    _assert_in_view(reach, PHONE, "the reach of the first row")
    _assert_in_view(_cell(phone_page, "#reach-table", "Членов профсоюза"), PHONE, "the members of the first row")
    assert _width(phone_page) <= PHONE


def test_ranking_shows_the_total_at_desktop_width_with_many_criteria(page, live_server, fixed):  # noqa: F811
    for position in range(3, 15):  # the demo contest's nine criteria already pushed «Итого» off the page
        Criterion.objects.create(
            contest=fixed.contest,
            name=f"Вовлечённость подписчиков (публикаций) {position}",
            source=Metric.JURY,
            max_points=10,
            position=position,
        )
    login(page, live_server, "presidium")
    page.goto(f"{live_server.url}/contests/{fixed.contest.pk}/ranking/")
    _assert_in_view(_cell(page, "#ranking", "Итого"), 1280, "the first row's total")
    _assert_in_view(_element(page, "#ranking thead th:last-child"), 1280, "the «Итого» header")


def test_criteria_editor_fits_the_desktop_page(page, live_server, cast, tree):
    contest = contest_services.contest_create(
        title="Конкурс",
        scope=tree.union,
        level="territorial",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
    )
    for position in range(1, 5):
        Criterion.objects.create(
            contest=contest,
            name=f"Количество подписчиков на конец периода {position}",
            source=Metric.SUBSCRIBERS_END,
            weight=Decimal(1),
            max_points=10,
            position=position,
        )
    login(page, live_server, "info")
    page.goto(f"{live_server.url}/contests/{contest.pk}/criteria/")
    for header in ("Вес", "Максимум баллов", "Удалить"):
        _assert_in_view(_cell(page, "main form table", header), 1280, f"«{header}»")
    _assert_in_view(_element(page, "input[name$='-0-DELETE']"), 1280, "a delete box")
    assert _width(page) <= 1280


def test_criteria_editor_is_a_card_per_criterion_on_a_phone(phone_page, live_server, cast, tree):
    contest = contest_services.contest_create(
        title="Конкурс",
        scope=tree.union,
        level="territorial",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
    )
    Criterion.objects.create(contest=contest, name="Оформление", source=Metric.JURY, max_points=10, position=1)
    login(phone_page, live_server, "info")
    phone_page.goto(f"{live_server.url}/contests/{contest.pk}/criteria/")
    _assert_in_view(_element(phone_page, "input[name$='-0-DELETE']"), PHONE, "a delete box")
    _assert_in_view(_element(phone_page, "input[name$='-0-max_points']"), PHONE, "the maximum")
    assert _width(phone_page) <= PHONE
