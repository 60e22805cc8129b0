"""Template filters for numbers and dates the Russian way: the same functions the exports use.

`{% load formatting %}` then `{{ value|num }}` → `1 234`, `{{ change|signed }}` → `+1 106`,
`{{ share|pct }}` → `12,5 %`, `{{ day|ru_date }}` → `31.12.2017`. A missing value renders as «—».
"""

from __future__ import annotations

import datetime as dt

from django import template

from unionportal.lib.formatting import fmt_date, fmt_int, fmt_pct, fmt_signed

register = template.Library()

MISSING = "—"


@register.filter
def num(value: int | None) -> str:
    return fmt_int(value) if value is not None else MISSING


@register.filter
def signed(value: int | None) -> str:
    return fmt_signed(value) if value is not None else MISSING


@register.filter
def pct(value: float | None) -> str:
    return fmt_pct(value, signed=False) if value is not None else MISSING


@register.filter
def ru_date(value: dt.date | None) -> str:
    return fmt_date(value) if value else MISSING
