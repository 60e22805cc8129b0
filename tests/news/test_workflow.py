from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from news import services
from news.models import MonthReopening, NewsItem, NewsStatus
from news.months import local_today
from orgs.models import OrgKind, Role
from tests.factories import UserFactory, assign, make_org
from tests.news.conftest import make_item, moscow

pytestmark = pytest.mark.django_db


def _new_item(client, **extra):
    data = {
        "title": "Субботник",
        "text": "Провели субботник.",
        "reporting_month": local_today().replace(day=1).isoformat(),
        "links": "https://example.org/a",
        **extra,
    }
    return client.post(reverse("news:create"), data)


def test_full_workflow_draft_submitted_returned_resubmitted_accepted_published(client, cast, tree):
    client.force_login(cast.primary_admin)
    response = _new_item(client, save="1")
    item = NewsItem.objects.get()
    assert response.status_code == 302
    assert item.status == NewsStatus.DRAFT and item.organisation == tree.vao_p1 and item.author == cast.primary_admin

    client.post(reverse("news:submit", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == NewsStatus.SUBMITTED
    first_sent = item.first_submitted_at
    assert first_sent is not None

    client.force_login(cast.territorial_admin)
    client.post(reverse("news:return", args=[item.pk]), {"comment": "Добавьте фото"})
    item.refresh_from_db()
    assert item.status == NewsStatus.RETURNED and item.review_comment == "Добавьте фото"

    client.force_login(cast.primary_admin)
    page = client.get(reverse("news:edit", args=[item.pk]))
    assert "Добавьте фото" in page.content.decode()
    response = client.post(
        reverse("news:edit", args=[item.pk]),
        {
            "title": "Субботник (исправлено)",
            "text": "Провели субботник, фото ниже.",
            "reporting_month": item.reporting_month.isoformat(),
            "submit": "1",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    item.refresh_from_db()
    assert item.status == NewsStatus.SUBMITTED and item.title == "Субботник (исправлено)"
    assert item.first_submitted_at == first_sent  # on-time counting uses the first submission

    client.force_login(cast.territorial_admin)
    client.post(reverse("news:accept", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == NewsStatus.ACCEPTED and item.reviewed_by == cast.territorial_admin
    client.post(reverse("news:publish", args=[item.pk]), {"url": "https://vk.com/wall-1_42"})
    item.refresh_from_db()
    assert item.status == NewsStatus.PUBLISHED and item.published_url == "https://vk.com/wall-1_42"
    client.post(reverse("news:forward", args=[item.pk]))
    item.refresh_from_db()
    assert item.forwarded_to_union

    client.force_login(cast.info_officer)
    queue = client.get(reverse("news:review"), {"forwarded": "1"})
    assert "Субботник (исправлено)" in queue.content.decode()


def test_return_without_a_comment_is_refused_with_a_message(client, cast, tree):
    item = make_item(tree.vao_p1, dt.date(2026, 10, 1), first_submitted_at=moscow(2026, 10, 20))
    client.force_login(cast.territorial_admin)
    response = client.post(reverse("news:return", args=[item.pk]), {"comment": "  "}, follow=True)
    assert "Напишите, что автору нужно изменить" in response.content.decode()
    item.refresh_from_db()
    assert item.status == NewsStatus.SUBMITTED


def test_publish_with_a_bad_link_is_refused(client, cast, tree):
    item = make_item(tree.vao_p1, dt.date(2026, 10, 1), NewsStatus.ACCEPTED, moscow(2026, 10, 20))
    client.force_login(cast.territorial_admin)
    client.post(reverse("news:publish", args=[item.pk]), {"url": "не ссылка"})
    item.refresh_from_db()
    assert item.status == NewsStatus.ACCEPTED


def test_only_a_territorial_admin_over_that_primary_can_review(client, cast, tree):
    item = make_item(tree.vao_p1, dt.date(2026, 10, 1), first_submitted_at=moscow(2026, 10, 20))
    zao_admin = UserFactory(username="tpo_zao")
    assign(zao_admin, Role.TERRITORIAL_ADMIN, tree.zao)
    for user in (zao_admin, cast.primary_admin, cast.juror, cast.presidium, cast.outsider):
        client.force_login(user)
        assert client.post(reverse("news:accept", args=[item.pk])).status_code == 404
    item.refresh_from_db()
    assert item.status == NewsStatus.SUBMITTED
    client.force_login(cast.territorial_admin)
    assert client.post(reverse("news:accept", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    assert item.status == NewsStatus.ACCEPTED


def test_information_officer_above_can_review(client, cast, tree):
    item = make_item(tree.zao_p1, dt.date(2026, 10, 1), first_submitted_at=moscow(2026, 10, 20))
    client.force_login(cast.info_officer)
    client.post(reverse("news:accept", args=[item.pk]))
    item.refresh_from_db()
    assert item.status == NewsStatus.ACCEPTED


def test_primary_admin_sees_only_their_own_organisations_items(client, cast, tree):
    own = make_item(tree.vao_p1, dt.date(2026, 10, 1), title="Своя новость")
    other = make_item(tree.vao_p2, dt.date(2026, 10, 1), title="Чужая новость")
    client.force_login(cast.primary_admin)
    listing = client.get(reverse("news:list")).content.decode()
    assert "Своя новость" in listing and "Чужая новость" not in listing
    assert client.get(reverse("news:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("news:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("news:edit", args=[other.pk])).status_code == 404
    assert client.post(reverse("news:submit", args=[other.pk])).status_code == 404
    assert client.get(reverse("news:review")).status_code == 404


def test_reviewers_do_not_see_drafts(client, cast, tree):
    draft = make_item(tree.vao_p1, dt.date(2026, 10, 1), NewsStatus.DRAFT)
    client.force_login(cast.territorial_admin)
    assert client.get(reverse("news:detail", args=[draft.pk])).status_code == 404


def test_users_without_an_author_role_cannot_write_news(client, cast):
    for user in (cast.territorial_admin, cast.outsider):
        client.force_login(user)
        assert client.get(reverse("news:create")).status_code == 404
        assert client.get(reverse("news:list")).status_code == 404


def test_create_with_bad_input_names_the_field_and_saves_nothing(client, cast):
    client.force_login(cast.primary_admin)
    response = _new_item(client, title="", save="1")
    assert response.status_code == 200
    assert "Обязательное поле" in response.content.decode()
    response = _new_item(client, links="https://example.org/ok\njavascript:alert(1)", save="1")
    assert response.status_code == 200
    assert "Строка 2 — не ссылка" in response.content.decode()
    assert NewsItem.objects.count() == 0


def test_a_second_reviewer_clicking_accept_gets_a_message_not_an_overwrite(cast, tree):
    item = make_item(tree.vao_p1, dt.date(2026, 10, 1), first_submitted_at=moscow(2026, 10, 20))
    stale = NewsItem.objects.get(pk=item.pk)
    services.news_accept(item=item, by=cast.territorial_admin)
    with pytest.raises(ValidationError):
        services.news_accept(item=stale, by=cast.info_officer)
    item.refresh_from_db()
    assert item.reviewed_by == cast.territorial_admin


def test_a_month_closes_after_the_deadline_unless_reopened_for_that_primary(client, cast, tree, settings):
    settings.NEWS_DEADLINE_DAY = 5
    september = dt.date(2026, 9, 1)
    item = make_item(tree.vao_p1, september, NewsStatus.DRAFT)
    other = make_item(tree.vao_p2, september, NewsStatus.DRAFT)
    services.news_submit(item=NewsItem.objects.get(pk=item.pk), today=dt.date(2026, 10, 5))  # last day: open
    NewsItem.objects.filter(pk=item.pk).update(status=NewsStatus.DRAFT, first_submitted_at=None)
    with pytest.raises(ValidationError, match="закрыт"):
        services.news_submit(item=NewsItem.objects.get(pk=item.pk), today=dt.date(2026, 10, 6))

    client.force_login(cast.territorial_admin)
    response = client.post(reverse("news:reopen"), {"organisation": tree.vao_p1.pk, "month": "2026-09"})
    assert response.status_code == 302
    assert MonthReopening.objects.filter(organisation=tree.vao_p1, month=september).exists()
    services.news_submit(item=NewsItem.objects.get(pk=item.pk), today=dt.date(2026, 10, 6))
    with pytest.raises(ValidationError):
        services.news_submit(item=NewsItem.objects.get(pk=other.pk), today=dt.date(2026, 10, 6))


def test_reopen_is_refused_out_of_scope_and_with_bad_input(client, cast, tree):
    client.force_login(cast.territorial_admin)
    response = client.post(reverse("news:reopen"), {"organisation": tree.zao_p1.pk, "month": "2026-09"})
    assert response.status_code == 200  # not a choice: the form refuses it
    response = client.post(reverse("news:reopen"), {"organisation": tree.vao_p1.pk, "month": "сентябрь"})
    assert response.status_code == 200
    assert not MonthReopening.objects.exists()
    client.force_login(cast.primary_admin)
    assert client.get(reverse("news:reopen")).status_code == 404


def _count_queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_review_queue_query_count_does_not_grow_with_items(client, cast, tree):
    client.force_login(cast.territorial_admin)
    for number in range(3):
        make_item(tree.vao_p1, dt.date(2026, 10, 1), first_submitted_at=moscow(2026, 10, 20), title=f"a{number}")
    small = _count_queries(client, reverse("news:review"))
    for number in range(20):
        org = make_org(f"ППО доп {number}", OrgKind.PRIMARY, tree.vao)
        make_item(org, dt.date(2026, 10, 1), first_submitted_at=moscow(2026, 10, 20), title=f"b{number}")
    assert _count_queries(client, reverse("news:review")) == small


def test_my_news_query_count_does_not_grow_with_items(client, cast, tree):
    client.force_login(cast.primary_admin)
    make_item(tree.vao_p1, dt.date(2026, 10, 1), first_submitted_at=moscow(2026, 10, 20))
    small = _count_queries(client, reverse("news:list"))
    for number in range(15):
        make_item(tree.vao_p1, dt.date(2026, 10, 1), NewsStatus.RETURNED, moscow(2026, 10, 20), title=f"n{number}")
    assert _count_queries(client, reverse("news:list")) == small


def test_review_queue_filters_by_month_status_and_organisation(client, cast, tree):
    make_item(tree.vao_p1, dt.date(2026, 9, 1), first_submitted_at=moscow(2026, 9, 20), title="Сентябрьская")
    make_item(tree.vao_p2, dt.date(2026, 10, 1), NewsStatus.ACCEPTED, moscow(2026, 10, 20), title="Октябрьская")
    client.force_login(cast.territorial_admin)
    body = client.get(reverse("news:review"), {"month": "2026-10"}).content.decode()
    assert "Октябрьская" in body and "Сентябрьская" not in body
    body = client.get(reverse("news:review"), {"status": "submitted"}).content.decode()
    assert "Сентябрьская" in body and "Октябрьская" not in body
    body = client.get(reverse("news:review"), {"organisation": tree.vao_p2.pk}).content.decode()
    assert "Октябрьская" in body and "Сентябрьская" not in body
    body = client.get(reverse("news:review"), {"month": "не месяц", "status": "чепуха"}).content.decode()
    assert "Октябрьская" in body and "Сентябрьская" in body


def test_a_returned_item_may_be_resubmitted_after_the_deadline(cast, tree):
    item = make_item(tree.vao_p1, dt.date(2026, 9, 1), NewsStatus.RETURNED, moscow(2026, 9, 28))
    services.news_submit(item=item, today=dt.date(2026, 10, 20))
    item.refresh_from_db()
    assert item.status == NewsStatus.SUBMITTED
    assert item.first_submitted_at == moscow(2026, 9, 28)


def test_reopen_page_query_count_does_not_grow_with_reopenings(client, cast, tree):
    client.force_login(cast.territorial_admin)
    services.month_reopen(organisation=tree.vao_p1, month=dt.date(2026, 9, 1), by=cast.territorial_admin)
    small = _count_queries(client, reverse("news:reopen"))
    for number in range(10):
        org = make_org(f"ППО открытая {number}", OrgKind.PRIMARY, tree.vao)
        services.month_reopen(organisation=org, month=dt.date(2026, 8, 1), by=cast.territorial_admin)
    assert _count_queries(client, reverse("news:reopen")) == small
