"""The collection service: pick pages, call the network's collector, write snapshots and the run record.

`collection_start` records a run (or a skipped run when the network has no credentials);
`collection_run` does the work and may be called again for the same run after a crash: pages that
already got this run's snapshot are skipped, the rest are collected, nothing is duplicated (snapshots
are upserted on the (page, date) key). HTTP happens between the write batches, never inside them.
The Celery tasks and `manage.py collect_stats` both call these two functions.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orgs.models import Organisation

from ..analytics.services import analytics_update
from ..health import nights_without_answer
from ..models import (
    COLLECTED_NETWORKS,
    SNAPSHOT_METRIC_FIELDS,
    CollectionFailure,
    CollectionRun,
    Network,
    PageStatus,
    RunStatus,
    Snapshot,
    SnapshotSource,
    SocialPage,
)
from .collectors import collector_for, missing_settings
from .collectors.base import Collector, CollectorStopped, Outcome, PageRef, PageResult
from .posts import posts_store

logger = logging.getLogger(__name__)

# Pages the network said are gone: not collected again until staff set them back to active.
TERMINAL_STATUSES = (PageStatus.DELETED, PageStatus.BANNED, PageStatus.NOT_FOUND)
FLUSH_EVERY = 500  # results written per transaction (and progress counters updated)
SNAPSHOT_FIELDS = [
    *SNAPSHOT_METRIC_FIELDS,
    "source",
    "taken_at",
    "recorded_by",
]


def _pages(run: CollectionRun):
    # A page imported without its link has no handle to ask the network about: it is not collected.
    pages = SocialPage.objects.filter(network=run.network).exclude(status=PageStatus.ARCHIVED).exclude(handle="")
    if run.scope_id is not None:
        scope_path = Organisation.objects.filter(pk=run.scope_id).values_list("path", flat=True).first() or ""
        pages = pages.filter(organisation__path__startswith=scope_path) if scope_path else pages.none()
    return pages


def _not_configured(missing: list[str]) -> str:
    return _("Not configured: set %(settings)s.") % {"settings": ", ".join(missing)}


def collection_start(
    *, network: str, for_date: dt.date | None = None, scope_id: int | None = None, trigger: str = "manual"
) -> CollectionRun:
    """Record a run. Without credentials the run is recorded as skipped, with the missing settings named."""
    if network not in COLLECTED_NETWORKS:
        raise ValueError(f"{network} is not collected")
    run = CollectionRun(network=network, for_date=for_date or timezone.localdate(), trigger=trigger, scope_id=scope_id)
    missing = missing_settings(network)
    if missing:
        run.status = RunStatus.SKIPPED
        run.finished_at = run.started_at
        run.message = _not_configured(missing)
    run.save()
    return run


def _flush(run: CollectionRun, results: list[PageResult], http_requests: int) -> None:
    """Write one batch: snapshots upserted, page fields and statuses, failures, run counters. One transaction."""
    now = timezone.now()
    collected = [r for r in results if r.outcome == Outcome.COLLECTED and r.metrics is not None]
    failed = [r for r in results if r.outcome != Outcome.COLLECTED]
    snapshots = [
        Snapshot(
            page_id=r.page_id,
            date=run.for_date,
            subscribers=r.metrics.subscribers,
            posts_30d=r.metrics.posts_30d,
            last_post_at=r.metrics.last_post_at,
            posts_counted=r.metrics.posts_counted,
            likes=r.metrics.likes,
            comments=r.metrics.comments,
            reposts=r.metrics.reposts,
            views=r.metrics.views,
            source=SnapshotSource.API,
            taken_at=now,
            recorded_by=None,
        )
        for r in collected
        if r.metrics is not None
    ]
    with transaction.atomic():
        if snapshots:
            # One row per page per day: the same day again replaces the values (upsert on the unique key).
            Snapshot.objects.bulk_create(
                snapshots, update_conflicts=True, unique_fields=["page", "date"], update_fields=SNAPSHOT_FIELDS
            )
        posts_store(collected, now=now)  # the posts read for the sums, kept (collection/posts.py)
        by_status: dict[str, list[int]] = {}
        for r in results:
            if r.status:
                by_status.setdefault(r.status, []).append(r.page_id)
        for status, ids in by_status.items():
            SocialPage.objects.filter(pk__in=ids).update(status=status)
        if collected:
            SocialPage.objects.filter(pk__in=[r.page_id for r in collected]).update(
                last_collected_at=now, last_error="", last_error_at=None, consecutive_failures=0
            )
        if failed:
            SocialPage.objects.filter(pk__in=[r.page_id for r in failed]).update(
                last_error_at=now, consecutive_failures=F("consecutive_failures") + 1
            )
            SocialPage.objects.bulk_update(
                [SocialPage(pk=r.page_id, last_error=r.error[:2000]) for r in failed], ["last_error"]
            )
            CollectionFailure.objects.bulk_create(
                [CollectionFailure(run=run, page_id=r.page_id, error=r.error[:2000]) for r in failed],
                update_conflicts=True,
                unique_fields=["run", "page"],
                update_fields=["error"],
            )
        for flag in (True, False):
            flagged = [r.page_id for r in results if r.needs_bot_admin is flag]
            if flagged:
                SocialPage.objects.filter(pk__in=flagged).update(needs_bot_admin=flag)
        resolved = [SocialPage(pk=r.page_id, external_id=r.external_id) for r in results if r.external_id]
        if resolved:
            SocialPage.objects.bulk_update(resolved, ["external_id"])
        CollectionRun.objects.filter(pk=run.pk).update(
            pages_tried=F("pages_tried") + len(results),
            pages_collected=F("pages_collected") + len(collected),
            pages_failed=F("pages_failed") + len(failed),
            http_requests=F("http_requests") + http_requests,
        )


def _prepare(run: CollectionRun) -> list[PageRef]:
    """Set the run's counters for a (re)start and return the pages still to collect.

    Done = pages with this run's API snapshot (taken since the run started). Failures of pages that
    will be tried again are dropped; pages the run marked deleted/banned/not found keep theirs.
    """
    pages = _pages(run)
    done = set(
        Snapshot.objects.filter(
            page__in=pages.values("pk"), date=run.for_date, source=SnapshotSource.API, taken_at__gte=run.started_at
        ).values_list("page_id", flat=True)
    )
    terminal = pages.filter(status__in=TERMINAL_STATUSES)
    with transaction.atomic():
        run.failures.exclude(page__in=terminal.values("pk")).delete()
        marked = run.failures.count()
        total = pages.count()
        terminal_count = terminal.count()
        CollectionRun.objects.filter(pk=run.pk).update(
            pages_total=total,
            pages_collected=len(done),
            pages_failed=marked,
            pages_tried=len(done) + marked,
            pages_skipped=terminal_count - marked,
        )
    rows = (
        pages.exclude(status__in=TERMINAL_STATUSES)
        .exclude(pk__in=done)
        .order_by("pk")
        .values_list("pk", "handle", "external_id")
    )
    return [PageRef(pk, handle, external_id) for pk, handle, external_id in rows.iterator(chunk_size=5000)]


def _analytics(run: CollectionRun) -> None:
    """Once per run, after the last batch: the run's day and the run's pages in the analytics tables.
    A run resumed after a crash gets here on its second pass and brings them up to date then."""
    analytics_update(page_ids=list(_pages(run).values_list("pk", flat=True)), since=run.for_date)


def _finish(run: CollectionRun, status: str, message: str = "") -> None:
    CollectionRun.objects.filter(pk=run.pk).update(status=status, finished_at=timezone.now(), message=message)
    if run.trigger != "nightly":
        return
    nights, since = nights_without_answer(run.network)
    if nights >= settings.NETWORK_DOWN_NIGHTS:
        # The run log says it too; the history stays in every report (snapshots are never removed).
        note = ngettext(
            "%(network)s has not answered for %(count)s night in a row (since %(since)s).",
            "%(network)s has not answered for %(count)s nights in a row (since %(since)s).",
            nights,
        ) % {"network": Network(run.network).label, "count": nights, "since": f"{since:%d.%m.%Y}"}
        logger.warning("%s", note)
        CollectionRun.objects.filter(pk=run.pk).update(message=" ".join(part for part in (message, note) if part))


def _with_summary(message: str, collector: Collector) -> str:
    """The run's message followed by what the collector says about how it collected (its mode)."""
    summary = collector.summary()
    if summary:
        logger.info("collection of %s: %s", collector.network, summary)
    return " ".join(part for part in (message, summary) if part)


