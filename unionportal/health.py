"""Health of the services the portal depends on: database, broker, last nightly run."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import connection

# Other apps register callables returning (name, dict) — e.g. the last nightly collection.
HEALTH_SECTIONS: list[Callable[[], tuple[str, dict]]] = []


def database_status() -> dict[str, object]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any driver error means "down"; the message says which
        return {"ok": False, "error": error.__class__.__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_status() -> dict[str, object]:
    if not settings.CELERY_BROKER_URL:
        return {"ok": True, "configured": False, "mode": "synchronous"}
    from unionportal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as error:  # kombu raises many kinds when the broker is down
        return {"ok": False, "configured": True, "error": error.__class__.__name__}
    return {"ok": True, "configured": True}


def health_report() -> dict[str, object]:
    report: dict[str, object] = {"database": database_status(), "broker": broker_status()}
    for section in HEALTH_SECTIONS:
        name, value = section()
        report[name] = value
    report["ok"] = all(value.get("ok", True) for value in report.values() if isinstance(value, dict))
    return report


def last_collection_status() -> tuple[str, dict]:
    """The last nightly collection per network: when it started and how it ended."""
    from socialstats.collection.selectors import last_nightly_runs

    return "collection", last_nightly_runs()


HEALTH_SECTIONS.append(last_collection_status)
