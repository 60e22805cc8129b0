"""The union's hierarchy: federation → union → territorial → primary, youth councils beneath any of them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class OrgKind(models.TextChoices):
    FEDERATION = "federation", _("Federation")
    UNION = "union", _("Union")
    TERRITORIAL = "territorial", _("Territorial organisation")
    PRIMARY = "primary", _("Primary organisation")
    YOUTH_COUNCIL = "youth_council", _("Youth council")


class Organisation(MP_Node):
    """A node of the tree. `path` is a materialized path: a subtree is `path__startswith`, one query."""

    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    name = models.CharField(_("full name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=150, blank=True)
    members_count = models.PositiveIntegerField(_("union members"), null=True, blank=True)
    members_as_of = models.DateField(_("members as of"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    founded_on = models.DateField(_("in the union since"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            # The tree search and the import look organisations up by name.
            models.Index(fields=["name"], name="org_name_idx"),
            models.Index(fields=["short_name"], name="org_short_name_idx"),
            # Rollups count organisations of one kind inside a subtree: kind + path prefix.
            models.Index(fields=["kind", "path"], name="org_kind_path_idx"),
            # The dashboard's rollup units (one depth) and the organisations above them (socialstats/reports/
            # summary.py): a few hundred rows found without reading every organisation.
            models.Index(fields=["depth", "path"], name="org_depth_path_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def ancestor_paths(self) -> list[str]:
        """Paths of all ancestors, root first: derived from `path` without a query."""
        return [self.path[:end] for end in range(self.steplen, len(self.path), self.steplen)]


class Role(models.TextChoices):
    INFO_OFFICER = "info_officer", _("Information officer")
    TERRITORIAL_ADMIN = "territorial_admin", _("Territorial admin")
    PRIMARY_ADMIN = "primary_admin", _("Primary organisation admin")
    PRESIDIUM = "presidium", _("Presidium member")
    JUROR = "juror", _("Juror")


class RoleAssignment(models.Model):
    """A user holds a role over an organisation's subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="roles"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            # A role is held once over an organisation (the demo loader and the admin upsert on it).
            models.UniqueConstraint(fields=["user", "role", "organisation"], name="role_unique_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"


class OrganisationAlias(models.Model):
    """Another name an import file gives an organisation («Башкортостанская республиканская» for the full name).

    Chosen once in an import's preview (or `--alias` on the command line); the next file with that name
    matches by itself. Names are compared by `key`: lower case, «ё» as «е», without spaces and punctuation.
    """

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="aliases"
    )
    name = models.CharField(_("name in files"), max_length=300)
    key = models.CharField(max_length=300, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation alias")
        verbose_name_plural = _("organisation aliases")
        constraints = [
            # One organisation per name in files: imports look names up by key (organisations_by_names).
            models.UniqueConstraint(fields=["key"], name="org_alias_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.organisation}"
