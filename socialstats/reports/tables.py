"""django-tables2 tables of the reports.

Rows are plain dicts with their cells already formatted (`growth_cells`): a column neither queries nor
formats, so rendering stays cheap at any size; sorting uses the numeric values behind the text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import django_tables2 as tables
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from unionportal.lib.formatting import fmt_date, fmt_int, fmt_pct, fmt_signed

from .audience import TransitionRow, network_label
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


def transition_cells(row: TransitionRow, networks: Sequence[str]) -> dict:
    """A row of the «move» view: the change per network (numbers for sorting, cells formatted)."""
    values: dict = {"label": row.label, "organisation_id": row.organisation_id, "change": row.change()}
    label = row.label
    if row.is_move:
        label = format_html('{} <span class="badge warn">{}</span>', row.label, _("move"))
    cells = []
    for network in networks:
        present = network in row.at_a or network in row.at_b
        change = row.change(network)
        values[f"d_{network}"] = change
        cells.append(
            {
                "text": fmt_signed(change) if present else "—",
                "title": f"{fmt_int(row.at_a.get(network, 0))} → {fmt_int(row.at_b.get(network, 0))}"
                if present
                else "",
                "trend": "up" if change > 0 else ("down" if change < 0 else ""),
            }
        )
    values.update(label_html=label, cells=cells, change_text=fmt_signed(row.change()))
    return values


class TransitionTable(tables.Table):
    """Organisation, the change on each network (extra columns, one per network), the total change."""

    label = tables.Column(verbose_name=gettext_lazy("Organisation"), accessor="label_html", order_by=("label",))
    change = tables.Column(verbose_name=gettext_lazy("Total"), accessor="change_text", order_by=("change",), attrs=NUM)

    class Meta:
        attrs = {"class": "table", "id": "transition-table"}
        per_page = 50
        orderable = True
        empty_text = gettext_lazy("No pages with snapshots in this period.")

    def __init__(self, data, *, networks: Sequence[str], **kwargs):
        columns = [
            (
                f"d_{network}",
                tables.Column(
                    verbose_name=network_label(network), accessor=f"d_{network}", order_by=(f"d_{network}",), attrs=NUM
                ),
            )
            for network in networks
        ]
        sequence = ("label", *(name for name, _column in columns), "change")
        super().__init__(data, extra_columns=columns, sequence=sequence, **kwargs)


def printed_cells_html(rows: list, networks: list[tuple[str, str]], *, a: dt.date, b: dt.date) -> None:
    """Each row's network cells (A, B, growth) of the printed layout (selectors.PrintedRow) as HTML in
    `row.cells_html`: the markup growth_printed.html's
    total row has too, the label naming each cell on a phone's card (data-label). 200 rows × 3 cells per
    network: the escaped labels are built once per network, and a cell holds only numbers and dates that
    need no escaping."""
    growth = _("Growth").lower()
    new = format_html('<span class="badge ok">{}</span>', _("new"))
    labels = [
        (value, escape(f"{label} {fmt_date(a)}"), escape(f"{label} {fmt_date(b)}"), escape(f"{label}: {growth}"))
        for value, label in networks
    ]
    for row in rows:
        cells = []
        for value, label_a, label_b, label_growth in labels:
            cell = row.cells.get(value)
            if cell is None:
                cells.append(
                    f'<td class="num" data-label="{label_a}">—</td><td class="num" data-label="{label_b}">—</td>'
                    f'<td class="num" data-label="{label_growth}">—</td>'
                )
                continue
            at_a = new if cell.at_a is None else _with_stale_date(fmt_int(cell.at_a), cell.stale_a, cell.date_a)
            at_b = _with_stale_date(fmt_int(cell.at_b), cell.stale_b, cell.date_b)
            cells.append(
                f'<td class="num" data-col="a" data-label="{label_a}">{at_a}</td>'
                f'<td class="num" data-col="b" data-label="{label_b}">{at_b}</td>'
                f'<td class="num" data-col="change" data-label="{label_growth}">{fmt_signed(cell.change)}</td>'
            )
        row.cells_html = mark_safe("".join(cells))  # escaped labels, numbers and dates only


def _with_stale_date(text: str, stale: bool, day: dt.date | None) -> str:
    """A formatted number (digits and spaces) with its snapshot's date when that is older than the asked one."""
    return f'{text} <small class="muted">{fmt_date(day)}</small>' if stale else text
