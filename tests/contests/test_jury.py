"""Conflicts declared and lifted by the organiser, recusals, submitted marks, and the jury's evidence."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from contests import selectors, services
from contests.models import ConflictKind, ContestStatus, JurorConflict

from .conftest import score


def offered(fixed, juror: str) -> list[str]:
    return [entry.title for entry in selectors.scorable_entries(fixed.jurors[juror])]


def test_a_declared_conflict_removes_the_entry_and_the_jurors_mark_stops_counting(scored, cast):
    assert scored.entries["САО"].title in offered(scored, "juror_youth")
    services.conflict_declare(
        juror=scored.jurors["juror_youth"],
        entry=scored.entries["САО"],
        reason="Родственник в профкоме",
        by=cast.info_officer,
    )
    assert "САО" not in offered(scored, "juror_youth")
    ranking = selectors.contest_ranking(scored.contest)
    assert ranking.row_for(scored.entries["САО"].pk).points[scored.design.pk] == 3.0  # (4 + 2) / 2, not (4+2+2)/3
    conflict = JurorConflict.objects.get()
    assert LogEntry.objects.get_for_object(conflict).filter(action=LogEntry.Action.CREATE).exists()


def test_the_organiser_lifts_a_conflict_that_follows_from_roles(fixed, cast):
    assert "ВАО" not in offered(fixed, "juror")
    services.conflict_lift(
        juror=fixed.jurors["juror"], entry=fixed.entries["ВАО"], reason="Роль чисто формальная", by=cast.info_officer
    )
    assert "ВАО" in offered(fixed, "juror")
    assert JurorConflict.objects.get().kind == ConflictKind.LIFTED
    score(fixed, "juror", "ВАО", 7)
    assert selectors.contest_ranking(fixed.contest).row_for(fixed.entries["ВАО"].pk).points[fixed.design.pk] == 7.0


def test_lifting_a_declared_conflict_withdraws_it(fixed, cast):
    juror, entry = fixed.jurors["juror_youth"], fixed.entries["ЗАО"]
    services.conflict_declare(juror=juror, entry=entry, reason="Работал там", by=cast.info_officer)
    services.conflict_lift(juror=juror, entry=entry, reason="Ошибка", by=cast.info_officer)
    assert not JurorConflict.objects.exists()
    assert "ЗАО" in offered(fixed, "juror_youth")


def test_lifting_where_there_is_no_conflict_is_refused(fixed, cast):
    with pytest.raises(ValidationError, match="нет конфликта интересов"):
        services.conflict_lift(
            juror=fixed.jurors["juror_youth"], entry=fixed.entries["ЗАО"], reason="x", by=cast.info_officer
        )


def test_a_conflict_needs_a_reason_and_nothing_is_saved_without_one(fixed, cast):
    with pytest.raises(ValidationError, match="причину"):
        services.conflict_declare(
            juror=fixed.jurors["juror_youth"], entry=fixed.entries["ЗАО"], reason=" ", by=cast.info_officer
        )
    assert not JurorConflict.objects.exists()


def test_conflicts_cannot_change_once_judging_is_closed(fixed, cast):
    services.contest_close(contest=fixed.contest, confirm_gaps=True)
    with pytest.raises(ValidationError):
        services.conflict_declare(
            juror=fixed.jurors["juror_youth"], entry=fixed.entries["ЗАО"], reason="x", by=cast.info_officer
        )


def test_the_organiser_declares_a_conflict_through_the_contest_page(client, cast, fixed):
    client.force_login(cast.info_officer)
    url = reverse("contests:conflict_set", args=[fixed.contest.pk])
    data = {"juror": fixed.jurors["juror_youth"].pk, "entry": fixed.entries["ЗАО"].pk, "action": "declare"}
    response = client.post(url, {**data, "reason": ""}, follow=True)
    assert "укажите причину" in response.content.decode().lower()
    assert not JurorConflict.objects.exists()
    client.post(url, {**data, "reason": "Бывший председатель"})
    assert JurorConflict.objects.get().reason == "Бывший председатель"
    page = client.get(reverse("contests:detail", args=[fixed.contest.pk])).content.decode()
    assert "Бывший председатель" in page


@pytest.mark.parametrize("role", ["territorial_admin", "presidium", "juror", "outsider"])
def test_only_the_organiser_declares_conflicts_or_reopens_a_juror(client, cast, fixed, role):
    client.force_login(getattr(cast, role))
    data = {
        "juror": fixed.jurors["juror_youth"].pk,
        "entry": fixed.entries["ЗАО"].pk,
        "action": "declare",
        "reason": "x",
    }
    assert client.post(reverse("contests:conflict_set", args=[fixed.contest.pk]), data).status_code == 404
    reopen = reverse("contests:juror_reopen", args=[fixed.contest.pk, fixed.jurors["juror"].pk])
    assert client.post(reopen).status_code == 404
    assert not JurorConflict.objects.exists()


def test_a_juror_recuses_with_a_reason_and_the_entry_leaves_their_board(client, cast, fixed):
    client.force_login(cast.juror)
    entry = fixed.entries["ЗАО"]
    url = reverse("contests:jury_recuse", args=[fixed.contest.pk, entry.pk])
    client.post(url, {"reason": ""})
    assert not JurorConflict.objects.exists()
    client.post(url, {"reason": "Дружу с председателем"})
    recusal = JurorConflict.objects.get()
    assert (recusal.kind, recusal.created_by) == (ConflictKind.RECUSED, cast.juror)
    page = client.get(reverse("contests:jury", args=[fixed.contest.pk])).content.decode()
    assert f'id="entry-{entry.pk}"' not in page
    assert "Дружу с председателем" in page
    # Recusing again from the same entry (now not offered) answers 404.
    assert client.post(url, {"reason": "ещё раз"}).status_code == 404


def test_submitted_marks_are_locked_until_the_organiser_reopens_that_juror(client, cast, fixed):
    score(fixed, "juror", "ЗАО", 5)
    client.force_login(cast.juror)
    client.post(reverse("contests:jury_submit", args=[fixed.contest.pk]))
    juror = fixed.jurors["juror"]
    juror.refresh_from_db()
    assert juror.submitted_at is not None
    with pytest.raises(ValidationError, match="отправлены"):
        score(fixed, "juror", "ЗАО", 9)
    board = client.get(reverse("contests:jury", args=[fixed.contest.pk])).content.decode()
    assert 'id="submitted"' in board and 'id="submit-marks"' not in board
    assert LogEntry.objects.get_for_object(juror).filter(changes__icontains="submitted_at").exists()

    client.force_login(cast.info_officer)
    detail = client.get(reverse("contests:detail", args=[fixed.contest.pk])).content.decode()
    reopen = reverse("contests:juror_reopen", args=[fixed.contest.pk, juror.pk])
    assert reopen in detail
    client.post(reopen)
    juror.refresh_from_db()
    assert juror.submitted_at is None
    score(fixed, "juror", "ЗАО", 9)
    assert selectors.contest_ranking(fixed.contest).row_for(fixed.entries["ЗАО"].pk).points[fixed.design.pk] == 9.0


def test_submitting_twice_is_refused_and_other_jurors_stay_open(fixed):
    services.juror_submit(juror=fixed.jurors["juror"])
    with pytest.raises(ValidationError):
        services.juror_submit(juror=fixed.jurors["juror"])
    score(fixed, "juror_youth", "ЗАО", 4)  # not locked


def test_the_jury_board_shows_pages_frozen_figures_and_the_criterion_description(client, cast, fixed):
    fixed.design.description = "Шапка, аватар, закреплённый пост"
    fixed.design.save()
    client.force_login(cast.juror)
    page = client.get(reverse("contests:jury", args=[fixed.contest.pk])).content.decode()
    zao = fixed.entries["ЗАО"].organisation.social_pages.get()
    assert f'href="{zao.url}"' in page
    assert "Шапка, аватар, закреплённый пост" in page
    assert "400" in page  # ЗАО's frozen subscribers at the end


def test_a_reopened_contest_keeps_submitted_jurors_locked(fixed):
    services.juror_submit(juror=fixed.jurors["juror"])
    services.contest_close(contest=fixed.contest, confirm_gaps=True)
    with pytest.raises(ValidationError):
        services.juror_reopen(juror=fixed.jurors["juror"])
    services.contest_reopen_judging(contest=fixed.contest)
    assert fixed.contest.status == ContestStatus.JUDGING
    services.juror_reopen(juror=fixed.jurors["juror"])
