"""`manage.py collect_stats [--network vk|telegram|ok] [--date YYYY-MM-DD] [--org ID]`: collect in the foreground."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from orgs.models import Organisation
from socialstats.collection.services import collection_collect
from socialstats.models import COLLECTED_NETWORKS


class Command(BaseCommand):
    help = "Collect subscriber counts and post metrics from VK, Telegram and OK (the nightly job, now)."

    def add_arguments(self, parser):
        parser.add_argument("--network", choices=[str(n) for n in COLLECTED_NETWORKS])
        parser.add_argument("--date", help="snapshot date, YYYY-MM-DD (default: today, Moscow time)")
        parser.add_argument("--org", type=int, help="only pages of this organisation's subtree")

    def handle(self, *args, **options):
        try:
            for_date = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as error:
            raise CommandError(f"--date: expected YYYY-MM-DD, got {options['date']!r}") from error
        if options["org"] is not None and not Organisation.objects.filter(pk=options["org"]).exists():
            raise CommandError(f"--org: no organisation with id {options['org']}")
        networks = [options["network"]] if options["network"] else [str(n) for n in COLLECTED_NETWORKS]
        for network in networks:
            run = collection_collect(network=network, for_date=for_date, scope_id=options["org"], trigger="command")
            self.stdout.write(
                f"{network} {run.for_date}: {run.status}; pages {run.pages_total}, collected {run.pages_collected}, "
                f"failed {run.pages_failed}, skipped {run.pages_skipped}; HTTP requests {run.http_requests}"
                + (f"; {run.message}" if run.message else "")
            )
