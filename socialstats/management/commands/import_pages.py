from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from socialstats.registry.imports import ImportRejected, pages_import


class Command(BaseCommand):
    help = "Import social pages (organisation, network, url[, owner, title]) from CSV or XLSX, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args, file: Path, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            report = pages_import(source=file, filename=file.name, dry_run=dry_run)
        except ImportRejected as rejected:
            raise CommandError("Nothing was imported:\n" + "\n".join(rejected.errors)) from rejected
        self.stdout.write(
            f"pages created {len(report.created)}, link added {len(report.linked)}, unchanged {report.unchanged}"
            f"{' (dry run, nothing saved)' if dry_run else ''}"
        )
