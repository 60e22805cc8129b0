"""Posts kept by the collection (docs/posts.md «Collection»): every network's posts with all their fields,
refreshed within the window, marked when deleted, the 003 engagement from them equal to the snapshot's;
fakes at the HTTP layer in the documented shapes (shared/reference/social-apis.md)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import respx
from django.utils import timezone

from socialstats.collection.collectors.base import RetryPolicy, TokenBucket
from socialstats.collection.collectors.limits import LocalWindow
from socialstats.collection.collectors.max import MaxCollector
from socialstats.collection.collectors.ok import OkCollector
from socialstats.collection.collectors.telegram import TelegramCollector
from socialstats.collection.services import collection_collect
from socialstats.models import Post, PostKind, Snapshot
from socialstats.posts.engagement import engagement_from_posts
from socialstats.reports.selectors import engagement_report
from tests.fakes.vk_server import NOW, FakeGroup, FakeVk
from tests.socialstats.collect_helpers import VK_URL, FakeClock, make_pages, vk_collector

pytestmark = pytest.mark.django_db
TG_API, TG_WEB, TG_TOKEN = "https://tg.test", "https://t.test", "123456:secret-bot-token"
MAX_API, MAX_TOKEN = "https://max.test", "max-secret-bot-token"
OK_URL = "https://ok.test/fb.do"
LONG_TEXT = "Профсоюз   провёл\n\n собрание.  " + "слово " * 120


@pytest.fixture(autouse=True)
def _configured(settings):
    settings.VK_API_TOKEN = "vk-test-token"
    settings.VK_API_URL = VK_URL
    settings.TELEGRAM_BOT_TOKEN = TG_TOKEN
    settings.MAX_BOT_TOKEN = MAX_TOKEN
    settings.MAX_API_URL = MAX_API
    settings.OK_APPLICATION_KEY = "CBAFKEY"
    settings.OK_APPLICATION_SECRET = "SECRET"
    settings.POSTS_KEEP_DAYS = 60


@pytest.fixture
def fake_vk():
    fake = FakeVk()
    with respx.mock(assert_all_called=False) as router:
        router.post(url__startswith=VK_URL).mock(side_effect=fake.respx_side_effect)
        yield fake


def today() -> dt.date:
    return timezone.localdate()


def vk_post(post_id: int, days_ago: float, likes: int, comments: int = 0, reposts: int = 0, views=None, **extra):
    """A wall.get item with the documented fields (VK post object)."""
    item = {
        "id": post_id,
        "owner_id": -1,
        "from_id": -1,
        "date": int(NOW - days_ago * 86400),
        "text": extra.pop("text", f"Пост {post_id}"),
        "likes": {"count": likes},
        "comments": {"count": comments},
        "reposts": {"count": reposts},
        **extra,
    }
    if views is not None:
        item["views"] = {"count": views}
    return item


def collect_vk(fake: FakeVk):
    return collection_collect(network="vk", for_date=today(), collector=vk_collector(fake, FakeClock()))


# --- VK ----------------------------------------------------------------------------------------------


def test_vk_posts_are_kept_with_every_field_within_the_same_two_requests(tree, fake_vk):
    fake_vk.add(
        FakeGroup(
            id=1,
            members=15234,
            posts=[
                vk_post(901, 40, likes=40, comments=3, reposts=5, views=2100, is_pinned=1),
                vk_post(955, 1, likes=12, comments=0, reposts=1, views=640, text=LONG_TEXT),
                vk_post(954, 2, likes=8, comments=2, attachments=[{"type": "photo", "photo": {}}, {"type": "link"}]),
                vk_post(953, 3, likes=1, views=10, attachments=[{"type": "video", "video": {}}]),
                vk_post(952, 4, likes=2, views=11, attachments=[{"type": "link", "link": {"url": "https://x.ru"}}]),
                vk_post(951, 5, likes=3, views=12, text="", copy_history=[{"id": 7, "text": "Чужой пост"}]),
                vk_post(950, 6, likes=4, views=13, attachments=[{"type": "poll", "poll": {}}]),
            ],
        )
    )
    (page,) = make_pages(tree.vao_p1, "vk", ["club1"])

    run = collect_vk(fake_vk)

    assert run.http_requests == 2  # the counts' execute and the walls' execute, as before posts were kept
    posts = {post.external_id: post for post in Post.objects.filter(page=page)}
    assert set(posts) == {"901", "955", "954", "953", "952", "951", "950"}
    first = posts["955"]
    assert first.url == "https://vk.com/wall-1_955"
    assert first.published_at == dt.datetime.fromtimestamp(int(NOW - 86400), tz=dt.UTC)
    assert first.excerpt == " ".join(LONG_TEXT.split())[:500]
    assert len(first.excerpt) == 500 and "  " not in first.excerpt
    assert (first.kind, first.likes, first.comments, first.reposts, first.views) == (PostKind.TEXT, 12, 0, 1, 640)
    assert not first.is_pinned and first.deleted_at is None
    assert posts["901"].is_pinned
    assert {key: posts[key].kind for key in ("954", "953", "952", "951", "950")} == {
        "954": PostKind.PHOTO,  # the first attachment decides
        "953": PostKind.VIDEO,
        "952": PostKind.LINK,
        "951": PostKind.REPOST,
        "950": PostKind.TEXT,
    }
    assert posts["954"].views is None  # VK gave no views counter
    assert posts["951"].excerpt == "Чужой пост"  # a repost without a comment keeps the reposted text
    # The snapshot's sums are those of before: the six non-pinned posts.
    snapshot = Snapshot.objects.get()
    assert (snapshot.likes, snapshot.comments, snapshot.reposts, snapshot.views) == (30, 2, 1, 686)


def test_a_second_run_the_same_day_refreshes_reactions_and_adds_no_post(tree, fake_vk):
    group = fake_vk.add(FakeGroup(id=1, posts=[vk_post(12, 1, likes=5, views=50), vk_post(11, 3, likes=2, views=20)]))
    (_page,) = make_pages(tree.vao_p1, "vk", ["club1"])
    collect_vk(fake_vk)
    first_seen = dict(Post.objects.values_list("external_id", "first_seen_at"))
    group.posts = [vk_post(12, 1, likes=9, comments=4, views=90), vk_post(11, 3, likes=3, views=25)]

    run = collect_vk(fake_vk)

    assert run.http_requests == 2
    assert Post.objects.count() == 2
    assert dict(Post.objects.values_list("external_id", "likes")) == {"12": 9, "11": 3}
    refreshed = Post.objects.get(external_id="12")
    assert (refreshed.comments, refreshed.views) == (4, 90)
    assert refreshed.refreshed_at > refreshed.first_seen_at
    assert dict(Post.objects.values_list("external_id", "first_seen_at")) == first_seen
    assert Snapshot.objects.get().likes == 12


def test_a_post_keeps_the_subscribers_of_its_first_storing_and_its_moscow_weekday_and_hour(tree, fake_vk):
    group = fake_vk.add(FakeGroup(id=1, members=1000, posts=[vk_post(11, 3, likes=2, views=20)]))
    (_page,) = make_pages(tree.vao_p1, "vk", ["club1"])
    collect_vk(fake_vk)
    group.members = 1500
    group.posts = [vk_post(12, 1, likes=5, views=50), vk_post(11, 3, likes=3, views=25)]

    collect_vk(fake_vk)

    posts = {post.external_id: post for post in Post.objects.all()}
    assert (posts["11"].subscribers, posts["11"].likes) == (1000, 3)  # refreshed, its subscribers kept
    assert posts["12"].subscribers == 1500  # first stored by the second run
    for post in posts.values():
        moscow = timezone.localtime(post.published_at)
        assert (post.weekday, post.hour) == (moscow.isoweekday(), moscow.hour)


def test_a_deleted_post_keeps_its_last_values_and_is_marked_and_comes_back_unmarked(tree, fake_vk):
    group = fake_vk.add(
        FakeGroup(
            id=1,
            posts=[
                vk_post(14, 1, likes=5),
                vk_post(13, 2, likes=7, comments=1),
                vk_post(12, 3, likes=1),
                vk_post(11, 4, likes=1),
            ],
        )
    )
    make_pages(tree.vao_p1, "vk", ["club1"])
    collect_vk(fake_vk)
    # Post 13 is deleted; the wall now returns only the two newest posts (post 11 is outside what was read).
    group.posts = [vk_post(14, 1, likes=6), vk_post(12, 3, likes=2)]

    collect_vk(fake_vk)

    deleted = Post.objects.get(external_id="13")
    assert deleted.deleted_at is not None
    assert (deleted.likes, deleted.comments) == (7, 1)  # its last values
    assert Post.objects.filter(deleted_at__isnull=False).count() == 1  # post 11, older than what was read, is not
    assert Post.objects.get(external_id="11").deleted_at is None

    group.posts = [vk_post(14, 1, likes=6), vk_post(13, 2, likes=8, comments=1), vk_post(12, 3, likes=2)]
    collect_vk(fake_vk)

    assert Post.objects.get(external_id="13").deleted_at is None
    assert Post.objects.get(external_id="13").likes == 8


def test_posts_older_than_the_window_keep_their_last_values_and_are_never_marked(tree, fake_vk):
    group = fake_vk.add(
        FakeGroup(id=1, posts=[vk_post(3, 1, likes=1), vk_post(2, 70, likes=5), vk_post(1, 80, likes=4)])
    )
    make_pages(tree.vao_p1, "vk", ["club1"])
    collect_vk(fake_vk)
    assert Post.objects.count() == 3  # read once: kept (a page that posts rarely reaches back further)
    group.posts = [vk_post(3, 1, likes=2), vk_post(2, 70, likes=50)]

    collect_vk(fake_vk)

    assert dict(Post.objects.values_list("external_id", "likes")) == {"3": 2, "2": 5, "1": 4}
    assert not Post.objects.filter(deleted_at__isnull=False).exists()


def test_a_closed_wall_keeps_and_marks_nothing(tree, fake_vk):
    group = fake_vk.add(FakeGroup(id=1, posts=[vk_post(2, 1, likes=1), vk_post(1, 2, likes=1)]))
    make_pages(tree.vao_p1, "vk", ["club1"])
    collect_vk(fake_vk)
    group.wall_error = 15

    collect_vk(fake_vk)

    assert Post.objects.count() == 2
    assert not Post.objects.filter(deleted_at__isnull=False).exists()


# --- Telegram ----------------------------------------------------------------------------------------


def tg_message(
    post_id: int,
    date: dt.datetime,
    *,
    views: str,
    reactions: str = "",
    replies: str = "",
    media: str = "",
    text: str = "",
):
    """One post of the t.me/s preview in its documented markup, with the media blocks scrapers read."""
    blocks = {
        "": "",
        "photo": '<a class="tgme_widget_message_photo_wrap" href="https://t.me/union_news/{id}?single"></a>',
        "video": (
            '<a class="tgme_widget_message_video_player" href="#"><video class="tgme_widget_message_video"></video></a>'
        ),
        "link": (
            '<a class="tgme_widget_message_link_preview" href="https://union.ru/">'
            '<div class="link_preview_title">Сайт</div></a>'
        ),
        "forwarded": (
            '<div class="tgme_widget_message_forwarded_from">Forwarded from '
            '<a class="tgme_widget_message_forwarded_from_name" href="https://t.me/other/5">Other</a></div>'
        ),
    }
    reaction_html = (
        f'<div class="tgme_widget_message_reactions"><span class="tgme_reaction"><i>👍</i>{reactions}</span></div>'
        if reactions
        else ""
    )
    replies_html = (
        f'<a class="tgme_widget_message_replies"><span class="tgme_widget_message_reply_count">{replies}</span></a>'
        if replies
        else ""
    )
    return f"""<div class="tgme_widget_message_wrap js-widget_message_wrap">
      <div class="tgme_widget_message js-widget_message" data-post="union_news/{post_id}" data-view="x">
        {blocks[media].format(id=post_id)}
        <div class="tgme_widget_message_text js-message_text">{text or f"Пост {post_id}"}</div>{reaction_html}
        <div class="tgme_widget_message_footer"><div class="tgme_widget_message_info">
          <span class="tgme_widget_message_views">{views}</span>
          <span class="tgme_widget_message_meta"><a class="tgme_widget_message_date"
            href="https://t.me/union_news/{post_id}"><time datetime="{date.isoformat()}" class="time">x</time></a>
          </span></div></div>{replies_html}</div></div>"""


def tg_preview(messages: list[str]) -> str:
    pin = """<div class="tgme_widget_message_wrap"><div class="tgme_widget_message service_message"
        data-post="union_news/999"><div class="tgme_widget_message_text">Union pinned «Пост»</div>
        <a class="tgme_widget_message_date" href="#"><time datetime="2030-01-01T00:00:00+00:00">x</time></a>
        </div></div>"""
    return f"""<html><body><div class="tgme_channel_info"><div class="tgme_channel_info_counters">
        <div class="tgme_channel_info_counter"><span class="counter_value">1.2K</span>
        <span class="counter_type">subscribers</span></div></div></div>
        <section class="tgme_channel_history js-message_history">{"".join(messages)}{pin}</section></body></html>"""


def telegram() -> TelegramCollector:
    clock = FakeClock()
    return TelegramCollector(
        api_url=TG_API,
        web_url=TG_WEB,
        token=TG_TOKEN,
        bot_bucket=TokenBucket(20, clock=clock, sleep=clock.sleep),
        web_bucket=TokenBucket(2, clock=clock, sleep=clock.sleep),
        retry=RetryPolicy(sleep=clock.sleep, rng=random.Random(3)),
    )


def test_telegram_posts_are_kept_from_the_preview_with_their_kind(tree):
    now = timezone.now().replace(microsecond=0)
    (page,) = make_pages(tree.vao_p1, "telegram", ["union_news"])
    html = tg_preview(
        [
            tg_message(1, now - dt.timedelta(days=9), views="10.7M", media="forwarded"),
            tg_message(2, now - dt.timedelta(days=7), views="900", media="link"),
            tg_message(3, now - dt.timedelta(days=5), views="1.2K", reactions="15", replies="4", media="photo"),
            tg_message(4, now - dt.timedelta(days=3), views="184", media="video"),
            tg_message(5, now - dt.timedelta(days=1), views="12", text=LONG_TEXT.replace("\n", "<br/>")),
        ]
    )
    with respx.mock:
        respx.get(f"{TG_API}/bot{TG_TOKEN}/getChatMemberCount").respond(json={"ok": True, "result": 12345})
        respx.get(f"{TG_WEB}/s/union_news").respond(text=html)
        run = collection_collect(network="telegram", for_date=today(), collector=telegram())

    assert run.http_requests == 2  # the count and the preview, as before
    posts = {post.external_id: post for post in Post.objects.filter(page=page)}
    assert set(posts) == {"1", "2", "3", "4", "5"}  # the pin notice is not a post
    photo = posts["3"]
    assert photo.url == "https://t.me/union_news/3"
    assert photo.published_at == now - dt.timedelta(days=5)
    assert (photo.kind, photo.likes, photo.comments, photo.reposts, photo.views) == (PostKind.PHOTO, 15, 4, None, 1200)
    assert photo.excerpt == "Пост 3"
    assert {key: posts[key].kind for key in ("1", "2", "4", "5")} == {
        "1": PostKind.REPOST,
        "2": PostKind.LINK,
        "4": PostKind.VIDEO,
        "5": PostKind.TEXT,
    }
    assert posts["5"].excerpt == " ".join(LONG_TEXT.split())[:500]
    assert posts["1"].views == 10_700_000
    assert Snapshot.objects.get().views == 10_700_000 + 900 + 1200 + 184 + 12


# --- MAX ---------------------------------------------------------------------------------------------


def max_message(n: int, now_ms: int, *, attachment: str = "", forward: bool = False, text: str | None = None) -> dict:
    """A MAX Bot API Message: timestamp (ms), body {mid, seq, text, attachments}, link, url, stat.views."""
    body: dict = {"mid": f"mid.{n}", "seq": 100 + n, "text": f"Пост {n}" if text is None else text}
    if attachment:
        body["attachments"] = [{"type": attachment, "payload": {}}]
    message: dict = {
        "recipient": {"chat_id": 1, "chat_type": "channel"},
        "timestamp": now_ms - n * 86_400_000,
        "body": body,
        "url": f"https://max.ru/mgo_news/{100 + n}",
        "stat": {"views": 100 + n},
    }
    if forward:
        message["link"] = {"type": "forward", "chat_id": 7, "message": {"mid": "mid.x", "text": "Новость ЦК"}}
    return message


def test_max_posts_are_kept_with_views_and_their_kind(tree):
    now_ms = int(timezone.now().timestamp()) * 1000
    (page,) = make_pages(tree.vao_p1, "max", ["mgo_news"])
    answer = {
        "messages": [
            max_message(0, now_ms, text=LONG_TEXT),
            max_message(1, now_ms, attachment="image"),
            max_message(2, now_ms, attachment="video"),
            max_message(3, now_ms, attachment="share"),
            max_message(4, now_ms, forward=True, text=""),
            max_message(5, now_ms, attachment="file"),
        ]
    }
    chat = {
        "chat_id": 1,
        "type": "channel",
        "status": "active",
        "link": "https://max.ru/mgo_news",
        "participants_count": 5400,
    }
    clock = FakeClock()
    collector = MaxCollector(
        api_url=MAX_API,
        token=MAX_TOKEN,
        limiter=LocalWindow(30, clock=clock, sleep=clock.sleep),
        retry=RetryPolicy(sleep=clock.sleep, rng=random.Random(5)),
    )
    with respx.mock(base_url=MAX_API, assert_all_called=True) as router:
        router.get("/chats").respond(json={"chats": [chat], "marker": None})
        router.get("/messages").respond(json=answer)
        run = collection_collect(network="max", for_date=today(), collector=collector)

    assert run.http_requests == 2  # the bot's chats and the channel's messages, as before
    posts = {post.external_id: post for post in Post.objects.filter(page=page)}
    assert set(posts) == {f"mid.{n}" for n in range(6)}
    first = posts["mid.0"]
    assert first.url == "https://max.ru/mgo_news/100"
    assert first.published_at == dt.datetime.fromtimestamp(now_ms / 1000, tz=dt.UTC)
    assert first.excerpt == " ".join(LONG_TEXT.split())[:500]
    assert (first.kind, first.likes, first.comments, first.reposts, first.views) == (
        PostKind.TEXT,
        None,
        None,
        None,
        100,
    )
    assert {key: posts[f"mid.{key}"].kind for key in range(1, 6)} == {
        1: PostKind.PHOTO,
        2: PostKind.VIDEO,
        3: PostKind.LINK,
        4: PostKind.REPOST,
        5: PostKind.TEXT,
    }
    assert posts["mid.4"].excerpt == "Новость ЦК"


# --- OK ----------------------------------------------------------------------------------------------


def test_ok_reads_no_posts_so_it_keeps_none_and_its_one_request_stays_one(tree):
    make_pages(tree.vao_p1, "ok", ["123"])
    clock = FakeClock()
    collector = OkCollector(
        api_url=OK_URL,
        application_key="CBAFKEY",
        application_secret="SECRET",
        access_token="tkn",
        bucket=TokenBucket(5, clock=clock, sleep=clock.sleep),
        retry=RetryPolicy(sleep=clock.sleep, rng=random.Random(3)),
    )
    with respx.mock:
        route = respx.post(OK_URL).respond(json=[{"uid": "123", "members_count": 5}])
        run = collection_collect(network="ok", for_date=today(), collector=collector)

    assert route.call_count == run.http_requests == 1
    assert Snapshot.objects.get().subscribers == 5
    assert not Post.objects.exists()


# --- the 003 engagement from the kept posts ------------------------------------------------------------


def _snapshot_engagement() -> dict[int, float | None]:
    rows, _averages = engagement_report(scope_paths=None, on=today())
    return {row.fact.page_id: row.fact.engagement for row in rows}


def _assert_same(expected: dict[int, float | None], queries) -> None:
    with queries(2):  # the last posts of every page, and their subscribers: whatever the number of pages
        from_posts = engagement_from_posts(page_ids=list(expected), on=today())
    assert from_posts.keys() == expected.keys()
    for page_id, value in expected.items():
        assert from_posts[page_id] == pytest.approx(value) if value is not None else from_posts[page_id] is None


def test_vk_engagement_from_kept_posts_equals_the_snapshot_figure_also_after_a_deletion(
    tree, fake_vk, django_assert_num_queries
):
    fake_vk.synthetic = True  # 11 posts each, the newest pinned (tests/fakes/vk_server.py)
    many = fake_vk.add(
        FakeGroup(
            id=7, members=3000, posts=[vk_post(100 - n, n, likes=n, comments=n % 4, reposts=1) for n in range(15)]
        )
    )
    make_pages(tree.vao_p1, "vk", ["club7", *[f"club{i}" for i in range(11, 40)]])
    collect_vk(fake_vk)
    expected = _snapshot_engagement()
    assert len(expected) == 30 and all(value is not None for value in expected.values())
    _assert_same(expected, django_assert_num_queries)

    many.posts = [post for post in many.posts if post["id"] != 97]  # a post among the last ten is deleted
    for post in many.posts:
        post["likes"]["count"] += 2  # and reactions grew
    collect_vk(fake_vk)

    assert Post.objects.filter(deleted_at__isnull=False).count() == 1
    _assert_same(_snapshot_engagement(), django_assert_num_queries)


def test_telegram_max_and_ok_engagement_from_kept_posts_equals_the_snapshot_figure(tree, django_assert_num_queries):
    now = timezone.now().replace(microsecond=0)
    make_pages(tree.vao_p1, "telegram", ["union_news"])
    make_pages(tree.vao_p1, "max", ["mgo_news"])
    make_pages(tree.vao_p1, "ok", ["123"])
    html = tg_preview(
        [
            tg_message(n, now - dt.timedelta(days=30 - n), views="1.5K", reactions=str(n), replies=str(n % 3))
            for n in range(1, 16)
        ]
    )
    now_ms = int(now.timestamp()) * 1000
    chat = {
        "chat_id": 1,
        "type": "channel",
        "status": "active",
        "link": "https://max.ru/mgo_news",
        "participants_count": 700,
    }
    clock = FakeClock()
    with respx.mock(assert_all_called=False) as router:
        router.get(f"{TG_API}/bot{TG_TOKEN}/getChatMemberCount").respond(json={"ok": True, "result": 2500})
        router.get(f"{TG_WEB}/s/union_news").respond(text=html)
        router.get(f"{MAX_API}/chats").respond(json={"chats": [chat], "marker": None})
        router.get(f"{MAX_API}/messages").respond(json={"messages": [max_message(n, now_ms) for n in range(11)]})
        router.post(OK_URL).respond(json=[{"uid": "123", "members_count": 5}])
        collection_collect(network="telegram", for_date=today(), collector=telegram())
        collection_collect(
            network="max",
            for_date=today(),
            collector=MaxCollector(
                api_url=MAX_API,
                token=MAX_TOKEN,
                limiter=LocalWindow(30, clock=clock, sleep=clock.sleep),
                retry=RetryPolicy(sleep=clock.sleep, rng=random.Random(5)),
            ),
        )
        collection_collect(
            network="ok",
            for_date=today(),
            collector=OkCollector(
                api_url=OK_URL,
                application_key="CBAFKEY",
                application_secret="SECRET",
                bucket=TokenBucket(5, clock=clock, sleep=clock.sleep),
                retry=RetryPolicy(sleep=clock.sleep, rng=random.Random(3)),
            ),
        )

    expected = _snapshot_engagement()
    by_network = {Snapshot.objects.get(page_id=page_id).page.network: value for page_id, value in expected.items()}
    # Telegram: the newest ten of the fifteen posts, reactions and replies; MAX and OK count no likes: none.
    assert by_network["telegram"] == pytest.approx(sum(n + n % 3 for n in range(6, 16)) / 10 * 100 / 2500)
    assert by_network["max"] is None and by_network["ok"] is None
    _assert_same(expected, django_assert_num_queries)
