"""Pure scoring rules on plain data: metric values → points, jury scores → points, totals → places.

Every formula here is written out in docs/contests.md; the tests check them on fixed numbers.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field


def linear_points(values: dict[int, float | None], max_points: float) -> dict[int, float]:
    """points = max × value / best; the best participant gets max; no value or best ≤ 0 → 0."""
    present = [value for value in values.values() if value is not None]
    best = max(present, default=0)
    if best <= 0:
        return dict.fromkeys(values, 0.0)
    return {key: (max_points * max(value, 0) / best if value is not None else 0.0) for key, value in values.items()}


def rank_points(values: dict[int, float | None], max_points: float) -> dict[int, float]:
    """points = max × (n − rank + 1) / n, rank counted from the best (equal values share a rank);
    participants without a value get 0."""
    present = {key: value for key, value in values.items() if value is not None}
    n = len(present)
    result = dict.fromkeys(values, 0.0)
    if not n:
        return result
    ordered = sorted(present.values(), reverse=True)
    for key, value in present.items():
        rank = ordered.index(value) + 1  # competition ranking: 1, 2, 2, 4
        result[key] = max_points * (n - rank + 1) / n
    return result


def jury_points(scores: list[tuple[int, int, float]], *, max_points: float, normalise: bool) -> dict[int, float]:
    """The jury's points per entry on one criterion from (juror, entry, score) rows (abstentions left out).

    Without normalisation: the mean of the jurors' scores.
    With normalisation: each score s of juror j becomes z = (s − mean_j) / sd_j (mean and population
    standard deviation of juror j's scores on this criterion), mapped back to the scale with the pooled
    mean M and population sd S of all scores on the criterion: s' = M + z × S, clipped to [0, max].
    A juror with fewer than two scores or sd_j = 0 keeps raw scores. Then the mean per entry.
    """
    if normalise and scores:
        by_juror: dict[int, list[float]] = defaultdict(list)
        for juror, _entry, score in scores:
            by_juror[juror].append(score)
        pooled = [score for _j, _e, score in scores]
        pooled_mean = statistics.fmean(pooled)
        pooled_sd = statistics.pstdev(pooled)
        adjusted = []
        for juror, entry, score in scores:
            own = by_juror[juror]
            sd = statistics.pstdev(own) if len(own) > 1 else 0.0
            if sd == 0:
                adjusted.append((entry, score))
                continue
            z = (score - statistics.fmean(own)) / sd
            adjusted.append((entry, min(max(pooled_mean + z * pooled_sd, 0.0), max_points)))
    else:
        adjusted = [(entry, score) for _juror, entry, score in scores]
    per_entry: dict[int, list[float]] = defaultdict(list)
    for entry, score in adjusted:
        per_entry[entry].append(score)
    return {entry: statistics.fmean(values) for entry, values in per_entry.items()}


def comparable_total(weighted: dict[int, float], *, possible: dict[int, float], unscored: set[int]) -> float | None:
    """The entry's total on the full scale when some jury criteria had no eligible score.

    A criterion nobody could (or did) score is left out rather than counted as 0, and the rest is
    scaled up to the full scale: total = Σ weighted over scored criteria × Σ possible ÷ Σ possible over
    scored criteria, where possible = weight × maximum points. With nothing left out this is the plain sum.
    None when every criterion was left out: such an entry has no total to rank by.
    """
    kept = [criterion for criterion in possible if criterion not in unscored]
    kept_possible = sum(possible[criterion] for criterion in kept)
    if kept_possible <= 0:
        return None if unscored else 0.0
    total = sum(weighted.get(criterion, 0.0) for criterion in kept)
    return total * sum(possible.values()) / kept_possible


@dataclass
class Row:
    """One participant's line of the ranking."""

    entry_id: int
    title: str
    organisation_id: int
    points: dict[int, float] = field(default_factory=dict)  # criterion id → unweighted points
    weighted: dict[int, float] = field(default_factory=dict)  # criterion id → weight × points
    values: dict[int, float | None] = field(default_factory=dict)  # criterion id → raw metric value
    total: float = 0.0
    jury_total: float = 0.0
    unscored: list[int] = field(default_factory=list)  # jury criteria nobody eligible scored (left out)
    scorers: int = 0  # eligible jurors who gave this entry at least one score
    missing_marks: int = 0  # marks eligible jurors have not given yet
    under_minimum: bool = False  # fewer scorers than the contest's minimum
    unranked: bool = False  # nothing could be scored: listed after the ranked entries without a place

    @property
    def is_winner(self) -> bool:
        return 1 <= self.place <= 3

    @property
    def short_of_jury(self) -> bool:
        """Marked in published results: fewer jurors than the minimum, or marks missing."""
        return self.under_minimum or self.missing_marks > 0 or bool(self.unscored)

    engagement: float | None = None
    place: int = 0
    shared: bool = False


def assign_places(rows: list[Row]) -> list[Row]:
    """Order by total, then jury total, then engagement (all descending); rows equal on all three
    share a place (1, 2, 2, 4). Totals are compared rounded to 0.001 so float noise does not split a tie.
    Unranked rows (nothing could be scored) come last with place 0, never below a scored entry's place."""

    def key(row: Row) -> tuple[float, float, float]:
        return (
            round(row.total, 3),
            round(row.jury_total, 3),
            round(row.engagement, 6) if row.engagement is not None else -1.0,
        )

    unranked = sorted((row for row in rows if row.unranked), key=lambda row: row.title)
    ordered = sorted(
        (row for row in rows if not row.unranked), key=lambda row: (tuple(-part for part in key(row)), row.title)
    )
    previous = None
    for row in unranked:
        row.place = 0
    for index, row in enumerate(ordered, start=1):
        if previous is not None and key(previous) == key(row):
            row.place = previous.place
            row.shared = previous.shared = True
        else:
            row.place = index
        previous = row
    return ordered + unranked
