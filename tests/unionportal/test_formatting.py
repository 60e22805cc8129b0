from __future__ import annotations

import datetime as dt

from django.template import Context, Template

from unionportal.lib.formatting import fmt_date, fmt_int, fmt_pct, fmt_signed


def test_numbers_and_dates_are_written_the_russian_way():
    assert fmt_int(1234567) == "1\u00a0234\u00a0567"
    assert fmt_signed(1106) == "+1\u00a0106"
    assert fmt_signed(-5) == "−5"
    assert fmt_pct(12.345) == "+12,3\u00a0%"
    assert fmt_pct(-0.05, signed=False) == "−0,1\u00a0%"
    assert fmt_date(dt.date(2017, 12, 31)) == "31.12.2017"


def test_template_filters_use_the_same_formats_and_mark_missing_values():
    template = Template("{% load formatting %}{{ a|num }}|{{ b|signed }}|{{ c|pct }}|{{ d|ru_date }}|{{ none|num }}")
    text = template.render(Context({"a": 2067, "b": 3, "c": 50.0, "d": dt.date(2018, 2, 1), "none": None}))
    assert text == "2\u00a0067|+3|50,0\u00a0%|01.02.2018|—"
