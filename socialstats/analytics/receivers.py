"""The analytics tables follow the tree: organisations moved (a merge) move their pages' history with them."""

from __future__ import annotations

from django.db.models import Min
from django.dispatch import receiver

from orgs.models import Organisation
from orgs.signals import subtrees_moved

from ..models import SocialPage
from .services import analytics_update


@receiver(subtrees_moved, dispatch_uid="socialstats_analytics_subtrees_moved")
def analytics_follow_tree(sender, *, organisation_ids: list[int], **kwargs) -> None:
    paths = list(Organisation.objects.filter(pk__in=organisation_ids).values_list("path", flat=True))
    pages = SocialPage.objects.none()
    for path in paths:
        pages |= SocialPage.objects.filter(organisation__path__startswith=path)
    since = pages.aggregate(first=Min("snapshots__date"))["first"]
    if since is not None:
        analytics_update(page_ids=list(pages.values_list("pk", flat=True)), since=since)
