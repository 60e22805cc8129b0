"""Build and maintain the analytics tables: `PageLatest` and `SubtreeDay` (docs/analytics.md).

SubtreeDay holds, per rollup organisation (every organisation down to the deepest territorial level),
network and day, the sums over its subtree (and over its own pages) of each page's latest value on or
before that day. It is computed from each page's *changes*: a snapshot adds (its value − the page's previous
value) on its date, an archive date takes the page's last value away; a running sum over the days then
carries values forward over days nobody was collected. The oldest snapshot date behind a day's sum comes
from the few "long" intervals (a page not collected the next day); every other page's value is from that day.

`analytics_update` recomputes every key from the changed day forward: the changed pages' ancestors always
include the union, whose subtree is every page, so the work is the days from `since` on over all pages
(one day for the nightly run). Before `analytics_rebuild` has run once there is no `AnalyticsState` and
updates do nothing: the reports read the snapshots directly until then.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from orgs.models import Organisation, OrgKind

from ..models import (
    AnalyticsState,
    DashboardDay,
    DashboardLeader,
    PageLatest,
    PageStatus,
    Snapshot,
    SocialPage,
    SubtreeDay,
)

STEPLEN = Organisation.steplen
# Summed columns of SubtreeDay, in the order the change query returns their deltas.
SUMS = ("pages", "subscribers", "posts_30d", "posts_counted", "interactions", "views")
WRITE_BATCH = 5000
LATEST_FIELDS = ("subscribers", "posts_30d", "last_post_at", "posts_counted", "likes", "comments", "reposts", "views")


def rollup_depth() -> int:
    """Depth of the deepest territorial organisation: every organisation down to it gets SubtreeDay rows."""
    depth = Organisation.objects.filter(kind=OrgKind.TERRITORIAL).aggregate(depth=Max("depth"))["depth"]
    return max(depth or 1, 1)


def analytics_state() -> AnalyticsState | None:
    return AnalyticsState.objects.order_by("pk").first()


def _last_snapshot_date() -> dt.date | None:
    """The greatest snapshot date (one probe of the (date, page) index): PageLatest's greatest date too."""
    return Snapshot.objects.aggregate(day=Max("date"))["day"]


def _horizon(today: dt.date, last: dt.date | None) -> dt.date:
    archived = SocialPage.objects.filter(status=PageStatus.ARCHIVED).aggregate(day=Max("archived_on"))["day"]
    return max(day for day in (today, last, archived) if day is not None)


# PageLatest -----------------------------------------------------------------------------------------


def _latest_values(pages) -> Iterator[dict]:
    """Each page's first snapshot date and latest snapshot's values: two index probes per page, then the
    latest snapshots by id in chunks."""
    newest = Snapshot.objects.filter(page_id=OuterRef("pk")).order_by("-date")
    oldest = Snapshot.objects.filter(page_id=OuterRef("pk")).order_by("date")
    spans = list(
        pages.annotate(first=Subquery(oldest.values("date")[:1]), last_id=Subquery(newest.values("pk")[:1]))
        .filter(last_id__isnull=False)
        .values_list("last_id", "first")
    )
    for start in range(0, len(spans), WRITE_BATCH):
        chunk = dict(spans[start : start + WRITE_BATCH])
        for row in Snapshot.objects.filter(pk__in=list(chunk)).values("id", "page_id", "date", *LATEST_FIELDS):
            yield {"first_date": chunk[row.pop("id")], **row}


def page_latest_refresh(page_ids: Iterable[int] | None = None) -> int:
    """Rewrite the latest-value rows of these pages (None: all pages)."""
    pages = SocialPage.objects.all() if page_ids is None else SocialPage.objects.filter(pk__in=list(page_ids))
    batch: list[PageLatest] = []
    seen: list[int] = []
    written = 0
    for row in _latest_values(pages):
        seen.append(row["page_id"])
        batch.append(PageLatest(**row))
        if len(batch) >= WRITE_BATCH:
            written += _write_latest(batch)
            batch = []
    written += _write_latest(batch)
    gone = PageLatest.objects.all() if page_ids is None else PageLatest.objects.filter(page__in=pages)
    gone.exclude(page_id__in=seen).delete()
    return written


