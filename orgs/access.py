"""Who may see and change which organisations: the one place where scope is decided.

A role over an organisation covers its whole subtree. Views ask this module for a queryset and
look objects up inside it, so an object outside the user's scope answers 404.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import Organisation, Role, RoleAssignment

EDIT_ROLES = (Role.INFO_OFFICER, Role.TERRITORIAL_ADMIN, Role.PRIMARY_ADMIN)
ALL_ROLES = tuple(Role)


def _assignments(user) -> list[tuple[str, str]]:
    """(role, organisation path) pairs of the user, read once per request object."""
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_unionportal_roles", None)
    if cached is None:
        cached = list(
            RoleAssignment.objects.filter(user=user, organisation__is_active=True).values_list(
                "role", "organisation__path"
            )
        )
        user._unionportal_roles = cached
    return cached


def _minimal_paths(paths: Iterable[str]) -> list[str]:
    """Drop paths that lie inside another path of the list."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not any(path.startswith(kept) for kept in result):
            result.append(path)
    return result


def scope_paths(user, roles: Iterable[str] = ALL_ROLES) -> list[str] | None:
    """Subtree roots the user reaches through `roles`; None means everything (a superuser)."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    wanted = set(roles)
    return _minimal_paths(path for role, path in _assignments(user) if role in wanted)


def _subtrees(paths: list[str] | None) -> QuerySet[Organisation]:
    if paths is None:
        return Organisation.objects.all()
    if not paths:
        return Organisation.objects.none()
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    return Organisation.objects.filter(condition)


def organisations_for_roles(user, roles: Iterable[str]) -> QuerySet[Organisation]:
    """Organisations inside the subtrees where the user holds one of `roles`."""
    return _subtrees(scope_paths(user, roles))


def viewable_organisations(user) -> QuerySet[Organisation]:
    return _subtrees(scope_paths(user, ALL_ROLES))


def editable_organisations(user) -> QuerySet[Organisation]:
    return _subtrees(scope_paths(user, EDIT_ROLES))


def path_filter(user, field: str = "organisation__path", roles: Iterable[str] = ALL_ROLES) -> Q:
    """A Q that keeps rows whose organisation lies in the user's scope, for other apps' querysets."""
    paths = scope_paths(user, roles)
    if paths is None:
        return Q()
    if not paths:
        return Q(pk__in=[])
    condition = Q()
    for path in paths:
        condition |= Q(**{f"{field}__startswith": path})
    return condition


def has_role(user, *roles: str) -> bool:
    if getattr(user, "is_superuser", False):
        return True
    return any(role in roles for role, _path in _assignments(user))


def is_info_staff(user) -> bool:
    """Information-department staff: information officers (and superusers)."""
    return has_role(user, Role.INFO_OFFICER)


def user_roles(user) -> set[str]:
    return {role for role, _path in _assignments(user)}


def findable_people(user) -> QuerySet:
    """Accounts `user` may find by name: those holding a role inside the user's scope.

    An account without any role belongs to nobody's subtree: only information staff find it.
    """
    people = get_user_model().objects.all()
    paths = scope_paths(user, ALL_ROLES)
    if paths is None:
        return people
    condition = path_filter(user, "role_assignments__organisation__path") & Q(
        role_assignments__organisation__is_active=True
    )
    if is_info_staff(user):
        condition |= Q(role_assignments__isnull=True)
    return people.filter(pk__in=people.filter(condition).values("pk"))


def jurors_for(scope: Organisation) -> QuerySet:
    """Holders of the juror role over `scope`, over part of its subtree, or over an organisation above it."""
    over = Q(organisation__path__startswith=scope.path) | Q(organisation__path__in=scope.ancestor_paths)
    holders = RoleAssignment.objects.filter(over, role=Role.JUROR, organisation__is_active=True).values("user_id")
    return get_user_model().objects.filter(pk__in=holders, is_active=True)


def get_viewable_organisation_or_404(user, pk: int) -> Organisation:
    return get_object_or_404(viewable_organisations(user), pk=pk)


def in_scope(user, organisation: Organisation, roles: Iterable[str]) -> bool:
    """`organisation` lies in a subtree where the user holds one of `roles` (no query beyond the user's roles)."""
    paths = scope_paths(user, roles)
    return paths is None or any(organisation.path.startswith(path) for path in paths)


def scope_roots(user, roles: Iterable[str]) -> list[Organisation]:
    """The organisations at the top of the user's subtrees for `roles`; empty for a superuser (everything)."""
    paths = scope_paths(user, roles)
    if not paths:
        return []
    return list(Organisation.objects.filter(path__in=paths).order_by("path"))


def can_edit(user, organisation: Organisation) -> bool:
    paths = scope_paths(user, EDIT_ROLES)
    return paths is None or any(organisation.path.startswith(path) for path in paths)


# --- Who may change role assignments (issue 7): only someone whose scope is strictly wider. ---

# What each administrative role may grant or revoke, below the organisation where it is held.
# Nobody grants a role they could not exercise themselves: a territorial admin hands out the
# editing roles of their subtree, never information-department, presidium or jury powers.
GRANTABLE_ROLES: dict[str, frozenset[str]] = {
    Role.INFO_OFFICER: frozenset(Role.values),
    Role.TERRITORIAL_ADMIN: frozenset({Role.TERRITORIAL_ADMIN, Role.PRIMARY_ADMIN}),
}


def _roles_granted_above(user, organisation: Organisation) -> set[str]:
    """Roles the user may grant over `organisation`: from admin roles held on a PROPER ancestor."""
    granted: set[str] = set()
    for role, path in _assignments(user):
        if role in GRANTABLE_ROLES and organisation.path.startswith(path) and organisation.path != path:
            granted |= GRANTABLE_ROLES[role]
    return granted


def grantable_roles(user, organisation: Organisation) -> list[str]:
    """The roles `user` may grant or revoke over `organisation`, in the order of `Role`."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return list(Role.values)
    if not organisation.is_active:
        return []
    granted = _roles_granted_above(user, organisation)
    return [role for role in Role.values if role in granted]


def role_change_refusal(user, *, role: str, organisation: Organisation, target_user=None) -> str | None:
    """None when `user` may grant or revoke `role` over `organisation` (for `target_user`); else why not.

    Decided without a query beyond the user's own assignments (read once per request), so a list
    of assignments can show a "remove" link per row for free.
    """
    if getattr(user, "is_superuser", False) and user.is_active:
        return None
    if target_user is not None and target_user.pk == user.pk:
        return _("You cannot change your own roles: ask an administrator above you.")
    if not organisation.is_active:
        return _("The organisation is closed: its roles can no longer be changed.")
    granted = _roles_granted_above(user, organisation)
    if not granted:
        return _(
            "Only an administrator of an organisation above «%(organisation)s» (an information officer "
            "or a territorial admin) can change roles here."
        ) % {"organisation": organisation.display_name}
    if role not in granted:
        return _("You cannot grant or remove the role «%(role)s»: it goes beyond your own role.") % {
            "role": Role(role).label if role in Role.values else role
        }
    return None
