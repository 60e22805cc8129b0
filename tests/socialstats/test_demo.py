"""The demo: the 2018 table plus demo pages with two months of snapshots; loading it twice adds nothing."""

from __future__ import annotations

from socialstats.models import PrintPublication, Snapshot, SocialPage, Website
from unionportal.demo import demo_load


def test_the_demo_loads_and_a_second_run_adds_nothing(db):
    demo_load()
    counts = (SocialPage.objects.count(), Snapshot.objects.count(), Website.objects.count())
    demo_load()
    assert (SocialPage.objects.count(), Snapshot.objects.count(), Website.objects.count()) == counts
    assert SocialPage.objects.filter(title__startswith="Демо").count() >= 5
    assert Snapshot.objects.filter(page__title__startswith="Демо", likes__isnull=False).count() > 100
    assert Snapshot.objects.filter(page__title="").count() == 33  # the 2018 table
    assert PrintPublication.objects.count() == 1
