"""Reads of the organisation tree, shaped for their pages (a fixed number of queries each)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Substr

from unionportal.lib.importing import header_key
from unionportal.lib.search import text_contains

from .access import scope_paths, viewable_organisations
from .models import Organisation, OrganisationAlias, OrgKind, RoleAssignment


def primaries_below(organisations: Iterable[Organisation]) -> dict[str, int]:
    """Active primaries strictly below each organisation, keyed by its path: one grouped query.

    The primaries under the organisations' common path prefix are counted per prefix of the deepest
    organisation's length (an indexed range, grouped in SQL), then summed up to each organisation's path.
    A correlated `LIKE outer.path || '%'` subquery per row cannot use an index and scanned the whole
    table once per row (2.5 s for 200 territorial organisations at federation scale).
    """
    organisations = list(organisations)
    if not organisations:
        return {}
    steplen = Organisation.steplen
    common = min(org.path for org in organisations)
    for organisation in organisations:  # the longest whole-step prefix all paths share
        while not organisation.path.startswith(common):
            common = common[:-steplen]
    length = max(org.depth for org in organisations) * steplen
    grouped = (
        Organisation.objects.filter(path__startswith=common, kind=OrgKind.PRIMARY, is_active=True)
        .annotate(prefix=Substr("path", 1, length))
        .order_by()
        .values("prefix", "depth")
        .annotate(total=Count("pk"))
        .values_list("prefix", "depth", "total")
    )
    depth_of = {org.path: org.depth for org in organisations}
    counts = dict.fromkeys(depth_of, 0)
    for prefix, depth, total in grouped:
        for end in range(steplen, len(prefix) + 1, steplen):
            ancestor = prefix[:end]
            if ancestor in depth_of and depth > depth_of[ancestor]:
                counts[ancestor] += total
    return counts


def with_primaries_total(organisations: Iterable[Organisation]) -> list[Organisation]:
    """Set `primaries_total` on each organisation (derived from the tree, never typed twice)."""
    organisations = list(organisations)
    counts = primaries_below(organisations)
    for organisation in organisations:
        organisation.primaries_total = counts[organisation.path]
    return organisations


def tree_roots(user) -> list[Organisation]:
    """The top nodes of the user's scope: the roots of the subtrees they were given."""
    paths = scope_paths(user)
    queryset = Organisation.objects.all() if paths is None else Organisation.objects.filter(path__in=paths)
    if paths is None:
        queryset = queryset.filter(depth=1)
    return with_primaries_total(queryset.order_by("name"))


def tree_children(user, parent: Organisation) -> list[Organisation]:
    """The children of `parent` in the user's scope, each with `primaries_total`: two queries."""
    return with_primaries_total(
        viewable_organisations(user)
        .filter(path__startswith=parent.path, depth=parent.depth + 1)
        .order_by("-is_active", "name")
    )


def organisation_search(user, query: str) -> QuerySet[Organisation]:
    query = query.strip()
    queryset = viewable_organisations(user)
    if query:
        queryset = queryset.filter(text_contains(["name", "short_name"], query))
    return queryset


