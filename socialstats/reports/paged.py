"""Growth by page and by organisation, sorted and paginated in SQL (docs/reports.md, «How it is read»).

A page of 50 rows, the subtotals per network, the total and the number of rows are one statement: the per-page
values are computed once (a CTE), the rows sorted and cut there (ORDER BY … LIMIT/OFFSET, every sortable column,
empty values last, then the tree order and the key); networks sort by their place among the translated names
(an integer) and their names are given to the rows shown only. The export reads every row through the same
statement without a limit, in the user's order.

A page's value at X is its latest snapshot on or before X. With D = the greatest snapshot date ≤ X over all
snapshots (one probe of the (date, page) index), no page has a snapshot in (D, X], so every page's value at X is
its value at D: D's snapshots are one range of the (date, page) index, and only a page missing on D falls back.
Its fallback first asks PageLatest (the analytics tables, once built): a page whose first snapshot is after X
has no value, a page whose latest snapshot is on or before X has that one; only the rest probe the
(page, date) unique index. The rules (new, archived, stale) are those of facts.py and growth.py.

With the analytics tables built, every page's value is read only when the order needs it (A, B, change, %):
otherwise the page of rows is picked from PageLatest (which pages have a value), only its pages read their
values, and the totals are SubtreeDay's (rollup.rollup_network_totals_sql). See `growth_page`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from types import EllipsisType

from django.db import connection
from django.utils.translation import gettext as _

from orgs.models import Organisation

from ..analytics.services import analytics_state
from ..models import AnalyticsState, Network, PageLatest, PageStatus, Snapshot, SocialPage
from .current import latest_answers
from .facts import fetch_report, paths_sql
from .growth import GrowthRow, raw_figures, total_of
from .rollup import rollup_network_totals_sql

PAGED_GROUPINGS = ("page", "org")
# Sortable columns of the page and organisation tables (tables.GrowthTable's order_by names).
SORT_KEYS = ("label", "network", "organisation", "pages", "at_a", "at_b", "change", "change_pct")
# The columns whose order needs every row's values (the others: names, the tree, the number of pages).
VALUE_KEYS = ("at_a", "at_b", "change", "change_pct")


@dataclass
class GrowthTotals:
    """The table's subtotals per network (page grouping, several networks), its total and its number of rows."""

    subtotals: list[GrowthRow]
    total: GrowthRow
    count: int


def _network_ranks() -> dict[str, int]:
    """Each network's place when sorted by its translated name (the table sorts by the name)."""
    labels = sorted((str(label), value) for value, label in Network.choices)
    return {value: rank for rank, (_label, value) in enumerate(labels, start=1)}


def network_rank_sql(column: str) -> tuple[str, list]:
    """The network's place by translated name as SQL: an integer is cheaper to sort than the name."""
    ranks = _network_ranks()
    whens = " ".join("WHEN %s THEN %s" for _value in ranks)
    return f"(CASE {column} {whens} ELSE 0 END)", [item for pair in ranks.items() for item in pair]


def network_label_sql(column: str) -> tuple[str, list]:
    """The network's translated name as SQL (a CASE over the choices), for sorting and labels."""
    whens = " ".join("WHEN %s THEN %s" for _choice in Network.choices)
    params: list = []
    for value, label in Network.choices:
        params += [value, str(label)]
    return f"(CASE {column} {whens} ELSE {column} END)", params


# What a page's row shows: its names come along with its values, no second join.
_NAMES = """
               p.title AS title, p.handle AS handle, p.url AS url,
               COALESCE(NULLIF(o.short_name, ''), o.name) AS org_label,"""


def _scope_where(scope_paths: Sequence[str] | None) -> tuple[list[str], list]:
    """The organisations `o` of the scope."""
    if scope_paths is None:
        return [], []
    condition, params = paths_sql(scope_paths, "o.path")
    return [condition], params


