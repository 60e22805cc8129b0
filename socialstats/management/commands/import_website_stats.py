from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from socialstats.registry.imports import ImportRejected, website_stats_import


class Command(BaseCommand):
    help = (
        "Import websites' figures per period (organisation, website, period_start, period_end"
        "[, materials, visitors, views]) from CSV or XLSX, all or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--create-websites", action="store_true", help="register websites not in the portal")
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args, file: Path, create_websites: bool, dry_run: bool, **options):
        if not file.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            report = website_stats_import(
                source=file, filename=file.name, create_websites=create_websites, dry_run=dry_run
            )
        except ImportRejected as rejected:
            raise CommandError("Nothing was imported:\n" + "\n".join(rejected.errors)) from rejected
        self.stdout.write(
            f"websites created {len(report.websites_created)}, periods created {report.created}, "
            f"updated {report.updated}, unchanged {report.unchanged}{' (dry run, nothing saved)' if dry_run else ''}"
        )