def page_latest_upsert(*, since: dt.date, page_ids: Iterable[int] | None = None) -> None:
    """Bring PageLatest up to date after snapshots changed from `since` on, set-based: one
    INSERT … SELECT … ON CONFLICT DO UPDATE from each page's latest snapshot on or after `since`.

    `page_ids=None`: every page with a snapshot from `since` on (the nightly run: one day of the (date, page)
    index); otherwise those pages (one probe each; on SQLite 500 per statement). The first snapshot date stays
    the stored one when it is before `since` (nothing earlier changed); otherwise it is looked up (one probe)."""
    snapshot, latest = Snapshot._meta.db_table, PageLatest._meta.db_table
    columns = ", ".join(LATEST_FIELDS)
    sql = f"""
        INSERT INTO {latest} (page_id, first_date, date, {columns})
        SELECT s.page_id,
               COALESCE((SELECT l.first_date FROM {latest} l WHERE l.page_id = s.page_id AND l.first_date < %s),
                        (SELECT MIN(f.date) FROM {snapshot} f WHERE f.page_id = s.page_id)),
               s.date, {", ".join(f"s.{column}" for column in LATEST_FIELDS)}
        FROM {snapshot} s
        WHERE s.date >= %s AND NOT EXISTS (SELECT 1 FROM {snapshot} n WHERE n.page_id = s.page_id AND n.date > s.date)
              {{pages}}
        ON CONFLICT (page_id) DO UPDATE SET first_date = excluded.first_date, date = excluded.date,
            {", ".join(f"{column} = excluded.{column}" for column in LATEST_FIELDS)}
    """
    with connection.cursor() as cursor:
        if page_ids is None:
            cursor.execute(sql.format(pages=""), [since, since])
            return
        ids = sorted(set(page_ids))
        if connection.vendor == "postgresql":
            cursor.execute(sql.format(pages="AND s.page_id = ANY(%s)"), [since, since, ids])
            return
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            pages = "AND s.page_id IN (" + ", ".join("%s" for _id in chunk) + ")"
            cursor.execute(sql.format(pages=pages), [since, since, *chunk])


def page_latest_horizon(day: dt.date) -> None:
    """PageLatest after snapshots of `day`, the horizon, were written (the nightly run): no snapshot is later,
    so each of the day's snapshots is its page's latest. One upsert from the day's rows of the (date, page)
    index, without the per-row probe for a later snapshot; the stored first date stays (it is on or before the
    day), a page without a row looks its first date up. A row already holding these values is not rewritten
    (a resumed run's second pass)."""
    snapshot, latest = Snapshot._meta.db_table, PageLatest._meta.db_table
    columns = ", ".join(LATEST_FIELDS)
    sql = f"""
        INSERT INTO {latest} (page_id, first_date, date, {columns})
        SELECT s.page_id,
               COALESCE(l.first_date, (SELECT MIN(f.date) FROM {snapshot} f WHERE f.page_id = s.page_id)),
               s.date, {", ".join(f"s.{column}" for column in LATEST_FIELDS)}
        FROM {snapshot} s LEFT JOIN {latest} l ON l.page_id = s.page_id
        WHERE s.date = %s
        ON CONFLICT (page_id) DO UPDATE SET date = excluded.date,
            {", ".join(f"{column} = excluded.{column}" for column in LATEST_FIELDS)}
    """
    if connection.vendor == "postgresql":
        sql += f"""WHERE ({latest}.date, {", ".join(f"{latest}.{column}" for column in LATEST_FIELDS)})
              IS DISTINCT FROM (excluded.date, {", ".join(f"excluded.{column}" for column in LATEST_FIELDS)})"""
    with connection.cursor() as cursor:
        cursor.execute(sql, [day])


def _write_latest(batch: list[PageLatest]) -> int:
    if batch:
        PageLatest.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["page"],
            update_fields=[field.name for field in PageLatest._meta.concrete_fields if field.name != "page"],
        )
    return len(batch)


# SubtreeDay -----------------------------------------------------------------------------------------


@dataclass
class _Tree:
    """Rollup organisations by path: a page's keys are the rollup prefixes of its organisation's path."""

    by_path: dict[str, int]
    depth: int

    @classmethod
    def load(cls, depth: int) -> _Tree:
        return cls(dict(Organisation.objects.filter(depth__lte=depth).values_list("path", "pk")), depth)

    def keys(self, prefix: str, own_org: int | None, network: str) -> list[tuple[int, bool, str]]:
        keys = [
            (self.by_path[prefix[:end]], False, network)
            for end in range(STEPLEN, len(prefix) + 1, STEPLEN)
            if prefix[:end] in self.by_path
        ]
        if own_org is not None:
            keys.append((own_org, True, network))
        return keys


