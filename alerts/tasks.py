"""The daily alerts job: a thin task over alerts_run (a date in ISO, a short summary out)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from .services import alerts_run


@shared_task
def alerts_daily(date: str | None = None) -> str:
    today = dt.date.fromisoformat(date) if date else timezone.localdate()
    return alerts_run(today=today)
