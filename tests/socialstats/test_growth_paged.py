"""Growth by page and by organisation sorted and paginated in SQL (reports/paged.py) gives exactly the rows of
the Python path (selectors.growth_report), with and without the analytics tables, whatever the dates."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from orgs.models import OrgKind
from socialstats.analytics.services import analytics_rebuild, analytics_state
from socialstats.models import PageStatus, Snapshot, SocialPage
from socialstats.reports import paged, selectors
from socialstats.reports.audience import transition_page
from tests.factories import make_org

START = dt.date(2024, 1, 1)
LAST = dt.date(2024, 3, 10)  # the last collected day
NOBODY = dt.date(2024, 2, 14)  # a day nobody was collected


@pytest.fixture
def history(tree):
    """40 pages over the tree, 70 days with random gaps, late starts, pages that stopped, archived pages (dated
    before, inside and after the periods, and without a date), pages without a title."""
    rng = random.Random(14)
    deep = make_org("Цех 1", OrgKind.PRIMARY, tree.vao_p1)
    owners = [tree.union, tree.vao, tree.zao, tree.vao_p1, tree.vao_p2, tree.zao_p1, tree.youth, deep]
    pages = []
    for number in range(40):
        pages.append(
            SocialPage.objects.create(
                organisation=owners[number % len(owners)],
                network=["vk", "telegram", "ok", "max"][number % 4],
                url=f"https://example.org/p{number}",
                handle="" if number % 13 == 5 else f"h{number:02d}",
                title="" if number % 7 == 3 else f"page {number:02d}",
            )
        )
    snapshots = []
    for number, page in enumerate(pages):
        first = START + dt.timedelta(days=rng.choice([0, 0, 0, 5, 20, 45]))  # late starters
        last = LAST - dt.timedelta(days=rng.choice([0, 0, 0, 0, 10, 30]))  # pages that stopped
        value = rng.randint(0, 5000)
        day = first
        while day <= last:
            if day != NOBODY and rng.random() > 0.15:  # gaps
                snapshots.append(Snapshot(page=page, date=day, subscribers=value, source="api"))
            value = max(0, value + rng.randint(-20, 60))
            day += dt.timedelta(days=1)
        if number % 9 == 1:
            SocialPage.objects.filter(pk=page.pk).update(
                status=PageStatus.ARCHIVED, archived_on=START + dt.timedelta(days=rng.randint(10, 80))
            )
    Snapshot.objects.bulk_create(snapshots)
    SocialPage.objects.filter(pk=pages[4].pk).update(status=PageStatus.ARCHIVED, archived_on=None)
    return pages


PERIODS = [
    (dt.date(2023, 12, 31), dt.date(2024, 1, 31)),  # A before any snapshot
    (dt.date(2024, 1, 10), dt.date(2024, 2, 20)),  # B has data
    (dt.date(2024, 1, 31), NOBODY),  # B a day nobody was collected
    (NOBODY, dt.date(2024, 3, 5)),  # A a day nobody was collected
    (dt.date(2024, 2, 29), dt.date(2024, 4, 15)),  # B after the last snapshot
    (dt.date(2024, 3, 31), dt.date(2024, 4, 30)),  # both after the last collected day
    (dt.date(2024, 2, 1), dt.date(2024, 2, 1)),
]


def _fields(row) -> tuple:
    return (
        row.key,
        row.label,
        row.network,
        row.organisation,
        row.path,
        row.pages,
        row.new_pages,
        row.at_a,
        row.at_b,
        row.date_a,
        row.date_b,
        row.stale_a,
        row.stale_b,
        row.is_new,
        row.change,
        row.change_pct,
    )


def _python_order(rows, column: str, descending: bool):
    """The order the SQL promises: the column with empty values last, then the default order."""
    value = {
        "label": lambda row: row.label.lower(),
        "network": lambda row: row.network,
        "organisation": lambda row: row.organisation.lower(),
        "pages": lambda row: row.pages,
        "at_a": lambda row: row.at_a,
        "at_b": lambda row: row.at_b,
        "change": lambda row: row.change,
        "change_pct": lambda row: row.change_pct,
    }[column]
    rows = sorted(rows, key=lambda row: (row.path, row.label.lower(), row.network, row.key))
    present = sorted((row for row in rows if value(row) is not None), key=value, reverse=descending)
    if descending:  # Python's reverse keeps ties in reverse order: restore the default order among equals
        groups: dict = {}
        for row in present:
            groups.setdefault(value(row), []).append(row)
        present = [row for key in sorted(groups, reverse=True) for row in sorted(groups[key], key=rows.index)]
    return present + [row for row in rows if value(row) is None]


@pytest.mark.parametrize("tables", [False, True], ids=["snapshots", "analytics tables"])
@pytest.mark.parametrize("grouping", ["page", "org"])
def test_sql_rows_equal_the_python_rows_for_every_period(history, tree, grouping, tables):
    if tables:
        analytics_rebuild(today=LAST)
    for scope_paths in (None, [tree.vao.path], [tree.vao.path, tree.zao_p1.path]):
        for networks in ((), ("telegram", "vk")):
            for a, b in PERIODS:
                expected = selectors.growth_report(
                    scope_paths=scope_paths, a=a, b=b, networks=networks, grouping=grouping
                )
                kwargs = {"scope_paths": scope_paths, "a": a, "b": b, "networks": networks, "grouping": grouping}
                rows = paged.growth_page_rows(**kwargs)
                where = (grouping, scope_paths, networks, a, b)
                assert [_fields(row) for row in rows] == [_fields(row) for row in expected.rows], where
                totals = paged.growth_totals(**kwargs)
                assert _fields(totals.total) == _fields(expected.total), where
                assert [_fields(row) for row in totals.subtotals] == [_fields(row) for row in expected.subtotals]
                assert totals.count == len(expected.rows)


@pytest.mark.parametrize("grouping", ["page", "org"])
def test_every_column_sorts_in_sql_with_empty_values_last_and_pages_that_never_overlap(history, grouping):
    a, b = dt.date(2024, 1, 10), dt.date(2024, 2, 20)
    expected = selectors.growth_report(scope_paths=None, a=a, b=b, grouping=grouping).rows
    for column in paged.SORT_KEYS:
        for descending in (False, True):
            order = [("-" if descending else "") + column]
            rows = paged.growth_page_rows(scope_paths=None, a=a, b=b, grouping=grouping, order=order)
            assert [row.key for row in rows] == [row.key for row in _python_order(expected, column, descending)], order
            pages = [
                row.key
                for offset in range(0, len(rows), 7)
                for row in paged.growth_page_rows(
                    scope_paths=None, a=a, b=b, grouping=grouping, order=order, offset=offset, limit=7
                )
            ]
            assert pages == [row.key for row in rows]


def test_the_growth_page_shows_a_sorted_page_of_rows_and_the_export_holds_all_in_that_order(client, cast, history):
    import csv
    import io

    client.force_login(cast.info_officer)
    query = {"a": "10.01.2024", "b": "20.02.2024", "grouping": "page", "sort": "-change", "per_page": "10"}
    expected = _python_order(
        selectors.growth_report(scope_paths=None, a=dt.date(2024, 1, 10), b=dt.date(2024, 2, 20)).rows, "change", True
    )
    response = client.get("/stats/growth/", {**query, "page": "2"})
    assert response.status_code == 200
    shown = [row.record["label"] for row in response.context["table"].page.object_list]
    assert shown == [row.label for row in expected[10:20]]
    assert response.context["table"].paginator.count == len(expected)
    assert response.context["report"].total.at_b == sum(row.at_b or 0 for row in expected)
    exported = client.get("/stats/growth/", {**query, "format": "csv"})
    lines = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert [line[0] for line in lines[1 : len(expected) + 1]] == [row.label for row in expected]


def test_a_page_number_past_the_end_shows_the_last_page(client, cast, history):
    client.force_login(cast.info_officer)
    response = client.get("/stats/growth/", {"a": "10.01.2024", "b": "20.02.2024", "grouping": "org", "page": "99"})
    assert response.status_code == 200
    table = response.context["table"]
    assert table.page.number == table.paginator.num_pages and list(table.page.object_list)


def test_the_move_view_reads_the_same_figures_from_the_tables_as_from_the_snapshots(history, tree):
    """Both dates after the last collected day read PageLatest alone (paged.page_values_sql `latest_holds`)."""
    analytics_rebuild(today=LAST)
    state = analytics_state()
    for scope_paths in (None, [tree.vao.path]):
        for a, b in PERIODS:
            from_tables, count = transition_page(scope_paths=scope_paths, a=a, b=b, state=state)
            from_snapshots, snapshot_count = transition_page(scope_paths=scope_paths, a=a, b=b, state=None)
            rows = [(row.label, row.at_a, row.at_b) for row in from_tables.rows]
            assert rows == [(row.label, row.at_a, row.at_b) for row in from_snapshots.rows], (scope_paths, a, b)
            assert (from_tables.total.at_a, from_tables.total.at_b) == (
                from_snapshots.total.at_a,
                from_snapshots.total.at_b,
            )
            assert count == snapshot_count
