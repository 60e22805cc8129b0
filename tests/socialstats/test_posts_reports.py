"""The posts reports on plain data with hand-computed answers (docs/posts.md «Reports»).

Pages and snapshots (Moscow days):
  A (ППО Школа 1, VK): 01.03.2024 → 1 000 subscribers, 10.03.2024 → 2 000.
  B (ППО Школа 3, Telegram): 01.03.2024 → 500.
  C (ППО Школа 2, VK): no snapshot at all (its rates are unknown).
Posts (Moscow time), reactions = likes + comments + reposts:
  p1 A Mon 04.03 10:15 photo 30+10+10=50, views 400 → 50/1000 = 5,0 %, ERR 40,0 %
  p2 A Mon 11.03 10:40 text  20,            views 1000 → 20/2000 = 1,0 %, ERR 50,0 %
  p3 A Sun 10.03 00:30 video 100, no views (09.03 21:30 UTC: the Moscow day 10.03 takes 2 000) → 5,0 %
  p4 B Mon 04.03 10:05 photo 10+5=15,       views 300 → 15/500 = 3,0 %, ERR 60,0 %
  p5 C Wed 06.03 09:00 link  5,             views 50 → no rates
  p6 A Tue 20.02 12:00 text  (before the period; the previous period's only post)
  p7 B Tue 12.03 18:00 repost 40, deleted,  views 100 → 40/500 = 8,0 %, ERR 20,0 %
"""

from __future__ import annotations

import datetime as dt
import importlib
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from socialstats.models import Network, Post, PostKind, Snapshot, SocialPage
from socialstats.posts import selectors
from socialstats.posts.selectors import PostQuery

MSK = zoneinfo.ZoneInfo("Europe/Moscow")
MARCH = (dt.date(2024, 3, 1), dt.date(2024, 3, 31))


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2024, month, day, hour, minute, tzinfo=MSK)


@pytest.fixture
def posts(tree):
    a = SocialPage.objects.create(organisation=tree.vao_p1, network=Network.VK, handle="a", title="Страница А")
    b = SocialPage.objects.create(organisation=tree.zao_p1, network=Network.TELEGRAM, handle="b", title="Страница Б")
    c = SocialPage.objects.create(organisation=tree.vao_p2, network=Network.VK, handle="c", title="Страница В")
    Snapshot.objects.create(page=a, date=dt.date(2024, 3, 1), subscribers=1000, source="import")
    Snapshot.objects.create(page=a, date=dt.date(2024, 3, 10), subscribers=2000, source="import")
    Snapshot.objects.create(page=b, date=dt.date(2024, 3, 1), subscribers=500, source="import")

    def post(page, key, when, kind, likes, comments=0, reposts=0, views=None, **fields):
        return Post.objects.create(
            page=page,
            external_id=key,
            url=f"https://example.org/{key}",
            published_at=when,
            excerpt=f"Пост {key}",
            kind=kind,
            likes=likes,
            comments=comments,
            reposts=reposts,
            views=views,
            **fields,
        )

    return {
        "a": a,
        "b": b,
        "c": c,
        "p1": post(a, "p1", at(4, 10, 15), PostKind.PHOTO, 30, 10, 10, views=400),
        "p2": post(a, "p2", at(11, 10, 40), PostKind.TEXT, 20, views=1000),
        "p3": post(a, "p3", at(10, 0, 30), PostKind.VIDEO, 100),
        "p4": post(b, "p4", at(4, 10, 5), PostKind.PHOTO, 10, 5, views=300),
        "p5": post(c, "p5", at(6, 9), PostKind.LINK, 5, views=50),
        "p6": post(a, "p6", at(20, 12, month=2), PostKind.TEXT, 7),
        "p7": post(b, "p7", at(12, 18), PostKind.REPOST, 40, views=100, deleted_at=at(20, 3)),
    }


def keys(rows) -> list[str]:
    return [row.external_id for row in rows]


