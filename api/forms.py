from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("Where it will be used, e.g. «union website» or «monthly report script»."),
    )


class WidgetForm(forms.Form):
    is_enabled = forms.BooleanField(label=_("Publish the widget"), required=False)
    allowed_origins = forms.CharField(
        label=_("Sites that may read its numbers from the browser"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One address per line, e.g. https://union.example.org. The card in a frame works on any site."),
    )
