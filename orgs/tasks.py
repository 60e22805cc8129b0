from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings

from unionportal.lib.uploads import stash_purge

from .models import Organisation
from .services import organisation_close


@shared_task
def organisation_close_task(organisation_id: int, on: str | None = None) -> str:
    """Close an organisation in the background (used by bulk admin actions)."""
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        return "gone"
    organisation_close(organisation=organisation, on=dt.date.fromisoformat(on) if on else None)
    return f"closed {organisation_id}"


@shared_task
def import_stash_cleanup() -> str:
    """Delete uploaded import files never confirmed within IMPORT_STASH_HOURS (scheduled in settings)."""
    removed = stash_purge(older_than_hours=settings.IMPORT_STASH_HOURS)
    return f"removed {removed}"
