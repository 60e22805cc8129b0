from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from unionportal.lib.widgets import DateInput

from .photos import photo_check, photo_header, photos_total_check


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files in one input; each is checked by content (Pillow), not by its name."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/*", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > settings.NEWS_PHOTOS_PER_ITEM:
            raise ValidationError(
                gettext("At most %(limit)s photos per item.") % {"limit": settings.NEWS_PHOTOS_PER_ITEM}
            )
        headers, errors = [], []
        for uploaded in files:  # headers only: no pixel is decoded before every limit is met
            try:
                headers.append(photo_header(uploaded))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        photos_total_check(headers)
        checked = []
        for uploaded in files:
            try:
                checked.append(photo_check(uploaded))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class NewsItemForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 8}))
    event_date = forms.DateField(label=_("Date of the event"), required=False, widget=DateInput)
    reporting_month = forms.TypedChoiceField(label=_("Reporting month"), coerce=str)
    links = forms.CharField(
        label=_("Links"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One link per line.")
    )
    photos = MultiplePhotoField(
        label=_("Photos"), required=False, help_text=_("JPEG, PNG or WebP, up to 10 photos of at most 10 MB each.")
    )
    camera = MultiplePhotoField(
        label=_("Take a photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    remove_photos = forms.TypedMultipleChoiceField(
        label=_("Remove photos"), required=False, coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, organisations, months, photos=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_photos = list(photos)
        self.fields["organisation"].choices = [(org.pk, org.display_name) for org in organisations]
        if len(organisations) == 1:
            self.fields["organisation"].widget = forms.HiddenInput()
            self.fields["organisation"].required = False
            self.fields["organisation"].empty_value = organisations[0].pk
        self.fields["reporting_month"].choices = [(m.isoformat(), m.strftime("%m.%Y")) for m in months]
        self.fields["remove_photos"].choices = [(photo.pk, photo.original_name or photo.pk) for photo in photos]
        if not photos:
            del self.fields["remove_photos"]

    def clean(self):
        cleaned = super().clean()
        cleaned["photos"] = [*cleaned.get("photos", []), *cleaned.pop("camera", [])]
        kept = len(self.existing_photos) - len(cleaned.get("remove_photos", []))
        if kept + len(cleaned["photos"]) > settings.NEWS_PHOTOS_PER_ITEM:
            self.add_error(
                "photos",
                gettext("At most %(limit)s photos per item.") % {"limit": settings.NEWS_PHOTOS_PER_ITEM},
            )
        return cleaned


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What should the author change?"), widget=forms.Textarea(attrs={"rows": 3}))


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the item's history and shown on its page."),
    )


class PublishForm(forms.Form):
    url = forms.URLField(label=_("Link to the post on the territorial page"), max_length=500, assume_scheme="https")


class ReopenForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Primary organisation"), coerce=int)
    month = forms.DateField(label=_("Month"), widget=forms.DateInput(attrs={"type": "month"}), input_formats=["%Y-%m"])

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(org.pk, org.name) for org in organisations]


class PreferenceForm(forms.Form):
    reminders = forms.BooleanField(label=_("Monthly reminders to send news"), required=False)
    item_notices = forms.BooleanField(label=_("Notices when my news is returned or published"), required=False)
    digest = forms.BooleanField(label=_("Weekly digest of news waiting for review"), required=False)
    forwarded = forms.BooleanField(
        label=_("Notices when news is forwarded to the information department"), required=False
    )

    def __init__(self, *args, offered: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in offered:
                del self.fields[name]


class RemindNowForm(forms.Form):
    month = forms.TypedChoiceField(label=_("Month"), coerce=str)

    def __init__(self, *args, months, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [(m.strftime("%Y-%m"), m.strftime("%m.%Y")) for m in months]
