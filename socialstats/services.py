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
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
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
    PublicationKind,
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
    "макс": Network.MAX,
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
# status, official, added_on and archived_on are written by `export_all`: a full export imports back whole.
PAGE_OPTIONAL_COLUMNS = ["owner", "title", "status", "official", "added_on", "archived_on"]
SNAPSHOT_COLUMNS = ["organisation", "network", "date", "subscribers"]
SNAPSHOT_COUNT_COLUMNS = ["posts_30d", "posts_counted", "likes", "comments", "reposts", "views"]
SNAPSHOT_OPTIONAL_COLUMNS = ["page_url", *SNAPSHOT_COUNT_COLUMNS, "last_post_at", "source", "taken_at"]
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

YES_NO = {
    "": None,
    **dict.fromkeys(("1", "yes", "true", "да", "+"), True),
    **dict.fromkeys(("0", "no", "false", "нет", "-"), False),
}


def _yes_no(values: dict[str, str], column: str, row: int, errors: list[RowError]) -> bool | None:
    value = values.get(column, "").strip().lower()
    if value not in YES_NO:
        errors.append(RowError(row, column, _("«%(value)s» is neither yes nor no") % {"value": values[column]}))
        return None
    return YES_NO[value]


def _optional_date(values: dict[str, str], column: str, row: int, errors: list[RowError]) -> dt.date | None:
    if not values.get(column):
        return None
    try:
        return parse_date(values[column])
    except ValueError as error:
        errors.append(RowError(row, column, str(error)))
        return None


def _optional_count(values: dict[str, str], column: str, row: int, errors: list[RowError]) -> int | None:
    if not values.get(column):
        return None
    try:
        return parse_count(values[column])
    except ValueError as error:
        errors.append(RowError(row, column, str(error)))
        return None


def _optional_moment(values: dict[str, str], column: str, row: int, errors: list[RowError]) -> dt.datetime | None:
    """A date and time (`2024-05-01T12:30:00+03:00`; without an offset, Moscow time) or a bare date."""
    text = values.get(column, "").strip()
    if not text:
        return None
    try:
        moment = parse_datetime(text)
    except ValueError:
        moment = None
    if moment is None:
        try:
            day = parse_date(text)
        except ValueError:
            errors.append(
                RowError(
                    row,
                    column,
                    _("«%(value)s» is not a date and time; write 2017-12-31T18:30:00+03:00") % {"value": text},
                )
            )
            return None
        moment = dt.datetime.combine(day, dt.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def _choice(values: dict[str, str], column: str, choices, row: int, errors: list[RowError]) -> str | None:
    value = values.get(column, "").strip().lower()
    if not value:
        return None
    if value not in choices.values:
        errors.append(
            RowError(
                row,
                column,
                _("unknown value «%(value)s»; use %(choices)s")
                % {"value": values[column], "choices": ", ".join(choices.values)},
            )
        )
        return None
    return value


def _import_finish(report, errors: list[RowError], *, dry_run: bool):
    """End an all-or-nothing import: roll back and name every bad row, or roll back a dry run."""
    if errors:
        transaction.set_rollback(True)
        raise ImportRejected(sorted(errors, key=lambda error: error.row))
    if dry_run:
        transaction.set_rollback(True)
    return report


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
    """Import pages (organisation, network, url[, owner, title, ...]) all or nothing; again changes nothing.

    A row with a network and no url registers a page whose link is not known yet (once per organisation
    and network). The optional status, official, added_on and archived_on apply to pages created.
    """
    table = _read(source, filename, PAGE_COLUMNS, PAGE_OPTIONAL_COLUMNS)
    found = organisations_by_names(values.get("organisation", "") for _row, values in table.rows)
    errors: list[RowError] = []
    parsed: list[tuple[int, Organisation, PageLink, str, str]] = []
    extras: dict[int, dict[str, object]] = {}
    seen: dict[tuple[str, str], int] = {}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        organisation = _organisation(values.get("organisation", ""), number, found, row_errors)
        network = _network(values["network"], number, row_errors) if values.get("network") else None
        link: PageLink | None = None
        if not values.get("url") and network:
            # The link is unknown: an empty handle marks such a page (see SocialPage.url).
            link = PageLink(network=network, url="", handle="", external_id="")
            if organisation is not None:
                key = (network, f"org:{organisation.pk}")
                if key in seen:
                    row_errors.append(RowError(number, "network", _("repeats row %(row)s") % {"row": seen[key]}))
                seen.setdefault(key, number)
        else:
            try:
                link = link_parse(values.get("url", ""))
            except LinkNotRecognised as error:
                row_errors.append(RowError(number, "url", str(error)))
        extra = {
            "status": _choice(values, "status", PageStatus, number, row_errors),
            "is_official": _yes_no(values, "official", number, row_errors),
            "added_on": _optional_date(values, "added_on", number, row_errors),
            "archived_on": _optional_date(values, "archived_on", number, row_errors),
        }
        extras[number] = {key: value for key, value in extra.items() if value is not None}
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
        if link and link.handle:
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
            handle__in={link.handle for _n, _o, link, _ow, _t in parsed if link.handle}
        )
    }
    for number, organisation, link, owner, title in parsed:
        label = f"{organisation.display_name}: {link.url or Network(link.network).label}"
        if not link.handle:
            if SocialPage.objects.filter(organisation=organisation, network=link.network, handle="").exists():
                report.unchanged += 1
                continue
            SocialPage.objects.create(
                organisation=organisation, network=link.network, owner=owner, title=title, **extras[number]
            )
            report.created.append(label)
            continue
        page = existing.get((link.network, link.handle))
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
            **extras[number],
        )
        report.created.append(label)
    return _import_finish(report, errors, dry_run=dry_run)


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
    # The optional columns present in the file (posts_30d, likes, ..., source, taken_at), parsed.
    extra: dict[str, object] = field(default_factory=dict)


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
        extra: dict[str, object] = {}
        for column in SNAPSHOT_COUNT_COLUMNS:
            if column in table.columns:
                extra[column] = _optional_count(values, column, number, row_errors)
        if "last_post_at" in table.columns:
            extra["last_post_at"] = _optional_moment(values, "last_post_at", number, row_errors)
        if values.get("taken_at"):
            extra["taken_at"] = _optional_moment(values, "taken_at", number, row_errors)
        if values.get("source"):
            extra["source"] = _choice(values, "source", SnapshotSource, number, row_errors)
        if row_errors:
            errors.extend(row_errors)
            continue
        assert organisation and network and date and subscribers is not None
        rows.append(_SnapshotRow(number, organisation, network, date, subscribers, link, extra))
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
    compared = ["subscribers", *(name for name in SNAPSHOT_VALUE_FIELDS[1:] if name in table.columns)]
    current = {
        (values[0], values[1]): dict(zip(compared, values[2:], strict=True))
        for values in Snapshot.objects.filter(
            page__in={page.pk for _item, page in resolved}, date__gte=min(dates), date__lte=max(dates)
        ).values_list("page_id", "date", *compared)
    }
    now = timezone.now()
    writes: list[Snapshot] = []
    for item, page in resolved:
        old = current.get((page.pk, item.date))
        new = {"subscribers": item.subscribers, **{name: item.extra.get(name) for name in compared[1:]}}
        if old == new:
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
                **new,
                source=item.extra.get("source") or SnapshotSource.IMPORT,
                recorded_by=user,
                taken_at=item.extra.get("taken_at") or now,
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
    try:
        parts = urlsplit(text)
    except ValueError:  # "Invalid IPv6 URL": left as typed, for the validator to refuse
        return text
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, parts.query, ""))


