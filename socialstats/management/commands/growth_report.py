"""`manage.py growth_report --from D --to D [--scope ORG] [--by ...] [--format csv|xlsx] [--output FILE]`.

The growth table from the command line: the same selector and the same export as the growth page.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from orgs.models import Organisation
from socialstats.reports import selectors
from socialstats.reports.exports import growth_sheet
from socialstats.reports.growth import GROUPINGS
from unionportal.lib.export import to_csv, to_xlsx
from unionportal.lib.parsing import parse_date


class Command(BaseCommand):
    help = "Growth of subscribers between two dates, as CSV or XLSX (the growth page's table)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", required=True, help="date A: 31.12.2017 or 2017-12-31")
        parser.add_argument("--to", dest="date_to", required=True, help="date B")
        parser.add_argument("--scope", default="", help="organisation id or exact name (short or full); all if absent")
        parser.add_argument("--by", default="page", choices=GROUPINGS, help="rows: page, org, territorial, network")
        parser.add_argument("--network", action="append", default=[], help="only this network (repeatable)")
        parser.add_argument("--format", default="csv", choices=("csv", "xlsx"))
        parser.add_argument("--output", type=Path, help="file to write; CSV goes to stdout without it")

    def handle(self, *args, date_from, date_to, scope, by, network, format, output, **options):
        try:
            a, b = parse_date(date_from), parse_date(date_to)
        except ValueError as error:
            raise CommandError(str(error)) from error
        if a > b:
            raise CommandError("--from must not be later than --to")
        organisation = self._organisation(scope) if scope else None
        report = selectors.growth_report(
            scope_paths=[organisation.path] if organisation else None, a=a, b=b, networks=network, grouping=by
        )
        sheets = [growth_sheet(report)]  # the growth page's export: the same columns and formats
        content = to_csv(sheets) if format == "csv" else to_xlsx(sheets)
        if output:
            output.write_bytes(content)
            self.stderr.write(f"{len(report.rows)} rows, total change {report.total.change:+d} → {output}")
        elif format == "xlsx":
            raise CommandError("--output is required for XLSX")
        else:
            sys.stdout.buffer.write(content)

    def _organisation(self, scope: str) -> Organisation:
        matches = list(
            Organisation.objects.filter(pk=int(scope))
            if scope.isdigit()
            else Organisation.objects.filter(Q(short_name__iexact=scope) | Q(name__iexact=scope))
        )
        if len(matches) != 1:
            raise CommandError(f"--scope {scope!r} matches {len(matches)} organisations")
        return matches[0]
