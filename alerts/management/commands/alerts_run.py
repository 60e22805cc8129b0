from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from alerts.services import alerts_run


class Command(BaseCommand):
    help = "Evaluate the alert rules (open, close, pass up) and send the day's digests."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="the day to evaluate, YYYY-MM-DD (default: today)")

    def handle(self, *args, today=None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today: ожидается дата ГГГГ-ММ-ДД, получено «{today}».") from error
        self.stdout.write(alerts_run(today=day))