def _website_url(value: str, row: int, errors: list[RowError]) -> str:
    """The normalised address of a website column, or "" with the reason added to `errors`."""
    url = website_url_normalise(value)
    if not url:
        errors.append(RowError(row, "website", _("the website address is empty")))
        return ""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        errors.append(RowError(row, "website", _("«%(value)s» is not a website address") % {"value": value}))
        return ""
    if len(url) > Website._meta.get_field("url").max_length:
        errors.append(RowError(row, "website", _("the website address is too long")))
        return ""
    return url


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
        url = _website_url(values.get("website", ""), number, row_errors)
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
    return _import_finish(report, errors, dry_run=dry_run)


# --- import of websites and print publications ------------------------------------------------------

WEBSITE_COLUMNS = ["organisation", "website"]
WEBSITE_OPTIONAL_COLUMNS = ["title", "active", "added_on", "checklist"]
PUBLICATION_COLUMNS = ["organisation", "title", "kind"]
PUBLICATION_OPTIONAL_COLUMNS = ["issues_per_year", "print_run", "active"]


@dataclass
class RegistryImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def count(self, name: str, before: object, after: object) -> None:
        """Count a row as created (nothing before), updated (something changed) or unchanged."""
        if before is None:
            self.created.append(name)
        elif before != after:
            self.updated.append(name)
        else:
            self.unchanged += 1


def _checklist(values: dict[str, str], row: int, errors: list[RowError]) -> dict[str, bool]:
    """The checklist column: the met items' keys separated by spaces or commas (see WebsiteCheck)."""
    keys = [key for key in values.get("checklist", "").replace(",", " ").lower().split() if key]
    unknown = [key for key in keys if key not in WebsiteCheck.values]
    if unknown:
        errors.append(
            RowError(
                row,
                "checklist",
                _("unknown items %(items)s; use %(choices)s")
                % {"items": ", ".join(unknown), "choices": ", ".join(WebsiteCheck.values)},
            )
        )
    return {key: key in keys for key in WebsiteCheck.values}


