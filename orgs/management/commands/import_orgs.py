from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgs.services import ImportRejected, organisations_import


class Command(BaseCommand):
    help = "Import organisations from CSV (UTF-8 or cp1251, `,` or `;`) or XLSX, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--create-placeholders",
            action="store_true",
            help="create placeholder primaries up to the primaries_count column",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args, file: Path, create_placeholders: bool, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            report = organisations_import(
                source=file, filename=file.name, create_placeholders=create_placeholders, dry_run=dry_run
            )
        except ImportRejected as rejected:
            raise CommandError("Nothing was imported:\n" + "\n".join(rejected.errors)) from rejected
        for warning in report.warnings:
            self.stderr.write(warning)
        self.stdout.write(
            f"created {len(report.created)}, updated {len(report.updated)}, unchanged {report.unchanged}, "
            f"placeholders {report.placeholders_created}{' (dry run, nothing saved)' if dry_run else ''}"
        )
