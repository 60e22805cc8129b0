"""Whether each collected network still answers: read by the collection's run log and page and by the dashboard.

Kept beside `models.py` (not in `collection/` or `reports/`) because both parts read it and the three
parts of socialstats never import each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from .models import COLLECTED_NETWORKS, CollectionRun, RunStatus

# The nightly runs read: a network's latest ones.
NIGHTS_READ = 60


def _answered(status: str, pages_tried: int, pages_collected: int) -> bool:
    """A nightly run in which the network answered: it did not fail, and it collected a page if it tried any."""
    return status != RunStatus.FAILED and not (status == RunStatus.DONE and pages_tried > 0 and pages_collected == 0)


def _nights_without_answer(runs: list[tuple]) -> tuple[int, dt.date | None]:
    """How many of the latest runs (newest first: for_date, status, pages_tried, pages_collected) in a row got no
    answer, and the first such night."""
    nights, since = 0, None
    for for_date, status, pages_tried, pages_collected in runs:
        if _answered(status, pages_tried, pages_collected):
            break
        nights, since = nights + 1, for_date
    return nights, since


def _latest_runs(networks) -> dict[str, list[tuple]]:
    """Each network's latest NIGHTS_READ finished nightly runs, newest first, in one query."""
    rank = Window(RowNumber(), partition_by=[F("network")], order_by=[F("for_date").desc(), F("started_at").desc()])
    rows = (
        CollectionRun.objects.filter(network__in=list(networks), trigger="nightly")
        .exclude(status__in=[RunStatus.SKIPPED, RunStatus.RUNNING])
        .annotate(rank=rank)
        .filter(rank__lte=NIGHTS_READ)
        .order_by("network", "rank")
        .values_list("network", "for_date", "status", "pages_tried", "pages_collected")
    )
    runs: dict[str, list[tuple]] = {network: [] for network in networks}
    for network, *run in rows:
        runs[network].append(tuple(run))
    return runs


def nights_without_answer(network: str) -> tuple[int, dt.date | None]:
    """How many of the network's latest nightly runs in a row got no answer, and the first such night."""
    return _nights_without_answer(_latest_runs([network])[network])


@dataclass(frozen=True)
class SilentNetwork:
    label: str
    nights: int
    since: dt.date | None


def networks_not_answering() -> list[SilentNetwork]:
    """Collected networks whose last `NETWORK_DOWN_NIGHTS` nightly runs (or more) got no answer (one query)."""
    found = []
    runs = _latest_runs(COLLECTED_NETWORKS)
    for network in COLLECTED_NETWORKS:
        nights, since = _nights_without_answer(runs[network])
        if nights >= settings.NETWORK_DOWN_NIGHTS:
            found.append(SilentNetwork(str(network.label), nights, since))
    return found
