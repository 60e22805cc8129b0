from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from socialstats.registry.portable import export_all


class Command(BaseCommand):
    help = (
        "Write a portable export of the registry into DIR in the import formats: organisations.csv, pages.csv, "
        "snapshots.csv, websites.csv, website_stats.csv, publications.csv (import_all reads them back)."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)

    def handle(self, *args, directory: Path, **options):
        for filename, count in export_all(directory=directory).items():
            self.stdout.write(f"{filename}: {count} rows")
