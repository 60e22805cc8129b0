"""Query parameters of the list and report pages, parsed one way: a bad value is ignored, never a 500.

A list or report page answers whatever is typed into its address bar: a value that is not what the page
expects (text for a number, `-1` rows per page, a 30-digit id, the year 1 or 9999) falls back to the
page's default, so the page shows its usual content instead of an error. Numbers are bounded (`per_page`
at MAX_PER_PAGE, ids within a database integer), dates lie between EARLIEST_DATE and LATEST_DATE, so no
date arithmetic overflows.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django_tables2 import RequestConfig

from .parsing import parse_date

MAX_PER_PAGE = 200
MAX_ID = 2**63 - 1  # a BigAutoField
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)


def query_int(value: str | None, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """A whole number within [minimum, maximum]; None for anything else."""
    text = (value or "").strip()
    if not text or len(text) > 20 or not text.lstrip("-").isascii() or not text.lstrip("-").isdigit():
        return None
    number = int(text)
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return None
    return number


def query_id(value: str | None) -> int | None:
    """A primary key: a positive whole number a database column can hold; None for anything else."""
    return query_int(value, minimum=1, maximum=MAX_ID)


def query_date(value: str | None) -> dt.date | None:
    """`31.12.2017` or `2017-12-31` between EARLIEST_DATE and LATEST_DATE; None for anything else."""
    try:
        day = parse_date(value or "")
    except ValueError:
        return None
    return day if EARLIEST_DATE <= day <= LATEST_DATE else None


def query_month(value: str | None) -> dt.date | None:
    """`2026-10` or `2026-10-01` → 2026-10-01, within the date bounds; None for anything else."""
    text = (value or "").strip()
    try:
        day = dt.date.fromisoformat(text if len(text) > 7 else f"{text}-01")
    except ValueError:
        return None
    return day.replace(day=1) if EARLIEST_DATE <= day <= LATEST_DATE else None


def paginate_table(request: HttpRequest, table, *, per_page: int) -> None:
    """django-tables2's RequestConfig with `per_page` from the address bounded to 1..MAX_PER_PAGE.

    django-tables2 reads `per_page` itself and fails on 0 or a negative number, so an unusable value
    is replaced by the page's default before it looks.
    """
    name = table.prefixed_per_page_field
    if name in request.GET:
        asked = query_int(request.GET[name], minimum=1)
        query = request.GET.copy()
        query[name] = str(min(asked, MAX_PER_PAGE) if asked else per_page)
        request.GET = query
    RequestConfig(request, paginate={"per_page": per_page}).configure(table)
