"""Thin Celery tasks over the collection service (ids and ISO dates in, a short summary out)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .collection.services import collection_run, collection_start, nightly_posts_prune
from .models import COLLECTED_NETWORKS, CollectionRun, RunStatus
from .reports.cache import report_cache_warm
from .reports.summary import dashboard_days_build


@shared_task
def collect_all_networks(date: str | None = None) -> str:
    """The nightly job: record one run per network and queue each (unconfigured ones are recorded skipped)."""
    for_date = dt.date.fromisoformat(date) if date else None
    queued = []
    for network in COLLECTED_NETWORKS:
        run = collection_start(network=network, for_date=for_date, trigger="nightly")
        if run.status == "running":
            collect_network.delay_on_commit(str(network), run.for_date.isoformat(), None, run.pk)
            queued.append(str(network))
    return f"queued {', '.join(queued) or 'nothing'}"


@shared_task
def collect_network(network: str, date: str | None = None, org_id: int | None = None, run_id: int | None = None) -> str:
    """Collect one network. With `run_id` (a redelivered task after a crash) the same run is resumed."""
    if run_id is None:
        run_id = collection_start(
            network=network,
            for_date=dt.date.fromisoformat(date) if date else None,
            scope_id=org_id,
            trigger="task",
        ).pk
    run = collection_run(run_id=run_id)
    if run is None:
        return "gone"
    if run.trigger == "nightly" and not CollectionRun.objects.filter(status=RunStatus.RUNNING).exists():
        # The night's last run (or one of the last, finishing together: retention is idempotent). The warm-up is
        # queued first, so a failing retention cannot leave the morning's reports cold.
        warm_report_cache.delay_on_commit(run.for_date.isoformat())
        nightly_posts_prune()
    elif run.trigger != "nightly":
        # A run started by hand forgot the dashboard's stored rows (every page's latest value may have changed).
        store_dashboard_days.delay_on_commit()
    return f"{run.network} {run.for_date}: {run.status}, {run.pages_collected}/{run.pages_total} collected"


@shared_task
def warm_report_cache(date: str | None = None) -> str:
    """After the nightly run's last network: the morning's default reports for the union and each territory."""
    scopes = report_cache_warm(today=dt.date.fromisoformat(date) if date else None)
    return f"warmed {scopes} scopes"


@shared_task
def store_dashboard_days() -> str:
    """The dashboard's rows of the day again (reports/summary.py), after a collection run started by hand."""
    units = dashboard_days_build(today=timezone.localdate(), silent_days=settings.SILENT_PAGE_DAYS)
    return f"stored {units} units"
