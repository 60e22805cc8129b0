"""A page's `last_collected_at` in the API is its latest API snapshot's time (runs no longer write it)."""

from __future__ import annotations

import datetime as dt

import pytest

from socialstats.models import Snapshot
from tests.socialstats.test_growth_rules import make_page, snap

pytestmark = pytest.mark.django_db


def test_last_collected_at_is_the_latest_api_snapshot_and_empty_for_a_page_never_collected(api_as, tree):
    collected = make_page(tree.vao, "collected")
    never = make_page(tree.vao, "never")
    taken = dt.datetime(2024, 2, 1, 0, 0, tzinfo=dt.UTC)
    snap(collected, dt.date(2024, 1, 31), 100, taken_at=taken - dt.timedelta(days=1))
    snap(collected, dt.date(2024, 2, 1), 110, taken_at=taken)
    # Entered by hand or imported: not a collection.
    Snapshot.objects.create(page=collected, date=dt.date(2024, 2, 2), subscribers=120, source="manual")
    Snapshot.objects.create(page=never, date=dt.date(2024, 2, 1), subscribers=5, source="import")

    rows = {row["handle"]: row for row in api_as("info_officer").get("/api/v1/pages/").json()["results"]}

    assert dt.datetime.fromisoformat(rows["collected"]["last_collected_at"]) == taken
    assert rows["never"]["last_collected_at"] is None
