from __future__ import annotations

import math

import pytest
from django.core.exceptions import ValidationError

from contests import scoring, selectors, services
from contests.metrics import entry_metrics
from contests.models import ContestStatus, Metric, PointsRule
from orgs.models import Role
from tests.factories import assign

from .conftest import END, make_page, score, snap


def test_linear_points_give_the_best_participant_the_maximum():
    assert scoring.linear_points({1: 200, 2: 400, 3: 100, 4: None}, 10) == {1: 5.0, 2: 10.0, 3: 2.5, 4: 0.0}


def test_linear_points_are_zero_when_nobody_has_a_positive_value():
    assert scoring.linear_points({1: 0, 2: None}, 10) == {1: 0.0, 2: 0.0}


def test_rank_points_share_a_rank_between_equal_values():
    assert scoring.rank_points({1: 50, 2: 70, 3: 50, 4: 10, 5: None}, 8) == {1: 6.0, 2: 8.0, 3: 6.0, 4: 2.0, 5: 0.0}


def test_jury_points_are_the_mean_of_scores_without_normalisation():
    rows = [(1, 10, 2.0), (1, 20, 4.0), (2, 20, 8.0), (2, 30, 10.0)]
    assert scoring.jury_points(rows, max_points=10, normalise=False) == {10: 2.0, 20: 6.0, 30: 10.0}


def test_normalisation_evens_out_a_strict_and_a_lenient_juror():
    # Strict juror 1 gives 2 and 4 (mean 3, sd 1); lenient juror 2 gives 8 and 10 (mean 9, sd 1).
    # Pooled scores 2, 4, 8, 10: mean 6, population sd √10. z = ∓1 → 6 ∓ √10.
    rows = [(1, 10, 2.0), (1, 20, 4.0), (2, 20, 8.0), (2, 30, 10.0)]
    points = scoring.jury_points(rows, max_points=10, normalise=True)
    assert points[10] == pytest.approx(6 - math.sqrt(10))
    assert points[20] == pytest.approx(6.0)
    assert points[30] == pytest.approx(6 + math.sqrt(10))


def test_a_juror_with_equal_scores_keeps_raw_scores_under_normalisation():
    rows = [(1, 10, 5.0), (1, 20, 5.0), (2, 10, 9.0)]
    assert scoring.jury_points(rows, max_points=10, normalise=True) == {10: 7.0, 20: 5.0}


def test_normalised_points_stay_within_the_scale():
    rows = [(1, 10, 0.0), (1, 20, 10.0), (2, 10, 5.0), (2, 20, 5.1), (2, 30, 4.9)]
    points = scoring.jury_points(rows, max_points=10, normalise=True)
    assert all(0 <= value <= 10 for value in points.values())


def _row(title, total, jury, engagement):
    return scoring.Row(
        entry_id=hash(title), title=title, organisation_id=1, total=total, jury_total=jury, engagement=engagement
    )


def test_ties_are_broken_by_jury_total_then_engagement_then_shared():
    rows = [
        _row("A", 10, 5, 1.0),
        _row("B", 10, 6, 0.5),
        _row("C", 10, 5, 2.0),
        _row("D", 10, 5, 1.0),
        _row("E", 12, 0, 0),
    ]
    ordered = scoring.assign_places(rows)
    assert [(row.title, row.place, row.shared) for row in ordered] == [
        ("E", 1, False),
        ("B", 2, False),
        ("C", 3, False),
        ("A", 4, True),
        ("D", 4, True),
    ]


def test_weighted_totals_of_the_fixed_contest(scored):
    ranking = selectors.contest_ranking(scored.contest)
    totals = {row.title: (row.place, round(row.total, 3)) for row in ranking.rows}
    assert totals == {"ЗАО": (1, 27.0), "ВАО": (2, 18.0), "САО": (3, round(5 + 8 / 3, 3))}
    vao = ranking.row_for(scored.entries["ВАО"].pk)
    assert vao.points[scored.subscribers.pk] == 5.0
    assert vao.weighted[scored.subscribers.pk] == 10.0
    assert vao.jury_total == 8.0


