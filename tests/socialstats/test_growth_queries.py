"""Query budgets: the growth page, the printed layout and the dashboard read a constant number of queries.

Measured at 100 and at 10,000 pages (bulk-created); the count must be the same.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from socialstats.analytics.services import analytics_rebuild
from socialstats.models import AnalyticsState
from tests.socialstats.growth_data import bulk_pages

URLS = [
    ("/stats/growth/", {"a": "31.01.2024", "b": "29.02.2024"}),
    ("/stats/growth/", {"a": "31.01.2024", "b": "29.02.2024", "grouping": "territorial"}),
    ("/stats/growth/printed/", {"a": "31.01.2024", "b": "29.02.2024"}),
    ("/stats/dashboard/", {}),
]


def count_queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_reports_read_the_same_number_of_queries_at_100_and_10000_pages(client, cast, tree, settings):
    """Constant in the number of pages, with and without the analytics tables; lower with them.

    Without the tables (a fresh database before the first nightly run) the dashboard's subscribers series
    reads the snapshots date by date (six dates, two report statements each). With them, as in production
    after the nightly `analytics_update`, the whole series is one statement on SubtreeDay. The same budgets on
    PostgreSQL (JIT is off for the connection, not per statement: settings.py).
    """
    settings.REPORT_CACHE_SECONDS = 0  # count the dashboard's own queries both times, not a cache hit
    today = timezone.localdate()
    days = [dt.date(2024, 1, 31), dt.date(2024, 2, 29), today]
    client.force_login(cast.info_officer)
    bulk_pages(tree.vao, 100, days=days, prefix="small")
    small = [count_queries(client, url, params) for url, params in URLS]
    analytics_rebuild(today=today)
    small_tables = [count_queries(client, url, params) for url, params in URLS]
    bulk_pages(tree.zao, 9_900, days=days, prefix="large")
    AnalyticsState.objects.all().delete()
    large = [count_queries(client, url, params) for url, params in URLS]
    analytics_rebuild(today=today)
    large_tables = [count_queries(client, url, params) for url, params in URLS]
    assert large == small
    assert large_tables == small_tables
    # The dashboard's count of open alerts (the alerts app's template tag) is one query more in each budget.
    assert max(small) <= 23
    # In production: the dashboard under the 20 it read before the analytics tables existed.
    assert max(small_tables) <= 17, small_tables


PAGED_URLS = [
    ("/stats/growth/", {"a": "31.01.2024", "b": "29.02.2024", "grouping": "page"}),
    ("/stats/growth/", {"a": "31.01.2024", "b": "29.02.2024", "grouping": "page", "sort": "-change_pct", "page": "2"}),
    ("/stats/growth/", {"a": "31.01.2024", "b": "29.02.2024", "grouping": "org"}),
    ("/stats/growth/", {"a": "31.01.2024", "b": "29.02.2024", "grouping": "org", "sort": "at_b"}),
]


def test_growth_by_page_and_by_organisation_read_the_same_number_of_queries_at_150_and_6000_pages(
    client, cast, tree, settings
):
    """Sorted and paginated in SQL: the page of rows and the totals are one statement, whatever the size; the
    budget is the same with and without the analytics tables."""
    settings.REPORT_CACHE_SECONDS = 0
    settings.REPORT_CACHE_VERSIONED_SECONDS = 0  # count the reads, not cache hits
    today = timezone.localdate()
    days = [dt.date(2024, 1, 31), dt.date(2024, 2, 29), today]
    client.force_login(cast.info_officer)
    bulk_pages(tree.vao, 150, days=days, prefix="small")
    small = [count_queries(client, url, params) for url, params in PAGED_URLS]
    analytics_rebuild(today=today)
    small_tables = [count_queries(client, url, params) for url, params in PAGED_URLS]
    bulk_pages(tree.zao, 5_850, days=days, prefix="large")
    AnalyticsState.objects.all().delete()
    large = [count_queries(client, url, params) for url, params in PAGED_URLS]
    analytics_rebuild(today=today)
    large_tables = [count_queries(client, url, params) for url, params in PAGED_URLS]
    assert large == small
    assert large_tables == small_tables
    # Before, when every row was labelled in Python: 9. Now the totals and the page of rows are one statement.
    assert max(small + small_tables) <= 8, (small, small_tables)
