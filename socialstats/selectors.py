"""Reads of pages and snapshots, shaped for their pages.

The growth reads follow one pattern (docs/reports.md, docs/performance.md): the snapshots of the asked
date are read as one range of the (date, page) index; only pages with no snapshot on that exact day fall
back to their latest earlier snapshot, one probe each on the (page, date) unique index. A per-page
"latest on or before" lookup for every page is 10× slower at federation scale.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Substr

from orgs.models import Organisation, OrgKind

from .growth import GrowthRow, is_stale
from .models import Network, PageStatus, Snapshot, SocialPage

STEPLEN = Organisation.steplen


def _page_ids(pages: QuerySet[SocialPage] | Iterable[int]):
    return pages.values("pk") if isinstance(pages, QuerySet) else list(pages)


def _latest_snapshot_ids(pages: QuerySet[SocialPage] | Iterable[int], on: dt.date) -> list[int]:
    """Ids of each page's latest snapshot on or before `on`: the exact day first, then the fallback."""
    page_ids = _page_ids(pages)
    exact = list(Snapshot.objects.filter(date=on, page__in=page_ids).values_list("pk", "page_id"))
    found = {page_id for _pk, page_id in exact}
    latest = Snapshot.objects.filter(page=OuterRef("page"), date__lt=on).order_by("-date").values("pk")[:1]
    missing = SocialPage.objects.filter(pk__in=page_ids).exclude(pk__in=found) if found else None
    fallback_pages = missing if missing is not None else SocialPage.objects.filter(pk__in=page_ids)
    fallback = (
        fallback_pages.annotate(snapshot_id=Subquery(latest))
        .filter(snapshot_id__isnull=False)
        .values_list("snapshot_id", flat=True)
    )
    return [pk for pk, _page in exact] + list(fallback)


def subscribers_on(pages: QuerySet[SocialPage] | Iterable[int], on: dt.date) -> dict[int, tuple[int, dt.date]]:
    """For each page: (subscribers, snapshot date) of its latest snapshot on or before `on`.

    Pages with no snapshot by then are absent from the result (they are "new" after that date).
    Two queries whatever the number of pages.
    """
    page_ids = _page_ids(pages)
    result = {
        page_id: (subscribers, date)
        for page_id, subscribers, date in Snapshot.objects.filter(date=on, page__in=page_ids).values_list(
            "page_id", "subscribers", "date"
        )
    }
    latest = Snapshot.objects.filter(page=OuterRef("pk"), date__lt=on).order_by("-date")
    candidates = SocialPage.objects.filter(pk__in=page_ids)
    if result:
        candidates = candidates.exclude(pk__in=list(result))
    rows = (
        candidates.annotate(
            last_subscribers=Subquery(latest.values("subscribers")[:1]), last_date=Subquery(latest.values("date")[:1])
        )
        .filter(last_date__isnull=False)
        .values_list("pk", "last_subscribers", "last_date")
    )
    for page_id, subscribers, date in rows:
        result[page_id] = (subscribers, date)
    return result


def latest_snapshots(pages: QuerySet[SocialPage] | Iterable[int], on: dt.date) -> dict[int, Snapshot]:
    """Each page's latest snapshot on or before `on`, as model instances (three queries)."""
    ids = _latest_snapshot_ids(pages, on)
    return {snapshot.page_id: snapshot for snapshot in Snapshot.objects.filter(pk__in=ids)}


# Growth ---------------------------------------------------------------------------------------------


def _paths_q(scope_paths: Sequence[str] | None, field: str = "path") -> Q:
    if scope_paths is None:
        return Q()
    if not scope_paths:
        return Q(pk__in=[])
    condition = Q()
    for path in scope_paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def territorial_depth(scope_paths: Sequence[str] | None) -> int:
    """Depth of the territorial level under the scope (the shallowest territorial organisation).

    When the scope is one organisation at or below that level, its own depth: one row, itself.
    """
    depth = Organisation.objects.filter(_paths_q(scope_paths), kind=OrgKind.TERRITORIAL).aggregate(
        depth=Min("depth")
    )["depth"]
    floor = len(scope_paths[0]) // STEPLEN if scope_paths and len(scope_paths) == 1 else 1
    return max(depth or floor, floor)


