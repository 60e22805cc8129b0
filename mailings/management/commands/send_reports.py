"""manage.py send_reports --frequency weekly|monthly [--today YYYY-MM-DD]: what Celery beat runs, by hand."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mailings.models import Frequency
from mailings.services import reports_send


class Command(BaseCommand):
    help = "Разослать отчёты подписчикам за прошедшую неделю или месяц (повторный запуск ничего не дублирует)."

    def add_arguments(self, parser):
        parser.add_argument("--frequency", required=True, choices=Frequency.values)
        parser.add_argument("--today", help="день запуска ГГГГ-ММ-ДД (по умолчанию сегодня)")

    def handle(self, *args, frequency: str, today: str | None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--today: нужна дата ГГГГ-ММ-ДД, получено «{today}»") from error
        outcome = reports_send(frequency=frequency, today=day)
        labels = {"sent": "отправлено", "done": "уже отправлено раньше", "skipped": "пропущено", "failed": "ошибок"}
        summary = ", ".join(f"{labels.get(key, key)}: {value}" for key, value in sorted(outcome.items()))
        self.stdout.write(summary or "Нет активных подписок.")
