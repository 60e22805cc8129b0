"""Test data for the growth reports: the 002 document's organisations and subscribers, and bulk pages.

The import of pages and snapshots is another part of the project; these helpers build pages and
snapshots straight from `demo/mgo-2018-subscribers.csv` so the growth tests stand on their own.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from orgs.models import Organisation, OrgKind
from orgs.services import organisations_import
from socialstats.models import Snapshot, SocialPage

DEMO = Path(__file__).resolve().parents[2] / "demo"


def load_mgo_2018() -> dict[tuple[str, str], SocialPage]:
    """Organisations via the real import (primaries as placeholders), one page per (organisation, network)."""
    organisations_import(
        source=(DEMO / "mgo-2018-organisations.csv").read_bytes(), filename="orgs.csv", create_placeholders=True
    )
    with (DEMO / "mgo-2018-subscribers.csv").open(encoding="utf-8") as handle:
        records = list(csv.DictReader(handle))
    organisations = {org.name: org for org in Organisation.objects.filter(kind=OrgKind.TERRITORIAL)}
    pages: dict[tuple[str, str], SocialPage] = {}
    for record in records:
        key = (record["organisation"], record["network"])
        if key not in pages:
            pages[key] = SocialPage.objects.create(
                organisation=organisations[record["organisation"]],
                network=record["network"],
                url=f"https://example.org/{record['network']}/{len(pages)}",
                handle=f"mgo-{len(pages)}",
                title=f"{record['organisation']} {record['network']}",
                added_on=dt.date(2017, 1, 1),
            )
    Snapshot.objects.bulk_create(
        Snapshot(
            page=pages[(record["organisation"], record["network"])],
            date=dt.date.fromisoformat(record["date"]),
            subscribers=int(record["subscribers"]),
            source="import",
        )
        for record in records
    )
    return pages


def bulk_pages(parent: Organisation, count: int, *, days: list[dt.date], prefix: str = "bulk") -> list[SocialPage]:
    """`count` pages under primaries of `parent` (a few primaries, pages spread over them), one snapshot per day."""
    from tests.factories import make_org

    primaries = [
        make_org(f"{prefix} ППО {n}", OrgKind.PRIMARY, Organisation.objects.get(pk=parent.pk)) for n in range(3)
    ]
    networks = ["vk", "telegram", "ok"]
    pages = SocialPage.objects.bulk_create(
        SocialPage(
            organisation=primaries[n % 3],
            network=networks[n % 3],
            url=f"https://example.org/{prefix}/{n}",
            handle=f"{prefix}-{n}",
            title=f"{prefix} {n}",
        )
        for n in range(count)
    )
    pages = list(SocialPage.objects.filter(handle__startswith=f"{prefix}-"))
    Snapshot.objects.bulk_create(
        Snapshot(
            page=page,
            date=day,
            subscribers=100 + index + offset,
            posts_30d=5,
            last_post_at=dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC),
            posts_counted=10,
            likes=50,
            comments=5,
            reposts=5,
            source="api",
        )
        for index, page in enumerate(pages)
        for offset, day in enumerate(days)
    )
    return pages