_DIMENSIONS = {
    # name → SQL expression over the `scoped` CTE (c)
    "page": "c.page_id",
    "org": "c.org_id",
    "level": "substr(c.path, 1, %s)",
    "network": "c.network",
}


def _value_at_sql(name: str, snapshot_table: str) -> str:
    """CTE `<name>`: (page_id, subscribers, date) of the latest snapshot on or before the date (%s twice)."""
    return f"""
    {name}_exact AS (
        SELECT s.page_id, s.subscribers, s.date FROM {snapshot_table} s
        JOIN scoped c ON c.page_id = s.page_id WHERE s.date = %s
    ),
    {name} AS (
        SELECT page_id, subscribers, date FROM {name}_exact
        UNION ALL
        SELECT s.page_id, s.subscribers, s.date
        FROM (
            SELECT c.page_id, (
                SELECT MAX(x.date) FROM {snapshot_table} x WHERE x.page_id = c.page_id AND x.date < %s
            ) AS last_date
            FROM scoped c
            WHERE NOT EXISTS (SELECT 1 FROM {name}_exact e WHERE e.page_id = c.page_id)
        ) m
        JOIN {snapshot_table} s ON s.page_id = m.page_id AND s.date = m.last_date
    )"""


def growth_sql(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str] = (),
    dimensions: Sequence[str] = ("page",),
    level: int = 2,
) -> tuple[str, list]:
    """One SQL statement: per group, pages, new pages, subscribers at A and B and the oldest dates behind them.

    Rules (docs/reports.md): a page's value at a date is its latest snapshot on or before it; an archived
    page counts only at dates before its archive date; a page with no value at A is new.
    """
    page_table = SocialPage._meta.db_table
    org_table = Organisation._meta.db_table
    snapshot_table = Snapshot._meta.db_table
    where, params = [], []
    if scope_paths is not None:
        if not scope_paths:
            where.append("1 = 0")
        else:
            where.append("(" + " OR ".join("o.path LIKE %s" for _path in scope_paths) + ")")
            params += [path + "%" for path in scope_paths]
    if networks:
        where.append("p.network IN (" + ", ".join("%s" for _n in networks) + ")")
        params += list(networks)
    # An archived page without an archive date has no dates it counts at.
    where.append("NOT (p.status = %s AND p.archived_on IS NULL)")
    params.append(PageStatus.ARCHIVED)
    select_dims, dim_params = [], []
    for name in dimensions:
        select_dims.append(_DIMENSIONS[name])
        if name == "level":
            dim_params.append(level * STEPLEN)
    group_by = ", ".join(select_dims)
    sql = f"""
    WITH scoped AS (
        SELECT p.id AS page_id, p.network AS network, p.organisation_id AS org_id, o.path AS path,
               CASE WHEN p.status = %s THEN p.archived_on ELSE NULL END AS archived_on
        FROM {page_table} p JOIN {org_table} o ON o.id = p.organisation_id
        WHERE {" AND ".join(where)}
    ),
    {_value_at_sql("at_a", snapshot_table)},
    {_value_at_sql("at_b", snapshot_table)}
    SELECT {group_by},
           COUNT(*) AS pages,
           SUM(CASE WHEN va.page_id IS NULL THEN 1 ELSE 0 END) AS new_pages,
           SUM(va.subscribers) AS at_a, SUM(vb.subscribers) AS at_b,
           MIN(va.date) AS date_a, MIN(vb.date) AS date_b
    FROM scoped c
    LEFT JOIN at_a va ON va.page_id = c.page_id AND (c.archived_on IS NULL OR c.archived_on > %s)
    LEFT JOIN at_b vb ON vb.page_id = c.page_id AND (c.archived_on IS NULL OR c.archived_on > %s)
    WHERE va.page_id IS NOT NULL OR vb.page_id IS NOT NULL
    GROUP BY {group_by}
    """
    all_params = (
        [PageStatus.ARCHIVED, *params]  # scoped
        + [a, a]  # at_a: the exact day, then the fallback
        + [b, b]  # at_b
        + dim_params  # SELECT
        + [a, b]  # archive cut-offs in the joins
        + dim_params  # GROUP BY
    )
    return sql, all_params


