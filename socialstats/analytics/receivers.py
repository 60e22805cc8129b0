"""The analytics tables follow the tree and the pages.

- Organisations moved (a merge) move their pages' history with them.
- The dashboard's stored rows (DashboardDay) go when anything they count changes: a page saved (its
  organisation before and after), a page deleted, an organisation saved (closed, another kind) or deleted.
  The same changes move the reports' generation (generation.py): every cached report is computed again.
"""

from __future__ import annotations

from django.db.models import Min
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from orgs.models import Organisation
from orgs.signals import subtrees_moved

from ..models import SocialPage
from .generation import reports_forget
from .services import analytics_update, dashboard_days_forget


@receiver(subtrees_moved, dispatch_uid="socialstats_analytics_subtrees_moved")
def analytics_follow_tree(sender, *, organisation_ids: list[int], **kwargs) -> None:
    dashboard_days_forget(page_ids=None)  # the units themselves changed
    paths = list(Organisation.objects.filter(pk__in=organisation_ids).values_list("path", flat=True))
    pages = SocialPage.objects.none()
    for path in paths:
        pages |= SocialPage.objects.filter(organisation__path__startswith=path)
    since = pages.aggregate(first=Min("snapshots__date"))["first"]
    if since is not None:
        analytics_update(page_ids=list(pages.values_list("pk", flat=True)), since=since)


@receiver(pre_save, sender=SocialPage, dispatch_uid="socialstats_dashboard_page_before_save")
def dashboard_page_before_save(sender, instance: SocialPage, raw: bool = False, **kwargs) -> None:
    """Remember the organisation the page had: its unit loses the page when it moves."""
    if instance.pk and not raw:
        before = SocialPage.objects.filter(pk=instance.pk).values_list("organisation__path", flat=True).first()
        instance._dashboard_path_before = before


@receiver(post_save, sender=SocialPage, dispatch_uid="socialstats_dashboard_page_saved")
def dashboard_page_saved(sender, instance: SocialPage, raw: bool = False, **kwargs) -> None:
    if not raw:
        before = getattr(instance, "_dashboard_path_before", None)
        dashboard_days_forget(paths=[path for path in (instance.organisation.path, before) if path])
        reports_forget()


@receiver(post_delete, sender=SocialPage, dispatch_uid="socialstats_dashboard_page_deleted")
def dashboard_page_deleted(sender, instance: SocialPage, **kwargs) -> None:
    path = Organisation.objects.filter(pk=instance.organisation_id).values_list("path", flat=True).first()
    # Its organisation deleted with it: that organisation's own receiver forgets the unit.
    dashboard_days_forget(paths=[path] if path else [])
    reports_forget()


@receiver(post_save, sender=Organisation, dispatch_uid="socialstats_dashboard_organisation_saved")
@receiver(post_delete, sender=Organisation, dispatch_uid="socialstats_dashboard_organisation_deleted")
def dashboard_organisation_changed(sender, instance: Organisation, raw: bool = False, **kwargs) -> None:
    if not raw and instance.path:
        dashboard_days_forget(paths=[instance.path])
        reports_forget()
