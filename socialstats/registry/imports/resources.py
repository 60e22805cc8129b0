"""Imports of websites, their figures per period, and print publications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from orgs.importing import OrganisationNames
from unionportal.lib.importing import ImportRejected, RowError, import_finish
from unionportal.lib.parsing import parse_date

from ...models import (
    PrintPublication,
    PublicationKind,
    SnapshotSource,
    Website,
    WebsiteCheck,
    WebsiteStat,
)
from ..services import publication_save, website_save, website_stat_record
from .common import (
    PUBLICATION_COLUMNS,
    WEBSITE_COLUMNS,
    WEBSITE_FIGURES,
    WEBSITE_STAT_COLUMNS,
    Source,
    _choice,
    _optional_count,
    _optional_date,
    _read,
    _website_url,
    _yes_no,
)

# A website registered by an import of figures: no checklist item met yet (as the website form saves it).
NO_CHECKS = dict.fromkeys(WebsiteCheck.values, False)


@dataclass
class WebsiteStatsImportReport:
    websites_created: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _website_for(
    organisation, url: str, number: int, *, websites: dict, create: bool, report: WebsiteStatsImportReport
) -> Website | RowError:
    """The row's website: by its address, or the organisation's only website when the row has none.

    `websites` holds the sites known so far, by address and by ("org", pk) for the sites of an organisation.
    """
    if url:
        website = websites.get(url)
        if website is None:
            if not create:
                return RowError(
                    number,
                    "website",
                    _("no website %(url)s in the portal; register it or allow creating websites") % {"url": url},
                )
            website = websites[url] = Website.objects.create(organisation=organisation, url=url, checklist=NO_CHECKS)
            websites.setdefault(("org", organisation.pk), []).append(website)
            report.websites_created.append(f"{organisation.display_name}: {url}")
        elif website.organisation_id != organisation.pk:
            return RowError(number, "website", _("the website %(url)s belongs to another organisation") % {"url": url})
        return website
    own = websites.get(("org", organisation.pk), [])
    unknown = [site for site in own if not site.url]
    if len(own) == 1 or len(unknown) == 1:  # the only website, or the one registered without an address
        return own[0] if len(own) == 1 else unknown[0]
    if own:
        return RowError(
            number,
            "website",
            _("%(org)s has several websites (%(list)s); add a website column to say which")
            % {"org": organisation.display_name, "list": ", ".join(site.url or site.title or "?" for site in own)},
        )
    if not create:
        return RowError(
            number,
            "website",
            _("%(org)s has no website in the portal; register it or allow creating websites")
            % {"org": organisation.display_name},
        )
    website = Website.objects.create(organisation=organisation, url="", checklist=NO_CHECKS)
    websites[("org", organisation.pk)] = [website]
    report.websites_created.append(f"{organisation.display_name}: " + _("(address unknown)"))
    return website


@transaction.atomic
def website_stats_import(
    *,
    source: Source,
    filename: str = "",
    period: tuple[dt.date, dt.date] | None = None,
    create_websites: bool = False,
    dry_run: bool = False,
    mapping: Mapping[str, str] | None = None,
    user=None,
) -> WebsiteStatsImportReport:
    """Import websites' figures per period (the 003 document's table) all or nothing; again changes nothing.

    `period` is the one period of a file without period columns (the 003 table covers 01.01.2018–28.02.2022).
    A row without a website address is about the organisation's only website; with `create_websites` an
    organisation without one gets a website whose address is not known yet.
    """
    if period is not None and period[1] < period[0]:
        raise ImportRejected([_("The period ends before it starts.")])
    table = _read(source, filename, WEBSITE_STAT_COLUMNS, mapping)
    has_period = {"period_start", "period_end"} <= set(table.columns)
    if period is None and not has_period:
        raise ImportRejected(
            [_("The file has no period columns (period_start, period_end): give the period of the whole file.")]
        )
    names = OrganisationNames(values.get("organisation", "") for _row, values in table.rows)
    errors: list[RowError] = []
    parsed = []
    seen: dict[tuple, int] = {}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        organisation = names.get(values.get("organisation", ""), number, row_errors)
        url = _website_url(values["website"], number, row_errors) if values.get("website") else ""
        dates = {}
        if has_period and (values.get("period_start") or values.get("period_end") or period is None):
            for column in ("period_start", "period_end"):
                try:
                    dates[column] = parse_date(values.get(column, ""))
                except ValueError as error:
                    row_errors.append(RowError(number, column, str(error)))
            if len(dates) == 2 and dates["period_end"] < dates["period_start"]:
                row_errors.append(RowError(number, "period_end", _("the period ends before it starts")))
        elif period is not None:
            dates = {"period_start": period[0], "period_end": period[1]}
        figures: dict[str, int | None] = {}
        for column in WEBSITE_FIGURES:
            figures[column.field] = _optional_count(values, column.field, number, row_errors)
        key = (url or getattr(organisation, "pk", None), dates.get("period_start"), dates.get("period_end"))
        if not row_errors and key in seen:
            row_errors.append(RowError(number, "website", _("repeats row %(row)s") % {"row": seen[key]}))
        seen.setdefault(key, number)
        if row_errors:
            errors.extend(row_errors)
            continue
        parsed.append((number, organisation, url, dates["period_start"], dates["period_end"], figures))

    report = WebsiteStatsImportReport()
    websites: dict = {site.url: site for site in Website.objects.filter(url__in={row[2] for row in parsed if row[2]})}
    for site in Website.objects.filter(organisation__in={row[1].pk for row in parsed if not row[2]}).order_by("pk"):
        websites.setdefault(("org", site.organisation_id), []).append(site)
    for number, organisation, url, start, end, figures in parsed:
        website = _website_for(organisation, url, number, websites=websites, create=create_websites, report=report)
        if isinstance(website, RowError):
            errors.append(website)
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
    return import_finish(report, errors, dry_run=dry_run, unknown_names=names.unknown, headers=table.headers)


# --- import of websites and print publications ------------------------------------------------------


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
def websites_import(
    *, source: Source, filename: str = "", dry_run: bool = False, mapping: Mapping[str, str] | None = None
) -> RegistryImportReport:
    """Import websites (organisation, website[, title, active, added_on, checklist]) all or nothing.

    A website already registered (same normalised address) for the same organisation is updated.
    """
    table = _read(source, filename, WEBSITE_COLUMNS, mapping)
    names = OrganisationNames(values.get("organisation", "") for _row, values in table.rows)
    errors: list[RowError] = []
    parsed = []
    seen: dict[str, int] = {}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        organisation = names.get(values.get("organisation", ""), number, row_errors)
        # An empty address is the organisation's website whose address is not known yet (see website_stats_import).
        url = _website_url(values["website"], number, row_errors) if values.get("website") else ""
        key = url or f"org:{getattr(organisation, 'pk', '')}"
        if organisation is not None and key in seen:
            row_errors.append(RowError(number, "website", _("repeats row %(row)s") % {"row": seen[key]}))
        seen.setdefault(key, number)
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
        website = (
            websites.get(url)
            if url
            else Website.objects.filter(organisation=organisation, url="").order_by("pk").first()
        )
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
        report.count(url or f"{organisation.display_name}: " + _("(address unknown)"), before, after)
    return import_finish(report, errors, dry_run=dry_run, unknown_names=names.unknown, headers=table.headers)


@transaction.atomic
def publications_import(
    *, source: Source, filename: str = "", dry_run: bool = False, mapping: Mapping[str, str] | None = None
) -> RegistryImportReport:
    """Import print publications (organisation, title, kind[, issues_per_year, print_run, active]).

    A publication is known by its organisation and title: the same pair again updates it.
    """
    table = _read(source, filename, PUBLICATION_COLUMNS, mapping)
    names = OrganisationNames(values.get("organisation", "") for _row, values in table.rows)
    errors: list[RowError] = []
    report = RegistryImportReport()
    seen: dict[tuple[int, str], int] = {}
    for number, values in table.rows:
        row_errors: list[RowError] = []
        organisation = names.get(values.get("organisation", ""), number, row_errors)
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
    return import_finish(report, errors, dry_run=dry_run, unknown_names=names.unknown, headers=table.headers)
