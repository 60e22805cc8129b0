"""Reads of the organisation tree, shaped for their pages (a fixed number of queries each)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Substr

from .access import scope_paths, viewable_organisations
from .models import Organisation, OrgKind


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


def tree_children(user, parent: Organisation) -> list[Organisation]:
    """The children of `parent` in the user's scope, each with `primaries_total`: two queries.

    The primaries are counted with one grouped query over the parent's subtree (a constant path prefix)
    instead of `with_tree_counts`' correlated subquery: its `LIKE child.path || '%'` cannot use an index, so
    it scanned the whole table once per child (2.5 s for the 200 territorial organisations of the
    federation-scale load test; about 10 ms this way).
    """
    children = list(
        viewable_organisations(user)
        .filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-is_active", "name")
    )
    child_path_length = len(parent.path) + Organisation.steplen
    counts = dict(
        Organisation.objects.filter(
            path__startswith=parent.path, depth__gt=parent.depth + 1, kind=OrgKind.PRIMARY, is_active=True
        )
        .annotate(child_path=Substr("path", 1, child_path_length))
        .order_by()
        .values("child_path")
        .annotate(total=Count("pk"))
        .values_list("child_path", "total")
    )
    for child in children:
        child.primaries_total = counts.get(child.path, 0)
    return children


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
