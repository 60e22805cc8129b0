from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgs.selectors import organisations_by_names
from socialstats.registry import exports, selectors
from unionportal.lib.export import to_csv, to_xlsx


class Command(BaseCommand):
    help = (
        "Write every website with its checklist and latest period's figures (the websites page's table) "
        "as CSV (to stdout by default) or XLSX (needs --output)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scope", help="an organisation's name: only its subtree")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", type=Path, help="write to this file instead of stdout")

    def handle(self, *args, scope: str | None, format: str, output: Path | None, **options):
        organisation = None
        if scope:
            matches = organisations_by_names([scope]).get(scope, [])
            if len(matches) != 1:
                raise CommandError(
                    f"No organisation «{scope}»" if not matches else f"«{scope}» matches several organisations"
                )
            organisation = matches[0]
        websites = selectors.website_registry(scope=organisation)
        sheet = exports.websites_sheet(websites)  # the websites page's export: the same columns and formats
        rows = sheet.rows
        if format == "xlsx":
            if output is None:
                raise CommandError("XLSX needs --output FILE.")
            output.write_bytes(to_xlsx([sheet]))
        else:
            content = to_csv([sheet])
            if output is not None:
                output.write_bytes(content)
            else:
                self.stdout.write(content.decode("utf-8").removeprefix("\ufeff"), ending="")
        if output is not None:
            self.stderr.write(f"{len(rows)} websites written to {output}")
