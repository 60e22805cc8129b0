"""The 003 criterion «частота публикаций» as a contest's automatic metric (`Metric.POSTS_PER_WEEK`): each page's
stored posts in the period ÷ weeks, averaged over the entry's pages that published in the period.

1–21 March 2026 (21 days = 3 weeks), territorials of the union: ВАО's VK page published 9 posts in the period
(and one on 28 February and one on 22 March, outside it) → 3,0 a week; its Telegram page 3 posts → 1,0; its OK
page nothing (left out of the mean). ВАО: (3,0 + 1,0) ÷ 2 = 2,0. ЗАО's page published nothing: 0,0. Linear
points, maximum 10: 2,0 → 10, 0,0 → 0.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contests import metrics, services
from contests.models import AutoScore, Criterion, Metric, ParticipantLevel
from orgs.models import OrgKind
from socialstats.models import Network, Post, SocialPage
from tests.factories import make_org
from tests.news.conftest import moscow

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 21)


def _posts(page, days):
    for number, day in enumerate(days):
        Post.objects.create(
            page=page,
            external_id=f"{page.pk}-{number}",
            url=f"https://example.org/{page.pk}/{number}",
            published_at=moscow(2026, *day) if isinstance(day, tuple) else moscow(2026, 3, day),
        )


def _contest(scope):
    return services.contest_create(
        scope=scope, title="Конкурс", level=ParticipantLevel.TERRITORIAL, period_start=START, period_end=END
    )


def test_posting_frequency_is_the_mean_posts_per_week_of_the_pages_that_published(tree):
    vk = SocialPage.objects.create(organisation=tree.vao, network=Network.VK, handle="vao")
    tg = SocialPage.objects.create(organisation=tree.vao, network=Network.TELEGRAM, handle="vaotg")
    SocialPage.objects.create(organisation=tree.vao, network=Network.OK, handle="vaook")
    zao = SocialPage.objects.create(organisation=tree.zao, network=Network.VK, handle="zao")
    _posts(vk, [1, 2, 5, 8, 9, 12, 15, 20, 21, (2, 28), (3, 22)])
    _posts(tg, [3, 10, 17])
    _posts(zao, [(2, 27)])
    contest = _contest(tree.union)
    criterion = Criterion.objects.create(
        contest=contest, name="Частота публикаций", source=Metric.POSTS_PER_WEEK, max_points=10, position=9
    )
    assert criterion.get_source_display() == "Частота публикаций (записей в неделю)"
    entries = list(contest.entries.all())
    values = metrics.entry_metrics(entries, start=START, end=END, metrics={Metric.POSTS_PER_WEEK})
    by_org = {entry.organisation_id: values[entry.pk][Metric.POSTS_PER_WEEK] for entry in entries}
    assert by_org[tree.vao.pk] == pytest.approx(2.0)
    assert by_org[tree.zao.pk] == 0.0

    page_entry = services.contest_create(
        scope=tree.union, title="Страницы", level=ParticipantLevel.PAGE, period_start=START, period_end=END
    ).entries.get(page=vk)
    value = metrics.entry_metrics([page_entry], start=START, end=END, metrics={Metric.POSTS_PER_WEEK})
    assert value[page_entry.pk][Metric.POSTS_PER_WEEK] == pytest.approx(3.0)

    services.auto_scores_freeze(contest=contest)
    frozen = {
        score.entry.organisation_id: (round(score.value, 6), score.points)
        for score in AutoScore.objects.filter(criterion=criterion).select_related("entry")
    }
    assert frozen[tree.vao.pk] == (2.0, 10) and frozen[tree.zao.pk] == (0.0, 0)


def test_posting_frequency_queries_do_not_grow_with_the_entries(tree):
    def measure():
        contest = _contest(tree.union)
        entries = list(contest.entries.all())
        with CaptureQueriesContext(connection) as captured:
            metrics.entry_metrics(entries, start=START, end=END, metrics={Metric.POSTS_PER_WEEK})
        return len(entries), len(captured.captured_queries)

    for org in (tree.vao, tree.zao):
        page = SocialPage.objects.create(organisation=org, network=Network.VK, handle=f"p{org.pk}")
        _posts(page, [2, 9])
    small_entries, small = measure()
    for number in range(6):
        org = make_org(f"Территория {number}", OrgKind.TERRITORIAL, tree.union)
        for network in (Network.VK, Network.TELEGRAM):
            page = SocialPage.objects.create(organisation=org, network=network, handle=f"t{number}{network}")
            _posts(page, [3, 4, 11])
    big_entries, big = measure()
    assert big_entries >= small_entries + 6
    assert big <= small
