from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orgs.forms import ImportUploadForm
from unionportal.lib.parsing import parse_count
from unionportal.lib.widgets import date_field

from ..models import PageOwner, PrintPublication, WebsiteCheck


class CountField(forms.CharField):
    """A whole non-negative number typed the Russian way: `108 549`."""

    def __init__(self, *, required: bool = False, **kwargs):
        super().__init__(required=required, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            return parse_count(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class PageAddForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label=_("Organisation"))
    url = forms.CharField(
        label=_("Link"),
        max_length=500,
        help_text=_("Paste the address as it is: vk.com/club123, t.me/name, @name, ok.ru/group/123, …"),
    )
    owner = forms.ChoiceField(label=_("Run by"), choices=PageOwner.choices, initial=PageOwner.ORGANISATION)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("path")


class PageEditForm(forms.Form):
    url = forms.CharField(label=_("Link"), max_length=500)
    owner = forms.ChoiceField(label=_("Run by"), choices=PageOwner.choices)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)

    def __init__(self, *args, link_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # A page imported without its link can still get a title or owner before someone finds the link.
        self.fields["url"].required = link_required


class SnapshotForm(forms.Form):
    date = date_field(label=_("Date"))
    subscribers = CountField(label=_("Subscribers"), required=True)
    posts_30d = CountField(label=_("Posts in the last 30 days"))
    likes = CountField(label=_("Likes (last 10 posts)"))
    comments = CountField(label=_("Comments (last 10 posts)"))
    reposts = CountField(label=_("Reposts (last 10 posts)"))
    views = CountField(label=_("Views (last 10 posts)"))
    last_post_date = date_field(label=_("Date of the last post"), required=False)
    clear_blank = forms.BooleanField(
        label=_("Clear the values I left empty"),
        required=False,
        help_text=_(
            "When this day already has a snapshot, the fields left empty keep its values unless this is ticked."
        ),
    )

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date is in the future: enter what was already measured."))
        return day


class PagesImportUploadForm(ImportUploadForm):
    pass


class SnapshotsImportUploadForm(ImportUploadForm):
    create_missing = forms.BooleanField(label=_("Create the pages that are not in the portal yet"), required=False)


class WebsiteStatsImportUploadForm(ImportUploadForm):
    """The 003 table has no period columns: its one period is given here."""

    period_start = forms.DateField(
        label=_("Period from (when the file has no period columns)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    period_end = forms.DateField(
        label=_("Period to"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    create_missing = forms.BooleanField(
        label=_(
            "Register the websites that are not in the portal yet (with the address unknown when the file has none)"
        ),
        required=False,
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Give both ends of the period, or neither."))
        if start and end and end < start:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class WebsiteForm(forms.Form):
    url = forms.URLField(label=_("Address"), max_length=500, assume_scheme="https")
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for value, label in WebsiteCheck.choices:
            self.fields[f"check_{value}"] = forms.BooleanField(label=label, required=False)

    @property
    def checklist(self) -> dict[str, bool]:
        return {value: bool(self.cleaned_data.get(f"check_{value}")) for value in WebsiteCheck.values}


class WebsiteStatForm(forms.Form):
    period_start = date_field(label=_("From"))
    period_end = date_field(label=_("To"))
    materials = CountField(label=_("Published materials"))
    visitors = CountField(label=_("Visitors"))
    views = CountField(label=_("Views"))


class PublicationForm(forms.ModelForm):
    class Meta:
        model = PrintPublication
        fields = ["title", "kind", "issues_per_year", "print_run", "is_active"]
