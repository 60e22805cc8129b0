"""Writes of the contests app: creating contests, entries, jurors, scores, and the status transitions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orgs.models import Organisation, OrgKind
from socialstats.models import SocialPage
from unionportal.lib.audit import audit_update

from . import metrics, scoring, selectors
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
    Metric,
    ParticipantLevel,
    PointsRule,
)
from .presets import PRESETS


@transaction.atomic
def contest_create(
    *,
    scope: Organisation,
    period_start: dt.date,
    period_end: dt.date,
    template: str = ContestTemplate.CUSTOM,
    title: str = "",
    level: str = "",
    normalise_jury: bool = False,
    created_by=None,
) -> Contest:
    """A draft contest; from a template it gets the template's criteria and entries from the scope."""
    preset = PRESETS.get(template)
    contest = Contest(
        title=title or (preset.title if preset else ""),
        template=template,
        scope=scope,
        level=level or (preset.level if preset else ParticipantLevel.TERRITORIAL),
        period_start=period_start,
        period_end=period_end,
        normalise_jury=normalise_jury,
        created_by=created_by,
    )
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."))
    contest.full_clean()
    contest.save()
    if preset:
        Criterion.objects.bulk_create(
            Criterion(
                contest=contest,
                position=number,
                name=item.name,
                source=item.source,
                weight=Decimal(str(item.weight)),
                max_points=Decimal(str(item.max_points)),
                rule=item.rule,
            )
            for number, item in enumerate(preset.criteria, start=1)
        )
    entries_generate(contest=contest)
    return contest


def _require_editable_entries(contest: Contest) -> None:
    if not contest.entries_editable:
        raise ValidationError(_("Participants can only be changed before judging starts."))


@transaction.atomic
def entries_generate(*, contest: Contest) -> int:
    """Add the scope's participants of the contest's level that are not in yet; returns how many were added.

    News contests: the news items accepted or published for a month of the period (`reporting_month`
    between the first day of the start's month and the end), from organisations in the scope.
    """
    _require_editable_entries(contest)
    scope = contest.scope
    new: list[Entry] = []
    if contest.level in (ParticipantLevel.TERRITORIAL, ParticipantLevel.PRIMARY):
        kind = OrgKind.TERRITORIAL if contest.level == ParticipantLevel.TERRITORIAL else OrgKind.PRIMARY
        taken = set(contest.entries.values_list("organisation_id", flat=True))
        organisations = Organisation.objects.filter(path__startswith=scope.path, kind=kind, is_active=True)
        new = [
            Entry(contest=contest, organisation=org, title=org.display_name)
            for org in organisations.order_by("name")
            if org.pk not in taken
        ]
    elif contest.level == ParticipantLevel.PAGE:
        taken = set(contest.entries.exclude(page=None).values_list("page_id", flat=True))
        pages = (
            SocialPage.objects.filter(organisation__path__startswith=scope.path)
            .exclude(status__in=metrics.GONE)
            .select_related("organisation")
        )
        new = [
            Entry(
                contest=contest,
                organisation=page.organisation,
                page=page,
                title=f"{page.organisation.display_name}: {page.display_name}",
            )
            for page in pages.order_by("organisation__name", "pk")
            if page.pk not in taken
        ]
    elif contest.level == ParticipantLevel.NEWS:
        taken = set(contest.entries.exclude(news_item_id=None).values_list("news_item_id", flat=True))
        new = [
            Entry(
                contest=contest,
                organisation=item.organisation,
                news_item_id=item.pk,
                title=f"{item.organisation.display_name}: {item.title}"[:300],
            )
            for item in selectors.contest_news_items(contest)
            if item.pk not in taken
        ]
    Entry.objects.bulk_create(new)
    return len(new)


# The kind of organisation a contest between organisations admits (the template names the level).
LEVEL_KINDS = {ParticipantLevel.TERRITORIAL: OrgKind.TERRITORIAL, ParticipantLevel.PRIMARY: OrgKind.PRIMARY}


