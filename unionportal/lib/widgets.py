"""Form widgets shared by every app."""

from __future__ import annotations

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """`<input type="date">` whose value is always ISO: the browser drops any other format, and a form
    submitted unchanged would then lose its date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATE)


def date_field(**kwargs) -> forms.DateField:
    """A date field with the ISO date widget that also accepts what people type (31.12.2017)."""
    kwargs.setdefault("input_formats", [ISO_DATE, "%d.%m.%Y"])
    kwargs.setdefault("widget", DateInput)
    return forms.DateField(**kwargs)
