"""Whether each collected network still answers: read by the collection's run log and page and by the dashboard.

Kept beside `models.py` (not in `collection/` or `reports/`) because both parts read it and the three
parts of socialstats never import each other.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from .models import COLLECTED_NETWORKS, CollectionRun, RunStatus

# A nightly run in which the network did not answer: it failed, or it tried pages and collected none.
_NOT_ANSWERED = Q(status=RunStatus.FAILED) | Q(status=RunStatus.DONE, pages_tried__gt=0, pages_collected=0)


def nights_without_answer(network: str, *, limit: int = 60) -> tuple[int, dt.date | None]:
    """How many of the network's latest nightly runs in a row got no answer, and the first such night."""
    runs = CollectionRun.objects.filter(network=network, trigger="nightly").exclude(
        status__in=[RunStatus.SKIPPED, RunStatus.RUNNING]
    )
    latest = list(runs.order_by("-for_date", "-started_at").values_list("pk", "for_date")[:limit])
    silent = set(runs.filter(_NOT_ANSWERED, pk__in=[pk for pk, _d in latest]).values_list("pk", flat=True))
    nights, since = 0, None
    for pk, for_date in latest:
        if pk not in silent:
            break
        nights, since = nights + 1, for_date
    return nights, since


@dataclass(frozen=True)
class SilentNetwork:
    label: str
    nights: int
    since: dt.date | None


def networks_not_answering() -> list[SilentNetwork]:
    """Collected networks whose last `NETWORK_DOWN_NIGHTS` nightly runs (or more) got no answer."""
    found = []
    for network in COLLECTED_NETWORKS:
        nights, since = nights_without_answer(network)
        if nights >= settings.NETWORK_DOWN_NIGHTS:
            found.append(SilentNetwork(str(network.label), nights, since))
    return found
