from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from orgs import access
from orgs.models import Organisation, OrgKind, Role
from unionportal.lib.widgets import DateInput

from .models import Contest, ContestTemplate, Criterion, ParticipantLevel


class ContestCreateForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"), choices=ContestTemplate.choices)
    title = forms.CharField(
        label=_("Title"), max_length=300, required=False, help_text=_("Empty: the template's title")
    )
    scope = forms.ModelChoiceField(label=_("Among the organisations of"), queryset=None)
    level = forms.ChoiceField(
        label=_("Participants"),
        choices=[("", _("As in the template")), *ParticipantLevel.choices],
        required=False,
    )
    period_start = forms.DateField(label=_("Period from"), widget=DateInput)
    period_end = forms.DateField(label=_("Period to"), widget=DateInput)
    normalise_jury = forms.BooleanField(label=_("Normalise each juror's scores (z-score)"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = (
            access.organisations_for_roles(user, [Role.INFO_OFFICER])
            .filter(kind__in=[OrgKind.FEDERATION, OrgKind.UNION, OrgKind.TERRITORIAL])
            .order_by("path")
        )

    def clean(self):
        data = super().clean()
        if data.get("template") == ContestTemplate.CUSTOM and not data.get("level"):
            self.add_error("level", _("Choose the participants of a custom contest."))
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class ContestEditForm(forms.ModelForm):
    class Meta:
        model = Contest
        fields = ["title", "period_start", "period_end", "normalise_jury", "nominations"]
        widgets = {"period_start": DateInput, "period_end": DateInput, "nominations": forms.Textarea({"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


CriterionFormSet = forms.inlineformset_factory(
    Contest,
    Criterion,
    fields=["position", "name", "source", "rule", "weight", "max_points"],
    localized_fields=["weight", "max_points"],  # «0,5» as people type it
    extra=1,
    can_delete=True,
)


class JurorAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Juror"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(role_assignments__role=Role.JUROR).distinct().order_by("username")
        )


class ResolutionForm(forms.Form):
    preamble = forms.CharField(label=_("Preamble"), widget=forms.Textarea({"rows": 8}))
    decisions = forms.CharField(label=_("Decisions"), widget=forms.Textarea({"rows": 8}))


class EntryAddForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            path__startswith=contest.scope.path, is_active=True
        ).order_by("path")
