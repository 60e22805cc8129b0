"""Writes of the registry: pages, snapshots, websites and print, and the imports of pages and snapshots.

Every import is all or nothing: rows are checked first, every bad cell is reported by row and column,
and nothing is saved when any row is wrong. Importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.access import is_info_staff
from orgs.models import Organisation
from orgs.selectors import organisations_by_names
from orgs.services import ImportRejected
from unionportal.lib.parsing import parse_count, parse_date
from unionportal.lib.tabular import RowError, TableError, read_table

from .links import LinkNotRecognised, PageLink, link_parse
from .models import (
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

NETWORK_ALIASES = {
    **{network.value: network.value for network in Network},
    **{str(network.label).lower(): network.value for network in Network},
    "вк": Network.VK,
    "вконтакте": Network.VK,
    "vkontakte": Network.VK,
    "телеграм": Network.TELEGRAM,
    "телеграмм": Network.TELEGRAM,
    "tg": Network.TELEGRAM,
    "одноклассники": Network.OK,
    "ок": Network.OK,
    "odnoklassniki": Network.OK,
    "фейсбук": Network.FACEBOOK,
    "fb": Network.FACEBOOK,
    "инстаграм": Network.INSTAGRAM,
    "ютуб": Network.YOUTUBE,
    "рутуб": Network.RUTUBE,
    "дзен": Network.DZEN,
}

OWNER_ALIASES = {
    **{owner.value: owner.value for owner in PageOwner},
    "": PageOwner.ORGANISATION,
    "организация": PageOwner.ORGANISATION,
    "молодежный совет": PageOwner.YOUTH_COUNCIL,
    "молодёжный совет": PageOwner.YOUTH_COUNCIL,
    "youth": PageOwner.YOUTH_COUNCIL,
    "руководитель": PageOwner.LEADER,
    "председатель": PageOwner.LEADER,
}

PAGE_COLUMNS = ["organisation", "network", "url"]
PAGE_OPTIONAL_COLUMNS = ["owner", "title"]
SNAPSHOT_COLUMNS = ["organisation", "network", "date", "subscribers"]
SNAPSHOT_OPTIONAL_COLUMNS = ["page_url"]
WEBSITE_STAT_COLUMNS = ["organisation", "website", "period_start", "period_end"]
WEBSITE_STAT_OPTIONAL_COLUMNS = ["materials", "visitors", "views"]

Source = bytes | IO[bytes] | Path | str


# --- pages -----------------------------------------------------------------------------------------


def _duplicate_message(existing: SocialPage) -> str:
    return _("This page is already registered for «%(organisation)s» (%(url)s).") % {
        "organisation": existing.organisation.display_name,
        "url": existing.url,
    }


def _existing_page(link: PageLink, *, exclude_pk: int | None = None) -> SocialPage | None:
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
    existing = _existing_page(link)
    if existing is not None:
        raise ValidationError(_duplicate_message(existing))
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
    """Change a page's link, owner or title. A new link may not point at another registered page."""
    link = page_recognise(url)
    existing = _existing_page(link, exclude_pk=page.pk)
    if existing is not None:
        raise ValidationError(_duplicate_message(existing))
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


def page_archive(*, page: SocialPage, on: dt.date | None = None) -> SocialPage:
    """Archive: the page leaves collection and the growth tables' active set; its history stays."""
    page.status = PageStatus.ARCHIVED
    page.archived_on = on or timezone.localdate()
    page.save(update_fields=["status", "archived_on", "updated_at"])
    return page


def page_unarchive(*, page: SocialPage) -> SocialPage:
    page.status = PageStatus.ACTIVE
    page.archived_on = None
    page.save(update_fields=["status", "archived_on", "updated_at"])
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

