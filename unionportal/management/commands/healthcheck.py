"""Exit 0 when the portal's services answer (used by docker-compose healthchecks)."""

import json

from django.core.management.base import BaseCommand, CommandError

from unionportal.health import broker_status, health_report


class Command(BaseCommand):
    help = "Check the database and the broker; exit non-zero when either is down."

    def add_arguments(self, parser):
        parser.add_argument("--broker-only", action="store_true")

    def handle(self, *args, broker_only: bool, **options):
        report = {"broker": broker_status()} if broker_only else health_report()
        self.stdout.write(json.dumps(report, default=str))
        if not all(value.get("ok", True) for value in report.values() if isinstance(value, dict)):
            raise CommandError("unhealthy")
