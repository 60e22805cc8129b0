"""Reads of the contests app: who sees which contest, the ranking, jury progress, resolution figures.

The ranking is computed in Python from a fixed number of queries, whatever the number of participants.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from news.models import NewsItem, NewsPhoto, NewsStatus
from orgs import access
from orgs.models import Role

from . import scoring
from .models import AutoScore, Contest, ContestStatus, Criterion, Entry, Juror, JuryScore


def managed_contests(user) -> QuerySet[Contest]:
    """Contests an information officer manages: those whose scope lies in their subtree."""
    return Contest.objects.filter(access.path_filter(user, "scope__path", roles=[Role.INFO_OFFICER]))


def dashboard_contests(user) -> QuerySet[Contest]:
    """Contests whose ranking the user sees: information officers and the presidium over the scope."""
    return Contest.objects.filter(
        access.path_filter(user, "scope__path", roles=[Role.INFO_OFFICER, Role.PRESIDIUM])
    ).select_related("scope")


def participant_contests(user) -> QuerySet[Contest]:
    """Published contests with an entry inside the user's editable scope (the participants' admins)."""
    entries = Entry.objects.filter(access.path_filter(user, "organisation__path", roles=access.EDIT_ROLES))
    return Contest.objects.filter(status=ContestStatus.PUBLISHED, pk__in=entries.values("contest_id"))


def juror_contests(user) -> QuerySet[Contest]:
    return Contest.objects.filter(jurors__user=user, status=ContestStatus.JUDGING)


def visible_contests(user) -> QuerySet[Contest]:
    return (
        Contest.objects.filter(
            Q(pk__in=dashboard_contests(user).values("pk"))
            | Q(pk__in=participant_contests(user).values("pk"))
            | Q(pk__in=juror_contests(user).values("pk"))
        )
        .select_related("scope")
        .order_by("-period_end", "-pk")
    )


def conflict_filter(user) -> Q:
    """Entries from the juror's own organisations' subtrees (any role the juror holds there)."""
    paths = access.scope_paths(user)
    if paths is None:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(organisation__path__startswith=path)
    return condition


def scorable_entries(juror: Juror) -> QuerySet[Entry]:
    """The entries this juror may score: the contest's entries minus conflicts of interest."""
    return juror.contest.entries.exclude(conflict_filter(juror.user)).order_by("title")


# A news item competes once it has passed review; drafts, submitted and returned items do not.
CONTEST_NEWS_STATUSES = (NewsStatus.ACCEPTED, NewsStatus.PUBLISHED)


def contest_news_items(contest: Contest) -> QuerySet[NewsItem]:
    """The news items a news contest draws its entries from: accepted or published, reported for a month
    of the period (`reporting_month` from the first day of the start's month to the end), from an
    organisation in the contest's scope."""
    return (
        NewsItem.objects.filter(
            status__in=CONTEST_NEWS_STATUSES,
            reporting_month__gte=contest.period_start.replace(day=1),
            reporting_month__lte=contest.period_end,
            organisation__path__startswith=contest.scope.path,
        )
        .select_related("organisation")
        .order_by("organisation__name", "reporting_month", "pk")
    )


def entry_news_items(entries: list[Entry]) -> dict[int, NewsItem]:
    """News entries' items with their photos, by entry id: two queries however many entries."""
    ids = {entry.news_item_id for entry in entries if entry.news_item_id}
    if not ids:
        return {}
    items = (
        NewsItem.objects.filter(pk__in=ids)
        .select_related("organisation")
        .prefetch_related(Prefetch("photos", queryset=NewsPhoto.objects.order_by("pk")))
    )
    by_id = {item.pk: item for item in items}
    return {entry.pk: by_id[entry.news_item_id] for entry in entries if entry.news_item_id in by_id}


def news_entry_or_404(user, contest_id: int, entry_id: int) -> Entry:
    """A news entry whose item the user may read through the contest: the contest is on their dashboard
    (information officers, the presidium), or they are its juror while it is judged and may score it."""
    as_jury = Q(contest__jurors__user=user, contest__status=ContestStatus.JUDGING) & ~conflict_filter(user)
    as_dashboard = Q(contest__in=dashboard_contests(user).values("pk"))
    entries = Entry.objects.filter(as_dashboard | as_jury, contest_id=contest_id, news_item_id__isnull=False)
    return get_object_or_404(entries.select_related("contest", "organisation").distinct(), pk=entry_id)


