"""Celery tasks of the scheduled reports: plain values in, one service call, a short summary out."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .services import reports_send


@shared_task
def reports_send_task(frequency: str, today: str | None = None) -> str:
    """Mail the `frequency` reports for the period before `today` (ISO date; by default today in Moscow)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    outcome = reports_send(frequency=frequency, today=day)
    return ", ".join(f"{key} {value}" for key, value in sorted(outcome.items())) or "nothing to send"
