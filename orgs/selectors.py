"""Reads of the organisation tree, shaped for their pages (a fixed number of queries each)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from .access import scope_paths, viewable_organisations
from .models import Organisation, OrgKind, RoleAssignment


def _count_in_subtree(kind: str) -> Subquery:
    """Active organisations of `kind` strictly below the outer row (path prefix, one subquery)."""
    return Subquery(
        Organisation.objects.filter(path__startswith=OuterRef("path"), kind=kind, is_active=True)
        .exclude(path=OuterRef("path"))
        .order_by()
        .values("kind")
        .annotate(total=Count("pk"))
        .values("total"),
        output_field=IntegerField(),
    )


def with_tree_counts(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Annotate primaries below each node, derived from the tree (never typed twice)."""
    return queryset.annotate(
        primaries_total=Coalesce(_count_in_subtree(OrgKind.PRIMARY), Value(0)),
    )


def tree_roots(user) -> QuerySet[Organisation]:
    """The top nodes of the user's scope: the roots of the subtrees they were given."""
    paths = scope_paths(user)
    queryset = Organisation.objects.all() if paths is None else Organisation.objects.filter(path__in=paths)
    if paths is None:
        queryset = queryset.filter(depth=1)
    return with_tree_counts(queryset).order_by("name")


def tree_children(user, parent: Organisation) -> QuerySet[Organisation]:
    return with_tree_counts(
        viewable_organisations(user).filter(path__startswith=parent.path, depth=parent.depth + 1)
    ).order_by("-is_active", "name")


def organisation_search(user, query: str) -> QuerySet[Organisation]:
    query = query.strip()
    queryset = viewable_organisations(user)
    if query:
        queryset = queryset.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    return queryset


def organisation_list(user, *, query: str = "", kind: str = "", active: str = "") -> QuerySet[Organisation]:
    queryset = organisation_search(user, query)
    if kind:
        queryset = queryset.filter(kind=kind)
    if active in ("1", "0"):
        queryset = queryset.filter(is_active=active == "1")
    return with_tree_counts(queryset).order_by("path")


def ancestors_by_path(organisations: list[Organisation]) -> dict[str, Organisation]:
    """All ancestors of the given nodes in one query, keyed by path (for breadcrumbs)."""
    paths = {path for org in organisations for path in org.ancestor_paths}
    if not paths:
        return {}
    return {org.path: org for org in Organisation.objects.filter(path__in=paths)}


def subtree(organisation: Organisation) -> QuerySet[Organisation]:
    """The organisation and everything below it: one query whatever the depth."""
    return Organisation.objects.filter(path__startswith=organisation.path)


def organisations_by_names(names: Iterable[str]) -> dict[str, list[Organisation]]:
    """Organisations whose short or full name is one of `names`, in one query, keyed by that name.

    For importers of other apps: a name with several organisations is ambiguous, with none unknown.
    """
    wanted = {name for name in names if name}
    if not wanted:
        return {}
    found: dict[str, list[Organisation]] = {}
    for organisation in Organisation.objects.filter(Q(short_name__in=wanted) | Q(name__in=wanted)).order_by("path"):
        for name in {organisation.name, organisation.short_name} & wanted:
            found.setdefault(name, []).append(organisation)
    return found


# --- People: who holds which role over an organisation (a fixed number of queries per page). ---


def people_here(organisation: Organisation) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(organisation=organisation)
        .select_related("user", "organisation")
        .order_by("role", "user__last_name", "user__username")
    )


def people_above(organisation: Organisation) -> QuerySet[RoleAssignment]:
    """Roles held on the ancestors: their scope covers this organisation too."""
    return (
        RoleAssignment.objects.filter(organisation__path__in=organisation.ancestor_paths)
        .select_related("user", "organisation")
        .order_by("organisation__path", "role", "user__username")
    )


def people_below(organisation: Organisation) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(organisation__path__startswith=organisation.path)
        .exclude(organisation=organisation)
        .select_related("user", "organisation")
        .order_by("organisation__path", "role", "user__username")
    )


def user_search(query: str, *, limit: int = 20) -> list:
    """Active accounts whose username, name or email contains `query` (at most `limit`)."""
    query = query.strip()
    if len(query) < 2:
        return []
    condition = Q(username__icontains=query) | Q(email__icontains=query)
    for word in query.split():
        condition |= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return list(get_user_model().objects.filter(condition, is_active=True).order_by("last_name", "username")[:limit])
