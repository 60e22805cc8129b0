from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from socialstats.models import Snapshot, SocialPage

TODAY = dt.date(2026, 3, 10)


def make_page(organisation, handle: str, network: str = "vk", **fields) -> SocialPage:
    return SocialPage.objects.create(
        organisation=organisation,
        network=network,
        url=f"https://vk.com/{handle}",
        handle=handle,
        title=handle,
        **fields,
    )


def snap(page: SocialPage, day: dt.date, subscribers: int, last_post_days_ago: int | None = None) -> Snapshot:
    last_post_at = (
        timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=last_post_days_ago), dt.time(12)))
        if last_post_days_ago is not None
        else None
    )
    return Snapshot.objects.create(
        page=page, date=day, subscribers=subscribers, source="api", last_post_at=last_post_at
    )


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://portal.example.org"
    settings.SUBSCRIBER_TARGET_PER_TERRITORIAL_PAGE = 1000
    settings.NEWS_DEADLINE_DAY = 5
