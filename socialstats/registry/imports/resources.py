"""Imports of websites, their figures per period, and print publications."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from orgs.selectors import organisations_by_names
from unionportal.lib.parsing import parse_count, parse_date
from unionportal.lib.tabular import RowError

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
    WEBSITE_STAT_COLUMNS,
    WEBSITE_STAT_OPTIONAL_COLUMNS,
    Source,
    _choice,
    _import_finish,
    _optional_count,
    _optional_date,
    _organisation,
    _read,
    _website_url,
    _yes_no,
)


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
