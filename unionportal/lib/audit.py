"""Explicit audit entries for changes made by conditional updates, which bypass model signals."""

from __future__ import annotations

from auditlog.models import LogEntry


def audit_update(instance, *, before: dict[str, object], after: dict[str, object]) -> None:
    """Record the fields that changed from `before` to `after` on `instance` (actor from the request)."""
    changes = {
        field: [str(before.get(field) or ""), str(value or "")]
        for field, value in after.items()
        if before.get(field) != value
    }
    if changes:
        LogEntry.objects.log_create(instance, action=LogEntry.Action.UPDATE, changes=changes)