SNAPSHOT_VALUE_FIELDS = (
    "subscribers",
    "posts_30d",
    "last_post_at",
    "posts_counted",
    "likes",
    "comments",
    "reposts",
    "views",
)


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
) -> tuple[Snapshot, bool]:
    """Upsert the page's snapshot of `date`: the same day again replaces its values, never adds a row.

    Returns (snapshot, created). The database's (page, date) constraint backs this up under races.
    """
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
    for name in SNAPSHOT_VALUE_FIELDS:
        value = values[name]
        if isinstance(value, int) and value < 0:
            raise ValidationError(_("%(field)s cannot be negative.") % {"field": name})
    return Snapshot.objects.update_or_create(page=page, date=date, defaults=values)


# --- shared import helpers -------------------------------------------------------------------------


def _read(source: Source, filename: str, required: list[str], optional: list[str]):
    try:
        return read_table(source, filename=filename, required=required, optional=optional)
    except TableError as error:
        raise ImportRejected([str(error)]) from error


def _network(value: str, row: int, errors: list[RowError]) -> str | None:
    network = NETWORK_ALIASES.get(value.strip().lower())
    if network is None:
        errors.append(
            RowError(
                row,
                "network",
                _("unknown network «%(value)s»; use %(choices)s")
                % {"value": value, "choices": ", ".join(Network.values)},
            )
        )
    return network


def _organisation(
    name: str, row: int, found: dict[str, list[Organisation]], errors: list[RowError]
) -> Organisation | None:
    if not name:
        errors.append(RowError(row, "organisation", _("the organisation name is empty")))
        return None
    matches = found.get(name, [])
    if not matches:
        errors.append(RowError(row, "organisation", _("no organisation «%(name)s» in the portal") % {"name": name}))
        return None
    if len(matches) > 1:
        errors.append(
            RowError(
                row,
                "organisation",
                _("«%(name)s» matches several organisations: %(list)s")
                % {"name": name, "list": "; ".join(org.name for org in matches)},
            )
        )
        return None
    return matches[0]


# --- import of pages -------------------------------------------------------------------------------


@dataclass
class PagesImportReport:
    created: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)  # link-less pages that got their link
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.linked)


@transaction.atomic
def pages_import(*, source: Source, filename: str = "", dry_run: bool = False) -> PagesImportReport:
    """Import pages (organisation, network, url[, owner, title]) all or nothing; again changes nothing."""
    table = _read(source, filename, PAGE_COLUMNS, PAGE_OPTIONAL_COLUMNS)
    found = organisations_by_names(values.get("organisation", "") for _row, values in table.rows)
    errors: list[RowError] = []
    parsed: list[tuple[int, Organisation, PageLink, str, str]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        organisation = _organisation(values.get("organisation", ""), number, found, row_errors)
        network = _network(values["network"], number, row_errors) if values.get("network") else None
        link: PageLink | None = None
        try:
            link = link_parse(values.get("url", ""))
        except LinkNotRecognised as error:
            row_errors.append(RowError(number, "url", str(error)))
        if link and network and link.network != network:
            row_errors.append(
                RowError(
                    number,
                    "network",
                    _("the link is on %(link)s, the column says %(column)s")
                    % {"link": Network(link.network).label, "column": Network(network).label},
                )
            )
        owner = OWNER_ALIASES.get(values.get("owner", "").strip().lower())
        if owner is None:
            row_errors.append(
                RowError(
                    number,
                    "owner",
                    _("unknown owner «%(value)s»; use %(choices)s")
                    % {"value": values["owner"], "choices": ", ".join(PageOwner.values)},
                )
            )
        if link:
            key = (link.network, link.handle)
            if key in seen:
                row_errors.append(RowError(number, "url", _("repeats row %(row)s") % {"row": seen[key]}))
            seen.setdefault(key, number)
        if row_errors:
            errors.extend(row_errors)
            continue
        assert organisation and link and owner  # for the type checker: no errors means all parsed
        parsed.append((number, organisation, link, owner, values.get("title", "")))

    report = PagesImportReport()
    existing = {
        (page.network, page.handle): page
        for page in SocialPage.objects.select_related("organisation").filter(
            handle__in={link.handle for _n, _o, link, _ow, _t in parsed}
        )
    }
    for number, organisation, link, owner, title in parsed:
        page = existing.get((link.network, link.handle))
        label = f"{organisation.display_name}: {link.url}"
        if page is not None:
            if page.organisation_id != organisation.pk:
                errors.append(RowError(number, "url", _duplicate_message(page)))
            else:
                report.unchanged += 1
            continue
        linkless = SocialPage.objects.filter(organisation=organisation, network=link.network, handle="").first()
        if linkless is not None:
            linkless.url, linkless.handle, linkless.external_id = link.url, link.handle, link.external_id
            linkless.title = linkless.title or title
            linkless.save(update_fields=["url", "handle", "external_id", "title", "updated_at"])
            report.linked.append(label)
            continue
        SocialPage.objects.create(
            organisation=organisation,
            network=link.network,
            url=link.url,
            handle=link.handle,
            external_id=link.external_id,
            owner=owner,
            title=title,
        )
        report.created.append(label)
    if errors:
        transaction.set_rollback(True)
        raise ImportRejected(sorted(errors, key=lambda error: error.row))
    if dry_run:
        transaction.set_rollback(True)
    return report


# --- import and export of snapshots ----------------------------------------------------------------


@dataclass
class SnapshotImportReport:
    pages_created: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.pages_created or self.created or self.updated)


