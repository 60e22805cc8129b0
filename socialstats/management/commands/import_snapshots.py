from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from socialstats.registry.imports import ImportRejected, snapshots_import


class Command(BaseCommand):
    help = (
        "Import historical snapshots (organisation, network, date, subscribers[, page_url]) "
        "from CSV or XLSX, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--create-pages", action="store_true", help="create pages that are not registered yet")
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args, file: Path, create_pages: bool, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            report = snapshots_import(source=file, filename=file.name, create_pages=create_pages, dry_run=dry_run)
        except ImportRejected as rejected:
            raise CommandError("Nothing was imported:\n" + "\n".join(rejected.errors)) from rejected
        for line in report.pages_created:
            self.stdout.write(f"new page: {line}")
        self.stdout.write(
            f"pages created {len(report.pages_created)}, snapshots created {report.created}, "
            f"updated {report.updated}, unchanged {report.unchanged}{' (dry run, nothing saved)' if dry_run else ''}"
        )
