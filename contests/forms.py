from __future__ import annotations

from django import forms
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

    SCOPE_KINDS = (OrgKind.FEDERATION, OrgKind.UNION, OrgKind.TERRITORIAL)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Information officers organise any contest over their subtree; territorial admins only
        # «Лучшая новость месяца» over theirs (the 002 document, point 4.4).
        self.officer_scopes = access.organisations_for_roles(user, [Role.INFO_OFFICER]).filter(
            kind__in=self.SCOPE_KINDS
        )
        self.fields["scope"].queryset = (
            access.organisations_for_roles(user, [Role.INFO_OFFICER, Role.TERRITORIAL_ADMIN])
            .filter(kind__in=self.SCOPE_KINDS)
            .order_by("path")
        )
        if not self.officer_scopes.exists():
            self.fields["template"].choices = [
                (value, label) for value, label in ContestTemplate.choices if value == ContestTemplate.NEWS_OF_MONTH
            ]
            self.fields["level"].choices = [("", _("As in the template"))]

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        news_only = data.get("template") == ContestTemplate.NEWS_OF_MONTH and not data.get("level")
        if scope is not None and not news_only and not self.officer_scopes.filter(pk=scope.pk).exists():
            self.add_error(
                "template",
                _(
                    "Over «%(scope)s» you may organise only «Лучшая новость месяца»: other contests are run by "
                    "the information department."
                )
                % {"scope": scope.display_name},
            )
        if data.get("template") == ContestTemplate.CUSTOM and not data.get("level"):
            self.add_error("level", _("Choose the participants of a custom contest."))
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


class ContestEditForm(forms.ModelForm):
    class Meta:
        model = Contest
        fields = ["title", "period_start", "period_end", "normalise_jury", "min_jurors", "nominations"]
        widgets = {"period_start": DateInput, "period_end": DateInput, "nominations": forms.Textarea({"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("period_start") and data.get("period_end") and data["period_end"] < data["period_start"]:
            self.add_error("period_end", _("The period ends before it starts."))
        return data


CriterionFormSet = forms.inlineformset_factory(
    Contest,
    Criterion,
    fields=["position", "name", "source", "rule", "weight", "max_points", "description"],
    localized_fields=["weight", "max_points"],  # «0,5» as people type it
    widgets={"description": forms.Textarea({"rows": 2, "placeholder": _("Description for the jury")})},
    extra=1,
    can_delete=True,
)


class JurorAddForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Juror"), queryset=None)

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = access.jurors_for(contest.scope).order_by("username")


class ResolutionForm(forms.Form):
    preamble = forms.CharField(label=_("Preamble"), widget=forms.Textarea({"rows": 8}))
    decisions = forms.CharField(label=_("Decisions"), widget=forms.Textarea({"rows": 8}))
    city = forms.CharField(label=_("City"), max_length=100, required=False, help_text=_("For example «г. Москва»."))
    chair = forms.CharField(
        label=_("Chair"), max_length=200, required=False, help_text=_("Signs the resolution: «И. И. Иванов».")
    )
    control = forms.CharField(
        label=_("Control of execution is charged to"),
        max_length=300,
        required=False,
        help_text=_(
            "In the accusative: «заведующего информационным отделом И. И. Иванова». Empty: the information department."
        ),
    )


class EntryAddForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        kind = OrgKind.TERRITORIAL if contest.level == ParticipantLevel.TERRITORIAL else OrgKind.PRIMARY
        self.fields["organisation"].queryset = Organisation.objects.filter(
            path__startswith=contest.scope.path, is_active=True, kind=kind
        ).order_by("path")


class ConflictForm(forms.Form):
    """The organiser declares or lifts a conflict of interest for one juror × entry."""

    DECLARE, LIFT = "declare", "lift"

    juror = forms.ModelChoiceField(label=_("Juror"), queryset=None)
    entry = forms.ModelChoiceField(label=_("Participant"), queryset=None)
    action = forms.ChoiceField(
        label=_("Decision"), choices=[(DECLARE, _("Declare a conflict")), (LIFT, _("Lift the conflict"))]
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000)

    def __init__(self, *args, contest: Contest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["juror"].queryset = contest.jurors.select_related("user").order_by("user__username")
        self.fields["entry"].queryset = contest.entries.order_by("title")


class RecuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for recusal"), max_length=1000)
