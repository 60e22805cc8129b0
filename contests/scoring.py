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
    engagement: float | None = None
    place: int = 0
    shared: bool = False


def assign_places(rows: list[Row]) -> list[Row]:
    """Order by total, then jury total, then engagement (all descending); rows equal on all three
    share a place (1, 2, 2, 4). Totals are compared rounded to 0.001 so float noise does not split a tie."""

    def key(row: Row) -> tuple[float, float, float]:
        return (
            round(row.total, 3),
            round(row.jury_total, 3),
            round(row.engagement, 6) if row.engagement is not None else -1.0,
        )

    ordered = sorted(rows, key=lambda row: (tuple(-part for part in key(row)), row.title))
    previous = None
    for index, row in enumerate(ordered, start=1):
        if previous is not None and key(previous) == key(row):
            row.place = previous.place
            row.shared = previous.shared = True
        else:
            row.place = index
        previous = row
    return ordered
