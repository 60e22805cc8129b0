"""Template tags of the report pages."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def scope_options(choices, scope) -> SafeString:
    """The <option>s of the report's scope select (escaped), the scope selected: one call instead of a template
    loop over a few hundred organisations."""
    selected = scope.pk if scope else None
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((pk, " selected" if pk == selected else "", label) for pk, label in choices),
    )


# The growth table's cells after the row's label: (column, record key, cell class), in the table's order.
_GROWTH_CELLS = (
    ("network", "network", ""),
    ("organisation", "organisation", ""),
    ("pages", "pages_text", ' class="num"'),
    ("at_a", "at_a_html", ' class="num"'),
    ("at_b", "at_b_html", ' class="num"'),
    ("change", "change_text", ' class="num"'),
    ("change_pct", "change_pct_text", ' class="num"'),
)
_ALWAYS = {"at_a", "at_b", "change", "change_pct"}


@register.simple_tag
def growth_rows(rows, headers, visible) -> SafeString:
    """The growth table's body rows, each cell with its column's name for the phone's card (data-label): the
    markup of a template loop, built in one pass. A 200-row table of the territorial organisations spent a
    third of its page's time in the loop's 3,000 variable lookups and escapes."""
    columns = [
        (key, cell_class, conditional_escape(headers[name]))
        for name, key, cell_class in _GROWTH_CELLS
        if name in _ALWAYS or name in visible
    ]
    label_header = conditional_escape(headers["label"])
    html = []
    for row in rows:
        record = row.record
        cells = "".join(
            f'<td{cell_class} data-label="{header}">{conditional_escape(record[key])}</td>'
            for key, cell_class, header in columns
        )
        html.append(f'<tr><td data-label="{label_header}">{conditional_escape(record["label_html"])}</td>{cells}</tr>')
    return mark_safe("\n".join(html))  # every value above is escaped (conditional_escape)
