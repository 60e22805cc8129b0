"""News that reached the pages: a published item linked to the posts it appeared in.

The cast's tree: МГО Профсоюза → ВАО → ППО Школа 1 / Школа 2; МГО → ЗАО → ППО Школа 3. ВАО has a VK page and a
Telegram channel, ЗАО a VK page. The item of Школа 1 was sent on 1 October 2026 (12:00 Moscow) and published.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from news import selectors
from news.models import NewsItem, NewsPostLink, NewsPostRejection, NewsStatus, PostLinkHow
from news.reach import selectors as reach_selectors
from news.reach import services as reach_services
from news.reach.matching import post_key, similarity, words
from socialstats.collection.collectors.base import Metrics, Outcome, PageResult, PostData
from socialstats.collection.posts import posts_store
from socialstats.models import Network, Post, SocialPage
from socialstats.signals import posts_stored
from tests.news.conftest import make_item, moscow

pytestmark = pytest.mark.django_db

OCT = dt.date(2026, 10, 1)
TITLE = "Весенний субботник в школе"
TEXT = "Члены профсоюза школы провели весенний субботник во дворе и посадили деревья."
# Hand-computed: the item's words (stemmed) are весенн суббот школ член прове двор посади дерев (8);
# the post's are весенн суббот учите школ вышл двор посади деся деревь (9); common: весенн суббот школ
# двор посади (5) → 5 ÷ 9 = 0.556 → «совпадение 56 %».
MATCHING = "Весенний субботник: учителя школы № 5 вышли во двор и посадили десять деревьев!"
UNRELATED = "Поздравляем ветеранов с праздником! Концерт в доме культуры."


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://vk.com/wall-123_45", "vk:wall-123_45"),
        ("http://vk.com/wall-123_45", "vk:wall-123_45"),
        ("vk.com/wall-123_45", "vk:wall-123_45"),
        ("https://m.vk.com/wall-123_45/", "vk:wall-123_45"),
        ("https://www.vk.com/wall-123_45?from=feed", "vk:wall-123_45"),
        ("https://vk.com/profkom_vao?w=wall-123_45", "vk:wall-123_45"),
        ("https://vk.com/club123?w=wall-123_45%2Fall", "vk:wall-123_45"),
        ("https://vk.ru/wall-123_45", "vk:wall-123_45"),
        ("  https://vk.com/wall-123_45  ", "vk:wall-123_45"),
        ("https://t.me/ProfkomVAO/512", "tg:profkomvao/512"),
        ("t.me/profkomvao/512/", "tg:profkomvao/512"),
        ("https://t.me/s/profkomvao/512", "tg:profkomvao/512"),
        ("https://telegram.me/profkomvao/512?single", "tg:profkomvao/512"),
        ("https://ok.ru/group/54321/topic/1554", "ok:topic/1554"),
        ("https://m.ok.ru/group/54321/topic/1554/", "ok:topic/1554"),
        ("www.ok.ru/profkom.vao/topic/1554", "ok:topic/1554"),
        ("https://max.ru/profkom_vao/AZ9/", "max.ru/profkom_vao/az9"),
        ("", ""),
    ],
)
def test_post_links_are_normalised_whichever_way_they_were_copied(url, key):
    assert post_key(url) == key


def test_different_posts_keep_different_keys():
    assert post_key("https://vk.com/wall-123_45") != post_key("https://vk.com/wall-123_46")
    assert post_key("https://t.me/profkomvao/5") != post_key("https://t.me/profkomzao/5")


def test_similarity_is_the_share_of_the_posts_words_found_in_the_item():
    item = words(f"{TITLE} {TEXT}")
    assert item == {"весенн", "суббот", "школ", "член", "прове", "двор", "посади", "дерев"}
    match = similarity(item, MATCHING)
    assert (match.common, match.post_words, match.percent) == (5, 9, 56)
    assert match.is_suggestion
    assert not similarity(item, UNRELATED).is_suggestion
    title = words(TITLE)
    assert similarity(item, MATCHING, title).title_common == 3  # весенн суббот школ
    # The same words but none of the title's: two items sharing a boilerplate sentence are not each other's.
    boilerplate = similarity(item, "Члены школы провели во дворе и посадили деревья", words("Турнир по волейболу"))
    assert (boilerplate.common, boilerplate.post_words) == (6, 6) and not boilerplate.is_suggestion


@pytest.fixture
def pages(tree):
    return {
        "vao_vk": SocialPage.objects.create(
            organisation=tree.vao, network=Network.VK, url="https://vk.com/profkom_vao", handle="profkom_vao"
        ),
        "vao_tg": SocialPage.objects.create(
            organisation=tree.vao, network=Network.TELEGRAM, url="https://t.me/profkomvao", handle="profkomvao"
        ),
        "zao_vk": SocialPage.objects.create(
            organisation=tree.zao, network=Network.VK, url="https://vk.com/profkom_zao", handle="profkom_zao"
        ),
    }


def make_post(page, number: int, when: dt.datetime, excerpt: str = "", url: str = "", **reactions) -> Post:
    return Post.objects.create(
        page=page,
        external_id=str(number),
        url=url or f"https://vk.com/wall-1_{number}",
        published_at=when,
        excerpt=excerpt,
        **reactions,
    )


@pytest.fixture
def published(tree):
    item = make_item(tree.vao_p1, OCT, NewsStatus.PUBLISHED, moscow(2026, 10, 1), title=TITLE)
    NewsItem.objects.filter(pk=item.pk).update(
        text=TEXT, published_url="https://m.vk.com/wall-1_10/", reviewed_at=moscow(2026, 10, 3)
    )
    item.refresh_from_db()
    return item


def test_an_item_is_linked_to_the_post_its_link_points_to(published, pages):
    post = make_post(pages["vao_vk"], 10, moscow(2026, 10, 3), url="https://vk.com/profkom_vao?w=wall-1_10")
    make_post(pages["vao_vk"], 100, moscow(2026, 10, 3), url="https://vk.com/wall-1_100")
    assert reach_services.links_from_published_url(item=published) == 1
    link = NewsPostLink.objects.get()
    assert (link.item, link.post, link.how) == (published, post, PostLinkHow.ENTERED_LINK)
    assert reach_services.links_from_published_url(item=published) == 0  # once


def test_a_post_of_another_territory_is_not_linked_by_its_link(published, pages):
    make_post(pages["zao_vk"], 10, moscow(2026, 10, 3), url="https://vk.com/wall-1_10")
    assert reach_services.links_from_published_url(item=published) == 0
    assert not NewsPostLink.objects.exists()


def test_posts_collected_later_are_linked_through_the_signal(published, pages, settings):
    settings.POSTS_KEEP_DAYS = 100000  # the fixed calendar is in the past
    assert reach_services.links_from_published_url(item=published) == 0  # not collected yet
    post = make_post(pages["vao_vk"], 10, moscow(2026, 10, 3), url="https://vk.com/wall-1_10")
    posts_stored.send(sender=Post, page_ids=[pages["vao_vk"].pk])
    assert list(NewsPostLink.objects.values_list("item_id", "post_id", "how")) == [
        (published.pk, post.pk, PostLinkHow.ENTERED_LINK)
    ]
    posts_stored.send(sender=Post, page_ids=[pages["vao_vk"].pk])
    assert NewsPostLink.objects.count() == 1


def test_the_collections_write_of_posts_links_the_item_after_commit(
    published, pages, settings, django_capture_on_commit_callbacks
):
    """The collection's own write step sends the signal once its transaction commits (no hand-sent signal)."""
    settings.POSTS_KEEP_DAYS = 100000  # the fixed calendar is in the past
    posts = [PostData(external_id="10", published_at=moscow(2026, 10, 3), url="https://vk.com/wall-1_10")]
    result = PageResult(pages["vao_vk"].pk, Outcome.COLLECTED, metrics=Metrics(subscribers=10, posts=posts))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        posts_store([result])
    assert not NewsPostLink.objects.exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    link = NewsPostLink.objects.get()
    assert (link.item, link.post.external_id, link.how) == (published, "10", PostLinkHow.ENTERED_LINK)


