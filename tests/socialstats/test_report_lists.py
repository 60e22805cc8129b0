"""Silent pages and engagement sorted, cut and counted in SQL (reports/lists.py) give the rows of the full lists
(selectors.silent_pages, selectors.engagement_report) sorted in Python: every sortable column both ways, read
page by page; from the snapshots and from the latest-value table; on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orgs.models import Organisation
from socialstats.analytics.services import analytics_rebuild
from socialstats.models import PageStatus, Snapshot, SocialPage
from socialstats.reports import lists, selectors
from socialstats.reports.facts import STEPLEN, territorial_depth

DAY = dt.date(2024, 3, 20)
SILENT_DAYS = 20
PAGE = 7  # rows per page read: the 30 pages take several pages


@pytest.fixture
def pages(tree):
    """30 pages on every level with ties everywhere: equal subscribers, engagements and posts, last posts on
    the same Moscow day at different hours (and across the Moscow midnight), pages without posts or likes."""
    owners = [tree.union, tree.vao, tree.zao, tree.vao_p1, tree.vao_p2, tree.zao_p1, tree.youth]
    networks = ["vk", "telegram", "ok"]
    created = []
    for number in range(30):
        page = SocialPage.objects.create(
            organisation=owners[number % len(owners)],
            network=networks[number % 3],
            url=f"https://example.org/p{number:02d}",
            handle="" if number % 10 == 4 else f"p{number:02d}",
            title="Zeta" if number % 9 == 0 else "",
        )
        created.append(page)
        hour = [9, 21, 22, 23][number % 4]  # 21:00 UTC and later is the next day in Moscow
        last_post = dt.datetime.combine(DAY - dt.timedelta(days=(number * 7) % 45), dt.time(hour, 30), dt.UTC)
        with_posts = number % 6 != 5
        for day in (DAY - dt.timedelta(days=40), DAY - dt.timedelta(days=number % 3)):
            Snapshot.objects.create(
                page=page,
                date=day,
                subscribers=[100, 250, 250, 1000, 40][number % 5] + (number % 2) * 10,
                posts_30d=None if not with_posts else number % 4,
                last_post_at=last_post if with_posts and number % 7 else None,
                posts_counted=10 if with_posts else None,
                likes=None if number % 8 == 3 else (number % 5) * 20,
                comments=number % 3,
                reposts=None if number % 4 == 0 else 1,
                views=1000 + number if page.network == "telegram" else None,
                source="api",
            )
    SocialPage.objects.filter(pk=created[3].pk).update(status=PageStatus.ARCHIVED, archived_on=DAY - dt.timedelta(5))
    SocialPage.objects.filter(pk=created[6].pk).update(status=PageStatus.ARCHIVED, archived_on=DAY + dt.timedelta(5))
    return created


def _sorted(items, value, descending: bool, tail, *, empty_last: bool = True):
    """Python's order of a SQL sort: by `value` (empty values last), ties by `tail`."""
    ordered = sorted(items, key=tail)
    present = sorted((item for item in ordered if value(item) is not None), key=value, reverse=descending)
    empty = [item for item in ordered if value(item) is None]
    return present + empty if empty_last else empty + present


def _read_pages(read, count: int) -> list:
    rows = []
    for offset in range(0, count + PAGE, PAGE):
        rows += read(offset)
    return rows


def _scopes(tree):
    return {"union": None, "vao": [tree.vao.path], "primary": [tree.vao_p1.path]}


