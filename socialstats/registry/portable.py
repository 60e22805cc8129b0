"""A portable export of the registry in the import formats, and its import back (`export_all`, `import_all`).

The files are the ones the single importers read, so a person can open, check or edit them in Excel:

    organisations.csv   orgs.services.organisations_import (parents before children)
    pages.csv           pages_import (a page without a link has an empty url)
    snapshots.csv       snapshots_import, with every figure of a snapshot
    websites.csv        websites_import (checklist: the met items' keys)
    website_stats.csv   website_stats_import
    publications.csv    publications_import

An organisation is named by its own name when that is unique in the portal, else by its path of names
(`ВАО / ППО Школа 1`), which every importer resolves. Not carried: users and roles, who recorded or
confirmed what, collection runs and errors, the organisation a closed one was merged into, the
network ids that collection fills in, and a second link-less page of one organisation on one network.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from orgs.models import Organisation
from orgs.selectors import ORG_EXPORT_COLUMNS, export_orgs, organisation_export_names
from orgs.services import organisations_import

from ..models import SNAPSHOT_POST_FIELDS, PrintPublication, Snapshot, SocialPage, Website, WebsiteCheck, WebsiteStat
from .imports import (
    pages_import,
    publications_import,
    snapshots_import,
    website_stats_import,
    websites_import,
)

PAGE_EXPORT_COLUMNS = [
    "organisation",
    "network",
    "url",
    "owner",
    "title",
    "status",
    "official",
    "added_on",
    "archived_on",
]
SNAPSHOT_EXPORT_COLUMNS = [
    "organisation",
    "network",
    "date",
    "subscribers",
    "page_url",
    *SNAPSHOT_POST_FIELDS,
    "source",
    "taken_at",
]
WEBSITE_EXPORT_COLUMNS = ["organisation", "website", "title", "active", "added_on", "checklist"]
WEBSITE_STAT_EXPORT_COLUMNS = [
    "organisation",
    "website",
    "period_start",
    "period_end",
    "materials",
    "visitors",
    "views",
]
PUBLICATION_EXPORT_COLUMNS = ["organisation", "title", "kind", "issues_per_year", "print_run", "active"]

# File name → columns, in the order `import_all` reads them (each file needs the ones before it).
FILES = {
    "organisations.csv": ORG_EXPORT_COLUMNS,
    "pages.csv": PAGE_EXPORT_COLUMNS,
    "snapshots.csv": SNAPSHOT_EXPORT_COLUMNS,
    "websites.csv": WEBSITE_EXPORT_COLUMNS,
    "website_stats.csv": WEBSITE_STAT_EXPORT_COLUMNS,
    "publications.csv": PUBLICATION_EXPORT_COLUMNS,
}


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _names() -> dict[int, str]:
    return organisation_export_names(Organisation.objects.all())


def _page_rows(names: dict[int, str]) -> Iterable[list[str]]:
    for page in SocialPage.objects.order_by("organisation__path", "network", "handle", "pk"):
        yield [
            names[page.organisation_id],
            page.network,
            page.url,
            page.owner,
            page.title,
            page.status,
            _text(page.is_official),
            _text(page.added_on),
            _text(page.archived_on),
        ]


def _snapshot_rows(names: dict[int, str]) -> Iterable[list[str]]:
    queryset = Snapshot.objects.select_related("page").order_by(
        "page__organisation__path", "page__network", "page__handle", "page_id", "date"
    )
    for snapshot in queryset.iterator(chunk_size=2000):
        page = snapshot.page
        yield [
            names[page.organisation_id],
            page.network,
            _text(snapshot.date),
            _text(snapshot.subscribers),
            page.url,
            *(_text(getattr(snapshot, column)) for column in SNAPSHOT_POST_FIELDS),
            snapshot.source,
            _text(snapshot.taken_at),
        ]


def _website_rows(names: dict[int, str]) -> Iterable[list[str]]:
    for website in Website.objects.order_by("organisation__path", "url"):
        yield [
            names[website.organisation_id],
            website.url,
            website.title,
            _text(website.is_active),
            _text(website.added_on),
            " ".join(key for key in WebsiteCheck.values if website.checklist.get(key)),
        ]


def _website_stat_rows(names: dict[int, str]) -> Iterable[list[str]]:
    queryset = WebsiteStat.objects.select_related("website").order_by("website__url", "period_start", "period_end")
    for stat in queryset:
        yield [
            names[stat.website.organisation_id],
            stat.website.url,
            _text(stat.period_start),
            _text(stat.period_end),
            _text(stat.materials),
            _text(stat.visitors),
            _text(stat.views),
        ]


def _publication_rows(names: dict[int, str]) -> Iterable[list[str]]:
    for publication in PrintPublication.objects.order_by("organisation__path", "title", "pk"):
        yield [
            names[publication.organisation_id],
            publication.title,
            publication.kind,
            _text(publication.issues_per_year),
            _text(publication.print_run),
            _text(publication.is_active),
        ]


def export_all(*, directory: Path) -> dict[str, int]:
    """Write every file of FILES into `directory` (created if missing); returns rows written per file."""
    directory.mkdir(parents=True, exist_ok=True)
    names = _names()
    sources = {
        "organisations.csv": export_orgs(),
        "pages.csv": _page_rows(names),
        "snapshots.csv": _snapshot_rows(names),
        "websites.csv": _website_rows(names),
        "website_stats.csv": _website_stat_rows(names),
        "publications.csv": _publication_rows(names),
    }
    counts = {}
    with transaction.atomic():  # one consistent reading of the database (REPEATABLE READ is not needed)
        for filename, columns in FILES.items():
            with (directory / filename).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(columns)
                count = 0
                for row in sources[filename]:
                    writer.writerow(row)
                    count += 1
            counts[filename] = count
    return counts


@dataclass
class ImportAllStep:
    filename: str
    summary: str


@transaction.atomic
def import_all(*, directory: Path, dry_run: bool = False) -> list[ImportAllStep]:
    """Import the files of an `export_all` directory in order, all or nothing (one transaction).

    A missing file is skipped; the first file refused raises ImportRejected (naming the file) and
    nothing of any file is saved.
    """
    from orgs.services import ImportRejected

    steps: list[ImportAllStep] = []
    importers = {
        "organisations.csv": lambda path: organisations_import(source=path, filename=path.name),
        "pages.csv": lambda path: pages_import(source=path, filename=path.name),
        "snapshots.csv": lambda path: snapshots_import(source=path, filename=path.name),
        "websites.csv": lambda path: websites_import(source=path, filename=path.name),
        "website_stats.csv": lambda path: website_stats_import(source=path, filename=path.name),
        "publications.csv": lambda path: publications_import(source=path, filename=path.name),
    }
    for filename in FILES:
        path = directory / filename
        if not path.is_file():
            continue
        try:
            report = importers[filename](path)
        except ImportRejected as rejected:
            raise ImportRejected([f"{filename}: {error}" for error in rejected.errors]) from rejected
        steps.append(ImportAllStep(filename, _summary(report)))
    if dry_run:
        transaction.set_rollback(True)
    return steps


def _summary(report) -> str:
    parts = []
    for name, value in vars(report).items():
        parts.append(f"{name} {len(value) if isinstance(value, list) else value}")
    return ", ".join(parts)
