"""Automatic metrics of the entries, read from socialstats in a fixed number of queries.

An organisation entry counts the pages registered to the organisation itself (not its subtree), including
pages its youth council or its leaders run (`SocialPage.owner`); a page entry counts that page only.
Pages that are deleted, blocked or not found on the network are left out. See docs/contests.md.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import NamedTuple

from django.db import connection
from django.db.models import OuterRef, Subquery

from news.models import NewsPostLink
from socialstats.models import (
    AnalyticsState,
    PageLatest,
    PageOwner,
    PageStatus,
    PrintPublication,
    Snapshot,
    SocialPage,
    Website,
)
from socialstats.posts.selectors import posts_per_week
from socialstats.reports.facts import fetch_report, subscribers_on, to_date, to_datetime
from unionportal.lib.sql import in_ids

from .models import Entry, Metric

GONE = (PageStatus.DELETED, PageStatus.BANNED, PageStatus.NOT_FOUND)
ACTIVE_WINDOW = dt.timedelta(days=30)


class PageValues(NamedTuple):
    """A page's values at the end date: its latest snapshot on or before it."""

    date: dt.date
    subscribers: int
    posts_30d: int | None
    last_post_at: dt.datetime | None
    posts_counted: int | None
    likes: int | None
    comments: int | None
    reposts: int | None


# What the metrics read of a page's values: PageLatest's and the snapshot's names alike.
VALUES = PageValues._fields


class EntryPage(NamedTuple):
    pk: int
    owner: str


class EntryKey(NamedTuple):
    """An entry's id and foreign keys, read once: Django reads a foreign key through a descriptor every time."""

    pk: int
    organisation_id: int
    page_id: int | None
    news_item_id: int | None


def entry_keys(entries: list[Entry]) -> list[EntryKey]:
    """Read from each entry's own values (a model instance keeps them in its __dict__ by attname; the entries are
    whole, not deferred): through the descriptors this took a twentieth of the read of 200 entries."""
    return [
        EntryKey(values["id"], values["organisation_id"], values["page_id"], values["news_item_id"])
        for values in map(vars, entries)
    ]


def _pages_and_values(
    keys: list[EntryKey], on: dt.date
) -> tuple[dict[int, list[EntryPage]], list[int], dict[int, PageValues]]:
    """The pages of each entry, their ids, and each page's values on `on`, in one query (two when some page was
    collected after `on`, or before the analytics tables are built).

    The values are socialstats' latest-value row where it is on or before `on` (every page, for a contest still
    running); the snapshots for the other pages. With the tables built, a page without a latest row has no
    snapshot."""
    org_ids = [key.organisation_id for key in keys if key.page_id is None and key.news_item_id is None]
    single_ids = [key.page_id for key in keys if key.page_id is not None]
    page, latest, state = SocialPage._meta.db_table, PageLatest._meta.db_table, AnalyticsState._meta.db_table
    in_orgs, org_params = in_ids("p.organisation_id", org_ids)
    in_singles, single_params = in_ids("p.id", single_ids)
    gone = ", ".join("%s" for _status in GONE)
    # Raw SQL with one array parameter per id list on PostgreSQL: Django's IN lookup of 200 organisations cost
    # more than the statement itself (docs/analytics.md, «What reads them»).
    rows = fetch_report(
        f"""SELECT p.id, p.organisation_id, p.owner, p.status, EXISTS (SELECT 1 FROM {state}),
                   {", ".join(f"l.{name}" for name in VALUES)}
            FROM {page} p LEFT JOIN {latest} l ON l.page_id = p.id
            WHERE ({in_orgs} AND p.status NOT IN ({gone})) OR {in_singles}""",
        [*org_params, *GONE, *single_params],
    )
    by_org: dict[int, list[EntryPage]] = defaultdict(list)
    by_id: dict[int, EntryPage] = {}
    values: dict[int, PageValues] = {}
    remaining = []
    # PostgreSQL gives dates and aware datetimes; SQLite's raw cursor gives text (facts.to_date, to_datetime).
    typed = connection.vendor == "postgresql"
    for pk, org_id, owner, status, built, *latest_row in rows:
        entry_page = by_id[pk] = EntryPage(pk, owner)
        if status not in GONE:  # a page entry's page may be gone; an organisation's gone pages do not count
            by_org[org_id].append(entry_page)
        latest_date = latest_row[0]
        if latest_date is not None and not typed:
            latest_date = latest_row[0] = to_date(latest_date)
            latest_row[3] = to_datetime(latest_row[3])
        if built and latest_date is not None and latest_date <= on:
            values[pk] = PageValues._make(latest_row)
        elif not built or latest_date is not None:  # with the tables built, no latest row means no snapshot
            remaining.append(pk)
    if remaining:
        newest = Snapshot.objects.filter(page=OuterRef("page"), date__lte=on).order_by("-date").values("date")[:1]
        for pk, *row in Snapshot.objects.filter(page__in=remaining, date__lte=on, date=Subquery(newest)).values_list(
            "page_id", *VALUES
        ):
            values[pk] = PageValues._make(row)
    pages_of: dict[int, list[EntryPage]] = {}
    for key in keys:
        if key.page_id is not None:
            pages_of[key.pk] = [by_id[key.page_id]] if key.page_id in by_id else []
        elif key.news_item_id is None:
            pages_of[key.pk] = by_org.get(key.organisation_id, [])
        else:
            pages_of[key.pk] = []
    return pages_of, sorted(by_id), values


