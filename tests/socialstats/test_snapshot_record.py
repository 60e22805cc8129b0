"""One snapshot per page per day: recording again replaces the values, never adds a row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from socialstats.models import Snapshot, SnapshotSource, SocialPage
from socialstats.registry.services import snapshot_record


@pytest.fixture
def page(tree):
    return SocialPage.objects.create(organisation=tree.vao_p1, network="vk", url="https://vk.com/p1", handle="p1")


def test_recording_twice_on_one_day_leaves_one_snapshot_with_the_new_values(page, cast):
    day = dt.date(2026, 11, 1)
    _first, created = snapshot_record(page=page, date=day, subscribers=100, source=SnapshotSource.API)
    assert created
    second, created = snapshot_record(
        page=page, date=day, subscribers=105, likes=7, source=SnapshotSource.MANUAL, recorded_by=cast.primary_admin
    )
    assert not created
    assert Snapshot.objects.filter(page=page).count() == 1
    stored = Snapshot.objects.get(pk=second.pk)
    assert (stored.subscribers, stored.likes, stored.source, stored.recorded_by) == (
        105,
        7,
        SnapshotSource.MANUAL,
        cast.primary_admin,
    )


def test_another_day_adds_a_row(page):
    snapshot_record(page=page, date=dt.date(2026, 11, 1), subscribers=100, source=SnapshotSource.API)
    snapshot_record(page=page, date=dt.date(2026, 11, 2), subscribers=101, source=SnapshotSource.API)
    assert Snapshot.objects.filter(page=page).count() == 2


def test_negative_values_are_refused_and_nothing_is_saved(page):
    with pytest.raises(ValidationError):
        snapshot_record(page=page, date=dt.date(2026, 11, 1), subscribers=-1, source=SnapshotSource.MANUAL)
    assert not Snapshot.objects.exists()


def test_the_database_refuses_a_second_row_for_the_same_day(page):
    Snapshot.objects.create(page=page, date=dt.date(2026, 11, 1), subscribers=1, source=SnapshotSource.API)
    with pytest.raises(IntegrityError), transaction.atomic():
        Snapshot.objects.create(page=page, date=dt.date(2026, 11, 1), subscribers=2, source=SnapshotSource.API)