def _next_day(column: str) -> str:
    return f"({column} + 1)" if connection.vendor == "postgresql" else f"date({column}, '+1 day')"


def _events_sql(since: dt.date | None, depth: int) -> tuple[str, list]:
    """Each counted snapshot with the page's previous counted snapshot (LAG) and its next one (LEAD).

    Counted: before the archive date of an archived page (none for an archived page without a date). From
    `since` on (one range of the (date, page) index), plus each page's latest snapshot before `since` (the
    base of its first change): read from PageLatest as it stood before this update (one scan, no probe) where
    that is before `since`; a probe on the (page, date) index only for the pages PageLatest cannot answer
    (latest on or after `since`, or no row yet and snapshots from `since` on). So `analytics_update` reads
    this before it refreshes PageLatest.
    """
    snapshot, page, org = Snapshot._meta.db_table, SocialPage._meta.db_table, Organisation._meta.db_table
    columns = f"""s.page_id, s.date, substr(o.path, 1, {int(depth) * STEPLEN}) AS prefix,
               CASE WHEN o.depth <= {int(depth)} THEN o.id END AS own_org,
               p.network, CASE WHEN p.status = %s THEN p.archived_on END AS archive_end,
               s.subscribers, COALESCE(s.posts_30d, 0) AS posts_30d,
               COALESCE(s.posts_counted, 0) AS posts_counted,
               COALESCE(s.likes, 0) + COALESCE(s.comments, 0) + COALESCE(s.reposts, 0) AS interactions,
               COALESCE(s.views, 0) AS views"""
    joins = f"JOIN {page} p ON p.id = s.page_id JOIN {org} o ON o.id = p.organisation_id"
    counted = "(p.status <> %s OR (p.archived_on IS NOT NULL AND s.date < p.archived_on))"
    if since is None:
        sql = f"SELECT {columns} FROM {snapshot} s {joins} WHERE {counted}"
        return sql, [PageStatus.ARCHIVED, PageStatus.ARCHIVED]
    latest = PageLatest._meta.db_table
    sql = f"""
        SELECT {columns} FROM {snapshot} s {joins} WHERE s.date >= %s AND {counted}
        UNION ALL
        SELECT {columns} FROM {latest} s
        JOIN {page} p ON p.id = s.page_id JOIN {org} o ON o.id = p.organisation_id
        WHERE s.date < %s AND {counted}
        UNION ALL
        SELECT {columns} FROM {page} p
        JOIN {org} o ON o.id = p.organisation_id
        JOIN {snapshot} s ON s.page_id = p.id
         AND s.date = (SELECT MAX(x.date) FROM {snapshot} x WHERE x.page_id = p.id AND x.date < %s)
        WHERE {counted} AND (
            p.id IN (SELECT l.page_id FROM {latest} l WHERE l.date >= %s)
            OR (p.id IN (SELECT x.page_id FROM {snapshot} x WHERE x.date >= %s)
                AND NOT EXISTS (SELECT 1 FROM {latest} l WHERE l.page_id = p.id))
        )
    """
    archived = PageStatus.ARCHIVED
    return sql, [archived, since, archived, archived, since, archived, archived, since, archived, since, since]


def _changes_sql(since: dt.date | None, depth: int) -> tuple[str, list]:
    """Sums of the changes per (rollup prefix, own organisation, network, day), and the long intervals (one
    row per distinct interval: the pages of a nightly run, not collected since, share one per key)."""
    events, params = _events_sql(since, depth)
    deltas = ", ".join(f"{column} - COALESCE(LAG({column}) OVER w, 0) AS d_{column}" for column in SUMS[1:])
    from_since = "WHERE date >= %s" if since is not None else ""
    sql = f"""
        WITH e AS (
            SELECT ev.*, CASE WHEN LAG(ev.date) OVER w IS NULL THEN 1 ELSE 0 END AS d_pages, {deltas},
                   LEAD(ev.date) OVER w AS next_date
            FROM ({events}) ev
            WINDOW w AS (PARTITION BY ev.page_id ORDER BY ev.date)
        )
        SELECT 'd' AS kind, prefix, own_org, network, date, NULL AS stop, {", ".join(f"SUM(d_{c})" for c in SUMS)}
        FROM e {from_since}
        GROUP BY prefix, own_org, network, date
        UNION ALL
        SELECT 'l', prefix, own_org, network, date, COALESCE(next_date, archive_end), {", ".join("0" for _c in SUMS)}
        FROM e WHERE next_date IS NULL OR next_date <> {_next_day("date")}
        GROUP BY prefix, own_org, network, date, COALESCE(next_date, archive_end)
    """
    return sql, [*params, *([since] if since is not None else [])]


