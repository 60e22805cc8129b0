"""Retention of the kept posts (docs/posts.md «Retention»): posts published before now − POSTS_KEEP_DAYS go,
except each page's 10 newest non-deleted, non-pinned posts, a pinned post still there (the collector reads it
every night) and the posts another model refers to (news links).

Now: 1 June 2026, 12:00 Moscow; 60 days kept → posts before 2 April 2026, 12:00 are old.
- ВК «vao»: 5 old posts (1–5 March) and 10 recent ones (1–10 May). Its 10 newest are the recent ones, so the
  old ones go — except 1 March, which a published news item links to: 4 deleted.
- Telegram «tg»: 12 old posts (1–12 January), a pinned one (20 January) and one marked deleted (25 January).
  Its 10 newest non-deleted, non-pinned posts are 3–12 January and stay although old, and so does the pinned
  one; 1 and 2 January and the deleted one go: 3 deleted.
7 deleted in all; a second run deletes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
import respx
from django.core.management import call_command

from news.models import NewsPostLink, NewsStatus, PostLinkHow
from socialstats.collection import retention
from socialstats.collection.retention import posts_prune
from socialstats.collection.services import collection_collect, collection_start
from socialstats.models import CollectionRun, Network, Post, RunStatus, SocialPage
from socialstats.tasks import collect_network
from tests.fakes.vk_server import NOW, FakeGroup, FakeVk
from tests.news.conftest import make_item, moscow
from tests.socialstats.collect_helpers import VK_URL, FakeClock, make_pages, vk_collector
from tests.socialstats.test_posts_collect import today, vk_post

pytestmark = pytest.mark.django_db
NOW_MSK = moscow(2026, 6, 1)


def _post(page, day: dt.datetime, **fields) -> Post:
    number = Post.objects.filter(page=page).count() + 1
    return Post.objects.create(
        page=page, external_id=str(number), url=f"https://example.org/{number}", published_at=day, **fields
    )


@pytest.fixture
def stored(tree, settings):
    settings.POSTS_KEEP_DAYS = 60
    vk = SocialPage.objects.create(organisation=tree.vao, network=Network.VK, handle="vao")
    tg = SocialPage.objects.create(organisation=tree.vao, network=Network.TELEGRAM, handle="tg")
    old_vk = [_post(vk, moscow(2026, 3, day)) for day in range(1, 6)]
    for day in range(1, 11):
        _post(vk, moscow(2026, 5, day))
    item = make_item(tree.vao_p1, dt.date(2026, 3, 1), NewsStatus.PUBLISHED)
    NewsPostLink.objects.create(item=item, post=old_vk[0], how=PostLinkHow.SUGGESTION)
    for day in range(1, 13):
        _post(tg, moscow(2026, 1, day))
    _post(tg, moscow(2026, 1, 20), is_pinned=True)
    _post(tg, moscow(2026, 1, 25), deleted_at=moscow(2026, 1, 30))
    return vk, tg


def _days(page) -> list[tuple[int, int]]:
    return sorted(
        (post.published_at.astimezone(NOW_MSK.tzinfo).month, post.published_at.astimezone(NOW_MSK.tzinfo).day)
        for post in page.posts.all()
    )


@pytest.mark.parametrize("batch", [retention.BATCH_IDS, 3])
def test_old_posts_go_but_each_pages_ten_newest_and_news_linked_posts_stay(stored, monkeypatch, batch):
    monkeypatch.setattr(retention, "BATCH_IDS", batch)  # several id ranges: the same answer
    vk, tg = stored
    assert posts_prune(now=NOW_MSK, dry_run=True) == 7
    assert Post.objects.count() == 15 + 14  # a dry run deletes nothing

    assert posts_prune(now=NOW_MSK) == 7

    assert _days(vk) == [(3, 1)] + [(5, day) for day in range(1, 11)]
    assert _days(tg) == [(1, day) for day in range(3, 13)] + [(1, 20)]
    assert NewsPostLink.objects.count() == 1
    assert posts_prune(now=NOW_MSK) == 0  # idempotent
    assert Post.objects.count() == 22


def test_one_network_only_and_the_command_reports_in_russian(stored, capsys):
    _vk, tg = stored
    assert posts_prune(now=NOW_MSK, network=Network.VK) == 4
    assert tg.posts.count() == 14

    call_command("posts_prune", "--dry-run")
    assert capsys.readouterr().out.strip() == "Записей будет удалено: 3"
    assert tg.posts.count() == 14
    call_command("posts_prune")
    assert capsys.readouterr().out.strip() == "Удалено записей: 3"
    assert tg.posts.count() == 11


@pytest.fixture
def fake_vk(settings):
    settings.VK_API_TOKEN = "vk-test-token"
    settings.VK_API_URL = VK_URL
    settings.POSTS_KEEP_DAYS = 60
    fake = FakeVk()
    with respx.mock(assert_all_called=False) as router:
        router.post(url__startswith=VK_URL).mock(side_effect=fake.respx_side_effect)
        yield fake


def test_the_nightly_collection_prunes_its_networks_posts_once_after_the_writes(tree, fake_vk):
    (page,) = make_pages(tree.vao_p1, "vk", ["club1"])
    fake_vk.add(FakeGroup(id=1, posts=[vk_post(100 + n, n + 1, likes=n) for n in range(10)]))
    stored_at = dt.datetime.fromtimestamp(NOW, tz=dt.UTC)
    for n in range(3):  # read on earlier nights, no longer among the wall's latest
        Post.objects.create(page=page, external_id=str(n), published_at=stored_at - dt.timedelta(days=70 + n))
    (tg,) = make_pages(tree.vao_p1, "telegram", ["tgpage"])
    for n in range(12):
        Post.objects.create(page=tg, external_id=str(n), published_at=stored_at - dt.timedelta(days=70 + n))

    collection_collect(network="vk", for_date=today(), collector=vk_collector(fake_vk, FakeClock()))

    assert sorted(map(int, page.posts.values_list("external_id", flat=True))) == list(range(100, 110))
    assert tg.posts.count() == 12  # another network's run prunes it


def test_nightly_runs_leave_retention_to_the_nights_last_run_which_prunes_every_network(tree, fake_vk):
    (page,) = make_pages(tree.vao_p1, "vk", ["club1"])
    fake_vk.add(FakeGroup(id=1, posts=[vk_post(100 + n, n + 1, likes=n) for n in range(10)]))
    stored_at = dt.datetime.fromtimestamp(NOW, tz=dt.UTC)
    for n in range(3):
        Post.objects.create(page=page, external_id=str(n), published_at=stored_at - dt.timedelta(days=70 + n))
    (tg,) = make_pages(tree.vao_p1, "telegram", ["tgpage"])
    for n in range(12):
        Post.objects.create(page=tg, external_id=str(n), published_at=stored_at - dt.timedelta(days=70 + n))
    telegram = CollectionRun.objects.create(network="telegram", for_date=today(), trigger="nightly")

    run = collection_start(network="vk", for_date=today(), trigger="nightly")
    collect_network("vk", today().isoformat(), None, run.pk)
    assert page.posts.count() == 13 and tg.posts.count() == 12  # Telegram's run is still going

    CollectionRun.objects.filter(pk=telegram.pk).update(status=RunStatus.DONE)
    run = collection_start(network="vk", for_date=today(), trigger="nightly")
    collect_network("vk", today().isoformat(), None, run.pk)  # the night's last run
    assert sorted(map(int, page.posts.values_list("external_id", flat=True))) == list(range(100, 110))
    assert tg.posts.count() == 10