@transaction.atomic
def websites_import(*, source: Source, filename: str = "", dry_run: bool = False) -> RegistryImportReport:
    """Import websites (organisation, website[, title, active, added_on, checklist]) all or nothing.

    A website already registered (same normalised address) for the same organisation is updated.
    """
    table = _read(source, filename, WEBSITE_COLUMNS, WEBSITE_OPTIONAL_COLUMNS)
    found = organisations_by_names(values.get("organisation", "") for _row, values in table.rows)
    errors: list[RowError] = []
    parsed = []
    seen: dict[str, int] = {}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        organisation = _organisation(values.get("organisation", ""), number, found, row_errors)
        url = _website_url(values.get("website", ""), number, row_errors)
        if url and url in seen:
            row_errors.append(RowError(number, "website", _("repeats row %(row)s") % {"row": seen[url]}))
        seen.setdefault(url, number)
        active = _yes_no(values, "active", number, row_errors)
        added_on = _optional_date(values, "added_on", number, row_errors)
        checklist = _checklist(values, number, row_errors)
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append((number, organisation, url, values.get("title", ""), active, added_on, checklist))

    report = RegistryImportReport()
    websites = {site.url: site for site in Website.objects.filter(url__in={row[2] for row in parsed})}
    for number, organisation, url, title, active, added_on, checklist in parsed:
        website = websites.get(url)
        if website is not None and website.organisation_id != organisation.pk:
            errors.append(
                RowError(number, "website", _("the website %(url)s belongs to another organisation") % {"url": url})
            )
            continue
        before = None if website is None else (website.title, website.is_active, website.checklist, website.added_on)
        try:
            saved = website_save(
                organisation=organisation,
                url=url,
                title=title,
                checklist=checklist,
                is_active=True if active is None else active,
                website=website,
            )
        except ValidationError as error:
            errors.append(RowError(number, "website", "; ".join(error.messages)))
            continue
        if added_on is not None and saved.added_on != added_on:
            saved.added_on = added_on
            saved.save(update_fields=["added_on"])
        after = (saved.title, saved.is_active, saved.checklist, saved.added_on)
        report.count(url, before, after)
    return _import_finish(report, errors, dry_run=dry_run)


@transaction.atomic
def publications_import(*, source: Source, filename: str = "", dry_run: bool = False) -> RegistryImportReport:
    """Import print publications (organisation, title, kind[, issues_per_year, print_run, active]).

    A publication is known by its organisation and title: the same pair again updates it.
    """
    table = _read(source, filename, PUBLICATION_COLUMNS, PUBLICATION_OPTIONAL_COLUMNS)
    found = organisations_by_names(values.get("organisation", "") for _row, values in table.rows)
    errors: list[RowError] = []
    report = RegistryImportReport()
    seen: dict[tuple[int, str], int] = {}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        organisation = _organisation(values.get("organisation", ""), number, found, row_errors)
        title = values.get("title", "").strip()
        if not title:
            row_errors.append(RowError(number, "title", _("the title is empty")))
        kind = _choice(values, "kind", PublicationKind, number, row_errors)
        if kind is None and not values.get("kind", "").strip():
            row_errors.append(
                RowError(
                    number,
                    "kind",
                    _("the kind is empty; use %(choices)s") % {"choices": ", ".join(PublicationKind.values)},
                )
            )
        issues = _optional_count(values, "issues_per_year", number, row_errors)
        if issues is not None and issues > 366:
            row_errors.append(RowError(number, "issues_per_year", _("more than 366 issues a year")))
        print_run = _optional_count(values, "print_run", number, row_errors)
        active = _yes_no(values, "active", number, row_errors)
        if organisation is not None and title:
            key = (organisation.pk, title.lower())
            if key in seen:
                row_errors.append(RowError(number, "title", _("repeats row %(row)s") % {"row": seen[key]}))
            seen.setdefault(key, number)
        if row_errors:
            errors.extend(row_errors)
            continue
        assert organisation is not None and kind is not None
        publication = PrintPublication.objects.filter(organisation=organisation, title__iexact=title).first()
        before = (
            None
            if publication is None
            else (publication.kind, publication.issues_per_year, publication.print_run, publication.is_active)
        )
        try:
            saved = publication_save(
                organisation=organisation,
                title=title,
                kind=kind,
                issues_per_year=issues,
                print_run=print_run,
                is_active=True if active is None else active,
                publication=publication,
            )
        except ValidationError as error:
            errors.append(RowError(number, "title", "; ".join(error.messages)))
            continue
        after = (saved.kind, saved.issues_per_year, saved.print_run, saved.is_active)
        report.count(title, before, after)
    return _import_finish(report, errors, dry_run=dry_run)
