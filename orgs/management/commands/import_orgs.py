from __future__ import annotations

from orgs.importing import ImportCommand
from orgs.services import ORG_COLUMNS, organisations_import


class Command(ImportCommand):
    help = "Import organisations from CSV (UTF-8 or cp1251, `,` or `;`) or XLSX, all or nothing."
    columns = ORG_COLUMNS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--create-placeholders",
            action="store_true",
            help="create placeholder primaries up to the primaries_count column",
        )

    def run(self, *, file, mapping, dry_run, create_placeholders: bool = False, **options):
        report = organisations_import(
            source=file, filename=file.name, create_placeholders=create_placeholders, dry_run=dry_run, mapping=mapping
        )
        for warning in report.warnings:
            self.stderr.write(warning)
        return report

    def summary(self, report) -> str:
        return (
            f"created {len(report.created)}, updated {len(report.updated)}, unchanged {report.unchanged}, "
            f"placeholders {report.placeholders_created}"
        )