def _subscribers_and_engagement(values: list[PageValues]) -> tuple[int, float | None]:
    """Σ subscribers, and the engagement: Σ mean interactions per post ÷ Σ subscribers × 100 over the pages that
    have post data (None without any). One pass: this runs per entry."""
    subscribers = engaged = 0
    interactions = 0.0
    for value in values:
        subscribers += value.subscribers
        if value.posts_counted and value.subscribers:
            interactions += ((value.likes or 0) + (value.comments or 0) + (value.reposts or 0)) / value.posts_counted
            engaged += value.subscribers
    return subscribers, (interactions / engaged * 100 if engaged else None)


def _news_reactions(keys: list[EntryKey]) -> dict[int, int]:
    """{news item id: Σ likes + comments + reposts of the posts it appeared in} (NewsPostLink). One query.

    A deleted post keeps its last values and still counts; an item in no post has 0."""
    ids = [key.news_item_id for key in keys if key.news_item_id]
    totals: dict[int, int] = dict.fromkeys(ids, 0)
    for item_id, likes, comments, reposts in NewsPostLink.objects.filter(item__in=ids).values_list(
        "item_id", "post__likes", "post__comments", "post__reposts"
    ):
        totals[item_id] += (likes or 0) + (comments or 0) + (reposts or 0)
    return totals


def _active(value: PageValues, end: dt.date) -> bool:
    """A page that posted in the 30 days before the end date (its last post, or its posts in 30 days)."""
    recent_post = value.last_post_at is not None and value.last_post_at.date() > end - ACTIVE_WINDOW
    return recent_post or (value.posts_30d or 0) > 0


def _frequency(ids: list[int], per_week: dict[int, float]) -> float | None:
    """The 003 «частота публикаций» of an entry: the mean posts per week over its pages that published in the
    period (a page that posted nothing does not pull the organisation down: the number of pages is its own
    criterion); 0 when none of its pages published, no value without pages."""
    if not ids:
        return None
    rates = [per_week[pk] for pk in ids if per_week.get(pk)]
    return sum(rates) / len(rates) if rates else 0.0


