from __future__ import annotations

from django import forms

from .models import AlertKind


class HandleForm(forms.Form):
    comment = forms.CharField(
        label="Комментарий — что сделано",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "Напишите комментарий: что сделано или почему действий не нужно."},
    )


class RuleForm(forms.Form):
    """One rule's settings; the form's prefix is the rule's kind."""

    is_enabled = forms.BooleanField(label="Включено", required=False)
    threshold = forms.IntegerField(
        label="Порог",
        min_value=1,
        error_messages={
            "required": "Укажите порог.",
            "invalid": "Порог — целое число.",
            "min_value": "Порог должен быть не меньше %(limit_value)s.",
        },
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, prefix=kind, **kwargs)
        self.kind = kind
        self.label = AlertKind(kind).label
