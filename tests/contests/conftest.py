"""A fixed contest: three territorial organisations, one automatic and one jury criterion, three jurors.

subscribers at the end (vk page, 20.04.2018): ВАО 200, ЗАО 400, САО 100
→ linear points (max 10): ВАО 5, ЗАО 10, САО 2.5; weight 2 → 10, 20, 5
jury «Оформление» (max 10, weight 1), jurors and their own organisations:
    juror (ВАО): ЗАО 8, САО 4            (ВАО is a conflict)
    juror_zao (ЗАО): ВАО 6, САО 2        (ЗАО is a conflict)
    juror_youth (youth council): ВАО 10, ЗАО 6, САО 2
→ means: ВАО 8, ЗАО 7, САО 8/3; totals: ВАО 18, ЗАО 27, САО 7.667
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from contests import services
from contests.models import Contest, Criterion, Entry, Juror, Metric
from orgs.models import OrgKind, Role
from socialstats.models import Network, Snapshot, SnapshotSource, SocialPage
from tests.factories import UserFactory, assign, make_org

START = dt.date(2017, 12, 31)
END = dt.date(2018, 4, 20)


def make_page(organisation, network=Network.VK, handle=None, **fields) -> SocialPage:
    handle = handle or f"{organisation.pk}-{network}-{SocialPage.objects.count()}"
    return SocialPage.objects.create(
        organisation=organisation, network=network, url=f"https://example.org/{handle}", handle=handle, **fields
    )


def snap(page, date, subscribers, **fields) -> Snapshot:
    return Snapshot.objects.create(
        page=page, date=date, subscribers=subscribers, source=SnapshotSource.IMPORT, **fields
    )


@dataclass
class Fixed:
    contest: Contest
    subscribers: Criterion
    design: Criterion
    entries: dict[str, Entry]
    jurors: dict[str, Juror]
    users: dict[str, object]


def score(fixed: Fixed, juror: str, entry: str, points) -> None:
    services.jury_scores_save(
        juror=fixed.jurors[juror],
        entry=fixed.entries[entry],
        marks={fixed.design.pk: {"points": str(points)}},
    )


@pytest.fixture
def fixed(tree, cast) -> Fixed:
    sao = make_org("САО", OrgKind.TERRITORIAL, tree.union)
    for org, subscribers in ((tree.vao, 200), (tree.zao, 400), (sao, 100)):
        page = make_page(org)
        snap(page, START, subscribers // 2)
        snap(page, END, subscribers)
    contest = services.contest_create(
        title="Тестовый конкурс", scope=tree.union, level="territorial", period_start=START, period_end=END
    )
    subscribers = Criterion.objects.create(
        contest=contest, name="Подписчики", source=Metric.SUBSCRIBERS_END, weight=Decimal(2), max_points=10, position=1
    )
    design = Criterion.objects.create(contest=contest, name="Оформление", source=Metric.JURY, max_points=10, position=2)
    juror_zao = UserFactory(username="juror_zao")
    assign(juror_zao, Role.JUROR, tree.zao)
    juror_youth = UserFactory(username="juror_youth")
    assign(juror_youth, Role.JUROR, tree.youth)
    users = {"juror": cast.juror, "juror_zao": juror_zao, "juror_youth": juror_youth}
    jurors = {name: services.juror_assign(contest=contest, user=user) for name, user in users.items()}
    services.contest_open(contest=contest)
    services.contest_start_judging(contest=contest)
    entries = {entry.title: entry for entry in contest.entries.all()}
    return Fixed(contest, subscribers, design, entries, jurors, users)


@pytest.fixture
def scored(fixed) -> Fixed:
    for juror, entry, points in (
        ("juror", "ЗАО", 8),
        ("juror", "САО", 4),
        ("juror_zao", "ВАО", 6),
        ("juror_zao", "САО", 2),
        ("juror_youth", "ВАО", 10),
        ("juror_youth", "ЗАО", 6),
        ("juror_youth", "САО", 2),
    ):
        score(fixed, juror, entry, points)
    return fixed


@pytest.fixture
def published(scored) -> Fixed:
    """The scored contest with its results published (documents are issued only then)."""
    services.contest_close(contest=scored.contest, confirm_gaps=True)
    services.contest_publish(contest=scored.contest)
    return scored
