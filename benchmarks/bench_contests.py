"""Contests: freezing the automatic points and computing the ranking at growing numbers of participants.

Runs in a throw-away test database (created and destroyed here), never in the working database.
"""

from __future__ import annotations

import datetime as dt
import time

TITLE = "Contests: freeze and ranking"
SIZES = (100, 1_000, 5_000)


def _build(size: int, union, juror_user):
    from contests import services
    from contests.models import Contest, ContestStatus, Criterion, Entry, JuryScore, Metric
    from socialstats.models import Network, Snapshot, SnapshotSource, SocialPage

    start, end = dt.date(2024, 1, 1), dt.date(2024, 3, 31)
    contest = Contest.objects.create(
        title=f"bench {size}", scope=union, level="page", period_start=start, period_end=end, status=ContestStatus.OPEN
    )
    for position, metric in enumerate(
        (Metric.SUBSCRIBERS_END, Metric.GROWTH_PCT, Metric.POSTS_PER_MONTH, Metric.ENGAGEMENT), start=1
    ):
        Criterion.objects.create(contest=contest, name=metric, source=metric, position=position)
    jury = Criterion.objects.create(contest=contest, name="design", source=Metric.JURY, position=9)
    pages = SocialPage.objects.bulk_create(
        SocialPage(organisation=union, network=Network.VK, url=f"https://vk.com/b{size}_{n}", handle=f"b{size}_{n}")
        for n in range(size)
    )
    Snapshot.objects.bulk_create(
        Snapshot(
            page=page,
            date=date,
            subscribers=100 + n + (50 if date == end else 0),
            posts_30d=n % 20,
            posts_counted=10,
            likes=n % 50,
            comments=n % 7,
            reposts=n % 3,
            source=SnapshotSource.IMPORT,
        )
        for n, page in enumerate(pages)
        for date in (start, end)
    )
    entries = Entry.objects.bulk_create(
        Entry(contest=contest, organisation=union, page=page, title=page.handle) for page in pages
    )
    juror = services.juror_assign(contest=contest, user=juror_user)
    JuryScore.objects.bulk_create(
        JuryScore(juror=juror, entry=entry, criterion=jury, points=n % 11) for n, entry in enumerate(entries)
    )
    return contest


def main() -> str:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment, teardown_test_environment

    from contests import selectors, services
    from orgs.models import OrgKind
    from orgs.services import organisation_add

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    lines = [
        f"Database: {connection.vendor}. Page entries with two snapshots each, 4 automatic criteria and 1 jury "
        "criterion scored by one juror.",
        "",
        "| participants | freeze (start judging) | freeze queries | ranking | ranking queries |",
        "|---:|---:|---:|---:|---:|",
    ]
    try:
        union = organisation_add(parent=None, name="bench union", kind=OrgKind.UNION)
        juror = get_user_model().objects.create(username="bench-juror")
        for size in SIZES:
            contest = _build(size, union, juror)
            with CaptureQueriesContext(connection) as freeze_q:
                began = time.perf_counter()
                services.contest_start_judging(contest=contest)
                freeze = time.perf_counter() - began
            with CaptureQueriesContext(connection) as rank_q:
                began = time.perf_counter()
                ranking = selectors.contest_ranking(contest)
                rank = time.perf_counter() - began
            assert len(ranking.rows) == size
            lines.append(
                f"| {size:,} | {freeze * 1000:.0f} ms | {len(freeze_q)} | {rank * 1000:.0f} ms | {len(rank_q)} |"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    lines += [
        "",
        "The ranking is a fixed number of queries (criteria, entries, frozen points, jury scores) whatever the size;",
        "the freeze reads pages, snapshots and the latest snapshots in a fixed number of queries and bulk-inserts.",
    ]
    return "\n".join(lines)
