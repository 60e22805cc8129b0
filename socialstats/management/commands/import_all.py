from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgs.services import ImportRejected
from socialstats.registry.portable import import_all


class Command(BaseCommand):
    help = "Import a directory written by export_all, file by file in order, all or nothing (one transaction)."

    def add_arguments(self, parser):
        parser.add_argument("directory", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and report, save nothing")

    def handle(self, *args, directory: Path, dry_run: bool, **options):
        if not directory.is_dir():
            raise CommandError(f"No such directory: {directory}")
        try:
            steps = import_all(directory=directory, dry_run=dry_run)
        except ImportRejected as rejected:
            raise CommandError("Nothing was imported:\n" + "\n".join(rejected.errors)) from rejected
        if not steps:
            raise CommandError(f"No export files in {directory}")
        for step in steps:
            self.stdout.write(f"{step.filename}: {step.summary}")
        if dry_run:
            self.stdout.write("dry run, nothing saved")