def test_top_posts_by_engagement_views_and_err(posts):
    query = PostQuery(None, *MARCH)
    by_engagement = selectors.top_posts(query, by="engagement")
    # p1 and p3 tie at 5,0 %: the newer first. p5 (no snapshot) has no engagement and is left out.
    assert keys(by_engagement) == ["p7", "p3", "p1", "p4", "p2"]
    assert [round(row.engagement, 6) for row in by_engagement] == [8.0, 5.0, 5.0, 3.0, 1.0]
    assert [row.subscribers_then for row in by_engagement] == [500, 2000, 1000, 500, 2000]
    assert keys(selectors.top_posts(query, by="views")) == ["p2", "p1", "p4", "p7", "p5"]
    by_err = selectors.top_posts(query, by="err")
    assert keys(by_err) == ["p4", "p2", "p1", "p7"]
    assert [round(row.err, 6) for row in by_err] == [60.0, 50.0, 40.0, 20.0]
    assert keys(selectors.top_posts(query, by="engagement", limit=2)) == ["p7", "p3"]


def test_top_posts_keep_to_the_scope_and_the_moscow_day(posts, tree):
    vao = PostQuery([tree.vao.path], *MARCH)
    assert keys(selectors.top_posts(vao)) == ["p3", "p1", "p2"]
    # p3 was published at 00:30 on 10.03 in Moscow (21:30 on 09.03 UTC): a period ending 09.03 leaves it out.
    assert "p3" not in keys(selectors.top_posts(PostQuery(None, dt.date(2024, 3, 1), dt.date(2024, 3, 9))))


def test_heat_map_counts_posts_and_averages_engagement_per_moscow_weekday_and_hour(posts, tree):
    heat = selectors.heat_map(PostQuery(None, *MARCH))
    assert heat.total == 6
    monday, tuesday, wednesday, sunday = 0, 1, 2, 6
    assert heat.posts[monday][10] == 3  # p1, p2, p4
    assert heat.engagement[monday][10] == pytest.approx(3.0)  # (5 + 1 + 3) / 3
    assert heat.posts[sunday][0] == 1 and heat.engagement[sunday][0] == pytest.approx(5.0)
    assert heat.posts[tuesday][18] == 1 and heat.engagement[tuesday][18] == pytest.approx(8.0)
    assert heat.posts[wednesday][9] == 1 and heat.engagement[wednesday][9] is None  # p5: no subscribers known
    assert sum(1 for row in heat.posts for count in row if count) == 4
    assert [(day, hour) for day, hour, _value in heat.best_hours()] == [(tuesday, 18), (sunday, 0), (monday, 10)]
    vao = selectors.heat_map(PostQuery([tree.vao.path], *MARCH))
    assert vao.posts[monday][10] == 2 and vao.engagement[monday][10] == pytest.approx(3.0)  # (5 + 1) / 2
    page = selectors.heat_map(PostQuery(None, *MARCH, page_id=posts["b"].pk))
    assert page.total == 2 and page.engagement[monday][10] == pytest.approx(3.0)


def test_content_kinds_share_and_mean_engagement(posts):
    rows = {row.kind: row for row in selectors.content_kinds(PostQuery(None, *MARCH))}
    assert [row.posts for row in rows.values()] == [1, 2, 1, 1, 1]  # text, photo, video, link, repost
    assert rows["photo"].share == pytest.approx(200 / 6)
    assert rows["photo"].engagement == pytest.approx(4.0)  # (5 + 3) / 2
    assert rows["text"].engagement == pytest.approx(1.0)
    assert rows["link"].engagement is None
    assert rows["repost"].engagement == pytest.approx(8.0)