def _page_where(
    scope_paths: Sequence[str] | None, networks: Sequence[str], *, scope: bool = True
) -> tuple[list[str], list]:
    """The pages of the table: in scope (unless `scope` is False), of the networks, not archived without a date."""
    where, params = ["NOT (p.status = %s AND p.archived_on IS NULL)"], [PageStatus.ARCHIVED]
    if scope:
        scope_where, scope_params = _scope_where(scope_paths)
        where += scope_where
        params += scope_params
    if networks:
        where.append("p.network IN (" + ", ".join("%s" for _n in networks) + ")")
        params += list(networks)
    return where, params


def _members_sql(
    *, scope_paths: Sequence[str] | None, a: dt.date, b: dt.date, networks: Sequence[str], with_names: bool
) -> tuple[str, list]:
    """`page_values_sql`'s pages without their values, from PageLatest alone (no snapshot read): a page has a value
    at X when it counts at X and its first snapshot is on or before X. The values are stand-ins (0 where the
    page has a value, NULL where not), enough for the rows' pages, new pages, names and order."""
    page_table, org_table, latest_table = (
        SocialPage._meta.db_table,
        Organisation._meta.db_table,
        PageLatest._meta.db_table,
    )
    where, where_params = _page_where(scope_paths, networks)
    columns, params = [], []
    for day in (a, b):
        columns.append(f"CASE WHEN {_HAS} THEN 0 END")
        params += [day, PageStatus.ARCHIVED, day]
    has_value, has_params = _has_value(a, b)
    sql = f"""
        SELECT p.id AS page_id, p.network AS network, p.organisation_id AS org_id,
               o.path AS path,{_NAMES if with_names else ""}
               {columns[0]} AS at_a, CAST(NULL AS DATE) AS date_a, {columns[1]} AS at_b, CAST(NULL AS DATE) AS date_b
        FROM {page_table} p
        JOIN {org_table} o ON o.id = p.organisation_id
        JOIN {latest_table} l ON l.page_id = p.id
        WHERE {" AND ".join(where)} AND {has_value}
    """
    return sql, [*params, *where_params, *has_params]


# A page `p` with its PageLatest row `l` has a value at a date when it counts then and was collected by then.
_HAS = "(l.first_date <= %s AND (p.status <> %s OR p.archived_on > %s))"


def _has_value(a: dt.date, b: dt.date) -> tuple[str, list]:
    return f"({_HAS} OR {_HAS})", [a, PageStatus.ARCHIVED, a, b, PageStatus.ARCHIVED, b]


def _organisations_sql(
    *, scope_paths: Sequence[str] | None, a: dt.date, b: dt.date, networks: Sequence[str]
) -> tuple[str, list]:
    """The organisation (`org_id`) of each page with a value, from PageLatest: what the number of rows by
    organisation counts (the organisations are joined only to apply a scope)."""
    page_table, org_table, latest_table = (
        SocialPage._meta.db_table,
        Organisation._meta.db_table,
        PageLatest._meta.db_table,
    )
    where, where_params = _page_where(scope_paths, networks)
    has_value, has_params = _has_value(a, b)
    org_join = "" if scope_paths is None else f"JOIN {org_table} o ON o.id = p.organisation_id"
    sql = f"""
        SELECT p.organisation_id AS org_id
        FROM {page_table} p JOIN {latest_table} l ON l.page_id = p.id {org_join}
        WHERE {" AND ".join(where)} AND {has_value}
    """
    return sql, [*where_params, *has_params]


