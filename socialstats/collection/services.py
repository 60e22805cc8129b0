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
import operator
import time

from django.conf import settings
from django.db import IntegrityError, connection, transaction
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
from .retention import posts_prune

logger = logging.getLogger(__name__)

# Pages the network said are gone: not collected again until staff set them back to active.
TERMINAL_STATUSES = (PageStatus.DELETED, PageStatus.BANNED, PageStatus.NOT_FOUND)
# Results are written in one transaction per COLLECTION_FLUSH_EVERY (5,000: 6 commits for 30,000 pages), and at
# least every 20 s so that the progress counters move and a crash loses at most that much collecting (a rerun
# collects the rest).
FLUSH_SECONDS = 20.0
SNAPSHOT_TYPES = {  # PostgreSQL types of the metric columns, for the arrays of the upsert
    "subscribers": "integer",
    "posts_30d": "integer",
    "last_post_at": "timestamptz",
    "posts_counted": "smallint",
    "likes": "integer",
    "comments": "integer",
    "reposts": "integer",
    "views": "integer",
}
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


# Page fields a run writes: a page row is updated only when one of them changes (a quiet night touches none).
PAGE_FIELDS = ("status", "external_id", "needs_bot_admin", "last_error", "last_error_at", "consecutive_failures")


def _changed_pages(run: CollectionRun, results: list[PageResult], now: dt.datetime) -> list[SocialPage]:
    """The batch's pages whose collection fields change, with their new values (one read of the batch).

    A collected page clears its error; a failed page gets the error and, once per run, one more failure in a
    row (a run resumed after a crash does not count the same page's failure twice)."""
    ids = [r.page_id for r in results]
    if connection.vendor == "postgresql":  # one array parameter instead of 5,000 placeholders
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, {', '.join(PAGE_FIELDS)} FROM {SocialPage._meta.db_table} WHERE id = ANY(%s)", [ids]
            )
            rows = cursor.fetchall()
    else:
        rows = list(SocialPage.objects.filter(pk__in=ids).values_list("pk", *PAGE_FIELDS))
    current = {row[0]: row[1:] for row in rows}  # PAGE_FIELDS' values as tuples: compared, never copied
    changed = []
    for r in results:
        old = current.get(r.page_id)
        if old is None:  # deleted meanwhile
            continue
        status, external_id, needs_bot_admin, last_error, last_error_at, failures = old
        if r.outcome == Outcome.COLLECTED and r.metrics is not None:
            last_error, last_error_at, failures = "", None, 0
        elif r.outcome != Outcome.COLLECTED:
            last_error = r.error[:2000]
            if last_error_at is None or last_error_at < run.started_at:
                last_error_at, failures = now, failures + 1
        new = (
            r.status or status,
            r.external_id or external_id,
            needs_bot_admin if r.needs_bot_admin is None else r.needs_bot_admin,
            last_error,
            last_error_at,
            failures,
        )
        if new != old:
            changed.append(SocialPage(pk=r.page_id, updated_at=now, **dict(zip(PAGE_FIELDS, new, strict=True))))
    return changed


def _metric_rows(collected: list[PageResult]) -> list[dict]:
    return [{field: getattr(r.metrics, field) for field in SNAPSHOT_METRIC_FIELDS} for r in collected]


def _upsert_snapshots(day: dt.date, collected: list[PageResult], now: dt.datetime) -> None:
    """One row per page per day: the same day again replaces the values (upsert on the unique key).

    On PostgreSQL the rows the day does not have yet (all of them on a night's first pass) are sent by COPY,
    which writes rows in bulk where an INSERT writes them one by one (0.41 s against 0.57–0.95 s for 30,000 rows
    at federation scale); the rows already there (a rerun) by one upsert of arrays. A row another writer adds
    between the two steps makes the COPY fail whole (unique key): the batch then goes through the upsert.
    Elsewhere Django's bulk upsert."""
    if connection.vendor != "postgresql":
        Snapshot.objects.bulk_create(
            [
                Snapshot(page_id=r.page_id, date=day, source=SnapshotSource.API, taken_at=now, **row)
                for r, row in zip(collected, _metric_rows(collected), strict=True)
            ],
            update_conflicts=True,
            unique_fields=["page", "date"],
            update_fields=SNAPSHOT_FIELDS,
        )
        return
    table = Snapshot._meta.db_table
    with connection.cursor() as cursor:
        # The day's range of the (date, page) index between the batch's least and greatest page: a batch is a run
        # of pages in id order (an id list would be probed one by one through the (page, date) key instead).
        ids = [r.page_id for r in collected]
        sql = f"SELECT page_id FROM {table} WHERE date = %s AND page_id BETWEEN %s AND %s"
        cursor.execute(sql, [day, min(ids), max(ids)])
        present = {page_id for (page_id,) in cursor.fetchall()}.intersection(ids)
    new = [r for r in collected if r.page_id not in present]
    again = [r for r in collected if r.page_id in present]
    if new:
        try:
            with transaction.atomic():
                _copy_snapshots(day, new, now)
        except IntegrityError:  # written meanwhile by another writer
            again = collected
    if again:
        _upsert_snapshot_arrays(day, again, now)


