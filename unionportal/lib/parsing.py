"""Numbers and dates the way people type them in Russia: `108 549`, `31.12.2017`."""

from __future__ import annotations

import datetime as dt
import re

from django.utils.translation import gettext as _

_SPACES = re.compile(r"[\s\u00a0\u202f]")
_DIGITS = re.compile(r"[0-9]+")

# The largest value a database integer column holds (PostgreSQL `integer`): counts above it are typos.
MAX_COUNT = 2_147_483_647


def parse_count(value: str) -> int:
    """A non-negative whole number; spaces (plain, non-breaking, narrow) between thousands allowed."""
    cleaned = _SPACES.sub("", value or "")
    if not cleaned:
        raise ValueError(_("a number is required"))
    if not _DIGITS.fullmatch(cleaned):
        raise ValueError(_("«%(value)s» is not a whole non-negative number") % {"value": value})
    number = int(cleaned)
    if number > MAX_COUNT:
        raise ValueError(_("«%(value)s» is too large") % {"value": value})
    return number


def parse_date(value: str) -> dt.date:
    """`2017-12-31` or `31.12.2017`."""
    text = (value or "").strip()
    if not text:
        raise ValueError(_("a date is required"))
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar date)
        except ValueError:
            continue
    raise ValueError(_("«%(value)s» is not a date; write 31.12.2017 or 2017-12-31") % {"value": value})
