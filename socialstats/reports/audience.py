"""Where the audience moved: subscribers by network over time, and each organisation's change per network.

Reads only: the series comes from the analytics tables in one query (rollup.rollup_network_series) and
from the snapshots, one query per date, where they cannot answer; the transition rows are one growth
aggregate by (organisation, network) and one query for the names. No query depends on the number of pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from types import EllipsisType

from django.db import connection
from django.utils.translation import gettext as _

from orgs.models import Organisation

from ..analytics.services import analytics_state
from ..models import COLLECTED_NETWORKS, HISTORY_NETWORKS, AnalyticsState, Network
from .current import latest_answers
from .facts import fetch_report, growth_raw
from .paged import page_values_sql
from .rollup import rollup_network_series


def network_columns(present: Iterable[str], chosen: Sequence[str] = ()) -> list[str]:
    """The networks shown as columns: the chosen ones, or the collected four (VK, Telegram, MAX, OK) always
    and every other network with pages; current networks first, history networks (Facebook, Instagram) last."""
    wanted = set(chosen) if chosen else {*COLLECTED_NETWORKS, *present}
    current = [value for value in Network.values if value in wanted and value not in HISTORY_NETWORKS]
    return current + [value for value in Network.values if value in wanted and value in HISTORY_NETWORKS]


def network_label(network: str) -> str:
    label = str(Network(network).label) if network in Network.values else network
    return _("%(network)s (history)") % {"network": label} if network in HISTORY_NETWORKS else label


@dataclass
class AudienceReport:
    """Subscribers of a scope on each date, per network: `values[network][i]` is on `dates[i]`."""

    dates: list[dt.date]
    networks: list[str]
    values: dict[str, list[int]]

    @property
    def totals(self) -> list[int]:
        return [sum(self.values[network][index] for network in self.networks) for index in range(len(self.dates))]

    def change(self, network: str | None = None) -> int:
        """Last date − first date, of one network or of the total."""
        series = self.totals if network is None else self.values[network]
        return series[-1] - series[0] if series else 0


def audience_by_network(
    *, scope_paths: Sequence[str] | None, dates: Sequence[dt.date], networks: Sequence[str] = ()
) -> AudienceReport:
    """Subscribers per network at each date (each page's latest snapshot on or before it, archive dates
    applied): one query from the analytics tables, or one per date from the snapshots."""
    dates = sorted(dates)
    by_key = rollup_network_series(scope_paths=scope_paths, dates=dates, state=analytics_state())
    if by_key is None:
        by_key = {}
        for day in dates:
            for network, _pages, _new, _at_a, at_b, *_dates in growth_raw(
                scope_paths=scope_paths, a=day, b=day, dimensions=("network",)
            ):
                by_key[(day, network)] = int(at_b or 0)
    present = {network for (_day, network), value in by_key.items() if value}
    columns = network_columns(present, networks)
    values = {network: [by_key.get((day, network), 0) for day in dates] for network in columns}
    return AudienceReport(list(dates), columns, values)


@dataclass
class TransitionRow:
    """One organisation (its own pages): subscribers at A and B per network."""

    label: str
    path: str = ""
    organisation_id: int | None = None
    at_a: dict[str, int] = field(default_factory=dict)
    at_b: dict[str, int] = field(default_factory=dict)

    def change(self, network: str | None = None) -> int:
        if network is None:
            return sum(self.at_b.values()) - sum(self.at_a.values())
        return self.at_b.get(network, 0) - self.at_a.get(network, 0)

    @property
    def is_move(self) -> bool:
        """One network lost subscribers while another gained: the audience moved rather than left."""
        changes = [self.change(network) for network in {*self.at_a, *self.at_b}]
        return any(change < 0 for change in changes) and any(change > 0 for change in changes)


@dataclass
class TransitionReport:
    a: dt.date
    b: dt.date
    networks: list[str]
    rows: list[TransitionRow]
    total: TransitionRow


def transition_page(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str] = (),
    order: Sequence[str] = (),
    offset: int = 0,
    limit: int | None = None,
    state: AnalyticsState | EllipsisType | None = ...,
) -> tuple[TransitionReport, int]:
    """The organisations with pages in scope `offset`… (all when `limit` is None) in `order` ("label", "change"
    or "d_<network>": the change on one network; `-` for descending; the tree's order after), each with its
    change per network from A to B side by side (its own pages), the total of them all, and their number.

    One statement, sorted and cut in SQL: each page's values read once as growth by page reads them (the last
    collected day's range, PageLatest before any probe), summed per organisation and network. `state`: the
    analytics tables' state when the caller has read it."""
    if state is ...:
        state = analytics_state()
    values, params = page_values_sql(
        scope_paths=scope_paths,
        a=a,
        b=b,
        networks=networks,
        use_latest=state is not None,
        latest_holds=latest_answers(a, state),
    )
    change = "COALESCE(g.at_b, 0) - COALESCE(g.at_a, 0)"
    sort_networks = [item.lstrip("-")[2:] for item in order if item.lstrip("-").startswith("d_")]
    sort_networks = [network for network in dict.fromkeys(sort_networks) if network in Network.values]
    per_network = "".join(
        f", SUM(CASE WHEN g.network = %s THEN {change} ELSE 0 END) AS d_{network}" for network in sort_networks
    )
    expressions = {"label": "LOWER(k.label)", "change": "k.change"}
    expressions.update({f"d_{network}": f"k.d_{network}" for network in sort_networks})
    terms = []
    for item in order:
        expression = expressions.get(item.lstrip("-"))
        if expression:
            terms.append(expression + (" DESC" if item.startswith("-") else ""))
    collate = ' COLLATE "C"' if connection.vendor == "postgresql" else ""
    order_by = ", ".join([*terms, f"k.path{collate}", "k.org_id"])
    cut, cut_params = ("", []) if limit is None else (" LIMIT %s OFFSET %s", [limit, offset])
    materialized = "MATERIALIZED " if connection.vendor == "postgresql" else ""
    organisation = Organisation._meta.db_table
    label = "COALESCE(NULLIF(o.short_name, ''), o.name)"  # Organisation.display_name
    # The organisations are sorted narrow (their name only when it is a sort key) and cut by ORDER BY … LIMIT
    # (a top-N sort, not a sort of every organisation); the rows kept are numbered and named after the cut.
    sort_label = f", {label} AS label" if any(item.lstrip("-") == "label" for item in order) else ""
    sql = f"""
        WITH v AS {materialized}({values}),
        g AS (
            SELECT v.org_id AS org_id, v.network AS network, SUM(v.at_a) AS at_a, SUM(v.at_b) AS at_b
            FROM v WHERE v.at_a IS NOT NULL OR v.at_b IS NOT NULL GROUP BY v.org_id, v.network
        ),
        r AS (SELECT g.org_id AS org_id, SUM({change}) AS change{per_network} FROM g GROUP BY g.org_id),
        k AS (SELECT r.*, o.path AS path{sort_label} FROM r JOIN {organisation} o ON o.id = r.org_id),
        cut AS (SELECT k.* FROM k ORDER BY {order_by}{cut}),
        picked AS (SELECT k.org_id, k.path, ROW_NUMBER() OVER (ORDER BY {order_by}) AS place FROM cut k)
        SELECT 0, p.org_id, g.network, g.at_a, g.at_b, {label}, p.path, p.place
        FROM picked p JOIN g ON g.org_id = p.org_id JOIN {organisation} o ON o.id = p.org_id
        UNION ALL
        SELECT 1, NULL, g.network, SUM(g.at_a), SUM(g.at_b), NULL, NULL, NULL FROM g GROUP BY g.network
        UNION ALL
        SELECT 2, COUNT(*), NULL, NULL, NULL, NULL, NULL, NULL FROM r
    """
    records = fetch_report(sql, [*params, *sort_networks, *cut_params])
    rows: dict[int, TransitionRow] = {}
    total = TransitionRow(str(_("Total")))
    count = 0
    for kind, key, network, at_a, at_b, label, path, _place in sorted(records, key=lambda record: record[7] or 0):
        if kind == 0:  # a row's network, in the asked order
            row = rows.get(key)
            if row is None:
                row = rows[key] = TransitionRow(label, path, key)
            row.at_a[network], row.at_b[network] = int(at_a or 0), int(at_b or 0)
        elif kind == 1:
            total.at_a[network], total.at_b[network] = int(at_a or 0), int(at_b or 0)
        else:
            count = int(key or 0)
    return TransitionReport(a, b, network_columns(total.at_a, networks), list(rows.values()), total), count


def transition_report(**kwargs) -> TransitionReport:
    """Every organisation of the move view in the tree's order (`transition_page`'s keywords)."""
    return transition_page(**kwargs)[0]
