"""The report form's selects and boxes (templatetags/socialstats_reports.py: built in one pass) are the markup
Django's own widgets render, in every state: nothing chosen, a choice, several, invalid data, Russian labels."""

from __future__ import annotations

import pytest
from django.test import SimpleTestCase
from django.utils import translation

from socialstats.reports.filters import GrowthPageForm
from socialstats.templatetags.socialstats_reports import checkbox_labels, scope_options, select_field

STATES = [
    {},
    {"preset": "quarter", "grouping": "org", "view": "transition", "networks": ["vk", "ok"]},
    {"preset": "", "a": "01.01.2026", "b": "31.01.2026", "grouping": "territorial", "networks": ["max"]},
    {"preset": "no-such", "grouping": "<b>", "networks": ["vk", "<script>"], "view": 'x"y'},
]


@pytest.mark.parametrize("data", STATES)
@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_report_form_renders_as_django_widgets_do(data, language):
    html = SimpleTestCase()
    with translation.override(language):
        form = GrowthPageForm(data or None)
        form.is_valid()
        for name in ("preset", "grouping", "view"):
            html.assertHTMLEqual(select_field(form[name]), str(form[name]))
        django_boxes = " ".join(
            f'<label style="display:inline">{box.tag()} {box.choice_label}</label>' for box in form["networks"]
        )
        html.assertHTMLEqual(checkbox_labels(form["networks"]), django_boxes)
        assert "checked" in checkbox_labels(form["networks"]) or not data.get("networks")


def test_the_scope_options_are_escaped_and_the_scope_is_selected():
    class Scope:
        pk = 7

    choices = [(3, 'ППО "Завод" <№1> & Ко'), (7, "\u2003ВАО")]
    expected = (
        '<option value="3">ППО &quot;Завод&quot; &lt;№1&gt; &amp; Ко</option>'
        '<option value="7" selected>\u2003ВАО</option>'
    )
    SimpleTestCase().assertHTMLEqual(scope_options(choices, Scope()), expected)
    assert "<№1>" not in scope_options(choices, None)
    assert "selected" not in scope_options(choices, None)