@dataclass
class _SnapshotRow:
    row: int
    organisation: Organisation
    network: str
    date: dt.date
    subscribers: int
    link: PageLink | None


def _parse_snapshot_rows(table) -> tuple[list[_SnapshotRow], list[RowError]]:
    found = organisations_by_names(values.get("organisation", "") for _row, values in table.rows)
    errors: list[RowError] = []
    rows: list[_SnapshotRow] = []
    for number, values in table.rows:
        row_errors: list[RowError] = []
        organisation = _organisation(values.get("organisation", ""), number, found, row_errors)
        network = _network(values.get("network", ""), number, row_errors)
        date = subscribers = None
        try:
            date = parse_date(values.get("date", ""))
        except ValueError as error:
            row_errors.append(RowError(number, "date", str(error)))
        try:
            subscribers = parse_count(values.get("subscribers", ""))
        except ValueError as error:
            row_errors.append(RowError(number, "subscribers", str(error)))
        link = None
        if values.get("page_url"):
            try:
                link = link_parse(values["page_url"])
            except LinkNotRecognised as error:
                row_errors.append(RowError(number, "page_url", str(error)))
            if link and network and link.network != network:
                row_errors.append(
                    RowError(
                        number,
                        "page_url",
                        _("the link is on %(link)s, the network column says %(column)s")
                        % {"link": Network(link.network).label, "column": Network(network).label},
                    )
                )
        if row_errors:
            errors.extend(row_errors)
            continue
        assert organisation and network and date and subscribers is not None
        rows.append(_SnapshotRow(number, organisation, network, date, subscribers, link))
    return rows, errors