def test_reports_divide_by_the_subscribers_stored_with_a_post_and_group_by_its_stored_weekday_and_hour(posts):
    """Posts written by the collection carry the page's subscribers of their first storing and their Moscow
    weekday and hour: the rates divide by those (not the snapshot), the others still read the snapshots."""
    Post.objects.filter(external_id="p2").update(subscribers=400, weekday=1, hour=10)  # 20 / 400 = 5,0 %, ERR 250 %
    Post.objects.filter(external_id="p5").update(subscribers=100, weekday=3, hour=9)  # 5 / 100 = 5,0 %, ERR 50 %
    query = PostQuery(None, *MARCH)
    by_engagement = selectors.top_posts(query, by="engagement")
    assert keys(by_engagement) == ["p7", "p2", "p3", "p5", "p1", "p4"]  # ties at 5,0 %: newest first
    assert [row.subscribers_then for row in by_engagement] == [500, 400, 2000, 100, 1000, 500]
    assert keys(selectors.top_posts(query, by="err")) == ["p2", "p4", "p5", "p1", "p7"]
    assert keys(selectors.top_posts(query, by="engagement", limit=2)) == ["p7", "p2"]
    heat = selectors.heat_map(query)
    monday, wednesday = 0, 2
    assert heat.posts[monday][10] == 3 and heat.engagement[monday][10] == pytest.approx((5 + 5 + 3) / 3)
    assert heat.engagement[wednesday][9] == pytest.approx(5.0)
    # The stored weekday and hour are what the map groups by.
    Post.objects.filter(external_id="p2").update(weekday=5, hour=20)
    moved = selectors.heat_map(query)
    assert moved.posts[monday][10] == 2 and moved.posts[4][20] == 1 and moved.engagement[4][20] == pytest.approx(5.0)
    rows = {row.kind: row for row in selectors.content_kinds(query)}
    assert rows["text"].engagement == pytest.approx(5.0) and rows["link"].engagement == pytest.approx(5.0)


def test_migrations_fill_the_subscribers_of_the_posts_day_and_the_moscow_weekday_and_hour(posts):
    """0008 and 0009's data steps on rows stored without them (the fixture's posts): one UPDATE each."""
    from types import SimpleNamespace

    from django.apps import apps

    schema_editor = SimpleNamespace(connection=connection)
    importlib.import_module("socialstats.migrations.0008_post_subscribers").fill_subscribers(apps, schema_editor)
    importlib.import_module("socialstats.migrations.0009_post_moscow_weekday_hour").fill_weekday_hour(
        apps, schema_editor
    )
    stored = {post.external_id: (post.subscribers, post.weekday, post.hour) for post in Post.objects.all()}
    assert stored["p1"] == (1000, 1, 10)
    assert stored["p3"] == (2000, 7, 0)  # 00:30 on Sunday 10.03 in Moscow (Saturday 21:30 UTC) takes 10.03's 2 000
    assert stored["p2"] == (2000, 1, 10)
    assert stored["p5"] == (None, 3, 9)  # page C has no snapshot: stays NULL, the reports read the snapshots
    assert stored["p6"] == (None, 2, 12)  # 20.02, before A's first snapshot
    # The reports give the same answers as from the snapshots (test_top_posts_by_engagement_views_and_err).
    by_engagement = selectors.top_posts(PostQuery(None, *MARCH), by="engagement")
    assert keys(by_engagement) == ["p7", "p3", "p1", "p4", "p2"]
    assert selectors.heat_map(PostQuery(None, *MARCH)).engagement[0][10] == pytest.approx(3.0)


def test_posting_frequency_per_week_and_trend_against_the_previous_period(posts):
    rows = {row.page.handle: row for row in selectors.posting_frequency(PostQuery(None, *MARCH))}
    weeks = 31 / 7
    assert (rows["a"].posts, rows["a"].previous_posts) == (3, 1)  # previous period: 30.01–29.02, p6
    assert rows["a"].per_week == pytest.approx(3 / weeks)
    assert rows["a"].trend == pytest.approx(200.0)
    assert (rows["b"].posts, rows["b"].trend) == (2, None)
    assert rows["c"].posts == 1
    assert selectors.posts_per_week(
        [posts["a"].pk, posts["b"].pk, posts["c"].pk], start=dt.date(2024, 3, 1), end=dt.date(2024, 3, 14)
    ) == {posts["a"].pk: 1.5, posts["b"].pk: 1.0, posts["c"].pk: 0.5}