def _tree_pick_sql(
    *, grouping: str, scope_paths: Sequence[str] | None, a: dt.date, b: dt.date, networks: Sequence[str]
) -> tuple[str, list]:
    """The rows' keys and the columns of the default order (the tree, the names), organisation by organisation
    in the tree's order, for `ORDER BY … LIMIT`: the organisations are sorted by path (no page read) and each
    one's pages with a value are looked up (PageLatest, no snapshot) only until the page of rows is full."""
    org_table, page_table, latest_table = (
        Organisation._meta.db_table,
        SocialPage._meta.db_table,
        PageLatest._meta.db_table,
    )
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    scope_where, scope_params = _scope_where(scope_paths)
    where, where_params = _page_where(scope_paths, networks, scope=False)
    has_value, has_params = _has_value(a, b)
    organisations = f"""
        SELECT o.id AS id, o.path AS path, COALESCE(NULLIF(o.short_name, ''), o.name) AS org_label
        FROM {org_table} o {"WHERE " + " AND ".join(scope_where) if scope_where else ""}
        ORDER BY o.path{collate}
    """
    pages = f"""
        FROM {page_table} p JOIN {latest_table} l ON l.page_id = p.id
        WHERE p.organisation_id = o.id AND {" AND ".join(where)} AND {has_value}
    """
    if grouping == "org":
        sql = f"""
            SELECT o.id AS row_key, o.path AS path, o.org_label AS label, 0 AS network_label
            FROM ({organisations}) o
            WHERE EXISTS (SELECT 1 {pages})
        """
        return sql, [*scope_params, *where_params, *has_params]
    network_label, label_params = network_label_sql("p.network")
    network_rank, rank_params = network_rank_sql("p.network")
    sql = f"""
        SELECT x.page_id AS row_key, o.path AS path, x.label AS label, x.network_label AS network_label
        FROM ({organisations}) o
        CROSS JOIN LATERAL (
            SELECT p.id AS page_id, {network_rank} AS network_label,
                   COALESCE(NULLIF(p.title, ''), NULLIF(p.handle, ''), {network_label} || ' · ' || o.org_label) AS label
            {pages}
        ) x
    """
    return sql, [*scope_params, *rank_params, *label_params, *where_params, *has_params]


def page_values_sql(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str],
    use_latest: bool,
    with_names: bool = False,
    only: str = "",
    latest_holds: bool = False,
    with_path: bool = True,
) -> tuple[str, list]:
    """Each page in scope with a value at A or B: page, organisation, its path (unless `with_path` is False),
    values and snapshot dates at A and B.

    `only`: a further SQL condition on the page `p` (the pages of the rows picked already). `latest_holds`:
    PageLatest holds every page's value at A and B (current.latest_answers(A): no snapshot after A, as for
    «этот месяц» after the last collected day), so both values are its row's and no snapshot is read. Without
    the path or the names, a read of the whole union joins no organisation (a sixth of the values of 30,000
    pages: every later join carries the path)."""
    page_table, org_table = SocialPage._meta.db_table, Organisation._meta.db_table
    snapshot_table, latest_table = Snapshot._meta.db_table, PageLatest._meta.db_table
    where, where_params = _page_where(scope_paths, networks)
    if only:
        where.append(only)
    joins_org = with_path or with_names or scope_paths is not None
    org_join = f"JOIN {org_table} o ON o.id = p.organisation_id" if joins_org else ""
    path = " o.path AS path," if with_path else ""

    counts_at = "(p.status <> %s OR p.archived_on > %s)"
    names = _NAMES if with_names else ""
    if latest_holds:
        columns, params = [], []
        for day in (a, b):
            for column in ("subscribers", "date"):
                # Every snapshot is on or before A: a page has a value at a date when its first one is.
                columns.append(f"CASE WHEN {counts_at} AND l.first_date <= %s THEN l.{column} END")
                params += [PageStatus.ARCHIVED, day, day]
        sql = f"""
        SELECT p.id AS page_id, p.network AS network, p.organisation_id AS org_id,{path}{names}
               {columns[0]} AS at_a, {columns[1]} AS date_a, {columns[2]} AS at_b, {columns[3]} AS date_b
        FROM {page_table} p
        {org_join}
        LEFT JOIN {latest_table} l ON l.page_id = p.id
        WHERE {" AND ".join(where)}
        """
        return sql, [*params, *where_params]
    latest_join = f"LEFT JOIN {latest_table} l ON l.page_id = p.id" if use_latest else ""
    last_day = f"(SELECT MAX(d.date) FROM {snapshot_table} d WHERE d.date <= %s)"
    # A page missing on D falls back to its latest snapshot on or before the date (after PageLatest, when
    # given): a scalar probe of the (page, date) index per value, evaluated only for those pages (a CASE
    # branch). A LATERAL join probing both values at once cost more: it is rescanned for every page, the ones
    # found on D too (a tenth of a sort by growth in % over 30,000 pages). OFFSET 0 keeps the values computed
    # once (otherwise the caller's filter on them repeats every probe).
    columns, params = [], []
    for alias, day in (("sa", a), ("sb", b)):
        for column in ("subscribers", "date"):
            probe = (
                f"(SELECT x.{column} FROM {snapshot_table} x WHERE x.page_id = p.id AND x.date <= %s "
                "ORDER BY x.date DESC LIMIT 1)"
            )
            probe_params = [day]
            if use_latest:
                probe = (
                    f"CASE WHEN l.first_date IS NULL OR l.first_date > %s THEN NULL "
                    f"WHEN l.date <= %s THEN l.{column} ELSE {probe} END"
                )
                probe_params = [day, day, *probe_params]
            columns.append(f"CASE WHEN {counts_at} THEN COALESCE({alias}.{column}, {probe}) END")
            params += [PageStatus.ARCHIVED, day, *probe_params]
    fence = "OFFSET 0" if connection.vendor == "postgresql" else ""
    sql = f"""
        SELECT p.id AS page_id, p.network AS network, p.organisation_id AS org_id,{path}{names}
               {columns[0]} AS at_a, {columns[1]} AS date_a, {columns[2]} AS at_b, {columns[3]} AS date_b
        FROM {page_table} p
        {org_join}
        {latest_join}
        LEFT JOIN {snapshot_table} sa ON sa.page_id = p.id AND sa.date = {last_day}
        LEFT JOIN {snapshot_table} sb ON sb.page_id = p.id AND sb.date = {last_day}
        WHERE {" AND ".join(where)}
        {fence}
    """
    return sql, [*params, a, b, *where_params]


