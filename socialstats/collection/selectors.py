"""Reads for the collection page and the health endpoint."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone

from ..models import COLLECTED_NETWORKS, CollectionFailure, CollectionRun, RunStatus
from .collectors import missing_settings


def run_list() -> QuerySet[CollectionRun]:
    """Newest runs first, with the scope organisation's name for the table (no query per row)."""
    return CollectionRun.objects.select_related("scope").order_by("-started_at", "-pk")


def run_failures(run: CollectionRun) -> QuerySet[CollectionFailure]:
    return (
        CollectionFailure.objects.filter(run=run)
        .select_related("page__organisation")
        .order_by("page__organisation__name", "page__handle")
    )


def running_networks(within: dt.timedelta = dt.timedelta(hours=6)) -> set[str]:
    """Networks with a run still going (started recently: a run killed long ago does not block)."""
    since = timezone.now() - within
    return set(
        CollectionRun.objects.filter(status=RunStatus.RUNNING, started_at__gte=since).values_list("network", flat=True)
    )


def unconfigured_networks() -> list[tuple[str, list[str]]]:
    """(network label, missing variable names) of the collected networks without credentials."""
    return [(network.label, missing) for network in COLLECTED_NETWORKS if (missing := missing_settings(network))]


def last_nightly_runs() -> dict[str, object]:
    """The health endpoint's section: per network, when the last nightly run started and how it ended."""
    networks: dict[str, object] = {}
    for network in COLLECTED_NETWORKS:
        run = (
            CollectionRun.objects.filter(network=network, trigger="nightly")
            .order_by("-started_at")
            .values("started_at", "finished_at", "status", "pages_collected", "pages_failed")
            .first()
        )
        networks[str(network)] = (
            {
                "started_at": run["started_at"].isoformat(),
                "finished_at": run["finished_at"].isoformat() if run["finished_at"] else None,
                "status": run["status"],
                "pages_collected": run["pages_collected"],
                "pages_failed": run["pages_failed"],
            }
            if run
            else None
        )
    # A failed collection is reported, not treated as the portal being down.
    return {"ok": True, "networks": networks}
