"""Each post's stored engagement and ERR (`Post.engagement_rate`, `Post.err_rate`: generated columns, issue 16)
agree with a recomputation from the row after every kind of write: the collection's first store and its refresh
of the reactions, the marking of a deleted post, a fill of the subscribers, retention's prune. The top posts
and the heat map read through them give the answers a recomputation in Python gives.

Two VK pages of ППО Школа 1 (ВАО), 500 and 0 subscribers; a page of ППО Школа 3 (ЗАО), 800 subscribers. Now:
20.05.2026 12:00 Moscow, 60 days kept.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from socialstats.collection.collectors.base import Metrics, Outcome, PageResult, PostData
from socialstats.collection.posts import posts_store
from socialstats.collection.retention import posts_prune
from socialstats.models import Network, Post, Snapshot, SocialPage
from socialstats.posts import selectors
from socialstats.posts.selectors import PostQuery

pytestmark = pytest.mark.django_db
MSK = zoneinfo.ZoneInfo("Europe/Moscow")
NOW = dt.datetime(2026, 5, 20, 12, tzinfo=MSK)
PERIOD = PostQuery(None, dt.date(2026, 4, 21), dt.date(2026, 5, 20))


def at(month: int, day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 17, tzinfo=MSK)


def expected_rates(post: Post) -> tuple[float | None, float | None]:
    """The rates from the row as docs/posts.md defines them: (likes + comments + reposts) ÷ subscribers and
    views ÷ subscribers, in %; None without subscribers (or 0), ERR also without views."""
    if not post.subscribers:
        return None, None
    engagement = float(post.interactions) * 100 / post.subscribers
    err = float(post.views) * 100 / post.subscribers if post.views is not None else None
    return engagement, err


def assert_rates_agree() -> None:
    posts = list(Post.objects.order_by("pk"))
    assert posts
    stored = {post.pk: (post.engagement_rate, post.err_rate) for post in posts}
    assert stored == {post.pk: pytest.approx(expected_rates(post)) for post in posts}
    # And exactly the figure the selectors compute from the stored subscribers (the same SQL expressions).
    computed = dict(
        selectors.with_rates(Post.objects.all()).filter(subscribers__isnull=False).values_list("pk", "engagement")
    )
    assert computed == {pk: rates[0] for pk, rates in stored.items() if pk in computed}


def assert_reports_agree(query: PostQuery = PERIOD) -> None:
    """Top posts and the heat map against a recomputation over every post of the period in Python."""
    since, until = query.bounds()
    period = [
        post
        for post in Post.objects.select_related("page__organisation")
        if since <= post.published_at < until
        and (query.scope_paths is None or post.page.organisation.path.startswith(tuple(query.scope_paths)))
    ]
    rated = [(expected_rates(post), post) for post in period]
    for index, by in enumerate(("engagement", "err")):
        ranked = sorted(
            ((rates[index], post.published_at, post.pk) for rates, post in rated if rates[index] is not None),
            reverse=True,
        )
        assert [post.pk for post in selectors.top_posts(query, by=by)] == [pk for *_key, pk in ranked[:20]]
    by_views = sorted(
        ((post.views, post.published_at, post.pk) for post in period if post.views is not None), reverse=True
    )
    assert [post.pk for post in selectors.top_posts(query, by="views")] == [pk for *_key, pk in by_views[:20]]
    heat = selectors.heat_map(query)
    cells: dict[tuple[int, int], list] = {}
    for (engagement, _err), post in rated:
        local = timezone.localtime(post.published_at, MSK)
        cell = cells.setdefault((local.weekday(), local.hour), [0, []])
        cell[0] += 1
        if engagement is not None:
            cell[1].append(engagement)
    assert heat.total == len(period)
    for (day, hour), (count, values) in cells.items():
        assert heat.posts[day][hour] == count
        assert heat.engagement[day][hour] == (pytest.approx(sum(values) / len(values)) if values else None)


def result(page: SocialPage, subscribers: int, posts: list[PostData]) -> PageResult:
    return PageResult(page.pk, Outcome.COLLECTED, Metrics(subscribers=subscribers, posts=posts))


@pytest.fixture
def pages(tree, settings):
    settings.POSTS_KEEP_DAYS = 60
    return (
        SocialPage.objects.create(organisation=tree.vao_p1, network=Network.VK, handle="a"),
        SocialPage.objects.create(organisation=tree.vao_p1, network=Network.VK, handle="empty"),
        SocialPage.objects.create(organisation=tree.zao_p1, network=Network.TELEGRAM, handle="b"),
    )


def a_posts(likes: int) -> list[PostData]:
    return [
        PostData("1", at(5, 4, 10), likes=likes, comments=3, reposts=1, views=900),
        PostData("2", at(5, 11, 10), likes=20, views=None),
        PostData("3", at(4, 27, 18), likes=None, comments=None, reposts=None, views=50),
        PostData("4", at(5, 18, 9), likes=7, comments=0, reposts=0, views=70),
    ]


def b_posts() -> list[PostData]:
    return [
        PostData("b1", at(5, 4, 10), likes=40, views=1600),
        PostData("b2", at(5, 6, 12), likes=8, comments=8, views=400),
        PostData("old", at(2, 1, 12), likes=1, views=10),  # older than the window: inserted, never refreshed
    ]


def test_stored_rates_follow_every_write_and_the_reports_match_a_recomputation(pages, tree):
    a, empty, b = pages
    posts_store(
        [
            result(a, 500, a_posts(likes=16)),
            result(empty, 0, [PostData("e1", at(5, 4, 10), likes=3, views=9)]),
            result(b, 800, b_posts()),
        ],
        now=NOW,
    )
    first = Post.objects.get(page=a, external_id="1")
    assert (first.engagement_rate, first.err_rate) == (pytest.approx(4.0), pytest.approx(180.0))  # 20/500, 900/500
    assert Post.objects.get(page=empty).engagement_rate is None  # 0 subscribers: no rate
    assert Post.objects.get(page=a, external_id="2").err_rate is None  # no views
    assert_rates_agree()
    assert_reports_agree()
    assert_reports_agree(PostQuery([tree.vao.path], PERIOD.start, PERIOD.end))

    # The next night: reactions grew (a refresh), post 4 is gone (marked deleted, still reported), and the
    # page's subscribers changed (a refresh keeps the post's own).
    later = NOW + dt.timedelta(days=1)
    marked = posts_store([result(a, 1000, a_posts(likes=96)[:3]), result(b, 800, b_posts())], now=later)
    assert marked == 1
    first.refresh_from_db()
    assert first.subscribers == 500 and first.engagement_rate == pytest.approx(20.0)  # (96 + 3 + 1) / 500
    assert Post.objects.get(page=a, external_id="4").deleted_at is not None
    assert_rates_agree()
    assert_reports_agree()

    # A fill of the subscribers where none were stored (as migration 0008 does) and a correction of reactions.
    Post.objects.filter(page=empty).update(subscribers=300)
    Post.objects.filter(page=b, external_id="b2").update(likes=None, comments=None, reposts=None, views=None)
    assert Post.objects.get(page=empty).engagement_rate == pytest.approx(1.0)  # 3 / 300
    assert_rates_agree()
    assert_reports_agree()


def test_posts_without_stored_subscribers_are_rated_from_the_snapshots_beside_the_stored_ones(pages):
    a, _empty, b = pages
    posts_store([result(a, 500, a_posts(likes=16)), result(b, 800, b_posts())], now=NOW)
    Snapshot.objects.create(page=b, date=dt.date(2026, 5, 1), subscribers=400, source="import")
    Post.objects.filter(page=b).update(subscribers=None)  # stored before subscribers were kept
    assert not Post.objects.filter(page=b, engagement_rate__isnull=False).exists()
    top = selectors.top_posts(PERIOD, by="engagement")
    # b1: 40 / 400 = 10 % from the snapshot, before a's 1: (16 + 3 + 1) / 500 = 4 %.
    assert [(post.external_id, round(post.engagement, 6)) for post in top[:3]] == [
        ("b1", 10.0),
        ("2", 4.0),  # ties at 4 %: 11.05 before 06.05 (b2: 16 / 400) and 04.05 (1: 20 / 500)
        ("b2", 4.0),
    ]


def test_prune_removes_the_rows_and_the_reports_follow(pages, settings):
    a, _empty, b = pages
    posts_store([result(a, 500, a_posts(likes=16)), result(b, 800, b_posts())], now=NOW)
    settings.POSTS_KEEP_DAYS = 20  # now posts before 30.04 12:00 are old; each page keeps its 10 newest anyway
    Post.objects.bulk_create(
        Post(page=a, external_id=f"n{day}", published_at=at(5, day, 20), likes=day, views=day * 10, subscribers=250)
        for day in range(5, 20)
    )
    assert posts_prune(now=NOW) > 0
    assert not Post.objects.filter(page=a, external_id="3").exists()
    assert_rates_agree()
    assert_reports_agree()
    assert_reports_agree(PostQuery(None, dt.date(2026, 4, 1), dt.date(2026, 5, 20)))
