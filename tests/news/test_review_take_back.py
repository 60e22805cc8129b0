"""Approval up the tree: the union decides on forwarded items; every decision can be taken back with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from news import selectors, services
from news.models import MonthReopening, NewsItem, NewsReviewStep, NewsStatus, ReviewStepKind
from news.months import add_months, local_today
from tests.news.conftest import make_item, moscow

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)


def _accepted(tree, forwarded: bool = False) -> NewsItem:
    item = make_item(tree.vao_p1, OCT, NewsStatus.ACCEPTED, moscow(2026, 10, 20), title="Субботник")
    if forwarded:
        NewsItem.objects.filter(pk=item.pk).update(forwarded_to_union=True, forwarded_at=moscow(2026, 10, 21))
        item.refresh_from_db()
    return item


def test_territory_withdraws_its_acceptance_with_a_reason_shown_on_the_item_page(client, cast, tree):
    item = _accepted(tree)
    client.force_login(cast.territorial_admin)
    page = client.get(reverse("news:withdraw", args=[item.pk, "unaccept"]))
    assert page.status_code == 200 and "Отменить приёмку?" in page.content.decode()
    response = client.post(reverse("news:withdraw", args=[item.pk, "unaccept"]), {"reason": "Нет фото"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == NewsStatus.SUBMITTED
    step = NewsReviewStep.objects.get(item=item)
    assert (step.kind, step.reason, step.by) == (ReviewStepKind.UNACCEPTED, "Нет фото", cast.territorial_admin)
    body = client.get(reverse("news:detail", args=[item.pk])).content.decode()
    assert "История рассмотрения" in body and "Приёмка отменена" in body and "Нет фото" in body


def test_taking_back_without_a_reason_is_refused_and_changes_nothing(client, cast, tree):
    item = _accepted(tree)
    client.force_login(cast.territorial_admin)
    response = client.post(reverse("news:withdraw", args=[item.pk, "unaccept"]), {"reason": "   "})
    assert response.status_code == 200
    assert "Обязательное поле" in response.content.decode()
    with pytest.raises(ValidationError, match="причину"):
        services.news_unaccept(item=item, by=cast.territorial_admin, reason="")
    item.refresh_from_db()
    assert item.status == NewsStatus.ACCEPTED and not NewsReviewStep.objects.exists()


def test_acceptance_of_a_forwarded_item_is_kept_until_the_forwarding_is_taken_back(client, cast, tree):
    item = _accepted(tree, forwarded=True)
    with pytest.raises(ValidationError, match="сначала отзовите пересылку"):
        services.news_unaccept(item=item, by=cast.territorial_admin, reason="Ошибка")
    with pytest.raises(ValidationError, match="сначала отзовите пересылку"):
        services.news_return(item=item, by=cast.territorial_admin, comment="Исправьте")
    services.news_unforward(item=item, by=cast.territorial_admin, reason="Переслали по ошибке")
    item.refresh_from_db()
    assert not item.forwarded_to_union and item.forwarded_at is None and item.status == NewsStatus.ACCEPTED
    services.news_unaccept(item=item, by=cast.territorial_admin, reason="Нужна проверка фактов")
    item.refresh_from_db()
    assert item.status == NewsStatus.SUBMITTED
    assert list(item.review_steps.values_list("kind", flat=True)) == [
        ReviewStepKind.UNFORWARDED,
        ReviewStepKind.UNACCEPTED,
    ]


def test_the_information_department_accepts_a_forwarded_item_and_can_take_it_back(client, cast, tree):
    item = _accepted(tree, forwarded=True)
    client.force_login(cast.info_officer)
    body = client.get(reverse("news:detail", args=[item.pk])).content.decode()
    assert "Решение профсоюза" in body and 'id="union-accept"' in body
    client.post(reverse("news:union_accept", args=[item.pk]))
    item.refresh_from_db()
    assert item.union_accepted_at is not None and item.union_accepted_by == cast.info_officer
    # Once the union has accepted, the territory cannot pull the forwarding away from under it.
    with pytest.raises(ValidationError, match="информационный отдел"):
        services.news_unforward(item=item, by=cast.territorial_admin, reason="Передумали")
    client.post(reverse("news:withdraw", args=[item.pk, "union_unaccept"]), {"reason": "Дубль другой новости"})
    item.refresh_from_db()
    assert item.union_accepted_at is None and item.union_accepted_by is None and item.forwarded_to_union
    body = client.get(reverse("news:detail", args=[item.pk])).content.decode()
    assert "Приёмка профсоюзом отменена" in body and "Дубль другой новости" in body


def test_the_information_department_returns_a_forwarded_item_to_the_territory(client, cast, tree):
    item = _accepted(tree, forwarded=True)
    client.force_login(cast.info_officer)
    client.post(reverse("news:withdraw", args=[item.pk, "union_return"]), {"reason": "Нет даты события"})
    item.refresh_from_db()
    assert not item.forwarded_to_union and item.status == NewsStatus.ACCEPTED
    client.force_login(cast.territorial_admin)
    body = client.get(reverse("news:detail", args=[item.pk])).content.decode()
    assert "Возвращена в территориальную организацию" in body and "Нет даты события" in body
    client.post(reverse("news:forward", args=[item.pk]))  # corrected and forwarded again
    item.refresh_from_db()
    assert item.forwarded_to_union


def test_union_decisions_need_a_forwarded_item(cast, tree):
    item = _accepted(tree)
    with pytest.raises(ValidationError):
        services.news_union_accept(item=item, by=cast.info_officer)
    with pytest.raises(ValidationError):
        services.news_union_return(item=item, by=cast.info_officer, reason="Причина")
    with pytest.raises(ValidationError):
        services.news_union_unaccept(item=item, by=cast.info_officer, reason="Причина")


def test_a_stale_page_cannot_take_back_twice(cast, tree):
    item = _accepted(tree)
    stale = NewsItem.objects.get(pk=item.pk)
    services.news_unaccept(item=item, by=cast.territorial_admin, reason="Раз")
    with pytest.raises(ValidationError):
        services.news_unaccept(item=stale, by=cast.info_officer, reason="Два")
    assert NewsReviewStep.objects.count() == 1


def test_taking_back_is_in_the_audit_trail(cast, tree):
    from auditlog.models import LogEntry

    item = _accepted(tree, forwarded=True)
    services.news_unforward(item=item, by=cast.territorial_admin, reason="Ошибка")
    changes = [entry.changes_dict for entry in LogEntry.objects.get_for_object(item)]
    assert {"forwarded_to_union": ["True", ""]} in changes  # audit_update writes a false value as ""


def test_unknown_take_back_action_is_404(client, cast, tree):
    item = _accepted(tree)
    client.force_login(cast.info_officer)
    assert client.get(reverse("news:withdraw", args=[item.pk, "publish"])).status_code == 404


# --- reopened months ---------------------------------------------------------------------------------


def test_reopening_is_refused_for_a_month_that_is_still_open(client, cast, tree, settings):
    settings.NEWS_DEADLINE_DAY = 5
    with pytest.raises(ValidationError, match="ещё открыт"):
        services.month_reopen(
            organisation=tree.vao_p1, month=OCT, by=cast.territorial_admin, today=dt.date(2026, 11, 5)
        )
    services.month_reopen(organisation=tree.vao_p1, month=OCT, by=cast.territorial_admin, today=dt.date(2026, 11, 6))
    client.force_login(cast.territorial_admin)
    current = local_today().replace(day=1)
    response = client.post(reverse("news:reopen"), {"organisation": tree.vao_p2.pk, "month": f"{current:%Y-%m}"})
    assert response.status_code == 200 and "ещё открыт" in response.content.decode()
    assert not MonthReopening.objects.filter(organisation=tree.vao_p2).exists()


def test_a_reopening_can_be_withdrawn_after_confirmation_and_given_again(client, cast, tree):
    closed = add_months(local_today().replace(day=1), -3)
    reopening = services.month_reopen(organisation=tree.vao_p1, month=closed, by=cast.territorial_admin)
    assert selectors.month_is_open(tree.vao_p1, closed)
    client.force_login(cast.territorial_admin)
    page = client.get(reverse("news:reopen_withdraw", args=[reopening.pk]))
    assert page.status_code == 200 and "Отозвать открытие месяца?" in page.content.decode()
    assert selectors.month_is_open(tree.vao_p1, closed)  # the confirmation page changes nothing
    client.post(reverse("news:reopen_withdraw", args=[reopening.pk]))
    reopening.refresh_from_db()
    assert reopening.withdrawn_at is not None and reopening.withdrawn_by == cast.territorial_admin
    assert not selectors.month_is_open(tree.vao_p1, closed)
    assert closed not in selectors.open_months(tree.vao_p1)
    body = client.get(reverse("news:reopen")).content.decode()
    assert "отозвано" in body
    response = client.post(reverse("news:reopen_withdraw", args=[reopening.pk]), follow=True)
    assert "уже отозвано" in response.content.decode()
    services.month_reopen(organisation=tree.vao_p1, month=closed, by=cast.info_officer)
    assert selectors.month_is_open(tree.vao_p1, closed)
    assert MonthReopening.objects.get().reopened_by == cast.info_officer
