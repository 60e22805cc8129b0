"""Numbers and dates the Russian way, for tables, exports and emails: `1 234`, `+12,5 %`, `31.12.2017`.

The template filters in `unionportal/templatetags/formatting.py` call these, so a page and its export agree.
"""

from __future__ import annotations

import datetime as dt

NBSP = "\u00a0"


def fmt_int(value: int | None) -> str:
    """`1 234` with a non-breaking space; empty for a missing value."""
    if value is None:
        return ""
    return f"{value:,}".replace(",", NBSP)


def fmt_signed(value: int | None) -> str:
    if value is None:
        return ""
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return sign + fmt_int(abs(value))


def fmt_pct(value: float | None, *, signed: bool = True) -> str:
    """`12,5 %`, one decimal, comma; `+` on growth when signed."""
    if value is None:
        return ""
    text = f"{abs(value):.1f}".replace(".", ",")
    sign = ("+" if value > 0 else ("−" if value < 0 else "")) if signed else ("−" if value < 0 else "")
    return f"{sign}{text}{NBSP}%"


def fmt_date(value: dt.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""