def test_normalisation_setting_changes_the_jury_points(fixed):
    # juror_zao is lenient on ВАО, strict on САО; juror_youth scores everyone.
    score(fixed, "juror_zao", "ВАО", 10)
    score(fixed, "juror_zao", "САО", 8)
    score(fixed, "juror_youth", "ВАО", 2)
    score(fixed, "juror_youth", "ЗАО", 4)
    score(fixed, "juror_youth", "САО", 6)
    raw = {row.title: row.points[fixed.design.pk] for row in selectors.contest_ranking(fixed.contest).rows}
    assert raw == {"ВАО": 6.0, "ЗАО": 4.0, "САО": 7.0}
    fixed.contest.normalise_jury = True
    fixed.contest.save()
    normalised = {row.title: row.points[fixed.design.pk] for row in selectors.contest_ranking(fixed.contest).rows}
    # juror_zao: 10, 8 → mean 9, sd 1 → z +1, −1; juror_youth: 2, 4, 6 → mean 4, sd √(8/3) → z −1.2247, 0, +1.2247.
    # pooled 10, 8, 2, 4, 6: mean 6, sd √8. ВАО: (6+√8 + 6−1.2247·√8)/2; ЗАО: 6; САО: (6−√8 + 6+1.2247·√8)/2.
    z = math.sqrt(1.5)
    assert normalised["ВАО"] == pytest.approx((6 + math.sqrt(8) + 6 - z * math.sqrt(8)) / 2)
    assert normalised["ЗАО"] == pytest.approx(6.0)
    assert normalised["САО"] == pytest.approx((6 - math.sqrt(8) + 6 + z * math.sqrt(8)) / 2)


def test_equal_totals_fall_back_to_the_jury_total(fixed):
    # ЗАО: 20 automatic + 0 jury; ВАО: 10 automatic + 10 jury → equal totals, ВАО wins on the jury total.
    score(fixed, "juror_youth", "ВАО", 10)
    score(fixed, "juror_youth", "ЗАО", 0)
    ranking = selectors.contest_ranking(fixed.contest)
    assert [(row.title, row.place) for row in ranking.rows][:2] == [("ВАО", 1), ("ЗАО", 2)]


def test_abstentions_do_not_count_in_the_mean(fixed):
    score(fixed, "juror_youth", "САО", 6)
    services.jury_scores_save(
        juror=fixed.jurors["juror"], entry=fixed.entries["САО"], marks={fixed.design.pk: {"abstain": True}}
    )
    ranking = selectors.contest_ranking(fixed.contest)
    assert ranking.row_for(fixed.entries["САО"].pk).points[fixed.design.pk] == 6.0


def test_automatic_points_are_frozen_when_judging_starts(fixed):
    before = {row.title: row.total for row in selectors.contest_ranking(fixed.contest).rows}
    sao_page = fixed.entries["САО"].organisation.social_pages.get()
    snap(sao_page, END.replace(day=19), 5000)  # a late-entered snapshot inside the period…
    make_page(fixed.entries["ВАО"].organisation)  # …and a new page
    sao_page.snapshots.filter(date=END).update(subscribers=9000)
    # The live metric did move: the test would see a change if the points were not frozen.
    live = entry_metrics(
        [fixed.entries["САО"]], start=fixed.contest.period_start, end=END, metrics={Metric.SUBSCRIBERS_END}
    )
    assert live[fixed.entries["САО"].pk][Metric.SUBSCRIBERS_END] == 9000
    after = {row.title: row.total for row in selectors.contest_ranking(fixed.contest).rows}
    assert after == before


AUTOMATIC = [metric for metric in Metric.values if metric not in (Metric.JURY, Metric.ENGAGEMENT)]


