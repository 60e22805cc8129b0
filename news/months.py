"""Reporting months and their deadlines: plain date arithmetic, no queries."""

from __future__ import annotations

import calendar
import datetime as dt

from django.conf import settings
from django.utils import timezone


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def months_back(last: dt.date, count: int) -> list[dt.date]:
    """`count` months ending with `last`'s month, oldest first."""
    last = month_start(last)
    return [add_months(last, -offset) for offset in range(count - 1, -1, -1)]


def deadline(month: dt.date) -> dt.date:
    """The last day on which news for `month` is on time: NEWS_DEADLINE_DAY of the following month."""
    following = add_months(month_start(month), 1)
    return following.replace(day=min(settings.NEWS_DEADLINE_DAY, month_end(following).day))


def local_today() -> dt.date:
    return timezone.localdate()


def parse_month(value: str | None) -> dt.date | None:
    """`2026-10` or `2026-10-01` → 2026-10-01; None for anything else."""
    if not value:
        return None
    try:
        return month_start(dt.date.fromisoformat(value if len(value) > 7 else f"{value}-01"))
    except ValueError:
        return None