def entry_add(*, contest: Contest, organisation: Organisation) -> Entry:
    """Add one organisation by hand before judging starts: active, inside the contest's scope and of the
    contest's level (a primary or the union itself in a territorial contest is refused with the reason)."""
    _require_editable_entries(contest)
    if contest.level not in (ParticipantLevel.TERRITORIAL, ParticipantLevel.PRIMARY):
        raise ValidationError(_("Organisations are added by hand only to contests between organisations."))
    if not organisation.path.startswith(contest.scope.path):
        raise ValidationError(_("%(org)s is outside the contest's organisations.") % {"org": organisation.display_name})
    if organisation.kind != LEVEL_KINDS[contest.level] or not organisation.is_active:
        raise ValidationError(
            _("«%(org)s» cannot take part: the participants of this contest are %(level)s.")
            % {"org": organisation.display_name, "level": contest.get_level_display().lower()}
        )
    entry, _created = Entry.objects.get_or_create(
        contest=contest,
        organisation=organisation,
        page=None,
        news_item_id=None,
        defaults={"title": organisation.display_name},
    )
    return entry


def entry_remove(*, contest: Contest, entry_id: int) -> None:
    with transaction.atomic():
        contest = Contest.objects.select_for_update().get(pk=contest.pk)
        _require_editable_entries(contest)
        contest.entries.filter(pk=entry_id).delete()


def juror_assign(*, contest: Contest, user) -> Juror:
    if contest.status in (ContestStatus.CLOSED, ContestStatus.PUBLISHED):
        raise ValidationError(_("The jury of a closed contest cannot change."))
    juror, _created = Juror.objects.get_or_create(contest=contest, user=user)
    return juror


def juror_remove(*, contest: Contest, juror_id: int) -> None:
    if contest.status in (ContestStatus.CLOSED, ContestStatus.PUBLISHED):
        raise ValidationError(_("The jury of a closed contest cannot change."))
    contest.jurors.filter(pk=juror_id).delete()


def _transition(contest: Contest, old: str, new: str, **fields) -> None:
    """Claim the change with a conditional update: a second click or a parallel request changes nothing."""
    changed = Contest.objects.filter(pk=contest.pk, status=old).update(status=new, **fields)
    if not changed:
        raise ValidationError(_("The contest's status has already changed; reload the page."))
    contest.refresh_from_db()


def contest_open(*, contest: Contest) -> None:
    if not contest.criteria.exists():
        raise ValidationError(_("Add at least one criterion before opening the contest."))
    _transition(contest, ContestStatus.DRAFT, ContestStatus.OPEN)


@transaction.atomic
def contest_start_judging(*, contest: Contest) -> None:
    """Open judging and freeze the automatic points: later snapshots do not move the results."""
    if not contest.entries.exists():
        raise ValidationError(_("The contest has no participants."))
    _transition(contest, ContestStatus.OPEN, ContestStatus.JUDGING, judging_started_at=timezone.now())
    auto_scores_freeze(contest=contest)


def auto_scores_freeze(*, contest: Contest) -> int:
    """Compute and store every automatic criterion's value and points per entry (replacing older ones)."""
    entries = list(contest.entries.all())
    criteria = [criterion for criterion in contest.criteria.all() if not criterion.is_jury]
    values = metrics.entry_metrics(
        entries,
        start=contest.period_start,
        end=contest.period_end,
        metrics={criterion.source for criterion in criteria},
    )
    AutoScore.objects.filter(entry__contest=contest).delete()
    rows: list[AutoScore] = []
    for criterion in criteria:
        raw = {entry.pk: values[entry.pk].get(criterion.source) for entry in entries}
        convert = scoring.rank_points if criterion.rule == PointsRule.RANK else scoring.linear_points
        points = convert(raw, float(criterion.max_points))
        rows.extend(AutoScore(entry_id=pk, criterion=criterion, value=raw[pk], points=points[pk]) for pk in raw)
    AutoScore.objects.bulk_create(rows)
    for entry in entries:
        entry.engagement = values[entry.pk].get(Metric.ENGAGEMENT)
    Entry.objects.bulk_update(entries, ["engagement"])
    return len(rows)


class JuryGapsError(ValidationError):
    """Closing judging while entries are under the minimum of jurors or miss marks: needs confirmation."""

    def __init__(self, gaps: list[selectors.EntryCoverage]):
        self.gaps = gaps
        names = ", ".join(f"«{item.title}»" for item in gaps)
        super().__init__(
            ngettext(
                "%(count)s entry is under the minimum of jurors or misses marks: %(names)s. Confirm to close.",
                "%(count)s entries are under the minimum of jurors or miss marks: %(names)s. Confirm to close.",
                len(gaps),
            )
            % {"count": len(gaps), "names": names}
        )


