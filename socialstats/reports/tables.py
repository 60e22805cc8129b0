"""django-tables2 tables of the reports.

Rows are plain dicts with their cells already formatted (`growth_cells`): a column neither queries nor
formats, so rendering stays cheap at any size; sorting uses the numeric values behind the text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from unionportal.lib.formatting import fmt_date, fmt_int, fmt_pct, fmt_signed

from .audience import TransitionRow, network_label
from .growth import GrowthRow
from .lists import EngagementItem, SilentRow
from .selectors import OrgEngagement, ReachRow

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
        # Digits, a non-breaking space and a date need no escaping; format_html's lazy-string check per argument
        # cost a third of a 50-row page's cells.
        return mark_safe(f'{fmt_int(value)} <small class="muted">{escape(_("on"))} {fmt_date(date)}</small>')
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
                "header": network_label(network),
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


# Silent pages and engagement: one page of rows read in SQL (reports/lists.py), cells formatted here.


def _page_link(page_id: int, label: str):
    return format_html('<a href="{}">{}</a>', reverse("socialstats:page_detail", args=[page_id]), label)


def silent_cells(row: SilentRow) -> dict:
    return {
        "territory": row.territory,
        "label_html": _page_link(row.page_id, row.label),
        "organisation": row.organisation,
        "network": row.network,
        "last_post_text": fmt_date(timezone.localdate(row.last_post_at)) if row.last_post_at else _("no posts"),
        "days_text": "—" if row.days is None else fmt_int(row.days),
    }


class SilentTable(tables.Table):
    territory = tables.Column(verbose_name=gettext_lazy("Territorial organisation"), order_by=("territory",))
    label = tables.Column(verbose_name=gettext_lazy("Page"), accessor="label_html", order_by=("label",))
    organisation = tables.Column(verbose_name=gettext_lazy("Organisation"), order_by=("organisation",))
    network = tables.Column(verbose_name=gettext_lazy("Network"), order_by=("network",))
    last_post = tables.Column(
        verbose_name=gettext_lazy("Last post"), accessor="last_post_text", orderable=False, attrs=NUM
    )
    days = tables.Column(verbose_name=gettext_lazy("Days"), accessor="days_text", order_by=("days",), attrs=NUM)

    class Meta:
        attrs = {"class": "table table-cards", "id": "silent-pages"}
        per_page = 50
        orderable = True
        order_by = ("territory",)
        empty_text = gettext_lazy("No silent pages.")


def engagement_cells(row: EngagementItem) -> dict:
    return {
        "title": row.label,  # plain, as the tests and the chart name the page
        "label_html": format_html('{} <span class="muted">{}</span>', _page_link(row.page_id, row.label), row.network),
        "organisation": row.organisation,
        "subscribers": fmt_int(row.subscribers),
        "engagement": fmt_pct(row.engagement, signed=False) or "—",
        "by_views": fmt_pct(row.engagement_by_views, signed=False) or "—",
        "posts_30d": "—" if row.posts_30d is None else fmt_int(row.posts_30d),
        "last_post": fmt_date(timezone.localdate(row.last_post_at)) if row.last_post_at else "—",
    }


class EngagementTable(tables.Table):
    label = tables.Column(verbose_name=gettext_lazy("Page"), accessor="label_html", order_by=("label",))
    organisation = tables.Column(verbose_name=gettext_lazy("Organisation"), order_by=("organisation",))
    subscribers = tables.Column(verbose_name=gettext_lazy("Subscribers"), order_by=("subscribers",), attrs=NUM)
    engagement = tables.Column(verbose_name=gettext_lazy("Engagement"), order_by=("engagement",), attrs=NUM)
    by_views = tables.Column(verbose_name=gettext_lazy("By views"), order_by=("by_views",), attrs=NUM)
    posts_30d = tables.Column(verbose_name=gettext_lazy("Posts in 30 days"), order_by=("posts_30d",), attrs=NUM)
    last_post = tables.Column(verbose_name=gettext_lazy("Last post"), order_by=("last_post",), attrs=NUM)

    class Meta:
        attrs = {"class": "table table-cards", "id": "engagement-pages"}
        per_page = 50
        orderable = True
        order_by = ("-engagement",)
        empty_text = gettext_lazy("No data yet.")


def org_engagement_cells(item: OrgEngagement) -> dict:
    return {
        "label": item.label,
        "pages": fmt_int(item.pages),
        "subscribers": fmt_int(item.subscribers),
        "engagement": fmt_pct(item.engagement, signed=False) or "—",
        "by_views": fmt_pct(item.engagement_by_views, signed=False) or "—",
        "posts_30d": "—" if item.posts_30d is None else f"{item.posts_30d:.1f}".replace(".", ","),
    }


class OrgEngagementTable(tables.Table):
    label = tables.Column(verbose_name=gettext_lazy("Organisation"), order_by=("label",))
    pages = tables.Column(verbose_name=gettext_lazy("Pages"), order_by=("pages",), attrs=NUM)
    subscribers = tables.Column(verbose_name=gettext_lazy("Subscribers"), order_by=("subscribers",), attrs=NUM)
    engagement = tables.Column(verbose_name=gettext_lazy("Engagement"), order_by=("engagement",), attrs=NUM)
    by_views = tables.Column(verbose_name=gettext_lazy("By views"), order_by=("by_views",), attrs=NUM)
    posts_30d = tables.Column(verbose_name=gettext_lazy("Posts in 30 days"), order_by=("posts_30d",), attrs=NUM)

    class Meta:
        attrs = {"class": "table table-cards", "id": "engagement-orgs"}
        per_page = 50
        orderable = True
        order_by = ("-subscribers",)
        prefix = "org-"
        empty_text = gettext_lazy("No data yet.")


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


def reach_cells(row: ReachRow) -> dict:
    """A row of the reach table: the numbers (for sorting) and their Russian-formatted cells."""
    return {
        "row": row,
        "label": row.label,
        "at_b": row.subscribers,
        "members_count": row.members,
        "share": row.reach,
        "subscribers": fmt_int(row.subscribers),
        "members": fmt_int(row.members) or "—",
        "reach": fmt_pct(row.reach, signed=False) or "—",
    }


class ReachTable(tables.Table):
    """Reach against membership. By organisation (thousands of rows) the rows are sorted and cut in SQL, by
    the name or the subscribers only (`by_organisation`): members and reach are read for the rows shown."""

    label = tables.Column(verbose_name=gettext_lazy("Organisation"), order_by=("label",))
    subscribers = tables.Column(verbose_name=gettext_lazy("Subscribers"), order_by=("at_b",), attrs=NUM)
    members = tables.Column(verbose_name=gettext_lazy("Union members"), order_by=("members_count",), attrs=NUM)
    reach = tables.Column(verbose_name=gettext_lazy("Reach"), order_by=("share",), attrs=NUM)

    class Meta:
        attrs = {"class": "table table-cards", "id": "reach-table"}
        per_page = 50
        orderable = True
        empty_text = gettext_lazy("No pages with snapshots in this period.")

    def __init__(self, data, *, by_organisation: bool = False, **kwargs):
        super().__init__(data, **kwargs)
        if by_organisation:
            for name in ("members", "reach"):
                self.columns[name].column.orderable = False
