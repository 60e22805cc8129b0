"""The opening tag of a table cell for `templates/_table_cards.html`: its column's attributes and its name.

django-tables2 builds a column's attributes and header anew for every cell (`BoundColumn.attrs`, `.header`):
a 50-row table of 9 columns built them 450 times per render, a fifth of the page's time. A column whose cell
attributes are fixed (no callable: every table here) gets its tag built once per render, kept on the bound
column (which lives for that render only).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


def _fixed(column) -> bool:
    """Whether the column's cell attributes are the same for every row (no callable to call per record)."""
    declared = {**column._table.attrs, **column.column.attrs}
    cell = declared.get("td", declared.get("cell", {}))
    return not any(callable(value) for value in cell.values())


@register.simple_tag
def td_open(column) -> str:
    tag = column.__dict__.get("_td_open")
    if tag is not None:
        return tag
    tag = format_html('<td {} data-label="{}">', column.attrs["td"].as_html(), column.header)
    if _fixed(column):
        column.__dict__["_td_open"] = tag
    return tag