def organisation_list(user, *, query: str = "", kind: str = "", active: str = "") -> QuerySet[Organisation]:
    queryset = organisation_search(user, query)
    if kind in OrgKind.values:  # anything else (a typo, a fuzzer's NUL) is no filter, not a 500
        queryset = queryset.filter(kind=kind)
    if active in ("1", "0"):
        queryset = queryset.filter(is_active=active == "1")
    return queryset.order_by("path")


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
    A name written as a path of names (`ВАО / ППО Школа 1`, see `PATH_SEPARATOR`) names the organisation
    under those ancestors: that is how an export tells apart organisations with the same name. A name
    found neither way is looked up among the aliases (`OrganisationAlias`, compared by `header_key`).
    """
    wanted = {name for name in names if name}
    if not wanted:
        return {}
    found: dict[str, list[Organisation]] = {}
    for organisation in Organisation.objects.filter(Q(short_name__in=wanted) | Q(name__in=wanted)).order_by("path"):
        for name in {organisation.name, organisation.short_name} & wanted:
            found.setdefault(name, []).append(organisation)
    paths = {name for name in wanted - set(found) if PATH_SEPARATOR in name}
    if paths:
        for name, matches in organisations_by_path_names(paths).items():
            found[name] = matches
    by_key = {header_key(name): name for name in wanted - set(found)}
    if by_key:
        for alias in OrganisationAlias.objects.filter(key__in=by_key).select_related("organisation"):
            found[by_key[alias.key]] = [alias.organisation]
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


def user_search(people: QuerySet, query: str, *, limit: int = 20) -> list:
    """Active accounts among `people` whose username, name or email contains `query` (at most `limit`)."""
    query = query.strip()
    if len(query) < 2:
        return []
    condition = text_contains(["username", "email"], query)
    for word in query.split():
        condition |= text_contains(["first_name", "last_name"], word)
    return list(people.filter(condition, is_active=True).order_by("last_name", "username")[:limit])


# Joins the names of an organisation's ancestors and its own in exports: `Профсоюз / ВАО / ППО Школа 1`.
PATH_SEPARATOR = " / "


def _matches(organisation: Organisation, name: str) -> bool:
    return name in (organisation.short_name, organisation.name)


def organisations_by_path_names(path_names: Iterable[str]) -> dict[str, list[Organisation]]:
    """Organisations named by a path of names (root first or any tail of it), two queries in all."""
    wanted = {text: [part.strip() for part in text.split(PATH_SEPARATOR)] for text in path_names if text}
    last_names = {parts[-1] for parts in wanted.values()}
    candidates = list(
        Organisation.objects.filter(Q(short_name__in=last_names) | Q(name__in=last_names)).order_by("path")
    )
    ancestors = ancestors_by_path(candidates)
    found: dict[str, list[Organisation]] = {}
    for text, parts in wanted.items():
        for organisation in candidates:
            chain = [*(ancestors[path] for path in organisation.ancestor_paths), organisation]
            if len(parts) <= len(chain) and all(
                _matches(node, part) for node, part in zip(chain[-len(parts) :], parts, strict=True)
            ):
                found.setdefault(text, []).append(organisation)
    return found


def organisation_path_names(organisations: Iterable[Organisation]) -> dict[int, str]:
    """Each organisation's names from the root down, joined by PATH_SEPARATOR (one query)."""
    organisations = list(organisations)
    ancestors = ancestors_by_path(organisations)
    return {
        organisation.pk: PATH_SEPARATOR.join(
            [*(ancestors[path].display_name for path in organisation.ancestor_paths), organisation.display_name]
        )
        for organisation in organisations
    }


def organisation_export_names(organisations: Iterable[Organisation]) -> dict[int, str]:
    """How an export names each organisation: its own name when that is unique in the portal, else its path.

    The importers read either (see `organisations_by_names`), so an exported file imports back unambiguously.
    """
    organisations = list(organisations)
    counts: dict[str, int] = {}
    for name in Organisation.objects.values_list("short_name", "name"):
        for value in {name[0], name[1]} - {""}:
            counts[value] = counts.get(value, 0) + 1
    paths = organisation_path_names(organisations)
    return {
        organisation.pk: organisation.display_name
        if counts.get(organisation.display_name, 0) == 1
        else paths[organisation.pk]
        for organisation in organisations
    }


ORG_EXPORT_COLUMNS = [
    "organisation",
    "kind",
    "parent",
    "full_name",
    "region",
    "members_count",
    "members_as_of",
    "active",
    "founded_on",
    "closed_on",
]


def export_orgs() -> list[list[str]]:
    """The whole tree as rows of the organisation import (`ORG_EXPORT_COLUMNS`), parents before children.

    A parent whose name is not unique in the portal is written as its path of names, which the import
    resolves. Not carried: `merged_into` (the merged organisation stays, closed, in the file).
    """
    organisations = list(Organisation.objects.order_by("path"))
    names = organisation_export_names(organisations)
    by_path = {organisation.path: organisation for organisation in organisations}
    rows = []
    for organisation in organisations:
        parent = by_path.get(organisation.path[: -organisation.steplen]) if organisation.depth > 1 else None
        rows.append(
            [
                organisation.display_name,
                organisation.kind,
                names[parent.pk] if parent else "",
                organisation.name if organisation.short_name else "",
                organisation.region,
                "" if organisation.members_count is None else str(organisation.members_count),
                organisation.members_as_of.isoformat() if organisation.members_as_of else "",
                "1" if organisation.is_active else "0",
                organisation.founded_on.isoformat() if organisation.founded_on else "",
                organisation.closed_on.isoformat() if organisation.closed_on else "",
            ]
        )
    return rows
