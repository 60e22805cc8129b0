from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"))

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if not uploaded.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return uploaded


class OrgImportUploadForm(ImportUploadForm):
    create_placeholders = forms.BooleanField(
        label=_("Create placeholder primaries up to the number in the primaries_count column"),
        required=False,
    )
