"""Edges of the workflow, the tasks and the demo."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from news.demo import demo_load
from news.models import NewsItem, NewsPhoto, NewsStatus
from news.months import add_months, local_today
from news.tasks import item_notice_task, news_digest_task
from orgs.models import OrgKind, Role
from tests.factories import UserFactory, assign, make_org
from tests.news.conftest import make_item, moscow, upload

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


def test_forward_is_for_accepted_items_once_and_in_scope_only(client, cast, tree):
    submitted = make_item(tree.vao_p1, OCT, NewsStatus.SUBMITTED, moscow(2026, 10, 20))
    accepted = make_item(tree.vao_p1, OCT, NewsStatus.ACCEPTED, moscow(2026, 10, 20))
    zao_admin = UserFactory(username="tpo_zao")
    assign(zao_admin, Role.TERRITORIAL_ADMIN, tree.zao)
    client.force_login(zao_admin)
    assert client.post(reverse("news:forward", args=[accepted.pk])).status_code == 404
    client.force_login(cast.territorial_admin)
    client.post(reverse("news:forward", args=[submitted.pk]))
    client.post(reverse("news:forward", args=[accepted.pk]))
    response = client.post(reverse("news:forward", args=[accepted.pk]), follow=True)
    assert "только один раз" in response.content.decode()
    assert list(NewsItem.objects.filter(forwarded_to_union=True).values_list("pk", flat=True)) == [accepted.pk]


def test_review_actions_need_post(client, cast, tree):
    item = make_item(tree.vao_p1, OCT, NewsStatus.SUBMITTED, moscow(2026, 10, 20))
    client.force_login(cast.territorial_admin)
    assert client.get(reverse("news:accept", args=[item.pk])).status_code == 405


def test_a_published_item_cannot_be_edited_by_its_author(client, cast, tree):
    item = make_item(tree.vao_p1, OCT, NewsStatus.PUBLISHED, moscow(2026, 10, 20))
    client.force_login(cast.primary_admin)
    response = client.get(reverse("news:edit", args=[item.pk]), follow=True)
    assert "Изменить можно только черновик" in response.content.decode()


def test_editing_counts_kept_photos_against_the_limit(client, cast, settings):
    settings.NEWS_PHOTOS_PER_ITEM = 2
    client.force_login(cast.primary_admin)
    month = local_today().replace(day=1).isoformat()
    data = {"title": "С фото", "text": "т", "reporting_month": month, "save": "1"}
    client.post(reverse("news:create"), {**data, "photos": [upload("a.png"), upload("b.png")]})
    item = NewsItem.objects.get()
    response = client.post(reverse("news:edit", args=[item.pk]), {**data, "photos": [upload("c.png")]})
    assert "Не больше 2 фотографий" in response.content.decode()
    first = item.photos.first()
    response = client.post(
        reverse("news:edit", args=[item.pk]), {**data, "photos": [upload("c.png")], "remove_photos": [first.pk]}
    )
    assert response.status_code == 302
    assert sorted(NewsPhoto.objects.values_list("original_name", flat=True)) == ["b.png", "c.png"]


def test_submitting_for_a_closed_month_from_the_page_explains_why(client, cast, tree):
    closed_month = add_months(local_today().replace(day=1), -3)
    item = make_item(tree.vao_p1, closed_month, NewsStatus.DRAFT, author=cast.primary_admin)
    client.force_login(cast.primary_admin)
    response = client.post(reverse("news:submit", args=[item.pk]), follow=True)
    assert "закрыт для отправки" in response.content.decode()
    item.refresh_from_db()
    assert item.status == NewsStatus.DRAFT


def test_notice_task_for_a_deleted_item_returns_quietly():
    assert item_notice_task(987654, "returned") == "gone"


def test_digest_task_returns_a_summary(cast, tree):
    make_item(tree.vao_p1, OCT, NewsStatus.SUBMITTED, moscow(2026, 10, 20))
    assert news_digest_task() == "digest to 1"
    assert len(mail.outbox) == 1


def test_demo_news_covers_every_state_and_loads_once(tree):
    for number in (1, 2):
        make_org(f"Демо-ППО ВАО №{number}", OrgKind.PRIMARY, tree.vao)
    demo_load()
    demo_load()
    statuses = set(NewsItem.objects.values_list("status", flat=True))
    assert statuses == set(NewsStatus.values)
    assert NewsItem.objects.count() == 7
    assert NewsPhoto.objects.count() == 7


def test_trend_chart_is_built_from_plain_numbers():
    from news.charts import reporting_rate_trend

    html = reporting_rate_trend(["09.2026", "10.2026"], [75.0, None], [50.0, None], ("Прислали, %", "Вовремя, %"))
    assert "09.2026" in html and "Прислали, %" in html and '<script type="application/json"' in html
    assert "cdn" not in html.lower()