def _totals(records: list[tuple], *, a: dt.date, b: dt.date, grouping: str) -> GrowthTotals:
    """GrowthTotals from the per-network records (network, pages, new, at_a, at_b, date_a, date_b) and the
    number of organisations."""
    labels = dict(Network.choices)
    per_network: list[GrowthRow] = []
    organisations = 0
    for network, pages, new_pages, at_a, at_b, date_a, date_b in records:
        if network is None:
            organisations = int(pages or 0)
            continue
        label = str(labels.get(network, network))
        per_network.append(
            GrowthRow(
                key=label,
                label=str(_("Subtotal: %(network)s") % {"network": label}),
                network=label,
                **raw_figures(pages, new_pages, at_a, at_b, date_a, date_b, a=a, b=b),
            )
        )
    per_network.sort(key=lambda row: row.network)
    total = total_of(per_network, str(_("Total")), a=a, b=b)
    subtotals = per_network if grouping == "page" and len(per_network) > 1 else []
    count = total.pages if grouping == "page" else organisations
    return GrowthTotals(subtotals, total, count)


def _value_sql(name: str, alias: str) -> str:
    """A value column (VALUE_KEYS) of a row or a page's values (`alias`.at_a, .at_b) as an SQL expression."""
    return {
        "at_a": f"{alias}.at_a",
        "at_b": f"{alias}.at_b",
        "change": f"(COALESCE({alias}.at_b, 0) - COALESCE({alias}.at_a, 0))",
        # In floating point (PostgreSQL's 1.0 is NUMERIC: its division cost 10 % of a sort by growth in % over
        # 30,000 pages). Equal fractions give equal doubles (division is correctly rounded), so ties stay ties.
        "change_pct": (
            f"(CASE WHEN {alias}.at_a <> 0 "
            f"THEN CAST(COALESCE({alias}.at_b, 0) - {alias}.at_a AS DOUBLE PRECISION) / {alias}.at_a END)"
        ),
    }[name]