def test_publishing_links_a_post_that_is_already_stored(client, cast, tree, pages):
    item = make_item(tree.vao_p1, OCT, NewsStatus.ACCEPTED, moscow(2026, 10, 1), title=TITLE)
    post = make_post(pages["vao_tg"], 512, moscow(2026, 10, 2), url="https://t.me/profkomvao/512")
    client.force_login(cast.territorial_admin)
    client.post(reverse("news:publish", args=[item.pk]), {"url": "https://t.me/s/ProfkomVAO/512/"})
    assert NewsPostLink.objects.get().post == post


def test_suggestions_match_the_text_within_the_window(published, pages, settings):
    settings.POST_MATCH_DAYS = 14
    good = make_post(pages["vao_tg"], 1, moscow(2026, 10, 6), MATCHING, url="https://t.me/profkomvao/1")
    make_post(pages["vao_vk"], 2, moscow(2026, 10, 6), UNRELATED)  # different text
    make_post(pages["vao_vk"], 3, moscow(2026, 10, 16), MATCHING)  # 15 days after: outside the window
    make_post(pages["vao_vk"], 4, moscow(2026, 9, 30), MATCHING)  # before the item was sent
    make_post(pages["zao_vk"], 5, moscow(2026, 10, 6), MATCHING)  # another territory's page
    reach_selectors.attach_reach([published])
    assert [(s.post, s.match.percent) for s in published.reach.suggestions] == [(good, 56)]
    assert not published.reach.reached