@pytest.mark.parametrize("metric", AUTOMATIC)
def test_each_automatic_metric_is_computed_when_asked_alone(fixed, metric):
    entry = fixed.entries["САО"]
    values = entry_metrics([entry], start=fixed.contest.period_start, end=END, metrics={metric})
    assert set(values[entry.pk]) == {metric, Metric.ENGAGEMENT}


def test_rank_rule_is_applied_when_judging_starts(tree, cast):
    contest = services.contest_create(
        title="По месту", scope=tree.union, level="territorial", period_start=END.replace(day=1), period_end=END
    )
    criterion = contest.criteria.create(
        name="Подписчики", source=Metric.SUBSCRIBERS_END, rule=PointsRule.RANK, max_points=4
    )
    for org, subscribers in ((tree.vao, 10), (tree.zao, 30)):
        snap(make_page(org), END, subscribers)
    services.contest_open(contest=contest)
    services.contest_start_judging(contest=contest)
    points = {row.title: row.points[criterion.pk] for row in selectors.contest_ranking(contest).rows}
    assert points == {"ЗАО": 4.0, "ВАО": 2.0}


def test_status_changes_only_forwards_and_only_once(fixed):
    with pytest.raises(ValidationError):
        services.contest_start_judging(contest=fixed.contest)
    services.contest_close(contest=fixed.contest, confirm_gaps=True)
    with pytest.raises(ValidationError):
        services.contest_close(contest=fixed.contest, confirm_gaps=True)
    services.contest_publish(contest=fixed.contest)
    fixed.contest.refresh_from_db()
    assert fixed.contest.status == ContestStatus.PUBLISHED
    assert fixed.contest.published_at is not None


def test_a_contest_without_criteria_cannot_open(tree, cast):
    contest = services.contest_create(
        title="Пусто", scope=tree.union, level="primary", period_start=END, period_end=END
    )
    with pytest.raises(ValidationError):
        services.contest_open(contest=contest)


def test_scores_outside_the_scale_are_refused_and_nothing_saved(fixed):
    with pytest.raises(ValidationError) as error:
        services.jury_scores_save(
            juror=fixed.jurors["juror_youth"], entry=fixed.entries["ВАО"], marks={fixed.design.pk: {"points": "11"}}
        )
    message = " ".join(error.value.messages)
    assert "Оформление" in message
    assert "10" in message
    assert "1E+1" not in message
    assert not fixed.jurors["juror_youth"].scores.exists()


def test_scores_are_refused_once_judging_is_closed(scored):
    services.contest_close(contest=scored.contest)
    scored.jurors["juror_youth"].contest.refresh_from_db()
    with pytest.raises(ValidationError):
        score(scored, "juror_youth", "ВАО", 1)


def test_entries_cannot_change_after_judging_starts(fixed):
    with pytest.raises(ValidationError):
        services.entries_generate(contest=fixed.contest)


def test_a_criterion_nobody_scored_is_left_out_and_the_rest_scaled_to_the_full_scale():
    # Criteria 1 (automatic, possible 20) and 2 (jury, possible 10): 15 of the 20 possible → 15 × 30 / 20.
    possible = {1: 20.0, 2: 10.0}
    assert scoring.comparable_total({1: 15.0, 2: 0.0}, possible=possible, unscored={2}) == pytest.approx(22.5)
    assert scoring.comparable_total({1: 15.0, 2: 4.0}, possible=possible, unscored=set()) == pytest.approx(19.0)
    assert scoring.comparable_total({2: 0.0}, possible={2: 10.0}, unscored={2}) is None


