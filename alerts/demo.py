"""Demo alerts: evaluate the rules once over the demo data, so «Оповещения» and the dashboard's count show some.

Idempotent (an open alert is never opened twice); no digest is sent by the demo."""

from __future__ import annotations

from django.utils import timezone

from .services import alerts_evaluate


def demo_load() -> None:
    alerts_evaluate(today=timezone.localdate())
