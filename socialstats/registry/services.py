"""Writes of the registry: pages, snapshots, websites and print (imports live in `imports/`)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.access import is_info_staff
from orgs.models import Organisation

from ..analytics.services import analytics_update
from ..models import (
    SNAPSHOT_METRIC_FIELDS,
    SNAPSHOT_POST_FIELDS,
    Network,
    PageOwner,
    PageStatus,
    PrintPublication,
    Snapshot,
    SnapshotSource,
    SocialPage,
    Website,
    WebsiteCheck,
    WebsiteStat,
)
from .links import LinkNotRecognised, PageLink, link_parse

# --- pages -----------------------------------------------------------------------------------------


def page_duplicate_message(existing: SocialPage) -> str:
    return _("This page is already registered for «%(organisation)s» (%(url)s).") % {
        "organisation": existing.organisation.display_name,
        "url": existing.url,
    }


def page_existing(link: PageLink, *, exclude_pk: int | None = None) -> SocialPage | None:
    queryset = SocialPage.objects.select_related("organisation").filter(network=link.network, handle=link.handle)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    return queryset.first()


def page_recognise(url: str) -> PageLink:
    """The recognised link, or ValidationError with the reason (for forms)."""
    try:
        return link_parse(url)
    except LinkNotRecognised as error:
        raise ValidationError(str(error)) from error


@transaction.atomic
def page_add(
    *,
    organisation: Organisation,
    url: str,
    owner: str = PageOwner.ORGANISATION,
    title: str = "",
) -> SocialPage:
    """Register a page from a pasted link; the same page twice is refused naming where it already is."""
    link = page_recognise(url)
    existing = page_existing(link)
    if existing is not None:
        raise ValidationError(page_duplicate_message(existing))
    page = SocialPage(
        organisation=organisation,
        network=link.network,
        url=link.url,
        handle=link.handle,
        external_id=link.external_id,
        title=title.strip(),
        owner=owner,
    )
    page.full_clean()
    page.save()
    return page


@transaction.atomic
def page_update(*, page: SocialPage, url: str, owner: str, title: str = "") -> SocialPage:
    """Change a page's link, owner or title. A new link may not point at another registered page.

    A page whose link is not known yet (created by a snapshot import) keeps it unknown when `url` is empty."""
    if not url.strip():
        if page.url:
            raise ValidationError(_("Give the page's link."))
        page.owner, page.title = owner, title.strip()
        page.full_clean()
        page.save()
        return page
    link = page_recognise(url)
    existing = page_existing(link, exclude_pk=page.pk)
    if existing is not None:
        raise ValidationError(page_duplicate_message(existing))
    if link.network != page.network:
        raise ValidationError(
            _("The new link is on %(new)s, the page is on %(old)s; register it as a new page instead.")
            % {"new": Network(link.network).label, "old": page.get_network_display()}
        )
    if (link.network, link.handle) != (page.network, page.handle):
        page.external_id = link.external_id
    page.network, page.url, page.handle = link.network, link.url, link.handle
    page.owner = owner
    page.title = title.strip()
    page.full_clean()
    page.save()
    return page


@transaction.atomic
def page_archive(*, page: SocialPage, on: dt.date | None = None) -> SocialPage:
    """Archive: the page leaves collection and the growth tables' active set; its history stays."""
    before = page.archived_on if page.status == PageStatus.ARCHIVED else None
    page.status = PageStatus.ARCHIVED
    page.archived_on = on or timezone.localdate()
    page.save(update_fields=["status", "archived_on", "updated_at"])
    analytics_update(page_ids=[page.pk], since=min(day for day in (before, page.archived_on) if day))
    return page


@transaction.atomic
def page_unarchive(*, page: SocialPage) -> SocialPage:
    before = page.archived_on if page.status == PageStatus.ARCHIVED else None
    page.status = PageStatus.ACTIVE
    page.archived_on = None
    page.save(update_fields=["status", "archived_on", "updated_at"])
    analytics_update(page_ids=[page.pk], since=before or _first_snapshot_date(page))
    return page


def _first_snapshot_date(page: SocialPage) -> dt.date | None:
    return page.snapshots.order_by("date").values_list("date", flat=True).first()


@transaction.atomic
def page_move(*, page: SocialPage, organisation: Organisation) -> SocialPage:
    """Hand a page, with its whole history, to another organisation: every report counts it there from now on."""
    if page.organisation_id == organisation.pk:
        return page
    page.organisation = organisation
    page.save(update_fields=["organisation", "updated_at"])
    analytics_update(page_ids=[page.pk], since=_first_snapshot_date(page))
    return page


