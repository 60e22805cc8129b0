"""Writes to the organisation tree: import, close, merge, role assignment, invitations."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import smtplib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO

from auditlog.context import auditlog_value, set_actor
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from unionportal.lib.importing import (
    Column,
    ImportRejected,
    RowError,
    TableError,
    header_key,
    read_table,
)
from unionportal.lib.parsing import parse_count, parse_date

from . import access
from .models import Organisation, OrganisationAlias, OrgKind, Role, RoleAssignment
from .selectors import PATH_SEPARATOR, organisation_path_names, organisations_by_path_names
from .signals import subtrees_moved

# The organisation file's columns (docs/people.md): the headers people type, Russian and English.
ORG_COLUMNS = (
    Column("organisation", _l("Organisation"), ("Организация", "Профсоюзная организация", "Название"), required=True),
    Column("kind", _l("Kind"), ("Вид", "Тип", "Уровень"), required=True),
    Column("parent", _l("Parent organisation"), ("Вышестоящая организация", "Родитель", "Входит в")),
    Column("primaries_count", _l("Primary organisations"), ("Количество ППО", "Число первичных организаций")),
    Column("full_name", _l("Full name"), ("Полное название", "Полное наименование")),
    Column("region", _l("Region"), ("Регион", "Субъект РФ")),
    Column("members_count", _l("Union members"), ("Членов профсоюза", "Численность", "Количество членов")),
    Column("members_as_of", _l("Members as of"), ("Численность на дату",)),
    # Written by `export_all` so that a full export imports back to the same state.
    Column("active", _l("Active"), ("Действует",)),
    Column("founded_on", _l("In the union since"), ("В профсоюзе с",)),
    Column("closed_on", _l("Closed on"), ("Закрыта",)),
)

YES_NO = {
    "": None,
    **dict.fromkeys(("1", "yes", "true", "да", "+"), True),
    **dict.fromkeys(("0", "no", "false", "нет", "-"), False),
}

KIND_ALIASES = {
    **{kind.value: kind.value for kind in OrgKind},
    "федерация": OrgKind.FEDERATION,
    "профсоюз": OrgKind.UNION,
    "союз": OrgKind.UNION,
    "тпо": OrgKind.TERRITORIAL,
    "территориальная": OrgKind.TERRITORIAL,
    "ппо": OrgKind.PRIMARY,
    "первичная": OrgKind.PRIMARY,
    "молодежный совет": OrgKind.YOUTH_COUNCIL,
    "молодёжный совет": OrgKind.YOUTH_COUNCIL,
    "youth": OrgKind.YOUTH_COUNCIL,
}


@dataclass
class OrgImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    placeholders_created: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.placeholders_created)


@dataclass
class _OrgRow:
    row: int
    name: str
    kind: str
    parent: str
    fields: dict[str, object]
    primaries_count: int | None


def _parse_org_rows(table) -> tuple[list[_OrgRow], list[RowError]]:
    errors: list[RowError] = []
    rows: list[_OrgRow] = []
    seen: dict[tuple[str, str], int] = {}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        name = values.get("organisation", "")
        if not name:
            row_errors.append(RowError(number, "organisation", _("the organisation name is empty")))
        kind = KIND_ALIASES.get(values.get("kind", "").strip().lower())
        if kind is None:
            row_errors.append(
                RowError(
                    number,
                    "kind",
                    _("unknown kind «%(value)s»; use union, territorial, primary or youth_council")
                    % {"value": values.get("kind", "")},
                )
            )
        parent = values.get("parent", "")
        if kind in (OrgKind.TERRITORIAL, OrgKind.PRIMARY, OrgKind.YOUTH_COUNCIL) and not parent:
            row_errors.append(RowError(number, "parent", _("a parent organisation is required for this kind")))
        fields: dict[str, object] = {}
        primaries: int | None = None
        for column, target in (("primaries_count", None), ("members_count", "members_count")):
            if values.get(column):
                try:
                    parsed = parse_count(values[column])
                except ValueError as error:
                    row_errors.append(RowError(number, column, str(error)))
                    continue
                if target:
                    fields[target] = parsed
                else:
                    primaries = parsed
        for column in ("members_as_of", "founded_on", "closed_on"):
            if values.get(column):
                try:
                    fields[column] = parse_date(values[column])
                except ValueError as error:
                    row_errors.append(RowError(number, column, str(error)))
        active = values.get("active", "").strip().lower()
        if active not in YES_NO:
            row_errors.append(
                RowError(number, "active", _("«%(value)s» is neither yes nor no") % {"value": values["active"]})
            )
        elif YES_NO[active] is not None:
            fields["is_active"] = YES_NO[active]
        if values.get("region"):
            fields["region"] = values["region"]
        key = (name.lower(), parent.lower())
        if name and key in seen:
            row_errors.append(RowError(number, "organisation", _("repeats row %(row)s") % {"row": seen[key]}))
        seen.setdefault(key, number)
        if row_errors:
            errors.extend(row_errors)
            continue
        full_name = values.get("full_name") or name
        fields.update(kind=kind, name=full_name, short_name=name if full_name != name else "")
        rows.append(_OrgRow(number, name, kind, parent, fields, primaries))
    return rows, errors


def _find_by_name(name: str, *, parent: Organisation | None) -> list[Organisation]:
    queryset = Organisation.objects.filter(short_name=name) | Organisation.objects.filter(name=name, short_name="")
    if parent is not None:
        queryset = queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)
    return list(queryset)


def organisation_add(*, parent: Organisation | None, **fields) -> Organisation:
    """Create a node under `parent` (a root when None): the only way organisations are created."""
    if parent is None:
        return Organisation.objects.add_root(fields)
    return Organisation.objects.add_child(parent, fields)


def _placeholder_name(parent: Organisation, number: int) -> str:
    return _("%(parent)s — primary placeholder No. %(number)s") % {
        "parent": parent.display_name,
        "number": number,
    }


@transaction.atomic
def organisations_import(
    *,
    source: bytes | IO[bytes] | str,
    filename: str = "",
    create_placeholders: bool = False,
    dry_run: bool = False,
    mapping: Mapping[str, str] | None = None,
) -> OrgImportReport:
    """Import organisations all or nothing; importing the same file again changes nothing.

    Rows may come in any order: a row whose parent is further down the file waits for it.
    Raises ImportRejected (with every row's errors) and saves nothing when any row is bad.
    """
    try:
        table = read_table(source, filename=filename, columns=ORG_COLUMNS, mapping=mapping)
    except TableError as error:
        raise ImportRejected([str(error)]) from error
    rows, errors = _parse_org_rows(table)
    if errors:
        raise ImportRejected(errors, headers=table.headers)

    report = OrgImportReport()
    name_counts: dict[str, int] = {}
    for item in rows:
        name_counts[item.name.lower()] = name_counts.get(item.name.lower(), 0) + 1
    unresolved = dict(name_counts)  # names of rows not imported yet: a parent among them is waited for
    resolved: dict[str, Organisation] = {}
    # Names from the root down of each organisation met so far: a parent may be written as such a path
    # (`ВАО / ППО Школа 1`) when its own name repeats under different parents.
    path_names: dict[int, str] = {}
    pending = list(rows)
    while pending:
        waiting: list[_OrgRow] = []
        for item in pending:
            parent_key = item.parent.lower()
            is_path = PATH_SEPARATOR in item.parent
            last_name = parent_key.split(PATH_SEPARATOR)[-1].strip()
            if item.parent and not is_path and name_counts.get(parent_key, 0) > 1:
                errors.append(
                    RowError(
                        item.row,
                        "parent",
                        _("parent «%(name)s» is the name of several rows; write its path, e.g. «%(example)s»")
                        % {"name": item.parent, "example": PATH_SEPARATOR.join([_("Its parent"), item.parent])},
                    )
                )
                continue
            parent = resolved.get(parent_key) if item.parent else None
            if item.parent and parent is None:
                if unresolved.get(last_name):
                    waiting.append(item)  # its parent comes later in the file
                    continue
                if is_path:
                    matches = organisations_by_path_names([item.parent]).get(item.parent, [])
                else:
                    matches = _find_by_name(item.parent, parent=None)
                if len(matches) != 1:
                    message = (
                        _("parent «%(name)s» is not in the file or the portal")
                        if not matches
                        else _("parent «%(name)s» matches several organisations")
                    )
                    errors.append(RowError(item.row, "parent", message % {"name": item.parent}))
                    continue
                parent = matches[0]
            organisation = _upsert_org(item, parent, report)
            if parent is not None and parent.pk not in path_names:
                path_names.update(organisation_path_names([parent]))
            path_names[organisation.pk] = (
                path_names[parent.pk] + PATH_SEPARATOR + organisation.display_name
                if parent is not None
                else organisation.display_name
            )
            resolved[item.name.lower()] = organisation
            unresolved[item.name.lower()] -= 1
            resolved[path_names[organisation.pk].lower()] = organisation
        if len(waiting) == len(pending):
            errors.extend(
                RowError(item.row, "parent", _("parent «%(name)s» forms a cycle") % {"name": item.parent})
                for item in waiting
            )
            break
        pending = waiting
    if errors:
        transaction.set_rollback(True)
        raise ImportRejected(sorted(errors, key=lambda error: error.row), headers=table.headers)

    for item in rows:
        if item.primaries_count is None:
            continue
        organisation = resolved[item.name.lower()]
        actual = Organisation.objects.filter(
            path__startswith=organisation.path, kind=OrgKind.PRIMARY, is_active=True
        ).count()
        if actual >= item.primaries_count:
            continue
        if create_placeholders:
            for number in range(1, item.primaries_count + 1):
                name = _placeholder_name(organisation, number)
                if not Organisation.objects.filter(path__startswith=organisation.path, name=name).exists():
                    organisation_add(parent=organisation, kind=OrgKind.PRIMARY, name=name)
                    report.placeholders_created += 1
        else:
            report.warnings.append(
                _("%(org)s: the file says %(expected)s primaries, the portal has %(actual)s.")
                % {"org": item.name, "expected": item.primaries_count, "actual": actual}
            )
    if dry_run:
        transaction.set_rollback(True)
    return report


def _upsert_org(item: _OrgRow, parent: Organisation | None, report: OrgImportReport) -> Organisation:
    existing = _find_by_name(item.name, parent=parent)
    if parent is None:
        existing = [org for org in existing if org.depth == 1]
    if existing:
        organisation = existing[0]
        changed = {key: value for key, value in item.fields.items() if getattr(organisation, key) != value}
        if changed:
            for key, value in changed.items():
                setattr(organisation, key, value)
            organisation.full_clean(exclude=["path", "depth", "numchild"])
            organisation.save(update_fields=[*changed, "updated_at"])
            report.updated.append(item.name)
        else:
            report.unchanged += 1
        return organisation
    organisation = organisation_add(parent=parent, **item.fields)
    report.created.append(item.name)
    return organisation


@transaction.atomic
def organisation_alias_save(*, name: str, organisation: Organisation, user=None) -> OrganisationAlias:
    """Remember that import files call `organisation` `name`; a name chosen again moves to the new choice."""
    name = name.strip()
    if not name:
        raise ValidationError(_("The name is empty."))
    alias, _created = OrganisationAlias.objects.update_or_create(
        key=header_key(name), defaults={"name": name, "organisation": organisation, "created_by": user}
    )
    return alias


def organisation_close(*, organisation: Organisation, on: dt.date | None = None) -> Organisation:
    """Deactivate an organisation and its subtree; nothing is deleted, history stays."""
    on = on or timezone.localdate()
    # Saved one by one (not a bulk update) so that the audit trail records each closure.
    for node in Organisation.objects.filter(path__startswith=organisation.path, is_active=True):
        node.is_active = False
        node.closed_on = on
        node.save(update_fields=["is_active", "closed_on", "updated_at"])
    organisation.refresh_from_db()
    return organisation


@transaction.atomic
def organisation_merge(*, source: Organisation, target: Organisation, on: dt.date | None = None) -> Organisation:
    """Close `source`, record that it went into `target`, and move its active children to `target`."""
    if source.pk == target.pk or target.path.startswith(source.path):
        raise ValidationError(_("An organisation cannot be merged into itself or into its own subtree."))
    if not target.is_active:
        raise ValidationError(_("The organisation to merge into is closed."))
    children = list(Organisation.objects.get_children(source).filter(is_active=True))
    for child in children:
        target.refresh_from_db()
        Organisation.objects.move(child, target, pos="last-child")
    if children:
        subtrees_moved.send(sender=Organisation, organisation_ids=[child.pk for child in children])
    source.refresh_from_db()
    source.is_active = False
    source.closed_on = on or timezone.localdate()
    source.merged_into = target
    source.save(update_fields=["is_active", "closed_on", "merged_into", "updated_at"])
    return source


def role_assign(*, user, role: str, organisation: Organisation) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationError(_("Unknown role «%(role)s».") % {"role": role})
    assignment, _created = RoleAssignment.objects.get_or_create(user=user, role=role, organisation=organisation)
    return assignment


# --- People: role assignments changed by someone whose scope is wider, and invitations. ---

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def _acting_as(user):
    """Record `user` as the audit actor of the changes made inside.

    auditlog's contexts do not nest: an inner `set_actor` leaves its own data in the context
    variable, which silences the request's (AuditlogMiddleware) receiver for the rest of the
    request. So the previous value is put back on the way out.
    """
    if user is None:
        yield
        return
    previous = auditlog_value.get(None)
    try:
        with set_actor(user):
            yield
    finally:
        if previous is not None:
            auditlog_value.set(previous)


def _refuse_unless_allowed(by, *, role: str, organisation: Organisation, target_user=None) -> None:
    if role not in Role.values:
        raise ValidationError(_("Unknown role «%(role)s».") % {"role": role})
    refusal = access.role_change_refusal(by, role=role, organisation=organisation, target_user=target_user)
    if refusal:
        raise ValidationError(refusal, code="refused")


@transaction.atomic
def role_grant(*, by, user, role: str, organisation: Organisation) -> RoleAssignment:
    """`by` gives `user` a role over `organisation`, if `by`'s scope is strictly wider (access rule).

    `role_assign` is the system's way (demo, scripts) and checks nothing; people use this one.
    """
    _refuse_unless_allowed(by, role=role, organisation=organisation, target_user=user)
    if not user.is_active:
        raise ValidationError(_("The account «%(user)s» is disabled.") % {"user": user.get_username()})
    if RoleAssignment.objects.filter(user=user, role=role, organisation=organisation).exists():
        raise ValidationError(
            _("%(user)s already holds the role «%(role)s» here.")
            % {"user": user.get_full_name() or user.get_username(), "role": Role(role).label}
        )
    with _acting_as(by):
        return RoleAssignment.objects.create(user=user, role=role, organisation=organisation)


@transaction.atomic
def role_revoke(*, by, assignment: RoleAssignment) -> None:
    """`by` removes a role assignment, under the same rule as granting it."""
    _refuse_unless_allowed(by, role=assignment.role, organisation=assignment.organisation, target_user=assignment.user)
    with _acting_as(by):
        assignment.delete()


def invitation_link(*, user) -> str:
    """The one-time set-password link (Django's password-reset token): only ever put in the email."""
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    return settings.SITE_URL.rstrip("/") + path


def invitation_send(*, user, organisation: Organisation, role: str) -> bool:
    """Email the set-password link. False (and a log line without the link) when sending failed."""
    context = {
        "user": user,
        "organisation": organisation,
        "role": Role(role).label,
        "link": invitation_link(user=user),
        "timeout_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        "site_url": settings.SITE_URL,
    }
    subject = " ".join(render_to_string("orgs/people_invitation_subject.txt", context).split())
    body = render_to_string("orgs/people_invitation_email.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except (smtplib.SMTPException, OSError) as error:
        logger.warning("Invitation email to user %s was not sent: %s", user.pk, type(error).__name__)
        return False
    return True


@dataclass
class Invitation:
    user: object
    assignment: RoleAssignment
    sent: bool


def user_invite(
    *, by, username: str, email: str, first_name: str = "", last_name: str = "", role: str, organisation: Organisation
) -> Invitation:
    """Create an account without a password, grant it a role, and email a one-time set-password link.

    The rule is checked before anything is written; the email goes out after the commit, so a
    refused or failed creation sends nothing.
    """
    _refuse_unless_allowed(by, role=role, organisation=organisation)
    user_model = get_user_model()
    email = user_model.objects.normalize_email(email.strip())
    if user_model.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    if user_model.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("An account with this email exists: find it in the search above.")})
    with transaction.atomic():
        user = user_model(username=username, email=email, first_name=first_name, last_name=last_name)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        assignment = role_grant(by=by, user=user, role=role, organisation=organisation)
    sent = invitation_send(user=user, organisation=organisation, role=role)
    return Invitation(user=user, assignment=assignment, sent=sent)
