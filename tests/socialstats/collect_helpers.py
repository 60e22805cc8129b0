"""Shared bits of the collector tests: a fake clock and page creation in bulk."""

from __future__ import annotations

import random

from socialstats.collection.collectors.base import RetryPolicy, TokenBucket
from socialstats.collection.collectors.vk import VkCollector
from socialstats.models import SocialPage
from tests.fakes.vk_server import FakeVk

VK_URL = "https://vk.test/method"


class FakeClock:
    """Time that only moves when someone sleeps: rate tests run instantly and exactly."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def vk_collector(fake: FakeVk, clock: FakeClock, rps: float = 3.0, token: str | None = None) -> VkCollector:
    return VkCollector(
        api_url=VK_URL,
        token=fake.token if token is None else token,
        rps=rps,
        bucket=TokenBucket(rps, clock=clock, sleep=clock.sleep),
        retry=RetryPolicy(sleep=clock.sleep, rng=random.Random(7)),
    )


def make_pages(organisation, network: str, handles: list[str], external_ids: list[str] | None = None):
    pages = [
        SocialPage(
            organisation=organisation,
            network=network,
            url=f"https://example.test/{network}/{handle}",
            handle=handle,
            external_id=(external_ids[i] if external_ids else ""),
        )
        for i, handle in enumerate(handles)
    ]
    SocialPage.objects.bulk_create(pages, batch_size=500)
    return list(SocialPage.objects.filter(network=network, handle__in=handles).order_by("pk"))