def _order_sql(grouping: str, order: Sequence[str]) -> str:
    """ORDER BY of the rows: the asked columns (empty values last either way), then the default order
    (the organisation's place in the tree, the name, the network) and the key, so pages never overlap."""
    expressions = {
        "label": "LOWER(r.label)",
        "network": "r.network_label",
        "organisation": "LOWER(r.organisation)",
        "pages": "r.pages",
        **{name: _value_sql(name, "r") for name in VALUE_KEYS},
    }
    terms = []
    for item in order:
        name = item.lstrip("-")
        if name not in expressions:
            continue
        expression = expressions[name]
        terms.append(f"CASE WHEN {expression} IS NULL THEN 1 ELSE 0 END")
        terms.append(expression + (" DESC" if item.startswith("-") else ""))
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    terms += [f"r.path{collate}", "LOWER(r.label)"]
    if grouping == "page":
        terms.append("r.network_label")
    terms.append("r.row_key")
    return ", ".join(terms)


def _candidates_sql(first: str, rows: int) -> tuple[str, list]:
    """A WITH clause (to put before `_rows_sql(grouping, "k")`) of the pages that can be among the first `rows` in
    an order whose first column is the value `first` (`-` for descending): those whose value comes before or
    equals the `rows`-th page's value in that column, with their names. The full order (names, the tree) then
    sorts these only: the rest of the pages never have their names read or compared (a fifth of a sort by
    growth in % over 30,000 pages)."""
    descending, name = first.startswith("-"), first.lstrip("-")
    value, empty = _value_sql(name, "w"), f"(CASE WHEN {_value_sql(name, 'w')} IS NULL THEN 1 ELSE 0 END)"
    page_table, org_table = SocialPage._meta.db_table, Organisation._meta.db_table
    sql = f"""
        WITH bound AS (
            SELECT {empty} AS empty, {value} AS value FROM w
            ORDER BY 1, 2{" DESC" if descending else ""} LIMIT 1 OFFSET %s
        ), k AS (
            SELECT w.*, pn.title AS title, pn.handle AS handle, pn.url AS url, onm.path AS path,
                   COALESCE(NULLIF(onm.short_name, ''), onm.name) AS org_label
            FROM w JOIN {page_table} pn ON pn.id = w.page_id JOIN {org_table} onm ON onm.id = w.org_id
            WHERE NOT EXISTS (SELECT 1 FROM bound) OR EXISTS (
                SELECT 1 FROM bound b WHERE {empty} < b.empty
                   OR ({empty} = b.empty AND (b.empty = 1 OR {value} {">=" if descending else "<="} b.value))
            )
        )"""
    return sql, [rows - 1]


def _rows_sql(grouping: str, source: str) -> tuple[str, list]:
    """The table's rows (one per page or per organisation) from a CTE of `page_values_sql`'s columns."""
    if grouping == "page":
        # Names of pages without a title or a screen name are built only for those (COALESCE stops early).
        network_label, label_params = network_label_sql("w.network")
        network_rank, rank_params = network_rank_sql("w.network")
        sql = f"""
            SELECT w.page_id AS row_key, 1 AS pages, CASE WHEN w.at_a IS NULL THEN 1 ELSE 0 END AS new_pages,
                   w.at_a AS at_a, w.at_b AS at_b, w.date_a AS date_a, w.date_b AS date_b, w.path AS path,
                   COALESCE(NULLIF(w.title, ''), NULLIF(w.handle, ''),
                            {network_label} || ' · ' || w.org_label) AS label,
                   {network_rank} AS network_label, w.org_label AS organisation, w.url AS url, w.network AS network
            FROM {source} w
        """
        return sql, [*label_params, *rank_params]
    sql = f"""
        SELECT g.org_id AS row_key, g.pages AS pages, g.new_pages AS new_pages, g.at_a AS at_a, g.at_b AS at_b,
               g.date_a AS date_a, g.date_b AS date_b, o.path AS path,
               COALESCE(NULLIF(o.short_name, ''), o.name) AS label, 0 AS network_label,
               COALESCE(NULLIF(o.short_name, ''), o.name) AS organisation, '' AS url, '' AS network
        FROM (
            SELECT w.org_id AS org_id, COUNT(*) AS pages,
                   SUM(CASE WHEN w.at_a IS NULL THEN 1 ELSE 0 END) AS new_pages,
                   SUM(w.at_a) AS at_a, SUM(w.at_b) AS at_b, MIN(w.date_a) AS date_a, MIN(w.date_b) AS date_b
            FROM {source} w
            GROUP BY w.org_id
        ) g
        JOIN {Organisation._meta.db_table} o ON o.id = g.org_id
    """
    return sql, []