def _bulk_posts(tree, pages: int, per_page: int, prefix: str) -> None:
    created = SocialPage.objects.bulk_create(
        SocialPage(organisation=tree.zao_p1, network=Network.VK, handle=f"{prefix}{index}", title=f"{prefix}{index}")
        for index in range(pages)
    )
    Snapshot.objects.bulk_create(
        Snapshot(page=page, date=dt.date(2024, 3, 1), subscribers=100 + index, source="import")
        for index, page in enumerate(created)
    )
    Post.objects.bulk_create(
        Post(
            page=page,
            external_id=f"{prefix}{index}-{number}",
            published_at=at(1 + number % 28, number % 24),
            kind=PostKind.values[number % 5],
            likes=number,
            views=number * 10,
        )
        for index, page in enumerate(created)
        for number in range(per_page)
    )


URLS = [
    "/stats/posts/?start=01.03.2024&end=31.03.2024",
    "/stats/posts/?start=01.03.2024&end=31.03.2024&by=views",
    "/stats/posts/hours/?start=01.03.2024&end=31.03.2024",
    "/stats/posts/frequency/?start=01.03.2024&end=31.03.2024",
    "/stats/posts/kinds/?start=01.03.2024&end=31.03.2024",
]


def test_posts_reports_read_the_same_number_of_queries_at_two_sizes(client, cast, tree, posts):
    client.force_login(cast.info_officer)

    def counts() -> list[int]:
        result = []
        for url in [*URLS, f"/stats/pages/{posts['a'].pk}/posts/"]:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            result.append(len(captured))
        return result

    _bulk_posts(tree, 10, 5, "small")
    small = counts()
    _bulk_posts(tree, 400, 12, "large")
    Post.objects.bulk_create(
        Post(page=posts["a"], external_id=f"more{number}", published_at=at(1 + number % 28, 12), likes=1)
        for number in range(200)
    )
    large = counts()
    assert large == small, (small, large)
    assert max(small) <= 8, small


