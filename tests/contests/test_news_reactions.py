"""The news contest's automatic criterion «reactions to the published news»: Σ likes + comments + reposts of the
posts each item appeared in (news.NewsPostLink), frozen with the other automatic points when judging starts.

March 2026, the whole union: «Субботник» (Школа 1, published) appeared in a VK post (10 likes, 2 comments,
3 reposts = 15) and a Telegram post (5 likes, no comments or reposts given = 5): 20. «Спартакиада» (Школа 2,
published) appeared in one post whose values were kept after it was deleted (8 + 0 + 2 = 10). «Конференция»
(Школа 3, accepted) reached no page: 0. Linear points, maximum 10: 20 → 10, 10 → 5, 0 → 0.
"""

from __future__ import annotations

import datetime as dt

import pytest

from contests import metrics, services
from contests.models import AutoScore, ContestTemplate, Criterion, Metric
from news.models import NewsPostLink, NewsStatus, PostLinkHow
from socialstats.models import Network, Post, SocialPage
from tests.news.conftest import make_item, moscow

pytestmark = pytest.mark.django_db

MARCH = dt.date(2026, 3, 1)


def _post(page, number, **values):
    return Post.objects.create(
        page=page,
        external_id=str(number),
        url=f"https://vk.com/wall-1_{number}",
        published_at=moscow(2026, 3, 20),
        **values,
    )


def test_reactions_of_the_linked_posts_are_an_automatic_criterion_of_the_news_contest(tree):
    items = {
        "school1": make_item(tree.vao_p1, MARCH, NewsStatus.PUBLISHED, title="Субботник"),
        "school2": make_item(tree.vao_p2, MARCH, NewsStatus.PUBLISHED, title="Спартакиада"),
        "school3": make_item(tree.zao_p1, MARCH, NewsStatus.ACCEPTED, title="Конференция"),
    }
    vk = SocialPage.objects.create(organisation=tree.vao, network=Network.VK, handle="vao")
    tg = SocialPage.objects.create(organisation=tree.vao, network=Network.TELEGRAM, handle="vaotg")
    links = [
        (items["school1"], _post(vk, 1, likes=10, comments=2, reposts=3)),
        (items["school1"], _post(tg, 2, likes=5)),
        (items["school2"], _post(vk, 3, likes=8, comments=0, reposts=2, deleted_at=moscow(2026, 3, 25))),
    ]
    for item, post in links:
        NewsPostLink.objects.create(item=item, post=post, how=PostLinkHow.SUGGESTION)
    contest = services.contest_create(
        scope=tree.union, template=ContestTemplate.NEWS_OF_MONTH, period_start=MARCH, period_end=dt.date(2026, 3, 31)
    )
    criterion = Criterion.objects.create(
        contest=contest, name="Реакции на публикацию", source=Metric.NEWS_REACTIONS, max_points=10, position=9
    )
    assert criterion.get_source_display() == "Реакции на опубликованную новость (лайки, комментарии, репосты)"
    entries = list(contest.entries.all())
    values = metrics.entry_metrics(entries, start=MARCH, end=dt.date(2026, 3, 31), metrics={Metric.NEWS_REACTIONS})
    by_item = {entry.news_item_id: values[entry.pk][Metric.NEWS_REACTIONS] for entry in entries}
    assert by_item == {items["school1"].pk: 20, items["school2"].pk: 10, items["school3"].pk: 0}

    services.auto_scores_freeze(contest=contest)
    frozen = {
        score.entry.news_item_id: (score.value, score.points)
        for score in AutoScore.objects.filter(criterion=criterion).select_related("entry")
    }
    assert frozen == {items["school1"].pk: (20, 10), items["school2"].pk: (10, 5), items["school3"].pk: (0, 0)}
