"""Case-insensitive text search that works for Cyrillic on every database.

SQLite's LIKE and LOWER fold ASCII only, so `icontains` finds «ВАО» for `ВАО` but nothing for `вао`.
`field__ulower__contains=text.lower()` lowers both sides the Unicode way: PostgreSQL's LOWER does so
already; on SQLite the transform calls a Python function registered on every new connection.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import Q, Transform

SQLITE_FUNCTION = "UNICODE_LOWER"


class UnicodeLower(Transform):
    lookup_name = "ulower"
    function = "LOWER"

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def _register_sqlite_function(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _unicode_lower, deterministic=True)


def install() -> None:
    """Called once from UnionPortalConfig.ready()."""
    models.CharField.register_lookup(UnicodeLower)
    models.TextField.register_lookup(UnicodeLower)
    connection_created.connect(_register_sqlite_function, dispatch_uid="unionportal-unicode-lower")


def text_contains(fields: Iterable[str], text: str) -> Q:
    """Any of `fields` contains `text`, case-insensitively in any alphabet.

    NUL characters are dropped: no stored text holds one, and PostgreSQL refuses them in a query."""
    needle = text.replace("\x00", "").lower()
    condition = Q()
    for field in fields:
        condition |= Q(**{f"{field}__ulower__contains": needle})
    return condition