def test_an_entry_no_juror_may_score_is_not_ranked_below_the_scored_ones(fixed):
    # Only the ВАО juror scores: ВАО has no eligible juror. Before the fairness rule its jury criterion
    # counted 0 and ВАО (10 automatic) finished last; now its 10 of 20 automatic points scale to 15 of 30.
    score(fixed, "juror", "ЗАО", 2)
    score(fixed, "juror", "САО", 2)
    fixed.jurors["juror_zao"].delete()
    fixed.jurors["juror_youth"].delete()
    ranking = selectors.contest_ranking(fixed.contest)
    rows = {row.title: row for row in ranking.rows}
    assert rows["ВАО"].total == pytest.approx(15.0)
    assert rows["ВАО"].unscored == [fixed.design.pk]
    assert rows["ВАО"].under_minimum and rows["ВАО"].short_of_jury
    assert rows["САО"].total == pytest.approx(7.0)  # 5 automatic + 2 jury
    assert rows["ВАО"].place < rows["САО"].place
    assert not rows["ЗАО"].short_of_jury


def test_a_jury_only_entry_nobody_could_score_is_listed_without_a_place(fixed):
    fixed.subscribers.delete()
    score(fixed, "juror", "ЗАО", 2)
    score(fixed, "juror", "САО", 1)
    fixed.jurors["juror_zao"].delete()
    fixed.jurors["juror_youth"].delete()
    ranking = selectors.contest_ranking(fixed.contest)
    assert [(row.title, row.place) for row in ranking.rows] == [("ЗАО", 1), ("САО", 2), ("ВАО", 0)]
    assert ranking.rows[-1].unranked


def test_the_mean_uses_only_scores_of_jurors_who_may_score_the_entry(fixed, tree):
    score(fixed, "juror_zao", "ВАО", 6)
    score(fixed, "juror_youth", "ВАО", 10)
    # juror_youth turns out to hold a role at ВАО: their score no longer counts, it is not a zero either.
    assign(fixed.users["juror_youth"], Role.PRESIDIUM, tree.vao)
    ranking = selectors.contest_ranking(fixed.contest)
    assert ranking.row_for(fixed.entries["ВАО"].pk).points[fixed.design.pk] == 6.0


def test_coverage_counts_eligible_jurors_scorers_and_missing_marks(scored):
    scored.contest.min_jurors = 3
    coverage = {item.title: item for item in selectors.jury_coverage(scored.contest)}
    # ВАО and ЗАО each have one conflicted juror; САО none.
    assert (coverage["ВАО"].eligible, coverage["ВАО"].scorers, coverage["ВАО"].missing) == (2, 2, 0)
    assert (coverage["САО"].eligible, coverage["САО"].scorers, coverage["САО"].missing) == (3, 3, 0)
    assert coverage["ВАО"].under_minimum and not coverage["САО"].under_minimum
    assert [item.title for item in selectors.coverage_gaps(scored.contest)] == ["ВАО", "ЗАО"]


def test_an_abstention_is_a_mark_given_but_not_a_score(fixed):
    services.jury_scores_save(
        juror=fixed.jurors["juror"], entry=fixed.entries["САО"], marks={fixed.design.pk: {"abstain": True}}
    )
    coverage = {item.title: item for item in selectors.jury_coverage(fixed.contest)}
    assert (coverage["САО"].marks_given, coverage["САО"].scorers, coverage["САО"].missing) == (1, 0, 2)


def test_closing_judging_with_gaps_asks_for_confirmation_and_names_the_entries(scored):
    scored.contest.min_jurors = 3
    scored.contest.save()
    with pytest.raises(services.JuryGapsError) as raised:
        services.contest_close(contest=scored.contest)
    assert [item.title for item in raised.value.gaps] == ["ВАО", "ЗАО"]
    assert "«ВАО», «ЗАО»" in raised.value.messages[0]
    scored.contest.refresh_from_db()
    assert scored.contest.status == ContestStatus.JUDGING
    services.contest_close(contest=scored.contest, confirm_gaps=True)
    assert scored.contest.status == ContestStatus.CLOSED


def test_closing_a_fully_covered_contest_needs_no_confirmation(scored):
    scored.contest.min_jurors = 2
    scored.contest.save()
    services.contest_close(contest=scored.contest)
    assert scored.contest.status == ContestStatus.CLOSED
