"""Hypothesis over every GET parameter of every list and report page: whatever the address says, never a 500.

The information officer (who sees everything) opens each page with random and hostile values for each
parameter the page reads, plus the ones every table reads (`page`, `per_page`, `sort`).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from socialstats.models import Snapshot, SocialPage
from unionportal.lib.query import MAX_PER_PAGE, query_date, query_id, query_int, query_month

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

TABLE = ["page", "per_page", "sort"]
PERIOD = ["preset", "a", "b", "scope", "networks"]
# Each list or report page (url name, arguments) and the GET parameters it reads.
PAGES: dict[str, tuple[str, list[str]]] = {
    "orgs:tree": ("orgs:tree", ["q", "page"]),
    "orgs:list": ("orgs:list", ["q", "kind", "active", *TABLE]),
    "orgs:people": ("orgs:people", ["q", "page"]),
    "socialstats:page_list": (
        "socialstats:page_list",
        ["q", "network", "owner", "status", "is_official", "link", "export", "format", "org", "subtree", *TABLE],
    ),
    "socialstats:page_detail": ("socialstats:page_detail", TABLE),
    "socialstats:collection_list": ("socialstats:collection_list", ["page"]),
    "socialstats:growth": ("socialstats:growth", [*PERIOD, "grouping", "level", "view", "format", *TABLE]),
    "socialstats:audience": ("socialstats:audience", ["scope", "months", "on", "format"]),
    "socialstats:growth_printed": ("socialstats:growth_printed", [*PERIOD, "grouping", "level", "format"]),
    "socialstats:growth_charts": ("socialstats:growth_charts", [*PERIOD, "page"]),
    "socialstats:dashboard": ("socialstats:dashboard", ["scope", "on", "history", "format"]),
    "socialstats:website_registry": ("socialstats:website_registry", ["org", "subtree", "export", "format", *TABLE]),
    "socialstats:publication_registry": ("socialstats:publication_registry", ["org", "subtree", "export", "format"]),
    "socialstats:silent": ("socialstats:silent", ["scope", "format"]),
    "socialstats:engagement": ("socialstats:engagement", [*PERIOD, "format"]),
    "socialstats:reach": ("socialstats:reach", [*PERIOD, "grouping", "format", *TABLE]),
    "news:list": ("news:list", ["page"]),
    "news:review": ("news:review", ["month", "status", "organisation", "org", "forwarded", "page"]),
    "news:completeness": ("news:completeness", ["until", "months"]),
    "news:reminders": ("news:reminders", ["month", "page"]),
    "news:completeness_xlsx": ("news:completeness_xlsx", ["until", "months"]),
    "contests:list": ("contests:list", ["page"]),
    "alerts:list": ("alerts:list", ["status", "scope", "page"]),
    "mailings:history": ("mailings:history", ["page"]),
    "mailings:log": ("mailings:log", ["page"]),
}

HOSTILE = [
    "",
    " ",
    "-1",
    "0",
    "-0",
    "1",
    "2",
    "999999999999999999999999999999",
    "-999999999999999999999999999999",
    "1e5",
    "NaN",
    "Infinity",
    "٣",
    "²",
    "0001-01-01",
    "9999-12-31",
    "01.01.0001",
    "31.12.9999",
    "0000-00-00",
    "2024-02-30",
    "2024-13",
    "2024-1",
    "9999-12",
    "0001-01",
    "31.01.2024",
    "2024-01-31",
    "2024-01",
    "vk",
    "org",
    "territorial",
    "-change",
    "label",
    "xlsx",
    "csv",
    "pdf",
    "transition",
    "1' OR '1'='1",
    "<script>x</script>",
    "\x00",
    "x" * 3000,
]
values = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(-(10**30), 10**30).map(str),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(lambda day: day.isoformat()),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(lambda day: day.strftime("%d.%m.%Y")),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12),
)


@pytest.fixture
def page_with_history(tree):
    page = SocialPage.objects.create(organisation=tree.vao, network="vk", url="https://vk.com/v", handle="v", title="v")
    for day, count in ((dt.date(2024, 1, 31), 10), (dt.date(2024, 2, 29), 15)):
        Snapshot.objects.create(page=page, date=day, subscribers=count, source="api")
    return page


def _url(name: str, tree, page) -> str:
    if name == "orgs:people":
        return reverse(name, args=[tree.vao.pk])
    if name == "socialstats:page_detail":
        return reverse(name, args=[page.pk])
    return reverse(name)


@pytest.mark.parametrize("name", sorted(PAGES))
def test_no_query_parameter_value_makes_a_list_or_report_page_fail(client, cast, tree, page_with_history, name):
    client.force_login(cast.info_officer)
    url = _url(name, tree, page_with_history)
    parameters = PAGES[name][1]

    @FUZZ
    @given(st.dictionaries(st.sampled_from(parameters), values, max_size=len(parameters)))
    @example({"per_page": "-1"})
    @example({"per_page": "0"})
    @example({"page": "-1", "per_page": "999999999999"})
    @example({"on": "0001-01-01"})
    @example({"organisation": "9" * 30})
    @example({"until": "9999-12-31"})
    @example({"until": "0001-01-01"})
    @example({"scope": "9" * 30})
    @example({"a": "0001-01-01", "b": "9999-12-31"})
    @example({"view": "transition", "sort": "-d_vk", "per_page": "0"})
    @example({"view": "transition", "format": "xlsx", "networks": "max"})
    @example({"on": "01.01.1900", "months": "36", "format": "csv"})
    def check(query):
        query = {key: value for key, value in query.items() if key in parameters}
        response = client.get(url, query)
        assert response.status_code < 500, (url, query)

    check()


def test_the_shared_parser_bounds_numbers_ids_and_dates():
    assert query_int("-1", minimum=1) is None
    assert query_int("12", minimum=1, maximum=10) is None
    assert query_int("٣") is None and query_int("1e5") is None and query_int(" 7 ") == 7
    assert query_id("9" * 30) is None and query_id("0") is None and query_id("42") == 42
    assert query_date("0001-01-01") is None and query_date("31.12.9999") is None
    assert query_date("31.01.2024") == dt.date(2024, 1, 31)
    assert query_month("9999-12") is None and query_month("2026-10") == dt.date(2026, 10, 1)
    assert MAX_PER_PAGE == 200


def test_per_page_is_capped(client, cast, tree):
    client.force_login(cast.info_officer)
    response = client.get(reverse("orgs:list"), {"per_page": "100000"})
    assert response.context["table"].paginator.per_page == MAX_PER_PAGE
    response = client.get(reverse("orgs:list"), {"per_page": "-1"})
    assert response.context["table"].paginator.per_page == 50


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_nul_character_in_any_single_parameter_is_not_a_500(client, cast, tree, page_with_history, name):
    """PostgreSQL refuses NUL in text parameters; every parameter, tried alone, must be cleaned or ignored.

    The random search above found `?kind=%00` on the organisation list only on one CI run; this tries each.
    """
    client.force_login(cast.info_officer)
    url = _url(name, tree, page_with_history)
    for parameter in PAGES[name][1]:
        response = client.get(url, {parameter: "a\x00b"})
        assert response.status_code < 500, (url, parameter)