def contest_close(*, contest: Contest, confirm_gaps: bool = False) -> None:
    """Close judging. With entries under the contest's minimum of jurors or with missing marks this
    raises JuryGapsError naming them, unless the organiser confirmed (`confirm_gaps`)."""
    if not confirm_gaps and contest.status == ContestStatus.JUDGING:
        gaps = selectors.coverage_gaps(contest)
        if gaps:
            raise JuryGapsError(gaps)
    _transition(contest, ContestStatus.JUDGING, ContestStatus.CLOSED)


def contest_publish(*, contest: Contest) -> None:
    _transition(contest, ContestStatus.CLOSED, ContestStatus.PUBLISHED, published_at=timezone.now())


def contest_reopen_judging(*, contest: Contest) -> None:
    """Back from closed to judging (a juror forgot something); the automatic points stay frozen."""
    _transition(contest, ContestStatus.CLOSED, ContestStatus.JUDGING)


@transaction.atomic
def jury_scores_save(*, juror: Juror, entry: Entry, marks: dict[int, dict]) -> int:
    """Save a juror's marks on one entry: {criterion id: {"points": str, "abstain": bool, "comment": str}}.

    The caller looked `entry` up among the entries this juror may score (no conflict of interest);
    this function checks the contest is being judged and each mark is within 0..max. All or nothing:
    every mark is checked before any is written. The contest's row stays locked until the marks are
    written, so closing the judging (a conditional update of that row) waits for them, and a save that
    starts after the close sees it.
    """
    contest = juror.contest
    contest.status = Contest.objects.select_for_update().values_list("status", flat=True).get(pk=contest.pk)
    if contest.status != ContestStatus.JUDGING:
        raise ValidationError(_("Scores are accepted only while the contest is being judged."))
    if juror.submitted_at is not None:
        raise ValidationError(_("Your marks are submitted: ask the organiser to reopen them."))
    if entry.contest_id != contest.pk:
        raise ValidationError(_("This entry belongs to another contest."))
    criteria = {criterion.pk: criterion for criterion in contest.criteria.all() if criterion.is_jury}
    errors: list[str] = []
    checked: list[tuple[Criterion, Decimal | None, bool, str]] = []
    for criterion_id, mark in marks.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            errors.append(_("Unknown criterion %(id)s.") % {"id": criterion_id})
            continue
        abstain = bool(mark.get("abstain"))
        text = str(mark.get("points") or "").strip().replace(",", ".")
        comment = str(mark.get("comment") or "").strip()
        if "\x00" in comment:  # PostgreSQL refuses NUL in text
            errors.append(_("«%(criterion)s»: the comment contains a null character.") % {"criterion": criterion})
            continue
        points = None
        if not abstain:
            if not text:
                continue  # not scored yet
            try:
                points = Decimal(text)
            except InvalidOperation:
                points = None
            if points is None or not points.is_finite():  # "NaN" and "Infinity" parse, but are no score
                errors.append(
                    _("«%(criterion)s»: «%(value)s» is not a number.") % {"criterion": criterion, "value": text}
                )
                continue
            if not Decimal(0) <= points <= criterion.max_points:
                errors.append(
                    _("«%(criterion)s»: points must be from 0 to %(max)s.")
                    % {"criterion": criterion, "max": floatformat(criterion.max_points, -2)}
                )
                continue
            points = points.quantize(Decimal("0.01"))  # the column keeps two decimals
        checked.append((criterion, points, abstain, comment))
    if errors:
        raise ValidationError(errors)
    for criterion, points, abstain, comment in checked:
        JuryScore.objects.update_or_create(
            juror=juror,
            entry=entry,
            criterion=criterion,
            defaults={"points": points, "abstained": abstain, "comment": comment},
        )
    return len(checked)


def _require_open_jury(contest: Contest) -> None:
    if contest.status in (ContestStatus.CLOSED, ContestStatus.PUBLISHED):
        raise ValidationError(_("The jury of a closed contest cannot change."))


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason: it is kept in the history of changes."))
    if "\x00" in reason:
        raise ValidationError(_("The reason contains a null character."))
    return reason


@transaction.atomic
def conflict_declare(*, juror: Juror, entry: Entry, reason: str, by) -> JurorConflict:
    """The organiser declares a conflict of interest: the juror no longer scores the entry (marks already
    given stop counting, they are kept)."""
    _require_open_jury(juror.contest)
    if entry.contest_id != juror.contest_id:
        raise ValidationError(_("This entry belongs to another contest."))
    conflict, _created = JurorConflict.objects.update_or_create(
        juror=juror,
        entry=entry,
        defaults={"kind": ConflictKind.DECLARED, "reason": _clean_reason(reason), "created_by": by},
    )
    return conflict


