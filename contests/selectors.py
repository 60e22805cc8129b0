"""Reads of the contests app: who sees which contest, the ranking, jury progress, resolution figures.

The ranking is computed in Python from a fixed number of queries, whatever the number of participants.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from news.models import NewsItem, NewsPhoto, NewsStatus
from orgs import access
from orgs.models import Organisation, Role
from socialstats.models import SocialPage, Website

from . import scoring
from .models import (
    AutoScore,
    ConflictKind,
    Contest,
    ContestStatus,
    ContestTemplate,
    Criterion,
    Entry,
    Juror,
    JurorConflict,
    JuryScore,
)


def managed_contests(user) -> QuerySet[Contest]:
    """Contests a user organises: information officers any contest whose scope lies in their subtree;
    territorial admins «Лучшая новость месяца» inside their own subtree (the 002 document, point 4.4)."""
    as_officer = Contest.objects.filter(access.path_filter(user, "scope__path", roles=[Role.INFO_OFFICER]))
    as_territorial = Contest.objects.filter(
        access.path_filter(user, "scope__path", roles=[Role.TERRITORIAL_ADMIN]), template=ContestTemplate.NEWS_OF_MONTH
    )
    return Contest.objects.filter(Q(pk__in=as_officer.values("pk")) | Q(pk__in=as_territorial.values("pk")))


def dashboard_contests(user) -> QuerySet[Contest]:
    """Contests whose ranking the user sees: information officers and the presidium over the scope, and
    whoever organises the contest."""
    over_scope = Contest.objects.filter(
        access.path_filter(user, "scope__path", roles=[Role.INFO_OFFICER, Role.PRESIDIUM])
    )
    return Contest.objects.filter(
        Q(pk__in=over_scope.values("pk")) | Q(pk__in=managed_contests(user).values("pk"))
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


def _derived_conflict(paths: list[str] | None, organisation_path: str) -> bool:
    """The juror holds a role (any) over the entry's organisation or an ancestor of it; `paths` None is a
    superuser, who has no organisation of their own."""
    return paths is not None and any(organisation_path.startswith(path) for path in paths)


def conflict_decisions(jurors: list[Juror]) -> dict[tuple[int, int], bool]:
    """(juror id, entry id) → whether a person's decision excludes the juror (declared, recused) or not
    (lifted). One query."""
    rows = JurorConflict.objects.filter(juror__in=[juror.pk for juror in jurors]).values_list(
        "juror_id", "entry_id", "kind"
    )
    return {(juror_id, entry_id): kind != ConflictKind.LIFTED for juror_id, entry_id, kind in rows}


def jury_eligibility(
    jurors: list[Juror], entry_paths: dict[int, str], decisions: dict[tuple[int, int], bool]
) -> dict[int, set[int]]:
    """Per juror id, the ids of the entries that juror may score: entries outside the subtrees where the
    juror holds a role, unless a person decided otherwise for that juror × entry (`decisions`: declared
    or recused excludes, lifted admits). One query per juror for their roles (jurors are few)."""
    eligible: dict[int, set[int]] = {}
    for juror in jurors:
        paths = access.scope_paths(juror.user)
        eligible[juror.pk] = {
            entry_id
            for entry_id, path in entry_paths.items()
            if not decisions.get((juror.pk, entry_id), _derived_conflict(paths, path))
        }
    return eligible


def derived_conflict(juror: Juror, entry: Entry) -> bool:
    """The conflict that follows from the juror's roles alone (before any person's decision)."""
    return _derived_conflict(access.scope_paths(juror.user), entry.organisation.path)


def _entry_paths(contest: Contest) -> dict[int, str]:
    return dict(contest.entries.values_list("pk", "organisation__path"))


def scorable_entries(juror: Juror) -> QuerySet[Entry]:
    """The entries this juror may score: the contest's entries minus conflicts of interest."""
    allowed = jury_eligibility([juror], _entry_paths(juror.contest), conflict_decisions([juror]))[juror.pk]
    return juror.contest.entries.filter(pk__in=allowed).order_by("title")


def contest_conflicts(contest: Contest) -> QuerySet[JurorConflict]:
    """People's conflict decisions on a contest, for the organiser's page."""
    return (
        JurorConflict.objects.filter(juror__contest=contest)
        .select_related("juror__user", "entry", "created_by")
        .order_by("entry__title", "juror__user__username")
    )


def juror_recusals(juror: Juror) -> QuerySet[JurorConflict]:
    return juror.conflicts.filter(kind=ConflictKind.RECUSED).select_related("entry").order_by("entry__title")


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
    entries = Entry.objects.filter(contest_id=contest_id, news_item_id__isnull=False).select_related(
        "contest", "organisation"
    )
    if dashboard_contests(user).filter(pk=contest_id).exists():
        return get_object_or_404(entries, pk=entry_id)
    juror = (
        Juror.objects.filter(contest_id=contest_id, user=user, contest__status=ContestStatus.JUDGING)
        .select_related("contest", "user")
        .first()
    )
    if juror is None:
        raise Http404
    return get_object_or_404(entries.filter(pk__in=scorable_entries(juror).values("pk")), pk=entry_id)