def _to_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def growth_raw(**kwargs) -> list[tuple]:
    """The growth aggregate as raw tuples: (*dimension values, pages, new, at_a, at_b, date_a, date_b)."""
    sql, params = growth_sql(**kwargs)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def growth_rows(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str] = (),
    grouping: str = "page",
    level: int | None = None,
) -> list[GrowthRow]:
    """Rows of the growth table for a grouping (page, org, territorial, network). A constant number of queries."""
    dimensions = {
        "page": ("page",),
        "org": ("org",),
        "territorial": ("level",),
        "network": ("network",),
        "territorial_network": ("level", "network"),
    }[grouping]
    if "level" in dimensions and level is None:
        level = territorial_depth(scope_paths)
    raw = growth_raw(
        scope_paths=scope_paths, a=a, b=b, networks=networks, dimensions=dimensions, level=level or 2
    )
    network_labels = dict(Network.choices)
    rows: list[GrowthRow] = []
    for record in raw:
        keys = record[: len(dimensions)]
        pages, new_pages, at_a, at_b, date_a, date_b = record[len(dimensions) :]
        date_a, date_b = _to_date(date_a), _to_date(date_b)
        row = GrowthRow(
            key=keys if len(keys) > 1 else keys[0],
            label="",
            pages=int(pages),
            new_pages=int(new_pages or 0),
            at_a=None if at_a is None else int(at_a),
            at_b=None if at_b is None else int(at_b),
            date_a=date_a,
            date_b=date_b,
            stale_a=is_stale(date_a, a),
            stale_b=is_stale(date_b, b),
        )
        for name, value in zip(dimensions, keys, strict=True):
            if name == "network":
                row.network = str(network_labels.get(value, value))
            elif name == "level":
                row.path = value
        rows.append(row)
    _label_rows(rows, dimensions)
    rows.sort(key=lambda row: (row.path, row.label.lower(), row.network))
    return rows


def _label_rows(rows: list[GrowthRow], dimensions: Sequence[str]) -> None:
    """Names for the keys: one query per kind of key, whatever the number of rows."""
    if "page" in dimensions:
        pages = {
            page.pk: page
            for page in SocialPage.objects.filter(pk__in=[row.key for row in rows]).select_related("organisation")
        }
        for row in rows:
            page = pages[row.key]
            row.label = page.title or page.handle
            row.network = page.get_network_display()
            row.organisation = page.organisation.display_name
            row.path = page.organisation.path
            row.extra["url"] = page.url
            row.extra["page_id"] = page.pk
    elif "org" in dimensions:
        organisations = Organisation.objects.in_bulk([row.key for row in rows])
        for row in rows:
            organisation = organisations[row.key]
            row.label = row.organisation = organisation.display_name
            row.path = organisation.path
            row.extra["organisation_id"] = organisation.pk
    elif "level" in dimensions:
        organisations = {
            organisation.path: organisation
            for organisation in Organisation.objects.filter(path__in={row.path for row in rows})
        }
        for row in rows:
            organisation = organisations.get(row.path)
            row.label = row.organisation = organisation.display_name if organisation else row.path
            row.extra["organisation_id"] = organisation.pk if organisation else None
    else:
        for row in rows:
            row.label = row.network


def primaries_count_by_path(paths: Sequence[str]) -> dict[str, int]:
    """Active primary organisations under each path (one query): the 002 layout's «Кол.ППО»."""
    if not paths:
        return {}
    length = len(paths[0])
    rows = (
        Organisation.objects.filter(_paths_q(paths), kind=OrgKind.PRIMARY, is_active=True)
        .annotate(prefix=Substr("path", 1, length))
        .values_list("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    return dict(rows)
