"""`manage.py analytics_check`: compare the analytics tables with a recomputation from the snapshots."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from socialstats.analytics.services import analytics_check
from socialstats.reports.summary import dashboard_days_check


class Command(BaseCommand):
    help = (
        "Compare the analytics tables (and the dashboard's stored rows) with a recomputation from the snapshots; "
        "exits 1 when they differ."
    )

    def handle(self, *args, **options):
        problems = analytics_check() + dashboard_days_check()
        for problem in problems[:50]:
            self.stdout.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} differences: run analytics_rebuild")
        self.stdout.write("The analytics tables agree with the snapshots.")