def _copy_snapshots(day: dt.date, collected: list[PageResult], now: dt.datetime) -> None:
    names = ("page_id", "date", "source", "taken_at", *SNAPSHOT_METRIC_FIELDS)
    # psycopg's copy() bypasses Django's cursor wrapper: its errors are turned into Django's here.
    sql = f"COPY {Snapshot._meta.db_table} ({', '.join(names)}) FROM STDIN"
    values = operator.attrgetter(*SNAPSHOT_METRIC_FIELDS)
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.copy(sql) as copy:
        for r in collected:
            copy.write_row((r.page_id, day, SnapshotSource.API, now, *values(r.metrics)))


def _upsert_snapshot_arrays(day: dt.date, collected: list[PageResult], now: dt.datetime) -> None:
    """The rows as one array per column: `INSERT … SELECT FROM unnest(…) ON CONFLICT … DO UPDATE`."""
    metrics = _metric_rows(collected)
    columns = {"page_id": ("bigint", [r.page_id for r in collected])}
    columns |= {field: (SNAPSHOT_TYPES[field], [row[field] for row in metrics]) for field in SNAPSHOT_METRIC_FIELDS}
    names = ", ".join(columns)
    sql = f"""
        INSERT INTO {Snapshot._meta.db_table} ({names}, date, source, taken_at, recorded_by_id)
        SELECT {names}, %s::date, %s, %s::timestamptz, NULL
        FROM unnest({", ".join(f"%s::{kind}[]" for kind, _values in columns.values())}) AS u({names})
        ON CONFLICT (page_id, date) DO UPDATE SET
            {", ".join(f"{field} = excluded.{field}" for field in (*SNAPSHOT_METRIC_FIELDS, "source", "taken_at"))},
            recorded_by_id = NULL
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, SnapshotSource.API, now, *(values for _kind, values in columns.values())])


def _flush(run: CollectionRun, results: list[PageResult], http_requests: int) -> None:
    """Write one batch in one transaction: the snapshots in one upsert, the pages whose fields change in one
    update (the others are not touched), the failures, the run's counters."""
    now = timezone.now()
    collected = [r for r in results if r.outcome == Outcome.COLLECTED and r.metrics is not None]
    failed = [r for r in results if r.outcome != Outcome.COLLECTED]
    with transaction.atomic():
        if collected:
            _upsert_snapshots(run.for_date, collected, now)
            posts_store(collected, now=now)  # the posts read for the sums, kept (collection/posts.py)
        changed = _changed_pages(run, results, now) if results else []
        if changed:
            SocialPage.objects.bulk_update(changed, [*PAGE_FIELDS, "updated_at"], batch_size=len(changed))
        if failed:
            CollectionFailure.objects.bulk_create(
                [CollectionFailure(run=run, page_id=r.page_id, error=r.error[:2000]) for r in failed],
                update_conflicts=True,
                unique_fields=["run", "page"],
                update_fields=["error"],
            )
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


def _after_writes(run: CollectionRun) -> None:
    """Once per run, after the last batch: the run's day in the analytics tables (every page with a snapshot
    from that day on: one range of the (date, page) index, no list of ids), then, for a run started by hand,
    the retention of the network's kept posts (docs/posts.md «Retention»). The nightly runs leave retention
    to `nightly_posts_prune`, once for every network after the night's last run: it reads every old post of
    the network whatever was collected (0.5 s of a seq scan alone at federation scale), three times a night
    for nothing. A run resumed after a crash gets here on its second pass and brings them up to date then."""
    analytics_update(page_ids=None, since=run.for_date)
    if run.trigger != "nightly":
        posts_prune(network=run.network)


def nightly_posts_prune() -> int:
    """Retention of every network's kept posts, once a night: called after the night's last network run
    (socialstats/tasks.py). Idempotent: a second call deletes nothing."""
    return posts_prune()


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
    flushed_at = time.monotonic()
    flush_every = settings.COLLECTION_FLUSH_EVERY
    try:
        for results in collector.collect(pages, now=timezone.now()):
            pending.extend(results)
            if len(pending) >= flush_every or (pending and time.monotonic() - flushed_at >= FLUSH_SECONDS):
                _flush(run, pending, collector.http_requests - counted)
                counted, pending, flushed_at = collector.http_requests, [], time.monotonic()
        _flush(run, pending, collector.http_requests - counted)
    except CollectorStopped as stop:
        _flush(run, pending, collector.http_requests - counted)
        _after_writes(run)
        logger.warning("collection of %s stopped: %s", run.network, stop)
        _finish(run, RunStatus.FAILED, _with_summary(str(stop), collector))
    except Exception as error:
        logger.exception("collection of %s failed", run.network)
        _finish(
            run, RunStatus.FAILED, _("Stopped by an unexpected error: %(error)s") % {"error": error.__class__.__name__}
        )
        raise
    else:
        _after_writes(run)
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