def _archive_ends(since: dt.date | None, horizon: dt.date, depth: int) -> list[tuple]:
    """(prefix, own org, network, archive date, *the page's last counted values) of pages archived in range."""
    snapshot, page, org = Snapshot._meta.db_table, SocialPage._meta.db_table, Organisation._meta.db_table
    sql = f"""
        SELECT substr(o.path, 1, {int(depth) * STEPLEN}), CASE WHEN o.depth <= {int(depth)} THEN o.id END,
               p.network, p.archived_on, s.subscribers, COALESCE(s.posts_30d, 0), COALESCE(s.posts_counted, 0),
               COALESCE(s.likes, 0) + COALESCE(s.comments, 0) + COALESCE(s.reposts, 0), COALESCE(s.views, 0)
        FROM {page} p
        JOIN {org} o ON o.id = p.organisation_id
        JOIN {snapshot} s ON s.page_id = p.id AND s.date = (
            SELECT MAX(x.date) FROM {snapshot} x WHERE x.page_id = p.id AND x.date < p.archived_on)
        WHERE p.status = %s AND p.archived_on IS NOT NULL AND p.archived_on <= %s
    """
    params: list = [PageStatus.ARCHIVED, horizon]
    if since is not None:
        sql += " AND p.archived_on >= %s"
        params.append(since)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _as_date(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def subtree_days(*, since: dt.date | None, horizon: dt.date, depth: int) -> dict[tuple, dict[dt.date, tuple]]:
    """Recompute SubtreeDay from `since` (None: from the first snapshot) through `horizon`, in memory.

    Returns {key: {day: (pages, subscribers, posts_30d, posts_counted, interactions, views, oldest)}}
    for days with at least one page counted. The rows before `since` are the base of the running sums.
    """
    tree = _Tree.load(depth)
    changes: dict[tuple, dict[dt.date, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0] * len(SUMS)))
    long_intervals: dict[tuple, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    stop_after = horizon + dt.timedelta(days=1)
    sql, params = _changes_sql(since, depth)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, prefix, own_org, network, day, stop, *sums in cursor.fetchall():
            day = _as_date(day)
            for key in tree.keys(prefix, own_org, network):
                if kind == "d":
                    row = changes[key][day]
                    for index, value in enumerate(sums):
                        row[index] += int(value or 0)
                else:
                    long_intervals[key].append((day, min(_as_date(stop) or stop_after, stop_after)))
    for prefix, own_org, network, day, *values in _archive_ends(since, horizon, depth):
        for key in tree.keys(prefix, own_org, network):
            row = changes[key][_as_date(day)]
            for index, value in enumerate((1, *values)):
                row[index] -= int(value or 0)
    base: dict[tuple, list[int]] = {}
    first = since
    if since is not None:
        for row in SubtreeDay.objects.filter(day=since - dt.timedelta(days=1)).values_list(
            "organisation_id", "own", "network", *SUMS
        ):
            base[row[:3]] = list(row[3:])
    else:
        first = min((day for days in changes.values() for day in days), default=horizon)
    result: dict[tuple, dict[dt.date, tuple]] = {}
    for key in set(changes) | set(base):
        running = list(base.get(key, [0] * len(SUMS)))
        days_changed = changes.get(key, {})
        intervals = sorted(long_intervals.get(key, []))
        active: list[tuple[dt.date, dt.date]] = []
        position = 0
        rows = {}
        day = first
        while day <= horizon:
            delta = days_changed.get(day)
            if delta is not None:
                running = [value + change for value, change in zip(running, delta, strict=True)]
            while position < len(intervals) and intervals[position][0] <= day:
                heapq.heappush(active, intervals[position])
                position += 1
            while active and active[0][1] <= day:
                heapq.heappop(active)
            if running[0] > 0:
                rows[day] = (*running, active[0][0] if active else day)
            day += dt.timedelta(days=1)
        if rows:
            result[key] = rows
    return result


def _write_days(result: dict[tuple, dict[dt.date, tuple]], since: dt.date | None) -> int:
    stale = SubtreeDay.objects.all() if since is None else SubtreeDay.objects.filter(day__gte=since)
    stale.delete()
    batch: list[SubtreeDay] = []
    written = 0
    for (organisation_id, own, network), rows in result.items():
        for day, (*sums, oldest) in rows.items():
            batch.append(
                SubtreeDay(
                    organisation_id=organisation_id,
                    own=own,
                    network=network,
                    day=day,
                    oldest=oldest,
                    **dict(zip(SUMS, sums, strict=True)),
                )
            )
            if len(batch) >= WRITE_BATCH:
                SubtreeDay.objects.bulk_create(batch)
                written, batch = written + len(batch), []
    SubtreeDay.objects.bulk_create(batch)
    return written + len(batch)


def _write_horizon_day(day: dt.date, depth: int) -> None:
    """SubtreeDay of `day`, the horizon, from PageLatest (already up to date): no snapshot is later than the
    horizon, so on that day every counted page's value is its latest snapshot, the oldest date behind a sum
    is the earliest latest-date among its pages, and a page is counted unless it is archived (an archived
    page's archive date is on or before the horizon). One aggregate per key, set-based: the pages grouped by
    (rollup prefix, own organisation, network) first (a few rows per territorial organisation), then summed
    into each rollup ancestor (`own` False) and each own organisation (`own` True)."""
    latest, page, org = PageLatest._meta.db_table, SocialPage._meta.db_table, Organisation._meta.db_table
    table = SubtreeDay._meta.db_table
    sums = ", ".join(f"SUM(g.{column})" for column in SUMS)
    levels = "VALUES " + ", ".join(f"({level})" for level in range(1, int(depth) + 1))  # the prefix's steps
    sql = f"""
        WITH k(n) AS ({levels}), g AS (
            SELECT substr(o.path, 1, {int(depth) * STEPLEN}) AS prefix,
                   CASE WHEN o.depth <= {int(depth)} THEN o.id END AS own_org, p.network,
                   COUNT(*) AS pages, SUM(l.subscribers) AS subscribers, SUM(COALESCE(l.posts_30d, 0)) AS posts_30d,
                   SUM(COALESCE(l.posts_counted, 0)) AS posts_counted,
                   SUM(COALESCE(l.likes, 0) + COALESCE(l.comments, 0) + COALESCE(l.reposts, 0)) AS interactions,
                   SUM(COALESCE(l.views, 0)) AS views, MIN(l.date) AS oldest
            FROM {latest} l JOIN {page} p ON p.id = l.page_id JOIN {org} o ON o.id = p.organisation_id
            WHERE p.status <> %s AND l.date <= %s
            GROUP BY 1, 2, 3
        )
        INSERT INTO {table} (organisation_id, own, network, day, {", ".join(SUMS)}, oldest)
        SELECT a.id, %s, g.network, %s, {sums}, MIN(g.oldest)
        FROM g JOIN k ON k.n * {STEPLEN} <= length(g.prefix)
        JOIN {org} a ON a.path = substr(g.prefix, 1, k.n * {STEPLEN})
        GROUP BY a.id, g.network
        UNION ALL
        SELECT g.own_org, %s, g.network, %s, {sums}, MIN(g.oldest)
        FROM g WHERE g.own_org IS NOT NULL
        GROUP BY g.own_org, g.network
    """
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE day >= %s", [day])
        cursor.execute(sql, [PageStatus.ARCHIVED, day, False, day, True, day])


# The hooks ------------------------------------------------------------------------------------------


@transaction.atomic
def analytics_rebuild(*, today: dt.date | None = None) -> AnalyticsState:
    """Fill the analytics tables from scratch (and switch the reports over to them)."""
    today = today or timezone.localdate()
    last = _last_snapshot_date()
    horizon, depth = _horizon(today, last), rollup_depth()
    page_latest_refresh()
    _write_days(subtree_days(since=None, horizon=horizon, depth=depth), None)
    dashboard_days_clear()  # stored again after the next nightly run (reports/summary.py)
    AnalyticsState.objects.all().delete()
    return AnalyticsState.objects.create(built_at=timezone.now(), horizon=horizon, depth=depth, latest_date=last)


@transaction.atomic
def analytics_update(*, page_ids: Iterable[int] | None = None, since: dt.date | None = None) -> None:
    """Bring the analytics tables up to date after snapshots of `page_ids` changed from `since` on.

    The one hook for every writer: the nightly run, imports, manual entry and corrections, archiving,
    moving a page and merging organisations; called in the writer's transaction after its writes, which are
    all on or after `since`. `page_ids=None` refreshes the latest value of every page with a snapshot from
    `since` on (every page when `since` is None too); `since=None` recomputes every day. Nothing happens
    before the first `analytics_rebuild`.
    """
    state = AnalyticsState.objects.select_for_update().order_by("pk").first()
    if state is None:
        return
    today = timezone.localdate()
    last = _last_snapshot_date()
    horizon, depth = _horizon(today, last), rollup_depth()
    if depth != state.depth:
        since = None  # a deeper territorial level: every rollup organisation is new
    elif since is not None:
        since = min(since, state.horizon + dt.timedelta(days=1))
    if since is not None and since == horizon:
        # One day, the horizon (the nightly run): PageLatest first, then the day's sums from it.
        page_latest_horizon(since)
        _write_horizon_day(since, depth)
    else:
        # SubtreeDay first: its base values come from PageLatest as it stood before these changes.
        _write_days(subtree_days(since=since, horizon=horizon, depth=depth), since)
        if since is None:
            page_latest_refresh(page_ids)
        else:
            page_latest_upsert(since=since, page_ids=page_ids)
    # A new rollup depth makes other organisations the dashboard's units: every stored row goes.
    _forget_units(state, page_ids=page_ids if depth == state.depth else None)
    state.horizon, state.depth, state.latest_date, state.built_at = horizon, depth, last, timezone.now()
    state.save()


@transaction.atomic
def dashboard_days_forget(*, page_ids: Iterable[int] | None = (), paths: Iterable[str] = ()) -> None:
    """Delete the dashboard's stored rows (DashboardDay) of the units holding these pages or the organisations
    at these paths; every row when `page_ids` is None. The hook for writers of pages and organisations (the
    analytics receivers); `analytics_update` calls it for the pages it updates.

    Takes the analytics state's row first, as `dashboard_days_build` does: a build under way finishes, then its
    rows for these units go."""
    state = AnalyticsState.objects.select_for_update().order_by("pk").first()
    if state is not None:
        _forget_units(state, page_ids=page_ids, paths=paths)


def dashboard_days_clear() -> None:
    """Delete every stored dashboard row, their leaders first (so the rows' delete has no cascade to collect)."""
    DashboardLeader.objects.all().delete()
    DashboardDay.objects.all().delete()


def _forget_units(state: AnalyticsState, *, page_ids: Iterable[int] | None, paths: Iterable[str] = ()) -> None:
    if page_ids is None:
        dashboard_days_clear()
        return
    paths = set(paths)
    page_ids = list(page_ids)
    if page_ids:
        paths |= set(SocialPage.objects.filter(pk__in=page_ids).values_list("organisation__path", flat=True))
    length = state.depth * STEPLEN
    # An organisation above the units is read from the pages in every request: nothing stored to delete.
    units = {path[:length] for path in paths if len(path) >= length}
    if units:  # their leaders with them (a foreign key)
        DashboardDay.objects.filter(organisation__path__in=sorted(units)).delete()


def analytics_check(*, today: dt.date | None = None) -> list[str]:
    """Differences between the stored tables and a recomputation from the snapshots (empty: they agree)."""
    state = analytics_state()
    if state is None:
        return ["The analytics tables have not been built: run analytics_rebuild."]
    depth = rollup_depth()
    problems = []
    if depth != state.depth:
        problems.append(f"rollup depth {state.depth} stored, {depth} now")
    if state.latest_date != (last := _last_snapshot_date()):
        problems.append(f"last snapshot date {state.latest_date} stored, {last} now")
    expected = subtree_days(since=None, horizon=state.horizon, depth=depth)
    stored: dict[tuple, dict[dt.date, tuple]] = defaultdict(dict)
    for row in SubtreeDay.objects.values_list("organisation_id", "own", "network", "day", *SUMS, "oldest"):
        stored[row[:3]][row[3]] = tuple(row[4:])
    for key in sorted(set(expected) | set(stored), key=str):
        want, have = expected.get(key, {}), stored.get(key, {})
        for day in sorted(set(want) | set(have)):
            if want.get(day) != have.get(day):
                problems.append(f"{key} {day}: stored {have.get(day)}, expected {want.get(day)}")
                break
    latest_expected = {row["page_id"]: row for row in _latest_rows(SocialPage.objects.all())}
    latest_stored = {row["page_id"]: row for row in PageLatest.objects.values()}
    for page_id in sorted(set(latest_expected) | set(latest_stored)):
        if latest_expected.get(page_id) != latest_stored.get(page_id):
            have, want = latest_stored.get(page_id), latest_expected.get(page_id)
            problems.append(f"page {page_id}: stored {have}, expected {want}")
    return problems


def _latest_rows(pages) -> list[dict]:
    return list(_latest_values(pages))
