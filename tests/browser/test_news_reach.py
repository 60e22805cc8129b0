"""News that reached the pages: a reviewer links a published item to a suggested post, and the completeness
grid counts it (docs/posts.md). Screenshots at 1280 and 390 px when NEWS_SCREENS_DIR is set."""

from __future__ import annotations

import datetime as dt

import pytest

from news.models import NewsItem, NewsPostLink, NewsStatus, PostLinkHow
from news.months import local_today
from socialstats.models import Network, Post, SocialPage
from tests.browser.conftest import login
from tests.browser.test_news_review import _fits, _shot
from tests.news.conftest import make_item, moscow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = "Члены профсоюза школы провели весенний субботник во дворе и посадили деревья."
EXCERPT = "Весенний субботник: учителя школы № 5 вышли во двор и посадили десять деревьев!"


def _scene(tree):
    month = (local_today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)  # last month: in the grid
    sent = moscow(month.year, month.month, 10)
    vk = SocialPage.objects.create(
        organisation=tree.vao, network=Network.VK, url="https://vk.com/profkom_vao", title="Профком ВАО"
    )
    tg = SocialPage.objects.create(
        organisation=tree.vao, network=Network.TELEGRAM, url="https://t.me/profkomvao", title="Профком ВАО · Telegram"
    )
    item = make_item(tree.vao_p1, month, NewsStatus.PUBLISHED, sent, title="Весенний субботник в школе")
    NewsItem.objects.filter(pk=item.pk).update(text=TEXT, published_url="https://vk.com/wall-1_999")
    suggested = Post.objects.create(
        page=tg,
        external_id="41",
        url="https://t.me/profkomvao/41",
        published_at=sent + dt.timedelta(days=2),
        excerpt=EXCERPT,
        likes=12,
        comments=3,
        reposts=1,
    )
    linked_item = make_item(tree.vao_p2, month, NewsStatus.PUBLISHED, sent, title="Спартакиада педагогов")
    NewsItem.objects.filter(pk=linked_item.pk).update(text="Команда школы заняла второе место в спартакиаде.")
    linked_post = Post.objects.create(
        page=vk,
        external_id="-1_7",
        url="https://vk.com/wall-1_7",
        published_at=sent + dt.timedelta(days=1),
        excerpt="Спартакиада педагогов: команда школы № 2 — второе место!",
    )
    NewsPostLink.objects.create(item=linked_item, post=linked_post, how=PostLinkHow.ENTERED_LINK)
    make_item(tree.vao_p2, month, NewsStatus.PUBLISHED, sent, title="Встреча с ветеранами")  # reached nothing
    return item, suggested


def test_reviewer_links_a_published_item_to_a_suggested_post_and_completeness_counts_it(
    page, phone_page, live_server, cast, tree
):
    item, suggested = _scene(tree)
    login(page, live_server, "tpo")
    login(phone_page, live_server, "tpo")
    page.goto(f"{live_server.url}/news/completeness/")
    assert page.inner_text("#union-totals tbody tr:last-child td.reached") == "0"  # the current month
    before = [cell.inner_text() for cell in page.query_selector_all("#union-totals td.reached")]
    page.goto(f"{live_server.url}/news/review/")
    row = page.locator(f"#item-{item.pk}")
    assert "не опубликована" in row.inner_text()
    assert "совпадение 56 %" in row.inner_text()
    assert "опубликована на странице ТПО" in page.inner_text("#review-queue")
    _fits(page)
    _shot(page, "reach-queue-1280")
    phone_page.goto(f"{live_server.url}/news/review/")
    _fits(phone_page)
    _shot(phone_page, "reach-queue-390")

    row.locator("button.confirm-post").click()
    page.wait_for_selector("ul.messages")
    assert "связана с записью" in page.content()
    assert "опубликована на странице ТПО" in page.locator(f"#item-{item.pk}").inner_text()
    assert NewsPostLink.objects.filter(item=item, post=suggested, how=PostLinkHow.SUGGESTION).exists()
    _shot(page, "reach-queue-confirmed-1280")

    page.goto(f"{live_server.url}/news/completeness/")
    after = [cell.inner_text() for cell in page.query_selector_all("#union-totals td.reached")]
    assert [int(value) for value in after] != [int(value) for value in before]
    assert sum(int(value) for value in after) == sum(int(value) for value in before) + 1 == 2
    _shot(page, "reach-completeness-1280")
    phone_page.goto(f"{live_server.url}/news/completeness/")
    _fits(phone_page)
    _shot(phone_page, "reach-completeness-390")
