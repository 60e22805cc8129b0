"""Growth by page and by organisation with the analytics tables built: a page of rows picked from PageLatest
(the tree's order, organisation by organisation; or sorted) and the totals from SubtreeDay (reports/paged.py)
give exactly the rows and totals of the Python path, page after page, whatever the dates, scope and networks."""

from __future__ import annotations

import datetime as dt

import pytest

from socialstats.analytics.services import analytics_rebuild, analytics_state
from socialstats.reports import paged, selectors
from tests.socialstats.test_growth_paged import LAST, PERIODS, _fields, _python_order, history  # noqa: F401

# And dates on which late starters were first collected (the fixture starts pages 0, 5, 20 or 45 days in).
EDGES = [(dt.date(2024, 1, 6), dt.date(2024, 1, 21)), (dt.date(2024, 1, 21), dt.date(2024, 2, 15))]


@pytest.mark.parametrize("grouping", ["page", "org"])
def test_pages_of_rows_and_totals_from_the_tables_equal_the_python_rows(history, tree, grouping):  # noqa: F811
    analytics_rebuild(today=LAST)
    state = analytics_state()
    for scope_paths in (None, [tree.vao.path], [tree.vao.path, tree.zao_p1.path]):
        for networks in ((), ("telegram", "vk")):
            for a, b in [*PERIODS, *EDGES]:
                expected = selectors.growth_report(
                    scope_paths=scope_paths, a=a, b=b, networks=networks, grouping=grouping
                )
                where = (grouping, scope_paths, networks, a, b)
                common = {"scope_paths": scope_paths, "a": a, "b": b, "networks": networks, "grouping": grouping}
                shown = []
                for offset in range(0, len(expected.rows) + 6, 6):
                    totals, rows = paged.growth_page(**common, offset=offset, limit=6, state=state)
                    assert _fields(totals.total) == _fields(expected.total), where
                    assert [_fields(row) for row in totals.subtotals] == [_fields(r) for r in expected.subtotals]
                    assert totals.count == len(expected.rows), where
                    shown += rows
                assert [_fields(row) for row in shown] == [_fields(row) for row in expected.rows], where


@pytest.mark.parametrize("grouping", ["page", "org"])
def test_every_sort_pages_through_the_rows_with_the_tables(history, grouping):  # noqa: F811
    analytics_rebuild(today=LAST)
    state = analytics_state()
    a, b = dt.date(2024, 1, 10), dt.date(2024, 2, 20)
    expected = selectors.growth_report(scope_paths=None, a=a, b=b, grouping=grouping).rows
    for column in paged.SORT_KEYS:
        for descending in (False, True):
            order = [("-" if descending else "") + column]
            keys = [
                row.key
                for offset in range(0, len(expected), 7)
                for row in paged.growth_page(
                    scope_paths=None, a=a, b=b, grouping=grouping, order=order, offset=offset, limit=7, state=state
                )[1]
            ]
            assert keys == [row.key for row in _python_order(expected, column, descending)], order