def test_confirming_a_suggestion_links_it_and_rejecting_hides_it(published, pages, cast):
    first = make_post(pages["vao_tg"], 1, moscow(2026, 10, 6), MATCHING)
    second = make_post(pages["vao_vk"], 2, moscow(2026, 10, 7), MATCHING)
    reach_services.post_link_confirm(item=published, post_id=str(first.pk), by=cast.territorial_admin)
    reach_services.post_link_reject(item=published, post_id=second.pk, by=cast.territorial_admin)
    link = NewsPostLink.objects.get()
    assert (link.post, link.how, link.confirmed_by) == (first, PostLinkHow.SUGGESTION, cast.territorial_admin)
    assert NewsPostRejection.objects.get().post == second
    reach_selectors.attach_reach([published])
    assert published.reach.reached and published.reach.suggestions == []


@pytest.mark.parametrize(
    ("post_id", "message"),
    [
        ("", "выберите запись из предложенных"),
        ("abc", "выберите запись из предложенных"),
        ("999999", "не относится к страницам организации"),
        ("zao", "не относится к страницам организации"),
    ],
)
def test_confirming_a_wrong_post_is_refused_in_russian_and_saves_nothing(
    client, cast, published, pages, post_id, message
):
    if post_id == "zao":
        post_id = str(make_post(pages["zao_vk"], 5, moscow(2026, 10, 6), MATCHING).pk)
    client.force_login(cast.territorial_admin)
    response = client.post(reverse("news:post_confirm", args=[published.pk]), {"post": post_id}, follow=True)
    assert message in response.content.decode()
    assert not NewsPostLink.objects.exists()


def test_an_item_that_is_not_published_cannot_be_linked(client, cast, tree, pages):
    item = make_item(tree.vao_p1, OCT, NewsStatus.ACCEPTED, moscow(2026, 10, 1), title=TITLE)
    post = make_post(pages["vao_vk"], 1, moscow(2026, 10, 6), MATCHING)
    client.force_login(cast.territorial_admin)
    response = client.post(reverse("news:post_reject", args=[item.pk]), {"post": post.pk}, follow=True)
    assert "только опубликованную новость" in response.content.decode()
    assert not NewsPostRejection.objects.exists()