def test_territorial_admin_sees_own_scope_and_gets_404_outside(client, cast, tree, posts):
    client.force_login(cast.territorial_admin)  # ВАО
    response = client.get("/stats/posts/", {"start": "01.03.2024", "end": "31.03.2024"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Пост p1" in text and "Пост p4" not in text  # p4 is on a ЗАО page
    assert client.get("/stats/posts/hours/", {"scope": tree.zao.pk}).status_code == 404
    assert client.get("/stats/posts/kinds/", {"page_id": posts["b"].pk}).status_code == 404
    assert client.get(f"/stats/pages/{posts['b'].pk}/posts/").status_code == 404
    assert client.get(f"/stats/pages/{posts['a'].pk}/posts/").status_code == 200


def test_top_posts_link_to_the_post_and_the_page_screen_and_mark_deleted_posts(client, cast, posts):
    client.force_login(cast.info_officer)
    text = client.get("/stats/posts/", {"start": "01.03.2024", "end": "31.03.2024"}).content.decode()
    assert 'href="https://example.org/p7"' in text
    assert f'href="/stats/pages/{posts["b"].pk}/posts/"' in text
    assert "удалена" in text
    assert "8,0" in text


def test_bad_dates_answer_a_russian_message_naming_the_field(client, cast, posts):
    client.force_login(cast.info_officer)
    for params in (
        {"start": "31.03.2024", "end": "01.03.2024"},
        {"start": "вчера", "end": "01.03.2024"},
        {"start": "01.03.2024"},
        {"scope": "abc"},
        {"days": "999"},
    ):
        for url in ("/stats/posts/", "/stats/posts/hours/", "/stats/posts/frequency/", "/stats/posts/kinds/"):
            response = client.get(url, params)
            assert response.status_code == 200, (url, params)
            assert 'class="errorlist' in response.content.decode(), (url, params)


def test_empty_state_in_russian_without_posts(client, cast, tree):
    client.force_login(cast.info_officer)
    for url in ("/stats/posts/hours/", "/stats/posts/kinds/"):
        assert "Публикаций за этот период пока нет" in client.get(url).content.decode()
    assert "Публикаций за этот период нет" in client.get("/stats/posts/").content.decode()


def test_exports_hold_the_report_rows(client, cast, posts):
    client.force_login(cast.info_officer)
    period = {"start": "01.03.2024", "end": "31.03.2024", "format": "csv"}
    text = client.get("/stats/posts/", period).content.decode("utf-8-sig")
    assert text.index("Пост p7") < text.index("Пост p3")
    assert "8,00%" in text
    heat = client.get("/stats/posts/hours/", period).content.decode("utf-8-sig")
    assert "Понедельник" in heat and "Средняя вовлечённость" in heat
    kinds = client.get("/stats/posts/kinds/", period).content.decode("utf-8-sig")
    assert "Фото;2;33,3%;4,00%" in kinds
    frequency = client.get("/stats/posts/frequency/", {**period, "format": "xlsx"})
    assert frequency["Content-Type"].startswith("application/vnd.openxmlformats")
    page = client.get(f"/stats/pages/{posts['a'].pk}/posts/", {"format": "csv"}).content.decode("utf-8-sig")
    assert "Пост p6" in page and "Пост p4" not in page


def test_the_demo_has_two_months_of_posts_and_a_second_run_adds_none(db):
    from unionportal.demo import demo_load

    demo_load()
    count = Post.objects.count()
    demo_load()
    assert Post.objects.count() == count > 200
    kinds = set(Post.objects.values_list("kind", flat=True))
    assert kinds == set(PostKind.values)
    assert Post.objects.filter(deleted_at__isnull=False).count() == 1
    # Written as the collection writes them: the page's subscribers of the post's day, the Moscow weekday, hour.
    # (news/demo.py adds a few posts of its own without them: the reports read the snapshots for those.)
    synthetic = Post.objects.exclude(external_id__startswith="demo-news-")
    assert not synthetic.filter(subscribers__isnull=True).exists()
    post = synthetic.order_by("pk").first()
    moscow = timezone.localtime(post.published_at)
    assert (post.weekday, post.hour) == (moscow.isoweekday(), moscow.hour)
    day = moscow.date()
    assert post.subscribers == post.page.snapshots.filter(date__lte=day).order_by("-date").first().subscribers


def test_a_scope_holding_every_page_reads_the_same_posts_unscoped(tree, posts):
    assert selectors.user_scope([tree.union.path]) == (tree.union, None)
    assert selectors.user_scope([tree.vao.path]) == (tree.vao, [tree.vao.path])
    assert selectors.user_scope([tree.vao.path, tree.zao.path]) == (None, [tree.vao.path, tree.zao.path])
    outside = type(tree.union).add_root(name="Другой профсоюз", kind=tree.union.kind)
    SocialPage.objects.create(organisation=outside, network=Network.VK, handle="x", title="Чужая страница")
    assert selectors.user_scope([tree.union.path]) == (tree.union, [tree.union.path])


def test_the_union_scope_and_everything_give_the_same_top_posts_and_heat_map(client, cast, tree, posts):
    scoped = PostQuery([tree.union.path], dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    unscoped = PostQuery(None, dt.date(2024, 3, 1), dt.date(2024, 3, 31))
    assert keys(selectors.top_posts(scoped)) == keys(selectors.top_posts(unscoped))
    assert selectors.heat_map(scoped) == selectors.heat_map(unscoped)
    client.force_login(cast.info_officer)
    assert client.get("/stats/posts/hours/?start=01.03.2024&end=31.03.2024").status_code == 200
