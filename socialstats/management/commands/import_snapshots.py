from __future__ import annotations

from orgs.importing import ImportCommand
from socialstats.registry.imports import snapshots_import
from socialstats.registry.imports.common import SNAPSHOT_COLUMNS


class Command(ImportCommand):
    help = (
        "Import historical snapshots (organisation, network, date, subscribers[, page_url]) "
        "from CSV or XLSX, all or nothing."
    )
    columns = SNAPSHOT_COLUMNS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--create-pages", action="store_true", help="create pages that are not registered yet")

    def run(self, *, file, mapping, dry_run, create_pages: bool = False, **options):
        report = snapshots_import(
            source=file, filename=file.name, create_pages=create_pages, dry_run=dry_run, mapping=mapping
        )
        for line in report.pages_created:
            self.stdout.write(f"new page: {line}")
        return report

    def summary(self, report) -> str:
        return (
            f"pages created {len(report.pages_created)}, snapshots created {report.created}, "
            f"updated {report.updated}, unchanged {report.unchanged}"
        )