def test_confirming_twice_says_it_is_already_linked(client, cast, published, pages):
    post = make_post(pages["vao_vk"], 1, moscow(2026, 10, 6), MATCHING)
    client.force_login(cast.territorial_admin)
    url = reverse("news:post_confirm", args=[published.pk])
    first = client.post(url, {"post": post.pk, "next": reverse("news:review")}, follow=True)
    assert "связана с записью" in first.content.decode()
    assert first.redirect_chain[-1][0] == reverse("news:review")
    second = client.post(url, {"post": post.pk}, follow=True)
    assert "уже связана" in second.content.decode()
    assert NewsPostLink.objects.count() == 1


def test_out_of_scope_reviewers_get_404_and_nothing_is_saved(client, cast, tree, pages, published):
    from orgs.models import Role
    from tests.factories import UserFactory, assign

    zao_admin = UserFactory(username="zao_admin")
    assign(zao_admin, Role.TERRITORIAL_ADMIN, tree.zao)
    post = make_post(pages["vao_vk"], 1, moscow(2026, 10, 6), MATCHING)
    for user in (zao_admin, cast.primary_admin, cast.presidium, cast.outsider):
        client.force_login(user)
        for name in ("news:post_confirm", "news:post_reject"):
            assert client.post(reverse(name, args=[published.pk]), {"post": post.pk}).status_code == 404
    client.force_login(cast.territorial_admin)
    assert client.get(reverse("news:post_confirm", args=[published.pk])).status_code == 405  # POST only
    assert not NewsPostLink.objects.exists() and not NewsPostRejection.objects.exists()


def test_the_review_queue_shows_reach_and_suggestions_with_buttons(client, cast, published, pages, tree):
    post = make_post(pages["vao_tg"], 1, moscow(2026, 10, 6), MATCHING, url="https://t.me/profkomvao/1")
    linked = make_item(tree.vao_p2, OCT, NewsStatus.PUBLISHED, moscow(2026, 10, 2), title="Спартакиада")
    shown = make_post(pages["vao_vk"], 7, moscow(2026, 10, 4), "Спартакиада", url="https://vk.com/wall-1_7")
    NewsPostLink.objects.create(item=linked, post=shown, how=PostLinkHow.ENTERED_LINK)
    client.force_login(cast.territorial_admin)
    html = client.get(reverse("news:review")).content.decode()
    assert "опубликована на странице ТПО" in html and 'href="https://vk.com/wall-1_7"' in html
    assert "не опубликована" in html
    assert "совпадение 56 %" in html and 'href="https://t.me/profkomvao/1"' in html
    assert "Подтвердить" in html and "Отклонить" in html and "csrfmiddlewaretoken" in html
    assert f'name="post" value="{post.pk}"' in html


def _queue_world(tree, pages, size: int) -> None:
    for number in range(size):
        item = make_item(tree.vao_p1, OCT, NewsStatus.PUBLISHED, moscow(2026, 10, 1), title=f"{TITLE} {number}")
        NewsItem.objects.filter(pk=item.pk).update(text=TEXT)
        post = make_post(pages["vao_vk"], 1000 + number, moscow(2026, 10, 5), MATCHING)
        make_post(
            pages["vao_tg"], 2000 + number, moscow(2026, 10, 5), MATCHING, url=f"https://t.me/profkomvao/{number}"
        )
        if number % 2:
            NewsPostLink.objects.create(item=item, post=post, how=PostLinkHow.ENTERED_LINK)


@pytest.mark.parametrize("size", [3, 24])
def test_review_queue_query_budget_does_not_grow_with_items_and_posts(
    client, cast, tree, pages, size, django_assert_max_num_queries
):
    _queue_world(tree, pages, size)
    client.force_login(cast.territorial_admin)
    budget = 9  # session, user, roles, count, items, organisations; links, rejections, posts (three for the reach)
    with django_assert_max_num_queries(budget):
        response = client.get(reverse("news:review"))
    assert response.content.decode().count("confirm-post") >= size