def growth_page(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str] = (),
    grouping: str = "page",
    order: Sequence[str] = (),
    offset: int = 0,
    limit: int | None = None,
    state: AnalyticsState | EllipsisType | None = ...,
) -> tuple[GrowthTotals, list[GrowthRow]]:
    """The totals of the growth table by page or by organisation and its rows `offset`… in the asked order:
    one statement.

    `order` names the table's columns (SORT_KEYS), `-` first for descending; `limit` None reads every row;
    `state`: the analytics tables' state (None: not built; `...`: look it up).

    With the tables built, a page of rows in an order that needs no value (the default: the tree, the names)
    is picked first from PageLatest alone (`_members_sql`) and only its pages' values are read; the totals are
    SubtreeDay's (`rollup.rollup_network_totals_sql`). Otherwise (an order by a value, every row for the
    export, a scope below the rollup depth, no tables) every page's value is read once (a CTE) and the rows
    sorted, cut and summed from it."""
    if grouping not in PAGED_GROUPINGS:
        raise ValueError(grouping)
    if state is ...:
        state = analytics_state()
    use_latest = state is not None
    latest_holds = latest_answers(a, state)  # every value at A and B is PageLatest's
    with_names = grouping == "page"
    order_by = _order_sql(grouping, order)
    cut, cut_params = ("", []) if limit is None else (" LIMIT %s OFFSET %s", [limit, offset])
    totals = rollup_network_totals_sql(scope_paths=scope_paths, a=a, b=b, networks=networks, state=state)
    by_value = any(item.lstrip("-") in VALUE_KEYS for item in order)
    organisations = ""  # the number of rows by organisation (by page: the total's pages)
    if grouping == "org":
        organisations = """
            UNION ALL
            SELECT 2, 0, NULL, COUNT(*), 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
            FROM (SELECT DISTINCT x.org_id FROM {source} x) x
        """
    rows_sql, rows_params = _rows_sql(grouping, "w")
    if totals is not None and limit is not None and not by_value:
        members, member_params = _members_sql(
            scope_paths=scope_paths, a=a, b=b, networks=networks, with_names=with_names
        )
        if order or connection.vendor != "postgresql":  # the rows of every page with a value, sorted
            picked_sql, picked_params = _rows_sql(grouping, "m")
        else:  # the tree's order: organisation by organisation, until the page is full (LATERAL)
            picked_sql, picked_params = _tree_pick_sql(
                grouping=grouping, scope_paths=scope_paths, a=a, b=b, networks=networks
            )
        only = "p.id IN (SELECT k.row_key FROM picked k)"
        if grouping == "org":
            only = "p.organisation_id IN (SELECT k.row_key FROM picked k)"
        values, params = page_values_sql(
            scope_paths=scope_paths,
            a=a,
            b=b,
            networks=networks,
            use_latest=True,
            with_names=with_names,
            only=only,
            latest_holds=latest_holds,
        )
        counting, counting_params = _organisations_sql(scope_paths=scope_paths, a=a, b=b, networks=networks)
        # The rows picked in the asked order from PageLatest, then their values.
        ctes = f"""m AS ({members}),
                 picked AS (SELECT r.row_key FROM ({picked_sql}) r ORDER BY {order_by}{cut}),
                 v AS ({values}),
                 c AS ({counting}),"""
        cte_params = [*member_params, *picked_params, *cut_params, *params, *counting_params]
        rows_from, rows_cut, counted = "", [], "c"
    else:  # every page's value, then the rows sorted and cut
        # By page in a value's order, a page of rows: only the pages that can be in it are named and sorted whole.
        candidates = grouping == "page" and bool(limit) and bool(order) and order[0].lstrip("-") in VALUE_KEYS
        values, params = page_values_sql(
            scope_paths=scope_paths,
            a=a,
            b=b,
            networks=networks,
            use_latest=use_latest,
            with_names=with_names and not candidates,
            latest_holds=latest_holds,
            with_path=not candidates,  # the candidates' paths are read with their names
        )
        ctes, cte_params, counted = f"v AS ({values}),", params, "w"
        rows_from, rows_cut = f" ORDER BY {order_by}{cut}", cut_params
        if candidates:
            cut_sql, cut_params_first = _candidates_sql(order[0], offset + limit)
            rows_sql, rows_params = _rows_sql(grouping, "k")
            rows_sql = f"{cut_sql} {rows_sql}"
            rows_params = [*cut_params_first, *rows_params]
    if totals is None:  # the sums per network from the pages' values
        totals_sql, totals_params = (
            """SELECT w.network AS network, COUNT(*) AS pages,
                      SUM(CASE WHEN w.at_a IS NULL THEN 1 ELSE 0 END) AS new_pages,
                      SUM(w.at_a) AS at_a, SUM(w.at_b) AS at_b, MIN(w.date_a) AS date_a, MIN(w.date_b) AS date_b
               FROM w GROUP BY w.network""",
            [],
        )
    else:
        totals_sql, totals_params = totals
    # Each page's values once (PostgreSQL inlines a CTE read once, and the sort would evaluate a value's probe
    # for every column that uses it).
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    # The rows (kind 0, numbered in the asked order), the sums per network (kind 1), the organisations (kind 2).
    sql = f"""
        WITH {ctes}
             w AS {materialized}(SELECT * FROM v WHERE v.at_a IS NOT NULL OR v.at_b IS NOT NULL),
             rows_all AS ({rows_sql})
        SELECT 0, ROW_NUMBER() OVER (ORDER BY {order_by}), r.*
        FROM (SELECT * FROM rows_all r{rows_from}) r
        UNION ALL
        SELECT 1, 0, NULL, t.pages, t.new_pages, t.at_a, t.at_b, t.date_a, t.date_b,
               NULL, NULL, NULL, NULL, NULL, t.network
        FROM ({totals_sql}) t
        {organisations.format(source=counted)}
    """
    all_params = [*cte_params, *rows_params, *rows_cut, *totals_params]
    records = fetch_report(sql, all_params)
    labels = dict(Network.choices)
    totals = _totals(
        [(record[14] if record[0] == 1 else None, *record[3:9]) for record in records if record[0]],
        a=a,
        b=b,
        grouping=grouping,
    )
    rows = []
    for record in sorted((record for record in records if record[0] == 0), key=lambda record: record[1]):
        key, pages, new_pages, at_a, at_b, date_a, date_b, path, label, _rank, organisation, url, network = record[2:]
        row = GrowthRow(
            key=key,
            label=label,
            network=str(labels.get(network, network)),
            organisation=organisation,
            path=path,
            **raw_figures(pages, new_pages, at_a, at_b, date_a, date_b, a=a, b=b),
        )
        if grouping == "page":
            row.extra.update(url=url, page_id=key)
        else:
            row.extra["organisation_id"] = key
        rows.append(row)
    return totals, rows


def growth_totals(**kwargs) -> GrowthTotals:
    """The subtotals per network, the total and the number of rows of the table (`growth_page`'s keywords)."""
    return growth_page(**kwargs, limit=0)[0]


def growth_page_rows(**kwargs) -> list[GrowthRow]:
    """Rows of the table in the asked order (`growth_page`'s keywords)."""
    return growth_page(**kwargs)[1]