class _PageResolver:
    """Find (or, when allowed, create) the page each row is about: two queries for the whole file."""

    def __init__(self, rows: list[_SnapshotRow], *, create_pages: bool, report: SnapshotImportReport):
        self.create_pages = create_pages
        self.report = report
        self.cache: dict[tuple, SocialPage | RowError] = {}
        handles = {item.link.handle for item in rows if item.link}
        self.by_link = {
            (page.network, page.handle): page
            for page in SocialPage.objects.select_related("organisation").filter(handle__in=handles)
        }
        self.by_org: dict[tuple[int, str], list[SocialPage]] = {}
        organisation_ids = {item.organisation.pk for item in rows if not item.link}
        for page in SocialPage.objects.filter(organisation__in=organisation_ids).order_by("pk"):
            self.by_org.setdefault((page.organisation_id, page.network), []).append(page)

    def page_for(self, item: _SnapshotRow) -> SocialPage | RowError:
        key = (
            ("link", item.link.network, item.link.handle) if item.link else ("org", item.organisation.pk, item.network)
        )
        if key not in self.cache:
            self.cache[key] = self._resolve(item)
        result = self.cache[key]
        if isinstance(result, RowError):
            return RowError(item.row, result.column, result.message)
        return result

    def _resolve(self, item: _SnapshotRow) -> SocialPage | RowError:
        if item.link:
            page = self.by_link.get((item.link.network, item.link.handle))
            if page is not None:
                if page.organisation_id != item.organisation.pk:
                    return RowError(item.row, "page_url", _duplicate_message(page))
                return page
            return self._create(item, item.link)
        pages = self.by_org.get((item.organisation.pk, item.network), [])
        if len(pages) == 1:
            return pages[0]
        if len(pages) > 1:
            return RowError(
                item.row,
                "network",
                _("%(org)s has several %(network)s pages (%(list)s); add a page_url column to say which")
                % {
                    "org": item.organisation.display_name,
                    "network": Network(item.network).label,
                    "list": ", ".join(page.url or page.title or str(page.pk) for page in pages),
                },
            )
        return self._create(item, None)

    def _create(self, item: _SnapshotRow, link: PageLink | None) -> SocialPage | RowError:
        if not self.create_pages:
            return RowError(
                item.row,
                "page_url" if link else "network",
                _("%(org)s has no %(network)s page in the portal; register it or allow creating pages")
                % {"org": item.organisation.display_name, "network": Network(item.network).label},
            )
        page = SocialPage.objects.create(
            organisation=item.organisation,
            network=item.network,
            url=link.url if link else "",
            handle=link.handle if link else "",
            external_id=link.external_id if link else "",
        )
        self.report.pages_created.append(
            f"{item.organisation.display_name}: {Network(item.network).label}"
            + (f" {link.url}" if link else " " + _("(link unknown)"))
        )
        return page


@transaction.atomic
def snapshots_import(
    *,
    source: Source,
    filename: str = "",
    create_pages: bool = False,
    dry_run: bool = False,
    user=None,
) -> SnapshotImportReport:
    """Import historical snapshots (organisation, network, date, subscribers[, page_url]) all or nothing.

    A snapshot that already holds the same number is left alone, so importing a file again changes nothing.
    New and changed days are written as one bulk upsert on the (page, date) key: the same rule as
    `snapshot_record`, without a round trip per row.
    """
    table = _read(source, filename, SNAPSHOT_COLUMNS, SNAPSHOT_OPTIONAL_COLUMNS)
    rows, errors = _parse_snapshot_rows(table)
    report = SnapshotImportReport()
    resolver = _PageResolver(rows, create_pages=create_pages, report=report)
    resolved: list[tuple[_SnapshotRow, SocialPage]] = []
    seen: dict[tuple[int, dt.date], int] = {}
    for item in rows:
        page = resolver.page_for(item)
        if isinstance(page, RowError):
            errors.append(page)
            continue
        key = (page.pk, item.date)
        if key in seen:
            errors.append(RowError(item.row, "date", _("the same page and date as row %(row)s") % {"row": seen[key]}))
            continue
        seen[key] = item.row
        resolved.append((item, page))
    if errors:
        transaction.set_rollback(True)
        raise ImportRejected(sorted(errors, key=lambda error: error.row))
    if not resolved:
        return report

    dates = [item.date for item, _page in resolved]
    current = {
        (page_id, date): subscribers
        for page_id, date, subscribers in Snapshot.objects.filter(
            page__in={page.pk for _item, page in resolved}, date__gte=min(dates), date__lte=max(dates)
        ).values_list("page_id", "date", "subscribers")
    }
    now = timezone.now()
    writes: list[Snapshot] = []
    for item, page in resolved:
        old = current.get((page.pk, item.date))
        if old == item.subscribers:
            report.unchanged += 1
            continue
        if old is None:
            report.created += 1
        else:
            report.updated += 1
        writes.append(
            Snapshot(
                page=page,
                date=item.date,
                subscribers=item.subscribers,
                source=SnapshotSource.IMPORT,
                recorded_by=user,
                taken_at=now,
            )
        )
    # An imported day replaces the whole snapshot (like snapshot_record): the API-only figures are cleared.
    Snapshot.objects.bulk_create(
        writes,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["page", "date"],
        update_fields=["subscribers", *SNAPSHOT_VALUE_FIELDS[1:], "source", "recorded_by", "taken_at"],
    )
    if dry_run:
        transaction.set_rollback(True)
    return report