def test_completeness_counts_the_published_items_that_reached_a_page(client, cast, tree, pages, published):
    other = make_item(tree.vao_p2, OCT, NewsStatus.PUBLISHED, moscow(2026, 10, 2), title="Спартакиада")
    make_item(tree.zao_p1, OCT, NewsStatus.PUBLISHED, moscow(2026, 10, 2), title="Не дошла")
    first = make_post(pages["vao_vk"], 1, moscow(2026, 10, 6), MATCHING)
    second = make_post(pages["vao_tg"], 2, moscow(2026, 10, 6), MATCHING)
    # Two posts of one item count it once; the ЗАО item reached no page.
    NewsPostLink.objects.create(item=published, post=first, how=PostLinkHow.SUGGESTION)
    NewsPostLink.objects.create(item=published, post=second, how=PostLinkHow.SUGGESTION)
    NewsPostLink.objects.create(item=other, post=first, how=PostLinkHow.ENTERED_LINK)
    report = selectors.completeness(cast.info_officer, [dt.date(2026, 9, 1), OCT], today=dt.date(2026, 11, 20))
    reached = {row.organisation.name: row.reached for block in report.territories for row in block.rows}
    assert reached == {"ППО Школа 1": 1, "ППО Школа 2": 1, "ППО Школа 3": 0}
    assert [totals.reached for totals in report.union_totals] == [0, 2]
    assert report.territories[0].reached == 2
    assert [cell.count for cell in report.territories[0].rows[0].cells] == [0, 1]  # the join doubles nothing
    client.force_login(cast.info_officer)
    response = client.get(reverse("news:completeness_xlsx"), {"until": "2026-10", "months": 2})
    workbook = load_workbook(io.BytesIO(response.content))
    grid = list(workbook.worksheets[0].values)
    assert grid[0][-1] == "Дошло до страниц"
    assert {row[1]: row[-1] for row in grid[1:]} == {"ППО Школа 1": 1, "ППО Школа 2": 1, "ППО Школа 3": 0}
    rates = list(workbook.worksheets[1].values)
    assert rates[0][-1] == "Дошло до страниц" and [row[-1] for row in rates[1:]] == [0, 2]
    html = client.get(reverse("news:completeness"), {"until": "2026-10", "months": 2}).content.decode()
    assert "Дошло до страниц" in html


# Unlinking («Отвязать»): a reviewer removes a wrong link in the portal, not in the admin.


def test_unlinking_a_confirmed_suggestion_lets_it_be_suggested_again(published, pages, cast):
    post = make_post(pages["vao_tg"], 1, moscow(2026, 10, 6), MATCHING)
    reach_services.post_link_confirm(item=published, post_id=post.pk, by=cast.territorial_admin)
    removed = reach_services.post_link_remove(item=published, post_id=str(post.pk), by=cast.territorial_admin)
    assert removed.post == post and not NewsPostLink.objects.exists()
    assert not NewsPostRejection.objects.exists()
    reach_selectors.attach_reach([published])
    assert not published.reach.reached
    assert [suggestion.post for suggestion in published.reach.suggestions] == [post]


def test_unlinking_a_post_linked_by_the_entered_link_keeps_it_from_coming_back(published, pages, cast, settings):
    settings.POSTS_KEEP_DAYS = 100000  # the fixed calendar is in the past
    post = make_post(pages["vao_vk"], 10, moscow(2026, 10, 3), MATCHING, url="https://vk.com/wall-1_10")
    assert reach_services.links_from_published_url(item=published) == 1
    reach_services.post_link_remove(item=published, post_id=post.pk, by=cast.territorial_admin)
    assert NewsPostRejection.objects.get().post == post
    # Neither tonight's collection nor the item's own link brings it back, and it is not suggested.
    posts_stored.send(sender=Post, page_ids=[pages["vao_vk"].pk])
    assert reach_services.links_from_published_url(item=published) == 0
    assert not NewsPostLink.objects.exists()
    reach_selectors.attach_reach([published])
    assert published.reach.suggestions == []


