"""Demo data of the registry: the 2018 subscribers table, a few demo pages with two months of snapshots and posts,
one website and one print publication. Idempotent and fast (bulk writes, ignore_conflicts on the natural keys).
"""

from __future__ import annotations

import bisect
import datetime as dt
import random

from django.conf import settings
from django.utils import timezone

from orgs.models import Organisation

from .models import (
    Network,
    PageOwner,
    Post,
    PostKind,
    PrintPublication,
    PublicationKind,
    Snapshot,
    SnapshotSource,
    SocialPage,
    Website,
    WebsiteCheck,
    WebsiteStat,
)
from .registry.imports import snapshots_import

DEMO_DAYS = 63  # nine weeks: daily for the last two weeks, weekly before that
DEMO_PAGES = [
    # (organisation name prefix, network, handle, title)
    ("Демо-ППО ВАО №1", Network.VK, "demo_ppo_vao_1", "Демо: ППО ВАО №1 ВКонтакте"),
    ("Демо-ППО ВАО №1", Network.TELEGRAM, "demo_ppo_vao_1", "Демо: ППО ВАО №1 в Telegram"),
    ("Демо-ППО ВАО №2", Network.VK, "demo_ppo_vao_2", "Демо: ППО ВАО №2 ВКонтакте"),
    ("Демо-ППО ЗАО №1", Network.VK, "demo_ppo_zao_1", "Демо: ППО ЗАО №1 ВКонтакте"),
    ("Демо-ППО ЗАО №1", Network.OK, "demo_ppo_zao_1", "Демо: ППО ЗАО №1 в Одноклассниках"),
    ("Демо-ППО ЦАО №1", Network.VK, "demo_ppo_cao_1", "Демо: ППО ЦАО №1 ВКонтакте"),
]
URL_PATTERNS = {
    Network.VK: "https://vk.com/{handle}",
    Network.TELEGRAM: "https://t.me/{handle}",
    Network.OK: "https://ok.ru/{handle}",
}


