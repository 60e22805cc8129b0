"""Contest pages. Access: information officers manage contests in their subtree; the presidium and
information officers see rankings; jurors score; participants' admins see their own published results.
Anything outside a user's reach answers 404."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from news.models import NewsPhoto
from orgs import access
from orgs.models import Role

from . import charts, results, selectors, services
from .forms import (
    ConflictForm,
    ContestCreateForm,
    ContestEditForm,
    CriterionFormSet,
    EntryAddForm,
    JurorAddForm,
    RecuseForm,
    ResolutionForm,
)
from .models import ContestStatus, Juror


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
def contest_list(request: HttpRequest) -> HttpResponse:
    contests = selectors.visible_contests(request.user)
    managed = set(selectors.managed_contests(request.user).values_list("pk", flat=True))
    dashboard = set(selectors.dashboard_contests(request.user).values_list("pk", flat=True))
    judging = set(selectors.juror_contests(request.user).values_list("pk", flat=True))
    rows = [(contest, contest.pk in managed, contest.pk in dashboard, contest.pk in judging) for contest in contests]
    return render(
        request,
        "contests/contest_list.html",
        {"rows": rows, "can_create": _may_organise(request.user)},
    )


def _may_organise(user) -> bool:
    """Information officers, and territorial admins for «Лучшая новость месяца» of their subtree."""
    return access.has_role(user, Role.INFO_OFFICER, Role.TERRITORIAL_ADMIN)


@login_required
def contest_create(request: HttpRequest) -> HttpResponse:
    if not _may_organise(request.user):
        raise Http404
    form = ContestCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contest = services.contest_create(
                template=data["template"],
                title=data["title"],
                scope=data["scope"],
                level=data["level"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                normalise_jury=data["normalise_jury"],
                created_by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The contest is created as a draft: adjust its criteria and participants."))
            return redirect("contests:detail", contest.pk)
    return render(request, "contests/contest_create.html", {"form": form})


def _managed(request: HttpRequest, pk: int):
    return get_object_or_404(selectors.managed_contests(request.user).select_related("scope"), pk=pk)


@login_required
def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed(request, pk)
    state = selectors.jury_state(contest)
    return render(
        request,
        "contests/contest_detail.html",
        {
            "contest": contest,
            "criteria": contest.criteria.all(),
            "entries": contest.entries.select_related("organisation", "page").order_by("title"),
            "progress": state.progress(),
            "coverage": state.coverage(),
            "conflicts": selectors.contest_conflicts(contest),
            "conflict_form": ConflictForm(contest=contest),
            "juror_form": JurorAddForm(contest=contest),
            "entry_form": EntryAddForm(contest=contest)
            if contest.entries_editable and contest.level in ("territorial", "primary")
            else None,
            "statuses": ContestStatus,
        },
    )


@login_required
def contest_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed(request, pk)
    form = ContestEditForm(request.POST or None, instance=contest)
    if request.method == "POST" and form.is_valid():
        services.contest_update(contest=contest, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("contests:detail", contest.pk)
    return render(request, "contests/contest_edit.html", {"contest": contest, "form": form})


@login_required
def criteria_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed(request, pk)
    if not contest.entries_editable:
        messages.error(request, _("Criteria can only be changed before judging starts."))
        return redirect("contests:detail", contest.pk)
    formset = CriterionFormSet(request.POST or None, instance=contest)
    if request.method == "POST" and formset.is_valid():
        formset.save()
        messages.success(request, _("Criteria saved."))
        return redirect("contests:detail", contest.pk)
    return render(request, "contests/criteria_edit.html", {"contest": contest, "formset": formset})


@login_required
@require_POST
def entries_generate(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed(request, pk)
    try:
        added = services.entries_generate(contest=contest)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(
            request, ngettext("%(count)s participant added.", "%(count)s participants added.", added) % {"count": added}
        )
    return redirect("contests:detail", contest.pk)


@login_required
@require_POST
def entry_add(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed(request, pk)
    form = EntryAddForm(request.POST, contest=contest)
    if not form.is_valid():
        messages.error(request, _("Choose an organisation of the contest's scope."))
        return redirect("contests:detail", contest.pk)
    try:
        services.entry_add(contest=contest, organisation=form.cleaned_data["organisation"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("contests:detail", contest.pk)


@login_required
def entry_remove(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    """GET: a confirmation page; POST: remove the participant."""
    contest = _managed(request, pk)
    entry = get_object_or_404(contest.entries, pk=entry_id)
    if request.method != "POST":
        return render(request, "contests/remove_confirm.html", {"contest": contest, "what": entry.title})
    try:
        services.entry_remove(contest=contest, entry_id=entry_id)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("contests:detail", contest.pk)


@login_required
@require_POST
def juror_add(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed(request, pk)
    form = JurorAddForm(request.POST, contest=contest)
    if not form.is_valid():
        messages.error(request, _("Choose a user with the juror role."))
        return redirect("contests:detail", contest.pk)
    try:
        services.juror_assign(contest=contest, user=form.cleaned_data["user"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("contests:detail", contest.pk)


@login_required
@require_POST
def juror_reopen(request: HttpRequest, pk: int, juror_id: int) -> HttpResponse:
    contest = _managed(request, pk)
    juror = get_object_or_404(contest.jurors.select_related("contest", "user"), pk=juror_id)
    try:
        services.juror_reopen(juror=juror)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("%(juror)s can change their marks again.") % {"juror": juror})
    return redirect("contests:detail", contest.pk)


@login_required
@require_POST
def conflict_set(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed(request, pk)
    form = ConflictForm(request.POST, contest=contest)
    if not form.is_valid():
        messages.error(request, _("Choose a juror and a participant and give the reason."))
        return redirect(f"{reverse('contests:detail', args=[contest.pk])}#conflicts")
    data = form.cleaned_data
    action = services.conflict_declare if data["action"] == ConflictForm.DECLARE else services.conflict_lift
    try:
        action(juror=data["juror"], entry=data["entry"], reason=data["reason"], by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Saved."))
    return redirect(f"{reverse('contests:detail', args=[contest.pk])}#conflicts")


@login_required
def juror_remove(request: HttpRequest, pk: int, juror_id: int) -> HttpResponse:
    """GET: a confirmation page; POST: remove the juror (with their marks)."""
    contest = _managed(request, pk)
    juror = get_object_or_404(contest.jurors.select_related("user"), pk=juror_id)
    if request.method != "POST":
        name = juror.user.get_full_name() or juror.user.username
        return render(request, "contests/remove_confirm.html", {"contest": contest, "what": name, "juror": True})
    try:
        services.juror_remove(contest=contest, juror_id=juror_id)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect("contests:detail", contest.pk)


TRANSITIONS = {
    "open": services.contest_open,
    "judge": services.contest_start_judging,
    "close": services.contest_close,
    "reopen": services.contest_reopen_judging,
    "publish": services.contest_publish,
}


@login_required
def contest_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """GET: a confirmation page (closing judging names the entries short of jurors or marks).
    POST: the change; closing with such entries needs `confirm=yes` from that page."""
    contest = _managed(request, pk)
    service = TRANSITIONS.get(action)
    if service is None:
        raise Http404
    gaps: list[selectors.EntryCoverage] = []
    if request.method == "POST":
        try:
            if action == "close":
                services.contest_close(contest=contest, confirm_gaps=request.POST.get("confirm") == "yes")
            else:
                service(contest=contest)
        except services.JuryGapsError as error:
            gaps = error.gaps
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect("contests:detail", contest.pk)
        else:
            messages.success(request, _("Status: %(status)s.") % {"status": contest.get_status_display()})
            return redirect("contests:detail", contest.pk)
    elif action == "close":
        gaps = selectors.coverage_gaps(contest)
    return render(
        request,
        "contests/contest_confirm.html",
        {"contest": contest, "action": action, "gaps": gaps},
    )


def _chart_data(ranking: selectors.Ranking) -> tuple[list[str], list[tuple[str, list[float]]]]:
    participants = [row.title for row in ranking.rows]
    series = [
        (criterion.name, [row.weighted.get(criterion.pk, 0.0) for row in ranking.rows])
        for criterion in ranking.criteria
    ]
    return participants, series


@login_required
def contest_ranking(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_object_or_404(selectors.dashboard_contests(request.user), pk=pk)
    state = selectors.jury_state(contest)
    ranking = selectors.contest_ranking(contest, state)
    participants, series = _chart_data(ranking)
    has_points = any(row.total for row in ranking.rows)  # a draft or unjudged contest: an empty state, no chart
    chart = charts.to_html(charts.totals_by_criterion(participants, series)) if has_points else ""
    return render(
        request,
        "contests/contest_ranking.html",
        {
            "contest": contest,
            "ranking": ranking,
            "chart": chart,
            "progress": state.progress(),
            "can_manage": selectors.managed_contests(request.user).filter(pk=contest.pk).exists(),
        },
    )


@login_required
def ranking_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    contest = get_object_or_404(selectors.dashboard_contests(request.user), pk=pk)
    content = results.ranking_xlsx(selectors.contest_ranking(contest))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="ranking-{contest.pk}.xlsx"'
    return response


@login_required
def resolution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _managed(request, pk)
    ranking = selectors.contest_ranking(contest)
    initial = {
        "preamble": contest.resolution_preamble
        or results.default_preamble(ranking, selectors.resolution_figures(contest, ranking)),
        "decisions": contest.resolution_decisions or results.default_decisions(ranking),
        "city": contest.resolution_city,
        "chair": contest.resolution_chair,
        "control": contest.resolution_control,
    }
    form = ResolutionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.resolution_save(contest=contest, **form.cleaned_data)
        messages.success(request, _("The resolution text is saved."))
        return redirect("contests:resolution", contest.pk)
    return render(request, "contests/resolution_edit.html", {"contest": contest, "form": form, "ranking": ranking})


def _published_for_documents(request: HttpRequest, pk: int):
    """The resolution and the certificates: for the contest's dashboard (organisers, information officers,
    the presidium over its scope), once the results are published."""
    contest = get_object_or_404(selectors.dashboard_contests(request.user), pk=pk)
    if contest.status != ContestStatus.PUBLISHED:
        messages.error(request, _("The resolution and the certificates are issued once the results are published."))
        return contest, redirect("contests:ranking", contest.pk)
    return contest, None


@login_required
def resolution_docx(request: HttpRequest, pk: int) -> HttpResponse:
    contest, refusal = _published_for_documents(request, pk)
    if refusal:
        return refusal
    ranking = selectors.contest_ranking(contest)
    preamble = contest.resolution_preamble or results.default_preamble(
        ranking, selectors.resolution_figures(contest, ranking)
    )
    decisions = contest.resolution_decisions or results.default_decisions(ranking)
    content = results.resolution_docx(
        ranking,
        preamble=preamble,
        decisions=decisions,
        header_lines=selectors.resolution_header(contest),
        city=contest.resolution_city,
        chair=contest.resolution_chair,
        control=contest.resolution_control,
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response["Content-Disposition"] = f'attachment; filename="resolution-{contest.pk}.docx"'
    return response


@login_required
def certificates_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    contest, refusal = _published_for_documents(request, pk)
    if refusal:
        return refusal
    try:
        issuer = " · ".join(selectors.resolution_header(contest))
        content = results.certificates_pdf(selectors.contest_ranking(contest), issuer=issuer)
    except ImproperlyConfigured:
        messages.error(request, _("No font with Cyrillic for the certificates: see CONTESTS_CERTIFICATE_FONT."))
        return redirect("contests:ranking", contest.pk)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificates-{contest.pk}.pdf"'
    return response


CRITERION_ID = re.compile(r"[0-9]{1,9}")


def _juror(request: HttpRequest, pk: int) -> Juror:
    return get_object_or_404(
        Juror.objects.select_related("contest", "user"),
        contest_id=pk,
        user=request.user,
        contest__status=ContestStatus.JUDGING,
    )


@login_required
def jury_board(request: HttpRequest, pk: int) -> HttpResponse:
    juror = _juror(request, pk)
    entries = list(selectors.scorable_entries(juror))
    criteria = [criterion for criterion in juror.contest.criteria.all() if criterion.is_jury]
    marks = selectors.juror_marks(juror)
    news = selectors.entry_news_items(entries)
    evidence = selectors.jury_evidence(entries)
    rows = [
        (
            entry,
            news.get(entry.pk),
            evidence[entry.pk],
            [(criterion, marks.get((entry.pk, criterion.pk))) for criterion in criteria],
        )
        for entry in entries
    ]
    done = sum(1 for entry in entries for criterion in criteria if (entry.pk, criterion.pk) in marks)
    return render(
        request,
        "contests/jury_board.html",
        {
            "contest": juror.contest,
            "juror": juror,
            "rows": rows,
            "criteria": criteria,
            "done": done,
            "expected": len(entries) * len(criteria),
            "missing": len(entries) * len(criteria) - done,
            "recusals": selectors.juror_recusals(juror),
            "recuse_form": RecuseForm(),
        },
    )


@login_required
@require_POST
def jury_recuse(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    juror = _juror(request, pk)
    entry = get_object_or_404(selectors.scorable_entries(juror), pk=entry_id)
    form = RecuseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for your recusal from «%(entry)s».") % {"entry": entry.title})
        return redirect(f"{reverse('contests:jury', args=[juror.contest_id])}#entry-{entry.pk}")
    try:
        services.juror_recuse(juror=juror, entry=entry, reason=form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("You recused from «%(entry)s».") % {"entry": entry.title})
    return redirect("contests:jury", juror.contest_id)


@login_required
@require_POST
def jury_submit(request: HttpRequest, pk: int) -> HttpResponse:
    juror = _juror(request, pk)
    try:
        services.juror_submit(juror=juror)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Your marks are submitted and locked. Thank you!"))
    return redirect("contests:jury", juror.contest_id)


@login_required
@require_POST
def jury_score(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    juror = _juror(request, pk)
    # Conflict of interest enforced here: an entry from the juror's own subtree is not found (404).
    entry = get_object_or_404(selectors.scorable_entries(juror), pk=entry_id)
    # Field names carry the criterion's id: points_12. Only ASCII digits count ("²".isdigit() is true).
    criterion_ids = {
        int(key.split("_", 1)[1])
        for key in request.POST
        if key.startswith(("points_", "abstain_", "comment_")) and CRITERION_ID.fullmatch(key.split("_", 1)[1])
    }
    marks = {
        criterion_id: {
            "points": request.POST.get(f"points_{criterion_id}", ""),
            "abstain": request.POST.get(f"abstain_{criterion_id}") == "on",
            "comment": request.POST.get(f"comment_{criterion_id}", ""),
        }
        for criterion_id in criterion_ids
    }
    try:
        services.jury_scores_save(juror=juror, entry=entry, marks=marks)
    except ValidationError as error:
        messages.error(request, _("%(entry)s: %(errors)s") % {"entry": entry.title, "errors": _error_text(error)})
    else:
        messages.success(request, _("Scores for «%(entry)s» saved.") % {"entry": entry.title})
    return redirect(f"{reverse('contests:jury', args=[juror.contest_id])}#entry-{entry.pk}")


@login_required
def entry_news(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    """A news entry's item (text, photos) for the contest's jury and dashboard, who may not see the news app."""
    entry = selectors.news_entry_or_404(request.user, pk, entry_id)
    item = selectors.entry_news_items([entry]).get(entry.pk)
    return render(request, "contests/entry_news.html", {"contest": entry.contest, "entry": entry, "item": item})


@login_required
def entry_news_photo(request: HttpRequest, pk: int, entry_id: int, photo_pk: int, variant: str) -> FileResponse:
    entry = selectors.news_entry_or_404(request.user, pk, entry_id)
    photo = get_object_or_404(NewsPhoto, pk=photo_pk, item_id=entry.news_item_id)
    field = photo.thumbnail if variant == "thumb" else photo.image
    return FileResponse(field.open("rb"))


@login_required
def contest_results(request: HttpRequest, pk: int) -> HttpResponse:
    """A participant's admin: their own entries' breakdown and the jury's comments, after publication."""
    contest = get_object_or_404(selectors.participant_contests(request.user), pk=pk)
    own = set(
        contest.entries.filter(
            access.path_filter(request.user, "organisation__path", roles=access.EDIT_ROLES)
        ).values_list("pk", flat=True)
    )
    ranking = selectors.contest_ranking(contest)
    rows = [(row, ranking.comments.get(row.entry_id, [])) for row in ranking.rows if row.entry_id in own]
    return render(
        request,
        "contests/contest_results.html",
        {"contest": contest, "ranking": ranking, "rows": rows, "total": len(ranking.rows)},
    )
