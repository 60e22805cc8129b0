"""The «best news of the month» contest: entries are the month's accepted or published news items.

Fixed set (contest over the whole union, period 01.03.2026–31.03.2026):
    ППО Школа 1 (ВАО): accepted, March      → entry
    ППО Школа 2 (ВАО): published, March     → entry
    ППО Школа 3 (ЗАО): accepted, March      → entry
    ППО Школа 1: draft / submitted / returned, March → not entries
    ППО Школа 1: accepted, February         → not an entry (another month)
    another union's primary: accepted, March → not an entry (outside the scope)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from contests import selectors, services
from contests.models import ContestStatus, ContestTemplate, Juror
from news.models import NewsItem, NewsPhoto, NewsStatus
from news.photos import photo_check
from orgs.models import OrgKind, Role
from tests.factories import UserFactory, assign, make_org
from tests.news.conftest import make_item, upload

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)
FEBRUARY = dt.date(2026, 2, 1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def items(tree):
    other_union = make_org("Другой профсоюз", OrgKind.UNION)
    other_primary = make_org("ППО Чужая", OrgKind.PRIMARY, other_union)
    return {
        "school1": make_item(tree.vao_p1, MARCH, NewsStatus.ACCEPTED, title="Субботник"),
        "school2": make_item(tree.vao_p2, MARCH, NewsStatus.PUBLISHED, title="Спартакиада"),
        "school3": make_item(tree.zao_p1, MARCH, NewsStatus.ACCEPTED, title="Конференция"),
        "draft": make_item(tree.vao_p1, MARCH, NewsStatus.DRAFT, title="Черновик"),
        "submitted": make_item(tree.vao_p1, MARCH, NewsStatus.SUBMITTED, title="На проверке"),
        "returned": make_item(tree.vao_p1, MARCH, NewsStatus.RETURNED, title="Возвращена"),
        "february": make_item(tree.vao_p1, FEBRUARY, NewsStatus.ACCEPTED, title="Февральская"),
        "outside": make_item(other_primary, MARCH, NewsStatus.ACCEPTED, title="Чужая"),
    }


@pytest.fixture
def contest(tree, items):
    return services.contest_create(
        scope=tree.union,
        template=ContestTemplate.NEWS_OF_MONTH,
        period_start=MARCH,
        period_end=dt.date(2026, 3, 31),
    )


def entry_for(contest, item: NewsItem):
    return contest.entries.get(news_item_id=item.pk)


def judging(contest, *users) -> list[Juror]:
    jurors = [services.juror_assign(contest=contest, user=user) for user in users]
    services.contest_open(contest=contest)
    services.contest_start_judging(contest=contest)
    return jurors


def test_news_contest_entries_are_the_months_accepted_and_published_items_in_scope(contest, items, tree):
    entries = {entry.news_item_id: entry for entry in contest.entries.all()}
    assert set(entries) == {items["school1"].pk, items["school2"].pk, items["school3"].pk}
    school1 = entries[items["school1"].pk]
    assert school1.organisation == tree.vao_p1
    assert school1.title == "ППО Школа 1: Субботник"
    assert school1.page is None


def test_regenerating_news_entries_adds_nothing_twice_and_picks_up_newly_accepted_items(contest, items):
    assert services.entries_generate(contest=contest) == 0
    assert contest.entries.count() == 3
    NewsItem.objects.filter(pk=items["submitted"].pk).update(status=NewsStatus.ACCEPTED)
    assert services.entries_generate(contest=contest) == 1
    assert services.entries_generate(contest=contest) == 0
    assert contest.entries.count() == 4


def test_a_period_over_two_months_takes_both_months_items(tree, items):
    contest = services.contest_create(
        scope=tree.vao,
        template=ContestTemplate.NEWS_OF_MONTH,
        period_start=dt.date(2026, 2, 15),
        period_end=dt.date(2026, 3, 31),
    )
    assert set(contest.entries.values_list("news_item_id", flat=True)) == {
        items["school1"].pk,
        items["school2"].pk,
        items["february"].pk,
    }


def test_juror_scores_a_news_entry_and_the_ranking_follows(contest, items, cast, tree):
    juror_zao = UserFactory(username="juror_zao")
    assign(juror_zao, Role.JUROR, tree.zao)
    vao_juror, zao_juror = judging(contest, cast.juror, juror_zao)
    criteria = [criterion for criterion in contest.criteria.all() if criterion.is_jury]
    school1, school2, school3 = (entry_for(contest, items[name]) for name in ("school1", "school2", "school3"))

    # The ВАО juror is offered only the ЗАО item; the ЗАО juror only ВАО's items.
    assert list(selectors.scorable_entries(vao_juror)) == [school3]
    assert set(selectors.scorable_entries(zao_juror)) == {school1, school2}

    def marks(points):
        return {criterion.pk: {"points": str(points)} for criterion in criteria}

    services.jury_scores_save(juror=vao_juror, entry=school3, marks=marks(6))
    services.jury_scores_save(juror=zao_juror, entry=school1, marks=marks(9))
    services.jury_scores_save(juror=zao_juror, entry=school2, marks=marks(7))

    ranking = selectors.contest_ranking(contest)
    assert [(row.place, row.entry_id, round(row.total, 3)) for row in ranking.rows] == [
        (1, school1.pk, 27.0),
        (2, school2.pk, 21.0),
        (3, school3.pk, 18.0),
    ]


# Views -------------------------------------------------------------------------------------------------


@pytest.fixture
def photo(items):
    checked = photo_check(upload("Фото.png"))
    return NewsPhoto.objects.create(
        item=items["school3"],
        image=checked.image_file(),
        thumbnail=checked.thumbnail_file(),
        image_format=checked.image_format,
        width=checked.width,
        height=checked.height,
        size_bytes=len(checked.content),
        original_name=checked.original_name,
    )


def test_jury_board_shows_the_news_text_and_photo_thumbnails(client, contest, items, cast, photo):
    judging(contest, cast.juror)
    school3 = entry_for(contest, items["school3"])
    client.force_login(cast.juror)
    response = client.get(reverse("contests:jury", args=[contest.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Текст новости" in body
    assert reverse("contests:entry_news", args=[contest.pk, school3.pk]) in body
    thumb = reverse("contests:entry_news_photo", args=[contest.pk, school3.pk, photo.pk, "thumb"])
    assert thumb in body
    assert client.get(thumb).status_code == 200
    # ВАО's own items (a conflict of interest) are neither offered nor readable through the contest.
    school1 = entry_for(contest, items["school1"])
    assert "Субботник" not in body
    assert client.get(reverse("contests:entry_news", args=[contest.pk, school1.pk])).status_code == 404


def test_jury_board_queries_do_not_grow_with_news_entries(
    client, contest, items, cast, tree, photo, django_assert_max_num_queries
):
    judging(contest, cast.juror)
    client.force_login(cast.juror)
    url = reverse("contests:jury", args=[contest.pk])
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    contest.status = ContestStatus.OPEN
    contest.save(update_fields=["status"])
    for number in range(10):
        make_item(tree.zao_p1, MARCH, NewsStatus.ACCEPTED, title=f"Ещё {number}")
    services.entries_generate(contest=contest)
    contest.status = ContestStatus.JUDGING
    contest.save(update_fields=["status"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert client.get(url).status_code == 200


def test_ranking_links_news_entries_to_their_item_page(client, contest, items, cast):
    judging(contest, cast.juror)
    school2 = entry_for(contest, items["school2"])
    client.force_login(cast.presidium)
    body = client.get(reverse("contests:ranking", args=[contest.pk])).content.decode()
    link = reverse("contests:entry_news", args=[contest.pk, school2.pk])
    assert link in body
    page = client.get(link)
    assert page.status_code == 200
    assert "Спартакиада" in page.content.decode()


def test_news_entry_page_is_not_found_outside_the_contest(client, contest, items, cast, photo):
    judging(contest, cast.juror)
    school3 = entry_for(contest, items["school3"])
    client.force_login(cast.outsider)
    assert client.get(reverse("contests:entry_news", args=[contest.pk, school3.pk])).status_code == 404
    photo_url = reverse("contests:entry_news_photo", args=[contest.pk, school3.pk, photo.pk, "full"])
    assert client.get(photo_url).status_code == 404


def test_news_entry_page_rejects_a_photo_of_another_item_and_an_unknown_entry(client, contest, items, cast, photo):
    judging(contest, cast.juror)
    school2 = entry_for(contest, items["school2"])
    client.force_login(cast.info_officer)
    # The photo belongs to school3's item, not school2's.
    wrong = reverse("contests:entry_news_photo", args=[contest.pk, school2.pk, photo.pk, "thumb"])
    assert client.get(wrong).status_code == 404
    assert client.get(reverse("contests:entry_news", args=[contest.pk, 999999])).status_code == 404
