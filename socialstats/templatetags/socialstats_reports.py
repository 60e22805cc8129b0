"""Template tags of the report pages."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

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
