"""Reads for the registry pages (selectors), shaped for their pages: one query per list, no query per row.

Kept apart from `selectors.py`, which holds the growth and dashboard reads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, OuterRef, QuerySet, Subquery

from orgs.access import EDIT_ROLES, path_filter
from orgs.models import Organisation
from orgs.selectors import organisation_export_names

from ..models import Network, PageStatus, PrintPublication, Snapshot, SocialPage, Website

EXPORT_COLUMNS = ["organisation", "network", "date", "subscribers", "page_url"]


def viewable_pages(user) -> QuerySet[SocialPage]:
    return SocialPage.objects.filter(path_filter(user, "organisation__path"))


def editable_pages(user) -> QuerySet[SocialPage]:
    return SocialPage.objects.filter(path_filter(user, "organisation__path", roles=EDIT_ROLES))


def page_list(user) -> QuerySet[SocialPage]:
    """The registry list: pages in scope with their organisation and latest subscribers (one query)."""
    latest = Snapshot.objects.filter(page=OuterRef("pk")).order_by("-date")
    return (
        viewable_pages(user)
        .select_related("organisation")
        .annotate(
            latest_subscribers=Subquery(latest.values("subscribers")[:1]),
            latest_date=Subquery(latest.values("date")[:1]),
        )
        .order_by("organisation__path", "network", "handle")
    )


def page_history(page: SocialPage) -> QuerySet[Snapshot]:
    return page.snapshots.select_related("recorded_by").order_by("-date")


def page_counts_by_network(organisation: Organisation) -> list[tuple[str, int]]:
    """Active pages of the organisation's subtree per network, as (network label, count): one query."""
    rows = (
        SocialPage.objects.filter(organisation__path__startswith=organisation.path)
        .exclude(status=PageStatus.ARCHIVED)
        .values("network")
        .annotate(total=Count("pk"))
        .order_by("network")
    )
    labels = dict(Network.choices)
    return [(labels.get(row["network"], row["network"]), row["total"]) for row in rows]


def organisation_resources(organisation: Organisation) -> tuple[list[Website], list[PrintPublication]]:
    websites = list(organisation.websites.prefetch_related("stats").order_by("-is_active", "url"))
    publications = list(organisation.publications.order_by("-is_active", "title"))
    return websites, publications


def snapshot_export_rows(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    scope: Organisation | None = None,
) -> Iterator[list[str]]:
    """Rows for `export_snapshots`, the same columns the import reads (dates ISO, plain numbers)."""
    queryset = Snapshot.objects.all()
    if date_from:
        queryset = queryset.filter(date__gte=date_from)
    if date_to:
        queryset = queryset.filter(date__lte=date_to)
    if scope is not None:
        queryset = queryset.filter(page__organisation__path__startswith=scope.path)
    rows = queryset.order_by("page__organisation__path", "page__network", "page_id", "date").values_list(
        "page__organisation_id",
        "page__network",
        "date",
        "subscribers",
        "page__url",
    )
    # A name that repeats in the portal is written as its path (`ВАО / ППО Школа 1`), which the import reads.
    names = organisation_export_names(Organisation.objects.all())
    for organisation_id, network, date, subscribers, url in rows.iterator(chunk_size=2000):
        yield [names[organisation_id], network, date.isoformat(), str(subscribers), url]
