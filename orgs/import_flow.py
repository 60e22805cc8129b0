"""The upload page of every importer: upload → (map columns) → (name unknown organisations) → preview → confirm.

A view describes its importer with an `ImportFlow` and calls `import_page`. Between steps the page carries
only the stash token (redeemable by this user alone), the column mapping and the upload form's options;
the file stays on the server. Information staff only (the caller checks).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from unionportal.lib.importing import Column, ColumnsNotRecognised, ImportRejected, TableError, read_header
from unionportal.lib.uploads import stash_discard, stash_path, stash_upload, too_large_message, upload_refused

from . import access
from .importing import closest_organisations
from .services import organisation_alias_save


@dataclass(frozen=True)
class ImportFlow:
    """`run(path, *, options, mapping, dry_run, user)` imports the stashed file and returns its report."""

    url_name: str
    template: str
    columns: tuple[Column, ...]
    upload_form: type[forms.Form]
    run: Callable[..., object]
    # After confirming: redirect here with `summary(report)` as the message (else the page shows the report).
    done_url: str = ""
    summary: Callable[[object], str] | None = None


class ImportStateForm(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)
    mapping = forms.CharField(widget=forms.HiddenInput, required=False)
    options = forms.CharField(widget=forms.HiddenInput, required=False)

    def _json(self, name: str) -> dict:
        try:
            value = json.loads(self.cleaned_data.get(name) or "{}")
        except ValueError as error:
            raise forms.ValidationError(_("The form was changed; upload the file again.")) from error
        if not isinstance(value, dict):
            raise forms.ValidationError(_("The form was changed; upload the file again."))
        return value

    def clean(self):
        data = super().clean()
        data["mapping"], data["options"] = self._json("mapping"), self._json("options")
        return data


SKIP = "-"


class ColumnMappingForm(forms.Form):
    """A select per column of the file: which of the importer's fields it holds, or «skip»."""

    def __init__(self, *args, headers: list[str], columns: tuple[Column, ...], recognised: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [
            (SKIP, _("— skip this column —")),
            *((column.field, f"{column.label}{' *' if column.required else ''}") for column in columns),
        ]
        self.required_fields = {column.field: column.label for column in columns if column.required}
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("(no header)"), choices=choices, initial=recognised.get(header, SKIP)
            )

    def clean(self):
        data = super().clean()
        chosen = [data.get(f"column_{index}") for index in range(len(self.headers))]
        taken = [value for value in chosen if value and value != SKIP]
        if len(taken) != len(set(taken)):
            raise forms.ValidationError(_("Each field may be chosen for one column only."))
        missing = [str(label) for field, label in self.required_fields.items() if field not in taken]
        if missing:
            raise forms.ValidationError(_("Choose a column for: %(list)s.") % {"list": ", ".join(missing)})
        return data

    @property
    def mapping(self) -> dict[str, str]:
        return {
            header: ("" if self.cleaned_data[f"column_{index}"] == SKIP else self.cleaned_data[f"column_{index}"])
            for index, header in enumerate(self.headers)
        }


class AliasForm(forms.Form):
    """A select per organisation name the tree does not know: the organisations of the scope, closest first."""

    names = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, names: list[str], organisations, **kwargs):
        super().__init__(*args, initial={"names": json.dumps(names, ensure_ascii=False)}, **kwargs)
        self.names = names
        organisations = list(organisations)
        self.by_pk = {str(org.pk): org for org in organisations}
        for index, name in enumerate(names):
            ordered = closest_organisations(name, organisations)
            self.fields[f"alias_{index}"] = forms.ChoiceField(
                label=name,
                required=False,
                choices=[("", _("— not now —")), *((str(org.pk), org.name) for org in ordered)],
            )

    @classmethod
    def from_post(cls, data, *, organisations) -> AliasForm:
        try:
            names = json.loads(data.get("names", "[]"))
        except ValueError:
            names = []
        names = [name for name in names if isinstance(name, str)] if isinstance(names, list) else []
        return cls(data, names=names, organisations=organisations)

    @property
    def aliases(self):
        return [
            (name, self.by_pk[self.cleaned_data[f"alias_{index}"]])
            for index, name in enumerate(self.names)
            if self.cleaned_data.get(f"alias_{index}")
        ]


