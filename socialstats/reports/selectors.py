"""Reads of the reports: growth in every grouping, the printed layout, silent pages, engagement, reach."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import EllipsisType

from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import Organisation, OrgKind

from ..models import AnalyticsState, Network, PageStatus, SocialPage
from . import current
from .facts import (
    PageFact,
    paths_q,
    silent_before,
    territorial_depth,
)
from .growth import GrowthRow, raw_figures, total_of
from .rollup import growth_figures

STEPLEN = Organisation.steplen


def growth_rows(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str] = (),
    grouping: str = "page",
    level: int | None = None,
    state: AnalyticsState | EllipsisType | None = ...,
) -> list[GrowthRow]:
    """Rows of the growth table for a grouping (page, org, territorial, network). A constant number of queries.
    `state`: the analytics tables' state when the caller has read it."""
    dimensions = {
        "page": ("page",),
        "org": ("org",),
        "territorial": ("level",),
        "network": ("network",),
        "territorial_network": ("level", "network"),
    }[grouping]
    if "level" in dimensions and level is None:
        level = territorial_depth(scope_paths)
    names: dict[str, tuple[int, str, int | None]] = {}  # the level's organisations, when the analytics tables answer
    raw = growth_figures(
        scope_paths=scope_paths,
        a=a,
        b=b,
        networks=networks,
        dimensions=dimensions,
        level=level or 2,
        state=state,
        names=names,
    )
    network_labels = dict(Network.choices)
    rows: list[GrowthRow] = []
    for record in raw:
        keys = record[: len(dimensions)]
        pages, new_pages, at_a, at_b, date_a, date_b = record[len(dimensions) :]
        row = GrowthRow(
            key=keys if len(keys) > 1 else keys[0],
            label="",
            **raw_figures(pages, new_pages, at_a, at_b, date_a, date_b, a=a, b=b),
        )
        for name, value in zip(dimensions, keys, strict=True):
            if name == "network":
                row.network = str(network_labels.get(value, value))
            elif name == "level":
                row.path = value
        rows.append(row)
    _label_rows(rows, dimensions, names)
    rows.sort(key=lambda row: (row.path, row.label.lower(), row.network))
    return rows


def _label_rows(
    rows: list[GrowthRow], dimensions: Sequence[str], names: dict[str, tuple[int, str, int | None]]
) -> None:
    """Names for the keys: one query per kind of key, whatever the number of rows; none for the level's keys
    `names` holds (read with the figures)."""
    if "page" in dimensions:
        pages = {
            page.pk: page
            for page in SocialPage.objects.filter(pk__in=[row.key for row in rows]).select_related("organisation")
        }
        for row in rows:
            page = pages[row.key]
            row.label = page.display_name
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
        named = {**_names_by_path({row.path for row in rows} - set(names)), **names}
        for row in rows:
            pk, name, members = named.get(row.path, (None, row.path, None))
            row.label = row.organisation = name
            row.extra.update(organisation_id=pk, members=members)
    else:
        for row in rows:
            row.label = row.network


def _names_by_path(paths: Iterable[str]) -> dict[str, tuple[int, str, int | None]]:
    """{path: (id, display name, members)} of the organisations at `paths`: four columns, no model instances."""
    paths = list(paths)
    if not paths:
        return {}
    return {
        path: (pk, short_name or name, members)  # Organisation.display_name
        for pk, path, short_name, name, members in Organisation.objects.filter(path__in=paths).values_list(
            "pk", "path", "short_name", "name", "members_count"
        )
    }


def primaries_count_by_path(scope_paths: Sequence[str] | None, level: int) -> dict[str, int]:
    """Active primary organisations per ancestor at depth `level` (one query): the 002 layout's «Кол.ППО»."""
    rows = (
        Organisation.objects.filter(paths_q(scope_paths), kind=OrgKind.PRIMARY, is_active=True)
        .annotate(prefix=Substr("path", 1, level * STEPLEN))
        .order_by()
        .values("prefix")
        .annotate(n=Count("id"))
        .values_list("prefix", "n")
    )
    return dict(rows)


# Reports ---------------------------------------------------------------------------------------------


@dataclass
class GrowthReport:
    a: dt.date
    b: dt.date
    grouping: str
    rows: list[GrowthRow]
    subtotals: list[GrowthRow]  # one per network, when the rows mix networks
    total: GrowthRow
    level: int  # depth of the territorial level under the scope


