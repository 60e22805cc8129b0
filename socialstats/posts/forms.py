"""Parameters of the posts reports: the period (last 7, 30 or 60 days, or two dates), the scope, a network."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unionportal.lib.query import MAX_ID

from ..models import Network
from ..reports.filters import DATE_FORMATS

DAYS_CHOICES = [("7", _("Last 7 days")), ("30", _("Last 30 days")), ("60", _("Last 60 days"))]
DEFAULT_DAYS = 30
MAX_DAYS = 366


class PostsForm(forms.Form):
    """Start and end (Moscow days, inclusive): the two dates when both are given, else the last `days` days."""

    days = forms.TypedChoiceField(label=_("Period"), choices=DAYS_CHOICES, coerce=int, required=False)
    start = forms.DateField(label=_("From"), input_formats=DATE_FORMATS, required=False)
    end = forms.DateField(label=_("To"), input_formats=DATE_FORMATS, required=False)
    scope = forms.IntegerField(label=_("Organisation"), required=False, min_value=1, max_value=MAX_ID)
    network = forms.ChoiceField(label=_("Network"), choices=[("", _("All networks")), *Network.choices], required=False)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = data.get("start"), data.get("end")
        if start and end:
            if start > end:
                self.add_error("end", _("The end of the period must not be earlier than its start."))
            elif (end - start).days + 1 > MAX_DAYS:
                self.add_error("start", _("A period of at most 366 days."))
        elif start or end:
            self.add_error("start" if not start else "end", _("Give both dates or choose a period."))
        else:
            end = timezone.localdate()
            start = end - dt.timedelta(days=(data.get("days") or DEFAULT_DAYS) - 1)
        data["start"], data["end"] = start, end
        return data
