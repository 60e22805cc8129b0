from __future__ import annotations

from django import forms

from .models import Frequency
from .selectors import GROUPS, scope_choices


class SubscribeForm(forms.Form):
    frequency = forms.ChoiceField(label="Периодичность", choices=Frequency.choices, initial=Frequency.WEEKLY)
    scope = forms.ModelChoiceField(
        label="Организация",
        queryset=None,
        required=False,
        empty_label="Всё, что мне доступно",
        error_messages={"invalid_choice": "Выберите организацию из списка: других в вашей области нет."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = scope_choices(user)
        self.fields["scope"].label_from_instance = lambda org: "\u2003" * max(org.depth - 1, 0) + org.display_name


class GroupSubscribeForm(forms.Form):
    group = forms.ChoiceField(label="Группа", choices=[(key, label) for key, (label, _role) in GROUPS.items()])
    frequency = forms.ChoiceField(label="Периодичность", choices=Frequency.choices, initial=Frequency.MONTHLY)
