"""django-tables2 tables of the reports.

Rows are plain dicts with their cells already formatted (`growth_cells`): a column neither queries nor
formats, so rendering stays cheap at any size; sorting uses the numeric values behind the text.
"""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from unionportal.lib.formatting import fmt_date, fmt_int, fmt_pct, fmt_signed

from .growth import GrowthRow

NUM = {"td": {"class": "num"}, "th": {"class": "num"}}


def growth_cells(row: GrowthRow) -> dict:
    """A table row: the numbers (for sorting and tests) and their Russian-formatted cells."""
    values = row.as_dict()
    label = format_html('{} <span class="badge ok">{}</span>', row.label, _("new")) if row.is_new else row.label
    values.update(
        label_html=label,
        at_a_html=_with_date(row.at_a, row.date_a, row.stale_a),
        at_b_html=_with_date(row.at_b, row.date_b, row.stale_b),
        change_text=fmt_signed(row.change),
        change_pct_text=fmt_pct(row.change_pct),
        pages_text=fmt_int(row.pages),
    )
    return values


def _with_date(value, date, stale: bool):
    if value is None:
        return "—"
    if stale:
        return format_html('{} <small class="muted">{} {}</small>', fmt_int(value), _("on"), fmt_date(date))
    return fmt_int(value)


class GrowthTable(tables.Table):
    label = tables.Column(verbose_name=gettext_lazy("Row"), accessor="label_html", order_by=("label",))
    network = tables.Column(verbose_name=gettext_lazy("Network"))
    organisation = tables.Column(verbose_name=gettext_lazy("Organisation"))
    pages = tables.Column(verbose_name=gettext_lazy("Pages"), accessor="pages_text", order_by=("pages",), attrs=NUM)
    at_a = tables.Column(verbose_name=gettext_lazy("At A"), accessor="at_a_html", order_by=("at_a",), attrs=NUM)
    at_b = tables.Column(verbose_name=gettext_lazy("At B"), accessor="at_b_html", order_by=("at_b",), attrs=NUM)
    change = tables.Column(
        verbose_name=pgettext_lazy("difference", "Change"), accessor="change_text", order_by=("change",), attrs=NUM
    )
    change_pct = tables.Column(
        verbose_name=gettext_lazy("Change, %"), accessor="change_pct_text", order_by=("change_pct",), attrs=NUM
    )

    class Meta:
        attrs = {"class": "table", "id": "growth-table"}
        per_page = 50
        orderable = True
        empty_text = gettext_lazy("No pages with snapshots in this period.")

    def __init__(self, data, *, grouping: str, **kwargs):
        exclude = []
        if grouping == "page":
            exclude.append("pages")
        else:
            exclude.append("organisation")
            if grouping != "network":
                exclude.append("network")
        super().__init__(data, exclude=exclude, **kwargs)
