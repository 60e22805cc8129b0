"""Small template tags for the registry's partials on other apps' pages (one query each)."""

from __future__ import annotations

from django import template

from orgs import access

from ..models import PageStatus
from ..registry import selectors as registry

register = template.Library()


@register.simple_tag
def page_counts_by_network(organisation):
    """[(network label, count)] of the organisation's subtree, active pages only."""
    return registry.page_counts_by_network(organisation)


@register.simple_tag
def registry_summary(user):
    """What the start page says about the user's pages: how many, and whether they may add one."""
    return {
        "pages": registry.viewable_pages(user).exclude(status=PageStatus.ARCHIVED).count(),
        "can_add": access.editable_organisations(user).exists(),
        "is_info_staff": access.is_info_staff(user),
    }