@transaction.atomic
def conflict_lift(*, juror: Juror, entry: Entry, reason: str, by) -> None:
    """The organiser lifts a conflict: a declared one or a recusal is withdrawn; one that follows from the
    juror's roles is overridden (kept as «lifted» with the reason). Refused when there is no conflict."""
    _require_open_jury(juror.contest)
    if entry.contest_id != juror.contest_id:
        raise ValidationError(_("This entry belongs to another contest."))
    reason = _clean_reason(reason)
    decision = JurorConflict.objects.filter(juror=juror, entry=entry).first()
    derived = selectors.derived_conflict(juror, entry)
    if decision is not None and decision.excludes:
        if derived:
            decision.kind, decision.reason, decision.created_by = ConflictKind.LIFTED, reason, by
            decision.save()
        else:
            decision.delete()
        return
    if not derived or decision is not None:
        raise ValidationError(
            _("%(juror)s has no conflict of interest with «%(entry)s».") % {"juror": juror, "entry": entry.title}
        )
    JurorConflict.objects.create(juror=juror, entry=entry, kind=ConflictKind.LIFTED, reason=reason, created_by=by)


def juror_recuse(*, juror: Juror, entry: Entry, reason: str) -> JurorConflict:
    """The juror steps aside from an entry they were offered, with a reason."""
    if juror.contest.status != ContestStatus.JUDGING:
        raise ValidationError(_("You can recuse only while the contest is being judged."))
    if juror.submitted_at is not None:
        raise ValidationError(_("Your marks are submitted: ask the organiser to reopen them."))
    conflict, _created = JurorConflict.objects.update_or_create(
        juror=juror,
        entry=entry,
        defaults={"kind": ConflictKind.RECUSED, "reason": _clean_reason(reason), "created_by": juror.user},
    )
    return conflict


def juror_submit(*, juror: Juror) -> None:
    """«Отправить оценки»: lock the juror's marks (a conditional update: a second click changes nothing)."""
    if juror.contest.status != ContestStatus.JUDGING:
        raise ValidationError(_("Scores are accepted only while the contest is being judged."))
    changed = Juror.objects.filter(pk=juror.pk, submitted_at=None).update(submitted_at=timezone.now())
    if not changed:
        raise ValidationError(_("Your marks are already submitted."))
    juror.refresh_from_db()
    # The conditional update bypasses the model signals: the audit trail gets the change explicitly.
    audit_update(juror, before={"submitted_at": None}, after={"submitted_at": juror.submitted_at})


def juror_reopen(*, juror: Juror) -> None:
    """The organiser gives one juror their marks back to change (the others stay locked)."""
    if Contest.objects.get(pk=juror.contest_id).status != ContestStatus.JUDGING:
        raise ValidationError(_("Reopen judging first: marks change only while the contest is being judged."))
    submitted_at = juror.submitted_at
    changed = Juror.objects.exclude(submitted_at=None).filter(pk=juror.pk).update(submitted_at=None)
    if not changed:
        raise ValidationError(_("%(juror)s has not submitted their marks.") % {"juror": juror})
    juror.refresh_from_db()
    audit_update(juror, before={"submitted_at": submitted_at}, after={"submitted_at": None})


def resolution_save(
    *, contest: Contest, preamble: str, decisions: str, city: str = "", chair: str = "", control: str = ""
) -> None:
    contest.resolution_preamble = preamble.strip()
    contest.resolution_decisions = decisions.strip()
    contest.resolution_city = city.strip()
    contest.resolution_chair = chair.strip()
    contest.resolution_control = control.strip()
    contest.full_clean(validate_unique=False, validate_constraints=False)
    contest.save(
        update_fields=[
            "resolution_preamble",
            "resolution_decisions",
            "resolution_city",
            "resolution_chair",
            "resolution_control",
        ]
    )


def contest_update(*, contest: Contest, **fields) -> Contest:
    for name, value in fields.items():
        setattr(contest, name, value)
    if contest.period_end < contest.period_start:
        raise ValidationError(_("The period ends before it starts."))
    contest.full_clean()
    contest.save()
    return contest