@pytest.mark.parametrize("post_id", [None, "", "abc", "999999"])
def test_unlinking_a_post_that_is_not_linked_is_refused_in_russian(published, pages, cast, post_id):
    post = make_post(pages["vao_tg"], 1, moscow(2026, 10, 6), MATCHING)
    NewsPostLink.objects.create(item=published, post=post, how=PostLinkHow.SUGGESTION)
    with pytest.raises(ValidationError) as error:
        reach_services.post_link_remove(item=published, post_id=post_id, by=cast.territorial_admin)
    assert error.value.messages == ["Новость не связана с этой записью."]
    assert NewsPostLink.objects.count() == 1


def test_the_unlink_button_asks_first_then_unlinks_and_the_report_stops_counting(client, cast, published, pages):
    post = make_post(pages["vao_vk"], 1, moscow(2026, 10, 6), MATCHING, url="https://vk.com/wall-1_1")
    NewsPostLink.objects.create(item=published, post=post, how=PostLinkHow.SUGGESTION)
    client.force_login(cast.territorial_admin)
    queue = client.get(reverse("news:review")).content.decode()
    assert "unlink-post" in queue and "Отвязать" in queue
    url = reverse("news:post_unlink", args=[published.pk])
    asked = client.post(url, {"post": post.pk, "next": reverse("news:review")})
    html = asked.content.decode()
    assert asked.status_code == 200 and "Отвязать запись от новости?" in html
    assert 'name="confirmed" value="1"' in html and 'href="https://vk.com/wall-1_1"' in html
    assert NewsPostLink.objects.count() == 1  # asking changes nothing
    done = client.post(url, {"post": post.pk, "next": reverse("news:review"), "confirmed": "1"}, follow=True)
    assert done.redirect_chain[-1][0] == reverse("news:review")
    assert f"Запись отвязана от новости «{TITLE}»." in done.content.decode()
    assert not NewsPostLink.objects.exists()
    report = selectors.completeness(cast.info_officer, [OCT], today=dt.date(2026, 11, 20))
    assert [totals.reached for totals in report.union_totals] == [0]
    again = client.post(url, {"post": post.pk, "confirmed": "1"})
    assert again.status_code == 404  # nothing to unlink any more


def test_unlinking_out_of_scope_is_404_and_get_is_not_allowed(client, cast, tree, pages, published):
    from orgs.models import Role
    from tests.factories import UserFactory, assign

    zao_admin = UserFactory(username="zao_admin")
    assign(zao_admin, Role.TERRITORIAL_ADMIN, tree.zao)
    post = make_post(pages["vao_vk"], 1, moscow(2026, 10, 6), MATCHING)
    NewsPostLink.objects.create(item=published, post=post, how=PostLinkHow.SUGGESTION)
    url = reverse("news:post_unlink", args=[published.pk])
    for user in (zao_admin, cast.primary_admin, cast.presidium, cast.outsider):
        client.force_login(user)
        assert client.post(url, {"post": post.pk}).status_code == 404
        assert client.post(url, {"post": post.pk, "confirmed": "1"}).status_code == 404
    client.force_login(cast.territorial_admin)
    assert client.get(url, {"post": post.pk}).status_code == 405  # POST only
    assert NewsPostLink.objects.count() == 1


@pytest.mark.parametrize("value", ["", "abc", "-1", "99999999999999999999", "1; DROP"])
def test_unlinking_with_a_bad_post_value_is_404_and_keeps_the_link(client, cast, published, pages, value):
    post = make_post(pages["vao_vk"], 1, moscow(2026, 10, 6), MATCHING)
    NewsPostLink.objects.create(item=published, post=post, how=PostLinkHow.SUGGESTION)
    client.force_login(cast.territorial_admin)
    url = reverse("news:post_unlink", args=[published.pk])
    assert client.post(url, {"post": value, "confirmed": "1"}).status_code == 404
    assert NewsPostLink.objects.filter(item=published, post=post).exists()