def growth_report(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str] = (),
    grouping: str = "page",
    level: int | None = None,
    state: AnalyticsState | EllipsisType | None = ...,
) -> GrowthReport:
    """The growth table with its subtotals per network and the total: the page, the export and the command."""
    if level is None:
        level = territorial_depth(scope_paths)
    rows = growth_rows(
        scope_paths=scope_paths, a=a, b=b, networks=networks, grouping=grouping, level=level, state=state
    )
    subtotals: list[GrowthRow] = []
    if grouping == "page":
        by_network: dict[str, list[GrowthRow]] = {}
        for row in rows:
            by_network.setdefault(row.network, []).append(row)
        if len(by_network) > 1:
            subtotals = [
                total_of(group, str(_("Subtotal: %(network)s") % {"network": network}), a=a, b=b, key=network)
                for network, group in sorted(by_network.items())
            ]
            for subtotal, network in zip(subtotals, sorted(by_network), strict=True):
                subtotal.network = network
    return GrowthReport(a, b, grouping, rows, subtotals, total_of(rows, str(_("Total")), a=a, b=b), level)


@dataclass
class PrintedRow:
    label: str
    primaries: int
    cells: dict[str, GrowthRow]  # network value → the row's numbers on that network


@dataclass
class PrintedLayout:
    a: dt.date
    b: dt.date
    networks: list[tuple[str, str]]  # (value, label)
    rows: list[PrintedRow]
    totals: dict[str, GrowthRow]
    primaries_total: int


def printed_layout(
    *,
    scope_paths: Sequence[str] | None,
    a: dt.date,
    b: dt.date,
    networks: Sequence[str] = (),
    state: AnalyticsState | EllipsisType | None = ...,
) -> PrintedLayout:
    """The 002 document's table: territorial organisations × (primaries, then per network A, B, growth).
    `state`: the analytics tables' state when the caller has read it."""
    level = territorial_depth(scope_paths)
    raw = growth_figures(
        scope_paths=scope_paths,
        a=a,
        b=b,
        networks=networks,
        dimensions=("level", "network"),
        level=level,
        state=state,
    )
    # {path: display name} of every territorial organisation (a row each, with data or not): no model instances.
    territorials = {
        path: short_name or name  # Organisation.display_name
        for path, short_name, name in Organisation.objects.filter(paths_q(scope_paths), depth=level)
        .exclude(kind=OrgKind.YOUTH_COUNCIL)
        .values_list("path", "short_name", "name")
    }
    primaries = primaries_count_by_path(scope_paths, level)
    by_path: dict[str, dict[str, GrowthRow]] = {}
    present: set[str] = set()
    for path, network, pages, new_pages, at_a, at_b, date_a, date_b in raw:
        by_path.setdefault(path, {})[network] = GrowthRow(
            key=(path, network),
            label=network,
            **raw_figures(pages, new_pages, at_a, at_b, date_a, date_b, a=a, b=b),
        )
        present.add(network)
    chosen = [value for value, _label in Network.choices if value in (networks or present)]
    labels = dict(Network.choices)
    rows = []
    # Pages above the territorial level (the union's own) get a row of their own, named after their owner.
    extra = _names_by_path(path for path in by_path if path not in territorials)
    named = [(path, territorials[path]) for path in sorted(territorials)]
    named += [(path, extra[path][1]) for path in sorted(extra)]
    for path, name in named:
        rows.append(PrintedRow(name, primaries.get(path, 0), by_path.get(path, {})))
    totals = {
        network: total_of(
            [row.cells[network] for row in rows if network in row.cells], str(labels[network]), a=a, b=b, key=network
        )
        for network in chosen
    }
    return PrintedLayout(
        a, b, [(value, str(labels[value])) for value in chosen], rows, totals, sum(row.primaries for row in rows)
    )


@dataclass
class SilentPage:
    fact: PageFact
    page: SocialPage
    days_silent: int | None  # None: no post date known


@dataclass
class SilentGroup:
    label: str
    pages: list[SilentPage]


def pages_by_id(ids: Iterable[int]) -> dict[int, SocialPage]:
    return {
        page.pk: page
        for page in SocialPage.objects.filter(pk__in=list(ids)).select_related("organisation").order_by("pk")
    }