class Asked(NamedTuple):
    """Which metrics a call computes, read once: the loop over the entries runs a few hundred times, and reading
    an enum member there (`Metric.X in metrics`) cost a quarter of it."""

    pages_used: bool
    subscribers_end: bool
    subscribers_gained: bool
    growth_pct: bool
    posts_per_month: bool
    active_pages: bool
    youth_page: bool
    leader_pages: bool
    website_checklist: bool
    print_publications: bool
    news_reactions: bool
    posts_per_week: bool

    @classmethod
    def of(cls, metrics: set[str]) -> Asked:
        return cls(**{name: Metric(name) in metrics for name in cls._fields})


def entry_metrics(entries: list[Entry], *, start: dt.date, end: dt.date, metrics: set[str]) -> dict[int, dict]:
    """{entry id: {metric: value or None}} for the requested metrics (always including engagement)."""
    metrics = set(metrics) | {Metric.ENGAGEMENT}
    keys = entry_keys(entries)
    pages_of, page_ids, snaps = _pages_and_values(keys, end)
    asked = Asked.of(metrics)
    needs_start = asked.subscribers_gained or asked.growth_pct
    # The start values only for the metrics that compare with them (two snapshot queries otherwise wasted).
    at_start = subscribers_on(page_ids, start) if page_ids and needs_start else {}
    org_ids = [key.organisation_id for key in keys]
    checklist: dict[int, int] = {}
    if asked.website_checklist:
        for site in Website.objects.filter(organisation__in=org_ids, is_active=True):
            checklist[site.organisation_id] = max(checklist.get(site.organisation_id, 0), site.checklist_score)
    prints: dict[int, int] = defaultdict(int)
    if asked.print_publications:
        for org_id in PrintPublication.objects.filter(organisation__in=org_ids, is_active=True).values_list(
            "organisation_id", flat=True
        ):
            prints[org_id] += 1
    reactions = _news_reactions(keys) if asked.news_reactions else {}
    per_week = posts_per_week(page_ids, start=start, end=end) if asked.posts_per_week else {}

    engagement = Metric.ENGAGEMENT
    result: dict[int, dict] = {}
    for key in keys:
        own = pages_of[key.pk]
        own_values = [snaps[page.pk] for page in own if page.pk in snaps]
        end_subs, row_engagement = _subscribers_and_engagement(own_values)
        # Only the metrics asked for (a contest's criteria): 200 entries of one metric in a few milliseconds.
        row: dict = {engagement: row_engagement}
        if asked.pages_used:
            row[Metric.PAGES_USED] = len(own)
        if asked.subscribers_end:
            row[Metric.SUBSCRIBERS_END] = end_subs
        if needs_start:
            start_subs = sum(at_start[page.pk][0] for page in own if page.pk in at_start)
            if asked.subscribers_gained:
                row[Metric.SUBSCRIBERS_GAINED] = end_subs - start_subs
            if asked.growth_pct:
                row[Metric.GROWTH_PCT] = (end_subs - start_subs) / start_subs * 100 if start_subs else None
        if asked.posts_per_month:
            row[Metric.POSTS_PER_MONTH] = sum(value.posts_30d or 0 for value in own_values) if own_values else None
        if asked.active_pages:
            row[Metric.ACTIVE_PAGES] = sum(1 for value in own_values if _active(value, end))
        if asked.youth_page:
            row[Metric.YOUTH_PAGE] = int(any(page.owner == PageOwner.YOUTH_COUNCIL for page in own))
        if asked.leader_pages:
            row[Metric.LEADER_PAGES] = int(any(page.owner == PageOwner.LEADER for page in own))
        if asked.website_checklist:
            row[Metric.WEBSITE_CHECKLIST] = checklist.get(key.organisation_id, 0)
        if asked.print_publications:
            row[Metric.PRINT_PUBLICATIONS] = prints.get(key.organisation_id, 0)
        if asked.news_reactions:
            row[Metric.NEWS_REACTIONS] = reactions.get(key.news_item_id) if key.news_item_id else None
        if asked.posts_per_week:
            row[Metric.POSTS_PER_WEEK] = _frequency([page.pk for page in own], per_week)
        result[key.pk] = row
    return result
