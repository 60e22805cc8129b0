"""Each rule opens an alert when its condition holds and not otherwise; no duplicates; cleared ones close."""

from __future__ import annotations

import datetime as dt

import pytest

from alerts.models import Alert, AlertKind
from alerts.services import alert_rule_update, alerts_evaluate
from news.models import NewsItem, NewsStatus
from socialstats.models import PageStatus
from tests.alerts.conftest import TODAY, make_page, snap

pytestmark = pytest.mark.django_db


def open_alerts(kind: str) -> dict[str, Alert]:
    return {alert.key: alert for alert in Alert.objects.filter(kind=kind, handled_at=None, resolved_at=None)}


def only(kind: str, cast) -> None:
    """Switch every rule off but `kind`, so each test looks at one rule."""
    for other in AlertKind:
        threshold = {"silent_page": 30, "subscriber_drop": 10, "collection_failing": 3}.get(other, 2)
        if other == AlertKind.BELOW_TREND:
            threshold = 365
        alert_rule_update(kind=other, is_enabled=other == kind, threshold=threshold, user=cast.info_officer)


def test_silent_page_opens_after_the_set_number_of_days_only(tree, cast):
    only(AlertKind.SILENT_PAGE, cast)
    quiet = make_page(tree.vao_p1, "quiet")
    snap(quiet, TODAY, 300, last_post_days_ago=40)
    lively = make_page(tree.vao_p2, "lively")
    snap(lively, TODAY, 300, last_post_days_ago=5)

    alerts_evaluate(today=TODAY)

    found = open_alerts(AlertKind.SILENT_PAGE)
    assert set(found) == {f"page:{quiet.pk}"}
    assert found[f"page:{quiet.pk}"].organisation == tree.vao_p1
    assert found[f"page:{quiet.pk}"].routed_to == tree.vao_p1
    assert found[f"page:{quiet.pk}"].detail == "quiet (ВКонтакте): нет постов 40 дней"


def test_silent_page_of_a_network_that_is_history_opens_nothing(tree, cast):
    only(AlertKind.SILENT_PAGE, cast)
    old = make_page(tree.vao_p1, "old", network="facebook")
    snap(old, TODAY, 300, last_post_days_ago=400)

    alerts_evaluate(today=TODAY)

    assert open_alerts(AlertKind.SILENT_PAGE) == {}


def test_silent_page_threshold_is_read_from_the_rule(tree, cast):
    only(AlertKind.SILENT_PAGE, cast)
    alert_rule_update(kind=AlertKind.SILENT_PAGE, is_enabled=True, threshold=50, user=cast.info_officer)
    quiet = make_page(tree.vao_p1, "quiet")
    snap(quiet, TODAY, 300, last_post_days_ago=40)

    alerts_evaluate(today=TODAY)

    assert open_alerts(AlertKind.SILENT_PAGE) == {}


def test_subscriber_drop_opens_above_the_percent_only(tree, cast):
    only(AlertKind.SUBSCRIBER_DROP, cast)
    falling = make_page(tree.vao_p1, "falling")
    snap(falling, TODAY - dt.timedelta(days=7), 1000)
    snap(falling, TODAY, 850)
    dipping = make_page(tree.vao_p2, "dipping")
    snap(dipping, TODAY - dt.timedelta(days=7), 1000)
    snap(dipping, TODAY, 950)
    growing = make_page(tree.zao_p1, "growing")
    snap(growing, TODAY - dt.timedelta(days=7), 1000)
    snap(growing, TODAY, 1200)

    alerts_evaluate(today=TODAY)

    found = open_alerts(AlertKind.SUBSCRIBER_DROP)
    assert set(found) == {f"page:{falling.pk}"}
    assert "15,0" in found[f"page:{falling.pk}"].detail


def test_subscriber_drop_ignores_a_start_value_from_long_ago(tree, cast):
    only(AlertKind.SUBSCRIBER_DROP, cast)
    page = make_page(tree.vao_p1, "old")
    snap(page, TODAY - dt.timedelta(days=60), 1000)
    snap(page, TODAY, 500)

    alerts_evaluate(today=TODAY)

    assert open_alerts(AlertKind.SUBSCRIBER_DROP) == {}