def territorial_names(paths: Iterable[str], level: int) -> dict[str, str]:
    prefixes = {path[: level * STEPLEN] for path in paths}
    return {
        organisation.path: organisation.display_name for organisation in Organisation.objects.filter(path__in=prefixes)
    }


def silent_pages(
    *, scope_paths: Sequence[str] | None, today: dt.date, days: int
) -> tuple[list[SilentGroup], list[SocialPage]]:
    """Pages with no post for more than `days` days, grouped by territorial organisation; and failing pages.

    The last post date comes from each page's latest snapshot; pages never posting count as silent.
    Constant number of queries; only the silent pages leave the database (reports/current.py).
    """
    cutoff = silent_before(today - dt.timedelta(days=days))
    silent = current.silent_facts(scope_paths=scope_paths, b=today, cutoff=cutoff)
    pages = pages_by_id(fact.page_id for fact in silent)
    level = territorial_depth(scope_paths)
    names = territorial_names((fact.path for fact in silent), level)
    groups: dict[str, list[SilentPage]] = {}
    for fact in silent:
        prefix = fact.path[: level * STEPLEN]
        days_silent = (today - timezone.localdate(fact.last_post_at)).days if fact.last_post_at else None
        groups.setdefault(prefix, []).append(SilentPage(fact, pages[fact.page_id], days_silent))
    result = [
        SilentGroup(
            names.get(prefix, prefix),
            sorted(items, key=lambda item: -(item.days_silent if item.days_silent is not None else 10**6)),
        )
        for prefix, items in sorted(groups.items())
    ]
    return result, failing_pages(scope_paths=scope_paths)


def failing_pages(*, scope_paths: Sequence[str] | None) -> list[SocialPage]:
    """Pages not archived whose collection failed 3 times or more in a row, most failures first."""
    return list(
        SocialPage.objects.filter(paths_q(scope_paths, "organisation__path"), consecutive_failures__gte=3)
        .exclude(status=PageStatus.ARCHIVED)
        .select_related("organisation")
        .order_by("-consecutive_failures", "pk")
    )


@dataclass
class EngagementRow:
    fact: PageFact
    page: SocialPage


@dataclass
class OrgEngagement:
    label: str
    pages: int
    subscribers: int
    engagement: float | None
    engagement_by_views: float | None
    posts_30d: float | None


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def engagement_report(
    *, scope_paths: Sequence[str] | None, on: dt.date
) -> tuple[list[EngagementRow], list[OrgEngagement]]:
    """Each page's engagement from its latest snapshot, and the averages per organisation (pages' mean)."""
    facts = current.engagement_facts(scope_paths=scope_paths, b=on)
    pages = pages_by_id(fact.page_id for fact in facts)
    rows = [EngagementRow(fact, pages[fact.page_id]) for fact in facts]
    averages = [
        OrgEngagement(
            item.label,
            item.pages,
            item.subscribers,
            item.engagement,
            item.engagement_by_views,
            item.posts_30d,
        )
        for item in current.engagement_by_organisation(scope_paths=scope_paths, b=on)
    ]
    averages.sort(key=lambda item: item.label.lower())
    return rows, averages


@dataclass
class ReachRow:
    label: str
    subscribers: int
    members: int | None

    @property
    def reach(self) -> float | None:
        return self.subscribers * 100.0 / self.members if self.members else None


def reach_report(
    *,
    scope_paths: Sequence[str] | None,
    on: dt.date,
    state: AnalyticsState | EllipsisType | None = ...,
) -> list[ReachRow]:
    """Subscribers on `on` as a share of union members, per territorial organisation (by organisation: growth
    by organisation with A = B, paged in SQL, and `organisations_reach`).

    Members are the organisation's own `members_count` (the figure the union reports for it, subtree included).
    `state`: the analytics tables' state when the caller has read it."""
    rows = growth_rows(scope_paths=scope_paths, a=on, b=on, grouping="territorial", state=state)
    return [ReachRow(row.label, row.at_b or 0, row.extra.get("members")) for row in rows]  # read with the names


def organisations_reach(rows: Sequence[GrowthRow]) -> list[ReachRow]:
    """The reach of growth rows by organisation at one date (each organisation's own pages at B) against each
    organisation's members: one query for the members of the rows given (the page of rows shown)."""
    members = dict(Organisation.objects.filter(pk__in=[row.key for row in rows]).values_list("pk", "members_count"))
    return [ReachRow(row.label, row.at_b or 0, members.get(row.key)) for row in rows]