@dataclass
class Ranking:
    contest: Contest
    criteria: list[Criterion]
    rows: list[scoring.Row]
    comments: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # entry → (criterion, comment)

    @property
    def jury_criteria(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if criterion.is_jury]

    def row_for(self, entry_id: int) -> scoring.Row | None:
        return next((row for row in self.rows if row.entry_id == entry_id), None)


def contest_ranking(contest: Contest) -> Ranking:
    """Totals, places and breakdowns: four queries (criteria, entries, frozen points, jury scores)."""
    criteria = list(contest.criteria.all())
    entries = list(contest.entries.only("pk", "contest_id", "title", "organisation_id", "engagement").order_by("title"))
    rows = {
        entry.pk: scoring.Row(
            entry_id=entry.pk, title=entry.title, organisation_id=entry.organisation_id, engagement=entry.engagement
        )
        for entry in entries
    }
    for entry_id, criterion_id, value, points in AutoScore.objects.filter(entry__contest=contest).values_list(
        "entry_id", "criterion_id", "value", "points"
    ):
        if entry_id in rows:
            rows[entry_id].points[criterion_id] = points
            rows[entry_id].values[criterion_id] = value
    by_criterion: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    comments: dict[int, list[tuple[str, str]]] = defaultdict(list)
    names = {criterion.pk: criterion.name for criterion in criteria}
    for juror_id, entry_id, criterion_id, points, abstained, comment in JuryScore.objects.filter(
        entry__contest=contest
    ).values_list("juror_id", "entry_id", "criterion_id", "points", "abstained", "comment"):
        if not abstained and points is not None:
            by_criterion[criterion_id].append((juror_id, entry_id, float(points)))
        if comment:
            comments[entry_id].append((names.get(criterion_id, ""), comment))
    for criterion in criteria:
        if not criterion.is_jury:
            continue
        points = scoring.jury_points(
            by_criterion.get(criterion.pk, []), max_points=float(criterion.max_points), normalise=contest.normalise_jury
        )
        for entry_id, value in points.items():
            if entry_id in rows:
                rows[entry_id].points[criterion.pk] = value
    for row in rows.values():
        for criterion in criteria:
            weighted = float(criterion.weight) * row.points.get(criterion.pk, 0.0)
            row.weighted[criterion.pk] = weighted
            row.total += weighted
            if criterion.is_jury:
                row.jury_total += weighted
    return Ranking(contest, criteria, scoring.assign_places(list(rows.values())), dict(comments))


@dataclass
class JurorProgress:
    juror: Juror
    done: int
    expected: int

    @property
    def percent(self) -> float:
        return self.done / self.expected * 100 if self.expected else 100.0


def jury_progress(contest: Contest) -> list[JurorProgress]:
    """Per juror: marks given (scores or abstentions) of the marks expected from them (entries they may
    score × jury criteria). Three queries plus one per juror's conflict count (jurors are few)."""
    jury_criteria = contest.criteria.filter(source="jury").count()
    jurors = list(contest.jurors.select_related("user").order_by("user__username"))
    done: dict[int, int] = defaultdict(int)
    for juror_id in JuryScore.objects.filter(juror__contest=contest).values_list("juror_id", flat=True):
        done[juror_id] += 1
    return [JurorProgress(juror, done[juror.pk], scorable_entries(juror).count() * jury_criteria) for juror in jurors]


def juror_marks(juror: Juror) -> dict[tuple[int, int], JuryScore]:
    return {(score.entry_id, score.criterion_id): score for score in juror.scores.all()}


@dataclass
class ResolutionFigures:
    participants: int
    subscribers_gained: int
    publications: int


def resolution_figures(contest: Contest, ranking: Ranking) -> ResolutionFigures:
    """The preamble's figures from the frozen data: participants, subscribers gained, publications.

    Subscribers gained and posts come from metrics at the period's end (computed now, not frozen: they
    describe the period, they do not move places)."""
    from . import metrics

    entries = list(contest.entries.all())
    values = metrics.entry_metrics(
        entries, start=contest.period_start, end=contest.period_end, metrics={"subscribers_gained", "posts_per_month"}
    )
    gained = sum(max(item.get("subscribers_gained") or 0, 0) for item in values.values())
    months = max(round((contest.period_end - contest.period_start).days / 30.4), 1)
    posts = sum((item.get("posts_per_month") or 0) for item in values.values()) * months
    return ResolutionFigures(len(ranking.rows), gained, int(posts))
