"""Template tags of the news completeness page."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import ngettext

register = template.Library()

_PLACEHOLDER = 2_147_483_647  # an id no item has: replaced by each item's id


@register.simple_tag
def completeness_rows(rows, labels) -> SafeString:
    """A territory's grid body: a row per primary organisation, a cell per month (its state, a link to the item or
    to the review queue where the reviewer may open it). The markup of a template loop, built in one pass: the
    union-wide page of a large union has tens of thousands of cells."""
    detail = reverse("news:detail", args=[_PLACEHOLDER])
    review = reverse("news:review")
    names = {state: conditional_escape(label) for state, label in labels.items()}
    html = []
    for row in rows:
        organisation = row.organisation
        cells = []
        for cell in row.cells:
            text = names.get(cell.state, "") + (f" ({cell.count})" if cell.count > 1 else "")
            if row.linked and cell.count:
                if cell.item_id:
                    href = detail.replace(str(_PLACEHOLDER), str(cell.item_id))
                else:
                    href = f"{review}?organisation={organisation.pk}&amp;month={cell.month:%Y-%m}"
                text = f'<a href="{href}">{text}</a>'
            cells.append(f'<td class="cell {cell.state}">{text}</td>')
        html.append(
            f"<tr><td>{conditional_escape(organisation.display_name)}</td>{''.join(cells)}"
            f'<td class="num reached">{row.reached}</td></tr>'
        )
    return mark_safe("\n".join(html))  # names and labels escaped above; the rest are numbers, dates and states


@register.simple_tag
def silent_items(silent) -> SafeString:
    """The «silent for two months or more» list: an item per primary organisation (its territory, the months)."""
    html, months = [], {}  # «N months» once per N
    for row, territorial in silent:
        where = f' <span class="muted">({conditional_escape(territorial.display_name)})</span>' if territorial else ""
        count = row.silent_months
        if count not in months:
            months[count] = conditional_escape(
                ngettext("%(counter)s month", "%(counter)s months", count) % {"counter": count}
            )
        html.append(f"<li>{conditional_escape(row.organisation.name)}{where} — {months[count]}</li>")
    return mark_safe("".join(html))  # the names and the translation escaped above
