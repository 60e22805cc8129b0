from __future__ import annotations

from orgs.importing import ImportCommand
from socialstats.registry.imports import pages_import
from socialstats.registry.imports.common import PAGE_COLUMNS


class Command(ImportCommand):
    help = "Import social pages (organisation, network, url[, owner, title]) from CSV or XLSX, all or nothing."
    columns = PAGE_COLUMNS

    def run(self, *, file, mapping, dry_run, **options):
        return pages_import(source=file, filename=file.name, dry_run=dry_run, mapping=mapping)

    def summary(self, report) -> str:
        return f"pages created {len(report.created)}, link added {len(report.linked)}, unchanged {report.unchanged}"