def page_official_set(*, page: SocialPage, official: bool, user) -> SocialPage:
    """Only information staff confirm (or withdraw) the official mark."""
    if not is_info_staff(user):
        raise PermissionDenied(_("Only the information department confirms official pages."))
    page.is_official = official
    page.official_confirmed_by = user if official else None
    page.save(update_fields=["is_official", "official_confirmed_by", "updated_at"])
    return page


# --- snapshots -------------------------------------------------------------------------------------


def snapshot_record(
    *,
    page: SocialPage,
    date: dt.date,
    subscribers: int,
    source: str,
    recorded_by=None,
    taken_at: dt.datetime | None = None,
    posts_30d: int | None = None,
    last_post_at: dt.datetime | None = None,
    posts_counted: int | None = None,
    likes: int | None = None,
    comments: int | None = None,
    reposts: int | None = None,
    views: int | None = None,
    keep_blank: bool = False,
) -> tuple[Snapshot, bool]:
    """Upsert the page's snapshot of `date`: the same day again replaces its values, never adds a row.

    With `keep_blank`, metrics given as None keep the values that day already has (a person re-entering
    only the subscriber count does not wipe the likes and comments collected earlier).
    Returns (snapshot, created). The database's (page, date) constraint backs this up under races.
    """
    if date > timezone.localdate():
        raise ValidationError(
            _("The date %(date)s is in the future: a snapshot records what was already measured.")
            % {"date": date.strftime("%d.%m.%Y")}
        )
    values = {
        "subscribers": subscribers,
        "posts_30d": posts_30d,
        "last_post_at": last_post_at,
        "posts_counted": posts_counted,
        "likes": likes,
        "comments": comments,
        "reposts": reposts,
        "views": views,
        "source": source,
        "recorded_by": recorded_by,
        "taken_at": taken_at or timezone.now(),
    }
    for name in SNAPSHOT_METRIC_FIELDS:
        value = values[name]
        if isinstance(value, int) and value < 0:
            raise ValidationError(_("%(field)s cannot be negative.") % {"field": name})
    if keep_blank:
        existing = Snapshot.objects.filter(page=page, date=date).values(*SNAPSHOT_POST_FIELDS).first() or {}
        for name in SNAPSHOT_POST_FIELDS:
            if values[name] is None and existing.get(name) is not None:
                values[name] = existing[name]
    with transaction.atomic():
        snapshot, created = Snapshot.objects.update_or_create(page=page, date=date, defaults=values)
        analytics_update(page_ids=[page.pk], since=date)
    return snapshot, created


# --- shared import helpers -------------------------------------------------------------------------

# --- websites and print ----------------------------------------------------------------------------


def website_url_normalise(url: str) -> str:
    """`Example.org/` and `https://example.org` are the same website: scheme added, host lower-cased."""
    text = url.strip()
    if not text:
        return ""
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:  # "Invalid IPv6 URL": left as typed, for the validator to refuse
        return text
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def website_save(
    *,
    organisation: Organisation,
    url: str,
    title: str = "",
    checklist: dict[str, bool] | None = None,
    is_active: bool = True,
    website: Website | None = None,
) -> Website:
    website = website or Website(organisation=organisation)
    website.organisation = organisation
    website.url = website_url_normalise(url)
    website.title = title.strip()
    website.is_active = is_active
    website.checklist = {key: bool((checklist or {}).get(key)) for key in WebsiteCheck.values}
    website.full_clean()
    website.save()
    return website


def website_stat_record(
    *,
    website: Website,
    period_start: dt.date,
    period_end: dt.date,
    materials: int | None,
    visitors: int | None,
    views: int | None,
    source: str = SnapshotSource.MANUAL,
    recorded_by=None,
) -> tuple[WebsiteStat, bool]:
    """Upsert a website's figures for a period; the same period again replaces them."""
    if period_end < period_start:
        raise ValidationError(_("The period ends before it starts."))
    return WebsiteStat.objects.update_or_create(
        website=website,
        period_start=period_start,
        period_end=period_end,
        defaults={
            "materials": materials,
            "visitors": visitors,
            "views": views,
            "source": source,
            "recorded_by": recorded_by,
        },
    )


def publication_save(
    *,
    organisation: Organisation,
    title: str,
    kind: str,
    issues_per_year: int | None = None,
    print_run: int | None = None,
    is_active: bool = True,
    publication: PrintPublication | None = None,
) -> PrintPublication:
    publication = publication or PrintPublication(organisation=organisation)
    publication.organisation = organisation
    publication.title = title.strip()
    publication.kind = kind
    publication.issues_per_year = issues_per_year
    publication.print_run = print_run
    publication.is_active = is_active
    publication.full_clean()
    publication.save()
    return publication
