"""The audit trail (django-auditlog) of one object, for information staff and territorial admins, within
their scope, told the way a person reads it: Russian action names, field labels, related objects by name,
local time to the minute."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from orgs import access
from orgs.models import Role

# Audited models (settings.AUDITLOG_INCLUDE_TRACKING_MODELS) → the lookup of their organisation's path.
SCOPE_FIELD = {
    "orgs.organisation": "path",
    "orgs.roleassignment": "organisation__path",
    "socialstats.socialpage": "organisation__path",
    "socialstats.snapshot": "page__organisation__path",
    "socialstats.website": "organisation__path",
    "socialstats.printpublication": "organisation__path",
    "news.newsitem": "organisation__path",
    "contests.contest": "scope__path",
    "contests.juryscore": "entry__organisation__path",
}
# Who reads histories: the information department and territorial admins, each within their own scope.
HISTORY_ROLES = (Role.INFO_OFFICER, Role.TERRITORIAL_ADMIN)

ACTION_NAMES = {
    LogEntry.Action.CREATE: gettext_lazy("Created"),
    LogEntry.Action.UPDATE: gettext_lazy("Changed"),
    LogEntry.Action.DELETE: gettext_lazy("Deleted"),
    LogEntry.Action.ACCESS: gettext_lazy("Viewed"),
}
EMPTY = "—"


def can_read_history(user) -> bool:
    return access.has_role(user, *HISTORY_ROLES)


@dataclass
class Change:
    label: str
    before: str
    after: str


@dataclass
class HistoryRow:
    when: str
    who: str
    action: str
    changes: list[Change] = field(default_factory=list)


def _value_text(model_field: models.Field | None, raw: str | None, related: dict) -> str:
    """One stored value (auditlog keeps strings) as a person reads it."""
    if raw in (None, "", "None"):
        return EMPTY
    if model_field is None:
        return str(raw)
    if model_field.is_relation and model_field.many_to_one:
        obj = related.get((model_field.related_model, str(raw)))
        return str(obj) if obj is not None else _("deleted object (no. %(pk)s)") % {"pk": raw}
    if model_field.choices:
        return str({str(key): label for key, label in model_field.flatchoices}.get(str(raw), raw))
    if isinstance(model_field, models.BooleanField):
        return _("yes") if raw in ("True", "true", "1") else _("no")
    if isinstance(model_field, models.DateTimeField):
        moment = parse_datetime(str(raw))
        if moment is None:
            return str(raw)
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, dt.UTC)
        return date_format(timezone.localtime(moment), "d.m.Y H:i")
    if isinstance(model_field, models.DateField):
        day = parse_date(str(raw)[:10])
        return date_format(day, "d.m.Y") if day else str(raw)
    return str(raw)


def history_rows(model: type[models.Model], entries: list[LogEntry]) -> list[HistoryRow]:
    """Rows for the history table; related objects named with one query per related model."""
    fields = {f.name: f for f in model._meta.get_fields() if isinstance(f, models.Field)}
    fields.update({f.attname: f for f in fields.values() if f.is_relation and f.many_to_one})
    wanted: dict[type[models.Model], set[str]] = {}
    for entry in entries:
        for name, values in (entry.changes_dict or {}).items():
            model_field = fields.get(name)
            if model_field is not None and model_field.is_relation and model_field.many_to_one:
                wanted.setdefault(model_field.related_model, set()).update(str(v) for v in values if str(v).isdigit())
    related = {}
    for related_model, pks in wanted.items():
        for obj in related_model._default_manager.filter(pk__in=pks):
            related[(related_model, str(obj.pk))] = obj
    rows = []
    for entry in entries:
        actor = entry.actor
        who = (actor.get_full_name() or actor.username) if actor else _("system")
        row = HistoryRow(
            when=date_format(timezone.localtime(entry.timestamp), "d.m.Y H:i"),
            who=who,
            action=str(ACTION_NAMES.get(entry.action, entry.get_action_display())),
        )
        for name, values in (entry.changes_dict or {}).items():
            model_field = fields.get(name)
            if (
                model_field is None
                or model_field.primary_key
                or model_field._verbose_name is None
                or getattr(model_field, "auto_now", False)
                or getattr(model_field, "auto_now_add", False)
            ):
                # Bookkeeping — reverse relations, ids, timestamps Django sets, fields without a label
                # (collection health): nothing a person changed or can read.
                continue
            before, after = [*values, None, None][:2]
            label = str(model_field.verbose_name)
            row.changes.append(
                Change(
                    label=label[:1].upper() + label[1:],
                    before=_value_text(model_field, before, related),
                    after=_value_text(model_field, after, related),
                )
            )
        rows.append(row)
    return rows


@login_required
def object_history(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    if not can_read_history(request.user) or label not in SCOPE_FIELD:
        raise Http404
    model = apps.get_model(label)
    scoped = model.objects.filter(access.path_filter(request.user, SCOPE_FIELD[label], roles=HISTORY_ROLES))
    obj = get_object_or_404(scoped, pk=pk)
    entries = LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/object_history.html",
        {"object": obj, "page_obj": page, "rows": history_rows(model, list(page)), "label": label},
    )
