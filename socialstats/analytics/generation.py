"""The reports' generation: changes that no `analytics_update` follows still show in the cached reports.

The report cache's keys carry the analytics tables' version (`AnalyticsState.built_at`, moved by every
collection, import or correction) and this generation, moved by a page or an organisation saved or deleted: a
page's owner, name, network or address edited, an organisation renamed, closed or given another kind. Each
move makes new keys, so no report shows the state before it.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.db import transaction
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
GENERATION_KEY = "socialstats:reports:generation"


def reports_generation() -> str:
    """The current generation ("-" before any change). Raises RedisError when Redis is down (the caller
    computes without the cache)."""
    return str(cache.get(GENERATION_KEY, "-"))


def reports_forget() -> None:
    """Move the generation once the change is committed: every cached report is computed again on its next
    read. (Moved before the commit, a report read in between would be cached from the old rows under the new
    generation and kept.)"""
    transaction.on_commit(_move)


def _move() -> None:
    try:
        cache.set(GENERATION_KEY, time.time_ns(), None)
    except RedisError:
        logger.warning("report cache unavailable; its generation was not moved")