@pytest.mark.parametrize("tables", [False, True])
def test_silent_pages_paged_and_sorted_in_sql_are_the_full_list_sorted_in_python(tree, pages, tables):
    if tables:
        analytics_rebuild(today=DAY)
    for name, scope_paths in _scopes(tree).items():
        level = territorial_depth(scope_paths)
        groups, _failing = selectors.silent_pages(scope_paths=scope_paths, today=DAY, days=SILENT_DAYS)
        full = [item for group in groups for item in group.pages]  # by territory, most days first
        assert len(full) > (3 if scope_paths is None else 0), name
        names = {item.fact.page_id: group.label for group in groups for item in group.pages}

        def prefix(item, level=level):
            return item.fact.path[: level * STEPLEN]

        def tail(item, prefix=prefix):
            days = item.days_silent
            return (prefix(item), days is not None, -(days or 0), item.fact.page_id)

        columns = {
            "territory": prefix,
            "label": lambda item: item.page.display_name.lower(),
            "organisation": lambda item: item.page.organisation.display_name.lower(),
            "network": lambda item: str(item.page.get_network_display()),
            "days": lambda item: item.days_silent,
        }
        everything = lists.silent_page(scope_paths=scope_paths, today=DAY, days=SILENT_DAYS, level=level, limit=None)
        assert [row.page_id for row in everything.rows] == [item.fact.page_id for item in full], name
        assert everything.count == len(full)
        assert [(t.label, t.pages) for t in everything.territories] == [(g.label, len(g.pages)) for g in groups]
        for row, item in zip(everything.rows, full, strict=True):
            assert (row.label, row.organisation, row.network) == (
                item.page.display_name,
                item.page.organisation.display_name,
                str(item.page.get_network_display()),
            )
            assert (row.territory, row.last_post_at, row.days) == (
                names[item.fact.page_id],
                item.fact.last_post_at,
                item.days_silent,
            )
        for column, descending in itertools.product(columns, [False, True]):
            order = [("-" if descending else "") + column]
            if column == "days":  # no post known: the most days, first when the most days come first
                expected = _sorted(full, columns[column], descending, tail, empty_last=not descending)
            else:
                expected = _sorted(full, columns[column], descending, tail)

            def read(offset, order=order, scope_paths=scope_paths, level=level):
                return lists.silent_page(
                    scope_paths=scope_paths,
                    today=DAY,
                    days=SILENT_DAYS,
                    level=level,
                    order=order,
                    offset=offset,
                    limit=PAGE,
                ).rows

            have = [row.page_id for row in _read_pages(read, len(full))]
            assert have == [item.fact.page_id for item in expected], (name, order)


@pytest.mark.parametrize("tables", [False, True])
def test_engagement_paged_and_sorted_in_sql_is_the_full_list_sorted_in_python(tree, pages, tables):
    if tables:
        analytics_rebuild(today=DAY)
    for name, scope_paths in _scopes(tree).items():
        rows, averages = selectors.engagement_report(scope_paths=scope_paths, on=DAY)
        assert rows, name
        ids = {organisation.display_name: organisation.pk for organisation in Organisation.objects.all()}
        columns = {
            "label": lambda row: row.page.display_name.lower(),
            "organisation": lambda row: row.page.organisation.display_name.lower(),
            "subscribers": lambda row: row.fact.at_b,
            "engagement": lambda row: row.fact.engagement,
            "by_views": lambda row: row.fact.engagement_by_views,
            "posts_30d": lambda row: row.fact.posts_30d,
            "last_post": lambda row: row.fact.last_post_at,
        }

        def page_id(row):
            return row.fact.page_id

        default = lists.engagement_page(scope_paths=scope_paths, on=DAY, limit=None, org_limit=None)
        expected = _sorted(rows, columns["engagement"], True, page_id)
        assert [item.page_id for item in default.rows] == [page_id(row) for row in expected], name
        assert default.count == len(rows) and default.organisation_count == len(averages)
        by_subscribers = _sorted(averages, lambda item: item.subscribers, True, lambda item, ids=ids: ids[item.label])
        assert [item.label for item in default.organisations] == [item.label for item in by_subscribers]
        for item, row in zip(default.rows, expected, strict=True):
            assert (item.label, item.organisation, item.subscribers, item.posts_30d, item.last_post_at) == (
                row.page.display_name,
                row.page.organisation.display_name,
                row.fact.at_b,
                row.fact.posts_30d,
                row.fact.last_post_at,
            )
            assert (item.engagement, item.engagement_by_views) == (row.fact.engagement, row.fact.engagement_by_views)
        with_engagement = [row for row in rows if row.fact.engagement is not None]
        chart = _sorted(with_engagement, columns["subscribers"], True, page_id)[:5]
        small = lists.engagement_page(scope_paths=scope_paths, on=DAY, limit=0, org_limit=0, chart=5)
        assert [item.page_id for item in small.chart] == [page_id(row) for row in chart], name
        assert small.with_engagement == len(with_engagement) and small.rows == [] == small.organisations

        for column, descending in itertools.product(columns, [False, True]):
            order = [("-" if descending else "") + column]

            def read(offset, order=order, scope_paths=scope_paths):
                return lists.engagement_page(
                    scope_paths=scope_paths, on=DAY, order=order, offset=offset, limit=PAGE, org_limit=0, chart=0
                ).rows

            have = [item.page_id for item in _read_pages(read, len(rows))]
            assert have == [page_id(row) for row in _sorted(rows, columns[column], descending, page_id)], (name, order)

        org_columns = {
            "label": lambda item: item.label.lower(),
            "pages": lambda item: item.pages,
            "subscribers": lambda item: item.subscribers,
            "engagement": lambda item: item.engagement,
            "by_views": lambda item: item.engagement_by_views,
            "posts_30d": lambda item: item.posts_30d,
        }
        # Ties by organisation id; the tree's organisation names are all different.
        assert len({item.label for item in averages}) == len(averages)

        def org_id(item, ids=ids):
            return ids[item.label]

        def rounded(item):
            return tuple(round(value, 9) if isinstance(value, float) else value for value in vars(item).values())

        for column, descending in itertools.product(org_columns, [False, True]):
            order = [("-" if descending else "") + column]

            def read_orgs(offset, order=order, scope_paths=scope_paths):
                return lists.engagement_page(
                    scope_paths=scope_paths, on=DAY, org_order=order, org_offset=offset, org_limit=3, limit=0, chart=0
                ).organisations

            have = [rounded(item) for item in _read_organisations(read_orgs, len(averages))]
            want = [rounded(item) for item in _sorted(averages, org_columns[column], descending, org_id)]
            if column in ("engagement", "by_views", "posts_30d"):  # means may differ in the last bit: sort by them
                assert have == want or [item[0] for item in have] == [item[0] for item in want], (name, order)
            else:
                assert have == want, (name, order)