@dataclass
class EntryCoverage:
    """How well the jury covered one entry: who may score it, who did, what is still missing."""

    entry_id: int
    title: str
    eligible: int  # jurors who may score it
    scorers: int  # of them, those who gave at least one score (abstentions do not count)
    marks_given: int  # scores and abstentions from eligible jurors
    marks_expected: int  # eligible jurors × jury criteria
    minimum: int

    @property
    def missing(self) -> int:
        return max(self.marks_expected - self.marks_given, 0)

    @property
    def under_minimum(self) -> bool:
        return self.scorers < self.minimum

    @property
    def has_gap(self) -> bool:
        return self.under_minimum or self.missing > 0


@dataclass
class JurorProgress:
    juror: Juror
    done: int
    expected: int

    @property
    def percent(self) -> float:
        return self.done / self.expected * 100 if self.expected else 100.0


@dataclass
class JuryState:
    """Everything the ranking, the progress and the coverage need about the jury, read once."""

    contest: Contest
    criteria: list[Criterion]
    entries: list[Entry]
    jurors: list[Juror]
    eligible: dict[int, set[int]]  # juror id → entry ids they may score
    marks: list[tuple[int, int, int, float | None, bool, str]]  # juror, entry, criterion, points, abstained, comment

    @property
    def jury_criteria(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if criterion.is_jury]

    def counted_marks(self):
        """Marks of eligible jurors on jury criteria: a mark from a juror who may not score the entry
        (a conflict found after they scored) never counts."""
        jury = {criterion.pk for criterion in self.jury_criteria}
        for mark in self.marks:
            juror_id, entry_id, criterion_id = mark[:3]
            if criterion_id in jury and entry_id in self.eligible.get(juror_id, ()):
                yield mark

    def coverage(self) -> list[EntryCoverage]:
        criteria_count = len(self.jury_criteria)
        if not criteria_count:
            return []
        eligible_count: dict[int, int] = defaultdict(int)
        for entry_ids in self.eligible.values():
            for entry_id in entry_ids:
                eligible_count[entry_id] += 1
        given: dict[int, int] = defaultdict(int)
        scorers: dict[int, set[int]] = defaultdict(set)
        for juror_id, entry_id, _criterion, points, abstained, _comment in self.counted_marks():
            given[entry_id] += 1
            if not abstained and points is not None:
                scorers[entry_id].add(juror_id)
        return [
            EntryCoverage(
                entry_id=entry.pk,
                title=entry.title,
                eligible=eligible_count[entry.pk],
                scorers=len(scorers[entry.pk]),
                marks_given=given[entry.pk],
                marks_expected=eligible_count[entry.pk] * criteria_count,
                minimum=self.contest.min_jurors,
            )
            for entry in self.entries
        ]

    def progress(self) -> list[JurorProgress]:
        criteria_count = len(self.jury_criteria)
        done: dict[int, int] = defaultdict(int)
        for juror_id, *_rest in self.counted_marks():
            done[juror_id] += 1
        return [
            JurorProgress(juror, done[juror.pk], len(self.eligible[juror.pk]) * criteria_count) for juror in self.jurors
        ]


def jury_state(contest: Contest) -> JuryState:
    """Five queries (criteria, entries, jurors, conflict decisions, marks) plus one per juror for their roles."""
    criteria = list(contest.criteria.all())
    entries = list(
        contest.entries.select_related("organisation")
        .only("pk", "contest_id", "title", "organisation_id", "engagement", "organisation__path")
        .order_by("title")
    )
    jurors = list(contest.jurors.select_related("user").order_by("user__username"))
    paths = {entry.pk: entry.organisation.path for entry in entries}
    eligible = jury_eligibility(jurors, paths, conflict_decisions(jurors))
    marks = [
        (juror_id, entry_id, criterion_id, float(points) if points is not None else None, abstained, comment)
        for juror_id, entry_id, criterion_id, points, abstained, comment in JuryScore.objects.filter(
            entry__contest=contest
        ).values_list("juror_id", "entry_id", "criterion_id", "points", "abstained", "comment")
    ]
    return JuryState(contest, criteria, entries, jurors, eligible, marks)


def jury_coverage(contest: Contest) -> list[EntryCoverage]:
    """Per entry: eligible jurors, jurors who scored, marks given and missing (the organiser's table)."""
    return jury_state(contest).coverage()


def coverage_gaps(contest: Contest) -> list[EntryCoverage]:
    """Entries under the contest's minimum of jurors or with marks still missing."""
    return [item for item in jury_coverage(contest) if item.has_gap]


def jury_progress(contest: Contest) -> list[JurorProgress]:
    """Per juror: marks given (scores or abstentions) on the entries they may score, of the marks expected
    from them (those entries × jury criteria)."""
    return jury_state(contest).progress()


