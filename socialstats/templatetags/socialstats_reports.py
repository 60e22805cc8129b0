"""Template tags of the report pages."""

from __future__ import annotations

from html import escape

from django import template
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def scope_options(choices, scope) -> SafeString:
    """The <option>s of the report's scope select (escaped), the scope selected: one call instead of a template
    loop over a few hundred organisations."""
    selected = scope.pk if scope else None
    # html.escape is what django.utils.html.escape does, without its lazy-string wrapper per call: a few hundred
    # organisations through format_html_join cost more than the report's statement on some pages.
    return mark_safe(  # every value is escaped here
        "".join(
            f'<option value="{escape(str(pk))}"{" selected" if pk == selected else ""}>{escape(str(label))}</option>'
            for pk, label in choices
        )
    )


def _choices(bound) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in bound.field.choices]


def _chosen(bound) -> set[str]:
    """The values a choice field shows as chosen (ChoiceWidget.format_value: none chosen is the empty one)."""
    value = bound.value()
    values = value if isinstance(value, list | tuple) else [value]
    return {"" if item is None else str(item) for item in values}


@register.simple_tag
def select_field(bound) -> SafeString:
    """A choice field's <select>, as its Select widget renders it, built in one pass: the widget's templates cost
    the growth page a millisecond a field."""
    chosen = _chosen(bound)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value in chosen else "", label) for value, label in _choices(bound)),
    )
    attributes = _attributes(bound, _widget_attrs(bound))
    return format_html('<select name="{}"{}>{}</select>', bound.html_name, attributes, options)


def _widget_attrs(bound) -> dict:
    """The widget's attributes as `BoundField.as_widget` gives them (required, aria-invalid when the field has
    errors…), without the id."""
    return {**bound.field.widget.attrs, **bound.build_widget_attrs({})}


def _attributes(bound, attrs: dict, index: int | None = None) -> str:
    """`attrs` with the field's id; `index`: of a box (its id gets the index, as ChoiceWidget.id_for_label)."""
    if bound.auto_id and "id" not in attrs:
        attrs = {**attrs, "id": bound.auto_id if index is None else f"{bound.auto_id}_{index}"}
    return flatatt(attrs)


@register.simple_tag
def checkbox_labels(bound) -> SafeString:
    """A multiple choice field's boxes, each in its inline label, as CheckboxSelectMultiple renders them."""
    chosen = _chosen(bound)
    attrs = _widget_attrs(bound)  # once for the field's boxes
    return format_html_join(
        " ",
        '<label style="display:inline"><input type="checkbox" name="{}" value="{}"{}{}> {}</label>',
        (
            (bound.html_name, value, _attributes(bound, attrs, index), " checked" if value in chosen else "", label)
            for index, (value, label) in enumerate(_choices(bound))
        ),
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