def _read_organisations(read, count: int) -> list:
    rows = []
    for offset in range(0, count + 3, 3):
        rows += read(offset)
    return rows


def test_the_pages_show_one_page_of_rows_in_the_asked_order_with_a_constant_number_of_queries(
    client, cast, tree, pages
):
    client.force_login(cast.info_officer)
    rows, _averages = selectors.engagement_report(scope_paths=None, on=timezone.localdate())
    response = client.get("/stats/engagement/", {"sort": "-subscribers", "per_page": 4, "page": 2})
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.count == len(rows) > 8
    shown = [row.record["title"] for row in table.paginated_rows]
    ordered = _sorted(rows, lambda row: row.fact.at_b, True, lambda row: row.fact.page_id)
    assert shown == [row.page.display_name for row in ordered[4:8]]
    html = response.content.decode()
    assert "engagement-chart-note" in html
    assert all(f">{title}</a>" in html for title in shown)  # the rows are printed, each linking to its page

    silent = client.get("/stats/silent/", {"sort": "-days", "per_page": 5, "page": 3})
    assert silent.status_code == 200
    silent_rows = [row.record for row in silent.context["table"].paginated_rows]
    assert len(silent_rows) == 5
    assert all(str(record["label_html"]) in silent.content.decode() for record in silent_rows)
    assert sum(group.pages for group in silent.context["groups"]) == silent.context["table"].paginator.count

    with CaptureQueriesContext(connection) as small:
        client.get("/stats/engagement/", {"page": 2, "per_page": 5, "org-page": 2, "org-per_page": 2})
    more = SocialPage.objects.bulk_create(
        SocialPage(organisation=tree.zao_p1, network="vk", url=f"https://example.org/more{n}", handle=f"more{n}")
        for n in range(60)
    )
    Snapshot.objects.bulk_create(Snapshot(page=page, date=DAY, subscribers=5, source="api") for page in more)
    with CaptureQueriesContext(connection) as large:
        client.get("/stats/engagement/", {"page": 2, "per_page": 5, "org-page": 2, "org-per_page": 2})
    # The session, the user, the roles, the scope's organisation and one statement.
    assert len(large) == len(small) <= 5
