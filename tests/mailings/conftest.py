"""A union with pages in both territories and in two primaries, a contest under way in ЗАО, a news item."""

from __future__ import annotations

import datetime as dt

import pytest

from contests import services as contest_services
from contests.models import Contest, ContestStatus
from socialstats.models import Network, Snapshot, SnapshotSource, SocialPage

MONDAY = dt.date(2026, 12, 7)  # the weekly run: the week 30.11–06.12.2026 (2026-W49)
FIRST = dt.date(2026, 12, 1)  # the monthly run: November 2026

NAMES = {
    "vao": "Страница ВАО ВКонтакте",
    "zao": "Страница ЗАО Телеграм",
    "vao_p1": "Школа один онлайн",
    "vao_p2": "Школа два онлайн",
}


def _page(organisation, key: str, network: str, values: dict[dt.date, int]) -> SocialPage:
    page = SocialPage.objects.create(
        organisation=organisation, network=network, url=f"https://example.org/{key}", handle=key, title=NAMES[key]
    )
    Snapshot.objects.bulk_create(
        Snapshot(page=page, date=day, subscribers=value, source=SnapshotSource.IMPORT) for day, value in values.items()
    )
    return page


@pytest.fixture
def union_data(tree, cast):
    before, end = dt.date(2026, 11, 29), dt.date(2026, 12, 6)
    month_a, month_b = dt.date(2026, 10, 31), dt.date(2026, 11, 30)
    _page(tree.vao, "vao", Network.VK, {month_a: 900, before: 1000, month_b: 1000, end: 1100})
    _page(tree.zao, "zao", Network.TELEGRAM, {month_a: 400, before: 500, month_b: 500, end: 480})
    _page(tree.vao_p1, "vao_p1", Network.VK, {month_a: 50, before: 60, month_b: 60, end: 70})
    _page(tree.vao_p2, "vao_p2", Network.VK, {month_a: 30, before: 40, month_b: 40, end: 45})
    contest = contest_services.contest_create(
        title="Конкурс ЗАО на лучшую страницу",
        scope=tree.zao,
        level="primary",
        period_start=dt.date(2026, 11, 1),
        period_end=dt.date(2026, 12, 31),
    )
    Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.OPEN)
    return tree
