from __future__ import annotations

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgs.models import Organisation
from socialstats.registry.selectors import EXPORT_COLUMNS, snapshot_export_rows
from unionportal.lib.parsing import parse_date


def _date(value: str):
    try:
        return parse_date(value)
    except ValueError as error:
        raise CommandError(str(error)) from error


class Command(BaseCommand):
    help = (
        "Export snapshots as CSV with the columns import_snapshots reads "
        "(organisation, network, date, subscribers, page_url)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", help="first date, 2017-12-31 or 31.12.2017")
        parser.add_argument("--to", dest="date_to", help="last date")
        parser.add_argument("--scope", type=int, help="only this organisation's subtree (its id)")
        parser.add_argument("--output", type=Path, help="write to this file instead of standard output")

    def handle(self, *args, date_from, date_to, scope, output: Path | None, **options):
        organisation = None
        if scope is not None:
            organisation = Organisation.objects.filter(pk=scope).first()
            if organisation is None:
                raise CommandError(f"No organisation with id {scope}")
        rows = snapshot_export_rows(
            date_from=_date(date_from) if date_from else None,
            date_to=_date(date_to) if date_to else None,
            scope=organisation,
        )
        target = output.open("w", encoding="utf-8", newline="") if output else self.stdout
        try:
            writer = csv.writer(target)
            writer.writerow(EXPORT_COLUMNS)
            count = 0
            for row in rows:
                writer.writerow(row)
                count += 1
        finally:
            if output:
                target.close()
        if output:
            self.stderr.write(f"{count} snapshots written to {output}")
