"""django-tables2 tables of the reports. Rows are plain dicts computed before: a column never queries."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .growth import fmt_date, fmt_int, fmt_pct, fmt_signed


class NumberColumn(tables.Column):
    attrs = {"td": {"class": "num"}, "th": {"class": "num"}}

    def render(self, value):
        return fmt_int(value)


class GrowthTable(tables.Table):
    label = tables.Column(verbose_name=_("Row"))
    network = tables.Column(verbose_name=_("Network"))
    organisation = tables.Column(verbose_name=_("Organisation"))
    pages = NumberColumn(verbose_name=_("Pages"))
    at_a = NumberColumn(verbose_name=_("At A"))
    at_b = NumberColumn(verbose_name=_("At B"))
    change = NumberColumn(verbose_name=_("Change"))
    change_pct = NumberColumn(verbose_name=_("Change, %"))

    class Meta:
        attrs = {"class": "table", "id": "growth-table"}
        per_page = 50
        orderable = True
        empty_text = _("No pages with snapshots in this period.")

    def __init__(self, data, *, grouping: str, **kwargs):
        exclude = []
        if grouping != "page":
            exclude.append("network" if grouping != "network" else "organisation")
            if grouping != "network":
                exclude.append("organisation")
        else:
            exclude.append("pages")
        super().__init__(data, exclude=exclude, **kwargs)

    def render_label(self, value, record):
        if record["is_new"]:
            return format_html('{} <span class="badge ok">{}</span>', value, _("new"))
        return value

    def render_at_a(self, value, record):
        return _with_date(value, record["date_a"], record["stale_a"])

    def render_at_b(self, value, record):
        return _with_date(value, record["date_b"], record["stale_b"])

    def render_change(self, value):
        return fmt_signed(value)

    def render_change_pct(self, value):
        return fmt_pct(value)


def _with_date(value, date, stale: bool):
    if value is None:
        return "—"
    if stale:
        return format_html('{} <small class="muted">{} {}</small>', fmt_int(value), _("on"), fmt_date(date))
    return fmt_int(value)