def _demo_dates(today: dt.date) -> list[dt.date]:
    start = today - dt.timedelta(days=DEMO_DAYS)
    weekly = [start + dt.timedelta(days=7 * week) for week in range((DEMO_DAYS - 14) // 7 + 1)]
    daily = [today - dt.timedelta(days=days) for days in range(13, -1, -1)]
    return sorted(set(weekly) | set(daily))


def _synthetic_snapshots(page: SocialPage, dates: list[dt.date], rng: random.Random) -> list[Snapshot]:
    subscribers = rng.randint(150, 1500)
    taken_at = timezone.now()
    snapshots = []
    for date in dates:
        subscribers += rng.randint(-2, 12)
        posts = rng.randint(2, 20)
        views = posts * rng.randint(60, 400)
        snapshots.append(
            Snapshot(
                page=page,
                date=date,
                subscribers=max(subscribers, 0),
                posts_30d=posts,
                last_post_at=timezone.make_aware(dt.datetime.combine(date, dt.time(10 + rng.randint(0, 8)))),
                posts_counted=10,
                likes=views // rng.randint(8, 20),
                comments=views // rng.randint(60, 200),
                reposts=views // rng.randint(80, 300),
                views=views,
                source=SnapshotSource.IMPORT,
                taken_at=taken_at,
            )
        )
    return snapshots


POST_EXCERPTS = [
    "Профком провёл собрание трудового коллектива",
    "Поздравляем коллег с профессиональным праздником!",
    "Итоги спартакиады: наша команда на пьедестале",
    "Юристы профсоюза отвечают на вопросы о режиме труда",
    "Молодёжный совет приглашает на субботник",
    "Коллективный договор продлён: что изменилось",
    "Фоторепортаж с выезда на предприятие",
    "Путёвки в детский лагерь: как подать заявку",
]
# (hour weights by the posting habits of union pages: mornings and the evening peak)
POST_HOURS = [8, 9, 9, 10, 10, 11, 12, 13, 14, 15, 16, 17, 18, 18, 19, 20, 21]
POST_KINDS = [
    PostKind.TEXT,
    PostKind.PHOTO,
    PostKind.PHOTO,
    PostKind.PHOTO,
    PostKind.VIDEO,
    PostKind.LINK,
    PostKind.REPOST,
]


def _synthetic_posts(page: SocialPage, index: int, today: dt.date, snapshots: list[Snapshot]) -> list[Post]:
    """About 60 days of posts (0–2 a day), deterministic per page: kinds, hours and reactions vary. Each keeps
    the page's subscribers of its day (the latest of `snapshots` by then), as the collection stores them."""
    by_date = sorted((snapshot.date, snapshot.subscribers) for snapshot in snapshots)
    dates = [date for date, _subscribers in by_date]
    rng = random.Random(1000 + index)
    tz = timezone.get_current_timezone()
    posts = []
    for days_ago in range(59, -1, -1):
        day = today - dt.timedelta(days=days_ago)
        for number in range(rng.choice((0, 1, 1, 1, 2))):
            hour = rng.choice(POST_HOURS)
            kind = rng.choice(POST_KINDS)
            # Evenings and videos draw more: the heat map and the kinds report have something to show.
            boost = (1.6 if hour >= 18 else 1.0) * (1.8 if kind == PostKind.VIDEO else 1.0)
            known = bisect.bisect_right(dates, day)
            subscribers = by_date[known - 1][1] if known else None
            # Views a share of the subscribers (ERR a few tens of %), reactions a few % of the views: the post's
            # engagement comes out at a few % of the subscribers, the 003 document's range.
            views = int((subscribers or 300) * rng.uniform(0.15, 0.6) * boost)
            posts.append(
                Post(
                    page=page,
                    external_id=f"demo-{day:%Y%m%d}-{number}",
                    url=f"{page.url}?w=demo-{day:%Y%m%d}-{number}",
                    published_at=dt.datetime.combine(day, dt.time(hour, rng.randint(0, 59)), tzinfo=tz),
                    excerpt=rng.choice(POST_EXCERPTS),
                    kind=kind,
                    likes=int(views * rng.uniform(0.01, 0.05)),
                    comments=int(views * rng.uniform(0.0, 0.02)),
                    reposts=int(views * rng.uniform(0.0, 0.015)),
                    views=None if page.network == Network.OK and number else views,
                    subscribers=subscribers,
                    weekday=day.isoweekday(),
                    hour=hour,
                    deleted_at=timezone.now() if days_ago == 20 and number == 0 and index == 0 else None,
                )
            )
    return posts


def _demo_pages() -> None:
    dates = _demo_dates(timezone.localdate())
    organisations = {org.name: org for org in Organisation.objects.filter(name__in={row[0] for row in DEMO_PAGES})}
    snapshots: list[Snapshot] = []
    posts: list[Post] = []
    for index, (org_name, network, handle, title) in enumerate(DEMO_PAGES):
        organisation = organisations.get(org_name)
        if organisation is None:
            continue
        page, _created = SocialPage.objects.get_or_create(
            network=network,
            handle=handle,
            defaults={
                "organisation": organisation,
                "url": URL_PATTERNS[network].format(handle=handle),
                "title": title,
                "owner": PageOwner.ORGANISATION,
            },
        )
        page_snapshots = _synthetic_snapshots(page, dates, random.Random(index))
        snapshots.extend(page_snapshots)
        posts.extend(_synthetic_posts(page, index, dates[-1], page_snapshots))
    # The (page, date) constraint makes a second run add only the days that are new since the first;
    # the (page, external id) one does the same for posts.
    Snapshot.objects.bulk_create(snapshots, ignore_conflicts=True)
    Post.objects.bulk_create(posts, ignore_conflicts=True)


def _demo_website_and_print() -> None:
    vao = Organisation.objects.filter(short_name="ВАО").first() or Organisation.objects.filter(name="ВАО").first()
    if vao is None:
        return
    website, _created = Website.objects.get_or_create(
        url="https://example.org/demo-vao",
        defaults={
            "organisation": vao,
            "title": "Демо: сайт ТПО ВАО",
            "checklist": {key: index % 3 != 2 for index, key in enumerate(WebsiteCheck.values)},
        },
    )
    year = timezone.localdate().year - 1
    for half, (start, end, materials, visitors, views) in enumerate(
        [
            (dt.date(year, 1, 1), dt.date(year, 6, 30), 84, 5_210, 14_380),
            (dt.date(year, 7, 1), dt.date(year, 12, 31), 97, 6_034, 17_905),
        ]
    ):
        WebsiteStat.objects.get_or_create(
            website=website,
            period_start=start,
            period_end=end,
            defaults={"materials": materials, "visitors": visitors, "views": views + half},
        )
    PrintPublication.objects.get_or_create(
        organisation=vao,
        title="Демо: вестник ТПО ВАО",
        defaults={"kind": PublicationKind.BULLETIN, "issues_per_year": 6, "print_run": 999},
    )


def demo_load() -> None:
    snapshots_import(source=settings.BASE_DIR / "demo" / "mgo-2018-subscribers.csv", create_pages=True)
    _demo_pages()
    _demo_website_and_print()
