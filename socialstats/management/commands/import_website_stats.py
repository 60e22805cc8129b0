from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError

from orgs.importing import ImportCommand
from socialstats.registry.imports import website_stats_import
from socialstats.registry.imports.common import WEBSITE_STAT_COLUMNS


class Command(ImportCommand):
    help = (
        "Import websites' figures per period (organisation[, website, period_start, period_end], materials, "
        "visitors, views) from CSV or XLSX, all or nothing. Without period columns give --period-start and "
        "--period-end (the 003 table: 2018-01-01 to 2022-02-28)."
    )
    columns = WEBSITE_STAT_COLUMNS

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--period-start", type=dt.date.fromisoformat, help="YYYY-MM-DD: the whole file's period")
        parser.add_argument("--period-end", type=dt.date.fromisoformat, help="YYYY-MM-DD: the whole file's period")
        parser.add_argument(
            "--create-websites",
            action="store_true",
            help="register websites not in the portal (with the address unknown when the file has none)",
        )

    def run(self, *, file, mapping, dry_run, period_start=None, period_end=None, create_websites=False, **options):
        if (period_start is None) != (period_end is None):
            raise CommandError("Give both --period-start and --period-end.")
        report = website_stats_import(
            source=file,
            filename=file.name,
            period=(period_start, period_end) if period_start else None,
            create_websites=create_websites,
            dry_run=dry_run,
            mapping=mapping,
        )
        for line in report.websites_created:
            self.stdout.write(f"new website: {line}")
        return report

    def summary(self, report) -> str:
        return (
            f"websites created {len(report.websites_created)}, periods created {report.created}, "
            f"updated {report.updated}, unchanged {report.unchanged}"
        )