def _options(form: forms.Form) -> dict[str, object]:
    """The upload form's choices besides the file, as JSON values (dates as ISO)."""
    return {
        name: value.isoformat() if isinstance(value, dt.date) else value
        for name, value in form.cleaned_data.items()
        if name != "file"
    }


def _state(token: str, mapping: dict, options: dict) -> ImportStateForm:
    return ImportStateForm(
        initial={
            "token": token,
            "mapping": json.dumps(mapping, ensure_ascii=False),
            "options": json.dumps(options, ensure_ascii=False),
        }
    )


def _attempt(request, flow: ImportFlow, path: Path, token: str, mapping: dict, options: dict, *, dry_run: bool):
    context: dict[str, object] = {"state": _state(token, mapping, options), "form": flow.upload_form()}
    try:
        report = flow.run(path, options=options, mapping=mapping, dry_run=dry_run, user=request.user)
    except ColumnsNotRecognised as error:
        context["mapping_message"] = " ".join(error.errors)
        context["mapping_form"] = ColumnMappingForm(
            headers=error.headers, columns=flow.columns, recognised={**error.recognised, **mapping}
        )
    except ImportRejected as rejected:
        context["errors"] = rejected.errors
        if rejected.unknown_names:
            context["alias_form"] = AliasForm(
                names=rejected.unknown_names, organisations=access.editable_organisations(request.user)
            )
    else:
        if not dry_run:
            stash_discard(user_id=request.user.pk, token=token)
            messages.success(request, flow.summary(report) if flow.summary else _("The file is imported."))
            if flow.done_url:
                return redirect(flow.done_url)
            return render(request, flow.template, {"form": flow.upload_form(), "done": report})
        context["preview"] = report
        context["confirm"] = context["state"]
    return render(request, flow.template, context)


def import_page(request: HttpRequest, flow: ImportFlow) -> HttpResponse:
    user_id = request.user.pk
    if request.method == "POST" and "token" in request.POST:
        state = ImportStateForm(request.POST)
        try:
            if not state.is_valid():
                raise ValidationError(_("The form was changed; upload the file again."))
            token, mapping, options = (state.cleaned_data[key] for key in ("token", "mapping", "options"))
            path = stash_path(user_id=user_id, token=token)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(flow.url_name)
        step = request.POST.get("step", "confirm")
        if step == "map":
            try:
                headers = read_header(path, filename=path.name)
            except TableError as error:
                return render(request, flow.template, {"form": flow.upload_form(), "errors": [str(error)]})
            form = ColumnMappingForm(request.POST, headers=headers, columns=flow.columns, recognised={})
            if not form.is_valid():
                context = {"state": _state(token, mapping, options), "mapping_form": form}
                return render(request, flow.template, context)
            mapping = form.mapping
        elif step == "alias":
            form = AliasForm.from_post(request.POST, organisations=access.editable_organisations(request.user))
            if form.is_valid():
                for name, organisation in form.aliases:
                    organisation_alias_save(name=name, organisation=organisation, user=request.user)
        return _attempt(request, flow, path, token, mapping, options, dry_run=step != "confirm")
    form = flow.upload_form(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if upload_refused(request):
            form.is_valid()
            form.errors["file"] = form.error_class([too_large_message()])
        elif form.is_valid():
            try:
                token = stash_upload(user_id=user_id, uploaded=form.cleaned_data["file"])
            except ValidationError as error:
                form.add_error("file", error)
            else:
                path = stash_path(user_id=user_id, token=token)
                return _attempt(request, flow, path, token, {}, _options(form), dry_run=True)
    return render(request, flow.template, {"form": form})
