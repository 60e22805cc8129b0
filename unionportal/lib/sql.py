"""Helpers for the raw SQL of reports."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection


def in_ids(column: str, ids: Sequence[int]) -> tuple[str, list]:
    """`column` among `ids`: one array parameter on PostgreSQL, a list of placeholders on SQLite.

    Django's `__in` lookup builds and psycopg parses a placeholder per id, which costs more than the statement
    itself for a few thousand ids (the contests' metrics, the dashboard's territorial trend)."""
    if not ids:
        return "1 = 0", []
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(ids)]
    return f"{column} IN ({', '.join('%s' for _id in ids)})", list(ids)