def collection_run(*, run_id: int, collector: Collector | None = None) -> CollectionRun | None:
    """Collect the run's pages. Returns None when the run is gone; a finished run is returned untouched."""
    run = CollectionRun.objects.filter(pk=run_id).first()
    if run is None:
        return None
    if run.status != RunStatus.RUNNING:
        return run
    collector = collector or collector_for(run.network)
    if collector is None:
        _finish(run, RunStatus.SKIPPED, _not_configured(missing_settings(run.network)))
        return CollectionRun.objects.get(pk=run.pk)
    pages = _prepare(run)
    pending: list[PageResult] = []
    counted = 0
    try:
        for results in collector.collect(pages, now=timezone.now()):
            pending.extend(results)
            if len(pending) >= FLUSH_EVERY:
                _flush(run, pending, collector.http_requests - counted)
                counted, pending = collector.http_requests, []
        _flush(run, pending, collector.http_requests - counted)
    except CollectorStopped as stop:
        _flush(run, pending, collector.http_requests - counted)
        _analytics(run)
        logger.warning("collection of %s stopped: %s", run.network, stop)
        _finish(run, RunStatus.FAILED, _with_summary(str(stop), collector))
    except Exception as error:
        logger.exception("collection of %s failed", run.network)
        _finish(
            run, RunStatus.FAILED, _("Stopped by an unexpected error: %(error)s") % {"error": error.__class__.__name__}
        )
        raise
    else:
        _analytics(run)
        _finish(run, RunStatus.DONE, _with_summary("", collector))
    return CollectionRun.objects.get(pk=run.pk)


def collection_collect(
    *,
    network: str,
    for_date: dt.date | None = None,
    scope_id: int | None = None,
    trigger: str = "manual",
    collector: Collector | None = None,
) -> CollectionRun:
    """Start and run one network's collection in the foreground (the management command)."""
    run = collection_start(network=network, for_date=for_date, scope_id=scope_id, trigger=trigger)
    return collection_run(run_id=run.pk, collector=collector) or run
