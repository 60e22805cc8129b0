"""Growth rules and rows as plain data: periods, change, change in %, Russian number formats.

No database here: selectors.py reads the numbers, this module shapes and formats them, so the rules
can be unit-tested on plain values. The rules in words are in docs/reports.md.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import npgettext

from .facts import to_date

# A value read from a snapshot older than this many days before the asked date shows its own date.
STALE_AFTER_DAYS = 3

GROUPINGS = ("page", "org", "territorial", "network")


@dataclass
class GrowthRow:
    """One row of a growth table: a page, an organisation, a territorial organisation or a network."""

    key: object
    label: str
    network: str = ""
    organisation: str = ""
    path: str = ""
    pages: int = 0
    new_pages: int = 0
    at_a: int | None = None
    at_b: int | None = None
    date_a: dt.date | None = None  # oldest snapshot date behind at_a
    date_b: dt.date | None = None
    stale_a: bool = False
    stale_b: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def change(self) -> int:
        """B − A; a missing value counts as 0 (a page with no start snapshot grows from 0)."""
        return (self.at_b or 0) - (self.at_a or 0)

    @property
    def change_pct(self) -> float | None:
        """Change as a share of A in %; None when there was nothing at A."""
        if not self.at_a:
            return None
        return self.change * 100.0 / self.at_a

    @property
    def is_new(self) -> bool:
        """Every page of the row had no snapshot on or before A (for a page row: the page is new)."""
        return self.pages > 0 and self.new_pages == self.pages

    def as_dict(self) -> dict:
        return {
            "label": self.label,
            "network": self.network,
            "organisation": self.organisation,
            "pages": self.pages,
            "new_pages": self.new_pages,
            "at_a": self.at_a,
            "at_b": self.at_b,
            "date_a": self.date_a,
            "date_b": self.date_b,
            "stale_a": self.stale_a,
            "stale_b": self.stale_b,
            "change": self.change,
            "change_pct": self.change_pct,
            "is_new": self.is_new,
        }


def is_stale(snapshot_date: dt.date | None, asked: dt.date) -> bool:
    return snapshot_date is not None and (asked - snapshot_date).days > STALE_AFTER_DAYS


def raw_figures(pages, new_pages, at_a, at_b, date_a, date_b, *, a: dt.date, b: dt.date) -> dict:
    """A growth row's figures from a database record (numbers and dates as the driver gives them)."""
    date_a, date_b = to_date(date_a), to_date(date_b)
    return {
        "pages": int(pages),
        "new_pages": int(new_pages or 0),
        "at_a": None if at_a is None else int(at_a),
        "at_b": None if at_b is None else int(at_b),
        "date_a": date_a,
        "date_b": date_b,
        "stale_a": is_stale(date_a, a),
        "stale_b": is_stale(date_b, b),
    }


def add_optional(left: int | None, right: int | None) -> int | None:
    if left is None:
        return right
    if right is None:
        return left
    return left + right


def min_date(left: dt.date | None, right: dt.date | None) -> dt.date | None:
    if left is None:
        return right
    if right is None:
        return left
    return min(left, right)


def total_of(rows: list[GrowthRow], label: str, *, a: dt.date, b: dt.date, key: object = "total") -> GrowthRow:
    """Sum of rows; the dates are the oldest behind each column."""
    total = GrowthRow(key=key, label=label)
    for row in rows:
        total.pages += row.pages
        total.new_pages += row.new_pages
        total.at_a = add_optional(total.at_a, row.at_a)
        total.at_b = add_optional(total.at_b, row.at_b)
        total.date_a = min_date(total.date_a, row.date_a)
        total.date_b = min_date(total.date_b, row.date_b)
    total.stale_a = is_stale(total.date_a, a)
    total.stale_b = is_stale(total.date_b, b)
    return total


# Periods -------------------------------------------------------------------------------------------

PRESETS = ("this_month", "last_month", "quarter", "year")


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def preset_period(preset: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """(A, B) of a preset. A is the last day before the period, so the change covers the whole period.

    this_month: end of last month → today; last_month: end of the month before → end of last month;
    quarter: end of the previous quarter → today; year: 31 December of last year → today.
    """
    first_of_month = today.replace(day=1)
    if preset == "this_month":
        return first_of_month - dt.timedelta(days=1), today
    if preset == "last_month":
        end_last = first_of_month - dt.timedelta(days=1)
        return end_last.replace(day=1) - dt.timedelta(days=1), end_last
    if preset == "quarter":
        quarter_first = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
        return quarter_first - dt.timedelta(days=1), today
    if preset == "year":
        return dt.date(today.year - 1, 12, 31), today
    raise ValueError(preset)


def linear_trend_date(points: list[tuple[dt.date, int]], target: int) -> dt.date | None:
    """Date a least-squares line through (date, value) points reaches `target`; None if it never does."""
    if len(points) < 2:
        return None
    origin = points[0][0]
    xs = [(day - origin).days for day, _value in points]
    ys = [value for _day, value in points]
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    last_day, last_value = points[-1]
    if last_value >= target:
        return last_day
    if slope <= 0:
        return None
    intercept = mean_y - slope * mean_x
    x_target = (target - intercept) / slope
    return origin + dt.timedelta(days=max(int(x_target + 0.999), xs[-1]))


def ownership_sentence(
    *,
    pages: int,
    territorial_pages: int,
    territorial_orgs: int,
    primary_pages: int,
    primary_orgs: int,
    youth_pages: int,
) -> str:
    """The 000 document's summary: «52 страницы: 13 из них принадлежат 8 территориальным организациям,
    39 групп — у 27 первичек, 14 ведёт молодёжь», with Russian plurals through ngettext."""
    parts = [
        npgettext("dashboard", "%(count)s of them belongs to", "%(count)s of them belong to", territorial_pages)
        % {"count": territorial_pages}
        + " "
        + npgettext(
            "dashboard", "%(count)s territorial organisation", "%(count)s territorial organisations", territorial_orgs
        )
        % {"count": territorial_orgs},
        npgettext("dashboard", "%(count)s group", "%(count)s groups", primary_pages) % {"count": primary_pages}
        + " — "
        + npgettext("dashboard", "with %(count)s primary", "with %(count)s primaries", primary_orgs)
        % {"count": primary_orgs},
        npgettext("dashboard", "%(count)s run by youth", "%(count)s run by youth", youth_pages)
        % {"count": youth_pages},
    ]
    head = npgettext("dashboard", "%(count)s page", "%(count)s pages", pages) % {"count": pages}
    return f"{head}: {', '.join(parts)}"
