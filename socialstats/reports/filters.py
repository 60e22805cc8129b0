"""Parameters of the reports: dates A and B (or a preset), scope, networks, grouping.

The reports aggregate in SQL (selectors.growth_sql), not over a queryset, so their filters are a plain
form rather than a django-filter FilterSet.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from unionportal.lib.query import MAX_ID

from ..models import Network
from .growth import PRESETS, preset_period

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]

PRESET_CHOICES = [
    ("", _("Any two dates")),
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("quarter", _("This quarter")),
    ("year", _("This year")),
]
GROUPING_CHOICES = [
    ("page", _("By page")),
    ("org", _("By organisation")),
    ("territorial", _("By territorial organisation")),
    ("network", _("By network")),
]


class PeriodForm(forms.Form):
    """A and B: a preset wins over the dates; with neither, this month."""

    preset = forms.ChoiceField(label=_("Period"), choices=PRESET_CHOICES, required=False)
    a = forms.DateField(label=_("Date A"), input_formats=DATE_FORMATS, required=False)
    b = forms.DateField(label=_("Date B"), input_formats=DATE_FORMATS, required=False)
    scope = forms.IntegerField(
        label=_("Organisation"), required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    networks = forms.MultipleChoiceField(
        label=_("Networks"), choices=Network.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        preset = data.get("preset")
        if preset in PRESETS:
            data["a"], data["b"] = preset_period(preset, today)
        elif not data.get("a") and not data.get("b") and not self.errors:
            data["a"], data["b"] = preset_period("this_month", today)
        elif not self.errors:
            if not data.get("a"):
                self.add_error("a", _("Give date A or choose a period."))
            if not data.get("b"):
                self.add_error("b", _("Give date B or choose a period."))
        a, b = data.get("a"), data.get("b")
        if isinstance(a, dt.date) and isinstance(b, dt.date) and a > b:
            self.add_error("b", _("Date B must not be earlier than date A."))
        return data


class GrowthForm(PeriodForm):
    grouping = forms.ChoiceField(label=_("Rows"), choices=GROUPING_CHOICES, required=False)
    level = forms.IntegerField(label=_("Tree level"), min_value=1, max_value=12, required=False)


VIEW_CHOICES = [
    ("", _("Growth table")),
    ("transition", _("Move between networks")),
]


class GrowthPageForm(GrowthForm):
    """The growth page's form: besides the rows, the view (the growth table or the move between networks)."""

    view = forms.ChoiceField(label=pgettext_lazy("growth page", "View"), choices=VIEW_CHOICES, required=False)