@dataclass
class Ranking:
    contest: Contest
    criteria: list[Criterion]
    rows: list[scoring.Row]
    comments: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # entry → (criterion, comment)

    @property
    def jury_criteria(self) -> list[Criterion]:
        return [criterion for criterion in self.criteria if criterion.is_jury]

    @property
    def ranked_rows(self) -> list[scoring.Row]:
        return [row for row in self.rows if not row.unranked]

    @property
    def has_short_rows(self) -> bool:
        return any(row.short_of_jury for row in self.rows)

    def row_for(self, entry_id: int) -> scoring.Row | None:
        return next((row for row in self.rows if row.entry_id == entry_id), None)


def contest_ranking(contest: Contest, state: JuryState | None = None) -> Ranking:
    """Totals, places and breakdowns from the jury state and the frozen points (one more query).

    A jury criterion's points for an entry are the mean over the eligible jurors who scored it. A jury
    criterion nobody eligible scored is left out of that entry's total, which is scaled to the full scale
    (scoring.comparable_total), never counted as 0; an entry with nothing scored at all is unranked."""
    state = state or jury_state(contest)
    criteria = state.criteria
    rows = {
        entry.pk: scoring.Row(
            entry_id=entry.pk, title=entry.title, organisation_id=entry.organisation_id, engagement=entry.engagement
        )
        for entry in state.entries
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
    for juror_id, entry_id, criterion_id, points, abstained, comment in state.counted_marks():
        if not abstained and points is not None:
            by_criterion[criterion_id].append((juror_id, entry_id, points))
        if comment:
            comments[entry_id].append((names.get(criterion_id, ""), comment))
    for criterion in state.jury_criteria:
        points = scoring.jury_points(
            by_criterion.get(criterion.pk, []), max_points=float(criterion.max_points), normalise=contest.normalise_jury
        )
        for entry_id, value in points.items():
            if entry_id in rows:
                rows[entry_id].points[criterion.pk] = value
    coverage = {item.entry_id: item for item in state.coverage()}
    possible = {criterion.pk: float(criterion.weight) * float(criterion.max_points) for criterion in criteria}
    for row in rows.values():
        for criterion in criteria:
            if criterion.is_jury and criterion.pk not in row.points:
                row.unscored.append(criterion.pk)
            weighted = float(criterion.weight) * row.points.get(criterion.pk, 0.0)
            row.weighted[criterion.pk] = weighted
            if criterion.is_jury:
                row.jury_total += weighted
        total = scoring.comparable_total(row.weighted, possible=possible, unscored=set(row.unscored))
        row.unranked = total is None
        row.total = total or 0.0
        if row.entry_id in coverage:
            row.scorers = coverage[row.entry_id].scorers
            row.missing_marks = coverage[row.entry_id].missing
            row.under_minimum = coverage[row.entry_id].under_minimum
    return Ranking(contest, criteria, scoring.assign_places(list(rows.values())), dict(comments))


@dataclass
class Evidence:
    """What a juror sees beside an organisation's or a page's entry."""

    pages: list[SocialPage] = field(default_factory=list)
    websites: list[Website] = field(default_factory=list)
    figures: list[AutoScore] = field(default_factory=list)  # the contest's frozen automatic values


def jury_evidence(entries: list[Entry]) -> dict[int, Evidence]:
    """Per entry id: its pages with links (the entry's own page, or its organisation's pages), the
    organisation's websites and the frozen automatic figures. Three queries however many entries."""
    from .metrics import GONE

    evidence = {entry.pk: Evidence() for entry in entries}
    organisations = {entry.organisation_id for entry in entries if not entry.news_item_id}
    pages = SocialPage.objects.filter(organisation_id__in=organisations).exclude(status__in=GONE)
    by_org: dict[int, list[SocialPage]] = defaultdict(list)
    for page in pages.order_by("network", "pk"):
        by_org[page.organisation_id].append(page)
    websites: dict[int, list[Website]] = defaultdict(list)
    for website in Website.objects.filter(organisation_id__in=organisations, is_active=True).order_by("url"):
        websites[website.organisation_id].append(website)
    for entry in entries:
        if entry.news_item_id:
            continue
        own = by_org.get(entry.organisation_id, [])
        evidence[entry.pk].pages = [page for page in own if page.pk == entry.page_id] if entry.page_id else own
        evidence[entry.pk].websites = websites.get(entry.organisation_id, [])
    figures = AutoScore.objects.filter(entry__in=[entry.pk for entry in entries]).select_related("criterion")
    for score in figures.order_by("criterion__position", "criterion__pk"):
        evidence[score.entry_id].figures.append(score)
    return evidence


def juror_marks(juror: Juror) -> dict[tuple[int, int], JuryScore]:
    return {(score.entry_id, score.criterion_id): score for score in juror.scores.all()}


def resolution_header(contest: Contest) -> list[str]:
    """The resolution's heading lines: the names of the scope's ancestors and the scope, root first."""
    paths = [*contest.scope.ancestor_paths, contest.scope.path]
    names = dict(Organisation.objects.filter(path__in=paths).values_list("path", "name"))
    return [names[path] for path in paths if path in names]


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
