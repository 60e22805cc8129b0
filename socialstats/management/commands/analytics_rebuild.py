"""`manage.py analytics_rebuild`: fill the analytics tables from the snapshots (and switch reports to them)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from socialstats.analytics.services import analytics_rebuild
from socialstats.models import PageLatest, SubtreeDay


class Command(BaseCommand):
    help = "Rebuild the analytics tables (per-page latest values, daily sums per subtree and network) from scratch."

    def handle(self, *args, **options):
        started = time.monotonic()
        state = analytics_rebuild()
        self.stdout.write(
            f"{SubtreeDay.objects.count()} subtree days and {PageLatest.objects.count()} page rows "
            f"through {state.horizon} in {time.monotonic() - started:.1f} s"
        )