# --- websites and print ----------------------------------------------------------------------------


def website_url_normalise(url: str) -> str:
    """`Example.org/` and `https://example.org` are the same website: scheme added, host lower-cased."""
    text = url.strip()
    if not text:
        return ""
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
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


@dataclass
class WebsiteStatsImportReport:
    websites_created: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@transaction.atomic
def website_stats_import(
    *,
    source: Source,
    filename: str = "",
    create_websites: bool = False,
    dry_run: bool = False,
    user=None,
) -> WebsiteStatsImportReport:
    """Import websites' figures per period (the 003 document's table) all or nothing; again changes nothing."""
    table = _read(source, filename, WEBSITE_STAT_COLUMNS, WEBSITE_STAT_OPTIONAL_COLUMNS)
    found = organisations_by_names(values.get("organisation", "") for _row, values in table.rows)
    errors: list[RowError] = []
    parsed = []
    seen: dict[tuple, int] = {}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        organisation = _organisation(values.get("organisation", ""), number, found, row_errors)
        url = website_url_normalise(values.get("website", ""))
        if not url:
            row_errors.append(RowError(number, "website", _("the website address is empty")))
        dates = {}
        for column in ("period_start", "period_end"):
            try:
                dates[column] = parse_date(values.get(column, ""))
            except ValueError as error:
                row_errors.append(RowError(number, column, str(error)))
        if len(dates) == 2 and dates["period_end"] < dates["period_start"]:
            row_errors.append(RowError(number, "period_end", _("the period ends before it starts")))
        figures: dict[str, int | None] = {}
        for column in WEBSITE_STAT_OPTIONAL_COLUMNS:
            figures[column] = None
            if values.get(column):
                try:
                    figures[column] = parse_count(values[column])
                except ValueError as error:
                    row_errors.append(RowError(number, column, str(error)))
        key = (url, dates.get("period_start"), dates.get("period_end"))
        if not row_errors and key in seen:
            row_errors.append(RowError(number, "website", _("repeats row %(row)s") % {"row": seen[key]}))
        seen.setdefault(key, number)
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append((number, organisation, url, dates["period_start"], dates["period_end"], figures))

    report = WebsiteStatsImportReport()
    websites = {site.url: site for site in Website.objects.filter(url__in={row[2] for row in parsed})}
    for number, organisation, url, start, end, figures in parsed:
        website = websites.get(url)
        if website is None:
            if not create_websites:
                errors.append(
                    RowError(
                        number,
                        "website",
                        _("no website %(url)s in the portal; register it or allow creating websites") % {"url": url},
                    )
                )
                continue
            website = websites[url] = Website.objects.create(organisation=organisation, url=url)
            report.websites_created.append(f"{organisation.display_name}: {url}")
        elif website.organisation_id != organisation.pk:
            errors.append(
                RowError(
                    number,
                    "website",
                    _("the website %(url)s belongs to another organisation") % {"url": url},
                )
            )
            continue
        existing = WebsiteStat.objects.filter(website=website, period_start=start, period_end=end).first()
        if existing is not None and all(getattr(existing, key) == value for key, value in figures.items()):
            report.unchanged += 1
            continue
        website_stat_record(
            website=website,
            period_start=start,
            period_end=end,
            source=SnapshotSource.IMPORT,
            recorded_by=user,
            **figures,
        )
        if existing is None:
            report.created += 1
        else:
            report.updated += 1
    if errors:
        transaction.set_rollback(True)
        raise ImportRejected(sorted(errors, key=lambda error: error.row))
    if dry_run:
        transaction.set_rollback(True)
    return report