def test_collection_failing_opens_after_n_nights_and_skips_archived_pages(tree, cast):
    only(AlertKind.COLLECTION_FAILING, cast)
    failing = make_page(tree.vao_p1, "failing", consecutive_failures=3)
    make_page(tree.vao_p2, "twice", consecutive_failures=2)
    make_page(tree.zao_p1, "gone", consecutive_failures=9, status=PageStatus.ARCHIVED, archived_on=TODAY)

    alerts_evaluate(today=TODAY)

    assert set(open_alerts(AlertKind.COLLECTION_FAILING)) == {f"page:{failing.pk}"}


def _news(organisation, month: dt.date) -> None:
    NewsItem.objects.create(
        organisation=organisation, title="Новость", text="Текст", reporting_month=month, status=NewsStatus.SUBMITTED
    )


def test_primary_without_news_for_two_closed_months(tree, cast):
    only(AlertKind.PRIMARY_NO_NEWS, cast)
    # On 10.03 the February deadline (05.03) has passed: the closed months are January and February.
    _news(tree.vao_p2, dt.date(2026, 1, 1))
    _news(tree.zao_p1, dt.date(2026, 2, 1))

    alerts_evaluate(today=TODAY)

    found = open_alerts(AlertKind.PRIMARY_NO_NEWS)
    assert set(found) == {f"org:{tree.vao_p1.pk}"}
    assert "01.2026–02.2026" in found[f"org:{tree.vao_p1.pk}"].detail


def test_primary_without_news_waits_for_the_deadline(tree, cast):
    """On 03.03 February is still on time: the months looked at are December and January."""
    only(AlertKind.PRIMARY_NO_NEWS, cast)
    for primary in (tree.vao_p1, tree.vao_p2, tree.zao_p1):
        _news(primary, dt.date(2026, 1, 1))

    alerts_evaluate(today=dt.date(2026, 3, 3))

    assert open_alerts(AlertKind.PRIMARY_NO_NEWS) == {}


def test_territorial_page_under_its_target_trend(tree, cast):
    only(AlertKind.BELOW_TREND, cast)
    slow = make_page(tree.vao, "slow")
    fast = make_page(tree.zao, "fast")
    done = make_page(tree.vao, "done", network="telegram")
    primary = make_page(tree.vao_p1, "primary")
    for days_ago, slow_value, fast_value in ((60, 500, 500), (30, 505, 700), (0, 510, 900)):
        day = TODAY - dt.timedelta(days=days_ago)
        snap(slow, day, slow_value)
        snap(fast, day, fast_value)
        snap(done, day, 1200)
        snap(primary, day, slow_value)

    alerts_evaluate(today=TODAY)

    found = open_alerts(AlertKind.BELOW_TREND)
    assert set(found) == {f"page:{slow.pk}"}
    assert "510 из 1" in found[f"page:{slow.pk}"].detail


def test_no_duplicate_while_open_and_a_cleared_condition_closes_by_itself(tree, cast):
    only(AlertKind.COLLECTION_FAILING, cast)
    page = make_page(tree.vao_p1, "failing", consecutive_failures=4)

    first = alerts_evaluate(today=TODAY)
    second = alerts_evaluate(today=TODAY + dt.timedelta(days=1))
    assert (first.opened, second.opened) == (1, 0)
    assert Alert.objects.count() == 1

    page.consecutive_failures = 0
    page.save()
    cleared = alerts_evaluate(today=TODAY + dt.timedelta(days=2))
    assert cleared.resolved == 1
    assert Alert.objects.get().resolved_at is not None

    page.consecutive_failures = 3
    page.save()
    again = alerts_evaluate(today=TODAY + dt.timedelta(days=3))
    assert again.opened == 1
    assert Alert.objects.count() == 2


def test_a_rule_switched_off_opens_nothing(tree, cast):
    only(AlertKind.SILENT_PAGE, cast)
    make_page(tree.vao_p1, "failing", consecutive_failures=10)

    alerts_evaluate(today=TODAY)

    assert not Alert.objects.exists()


def test_rule_update_refuses_an_out_of_range_threshold_in_russian(cast):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="порог должен быть от 1 до 100"):
        alert_rule_update(kind=AlertKind.SUBSCRIBER_DROP, is_enabled=True, threshold=150, user=cast.info_officer)
