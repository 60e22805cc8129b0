"""The «Оповещения» pages: who sees what (every demo role), marking handled, rule settings, the dashboard count."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, AlertKind, AlertRule
from tests.alerts.conftest import make_page

pytestmark = pytest.mark.django_db


def make_alert(organisation, key: str, **fields) -> Alert:
    return Alert.objects.create(
        kind=fields.pop("kind", AlertKind.COLLECTION_FAILING),
        key=key,
        organisation=organisation,
        routed_to=organisation,
        detail=f"Страница {key}: сбор не удаётся",
        opened_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def alerts(tree):
    page = make_page(tree.vao_p1, "vao-page")
    return {
        "vao_p1": make_alert(tree.vao_p1, f"page:{page.pk}", page=page),
        "vao": make_alert(tree.vao, "org:vao", kind=AlertKind.BELOW_TREND),
        "zao_p1": make_alert(tree.zao_p1, "org:zao", kind=AlertKind.PRIMARY_NO_NEWS),
    }


def login(client, user):
    client.force_login(user)
    return client


LIST_MATRIX = [
    # role, status of the list, the alerts seen, may mark handled
    ("info_officer", 200, {"vao_p1", "vao", "zao_p1"}, True),
    ("presidium", 200, {"vao_p1", "vao", "zao_p1"}, False),
    ("territorial_admin", 200, {"vao_p1", "vao"}, True),
    ("primary_admin", 200, {"vao_p1"}, True),
    ("juror", 403, set(), False),
    ("outsider", 403, set(), False),
]


@pytest.mark.parametrize(("role", "status", "seen", "may_handle"), LIST_MATRIX)
def test_alert_list_shows_the_scope_of_each_role(client, cast, alerts, role, status, seen, may_handle):
    response = login(client, getattr(cast, role)).get(reverse("alerts:list"))

    assert response.status_code == status
    if status != 200:
        return
    html = response.content.decode()
    for name, alert in alerts.items():
        assert (alert.detail in html) == (name in seen), name
        assert (reverse("alerts:handle", args=[alert.pk]) in html) == (name in seen and may_handle), name


def test_anonymous_user_is_sent_to_login(client, alerts):
    response = client.get(reverse("alerts:list"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("role", "target", "status"),
    [
        ("primary_admin", "vao_p1", 200),
        ("primary_admin", "vao", 404),
        ("primary_admin", "zao_p1", 404),
        ("territorial_admin", "zao_p1", 404),
        ("presidium", "vao_p1", 404),
        ("juror", "vao_p1", 404),
        ("outsider", "vao_p1", 404),
        ("info_officer", "zao_p1", 200),
    ],
)
def test_handle_page_is_404_out_of_scope(client, cast, alerts, role, target, status):
    response = login(client, getattr(cast, role)).get(reverse("alerts:handle", args=[alerts[target].pk]))

    assert response.status_code == status


def test_mark_handled_with_comment_closes_it_and_lists_it_as_handled(client, cast, alerts):
    login(client, cast.territorial_admin)
    url = reverse("alerts:handle", args=[alerts["vao"].pk])

    response = client.post(url, {"comment": "Договорились о плане публикаций"})

    assert response.status_code == 302
    alert = Alert.objects.get(pk=alerts["vao"].pk)
    assert alert.handled_by == cast.territorial_admin
    assert alert.comment == "Договорились о плане публикаций"
    assert alert.detail not in client.get(reverse("alerts:list")).content.decode()
    handled = client.get(reverse("alerts:list") + "?status=handled").content.decode()
    assert alert.detail in handled
    assert "Договорились о плане публикаций" in handled
    # Handled: the confirmation page is gone (404), not a second form.
    assert client.get(url).status_code == 404


def test_mark_handled_without_comment_is_refused_in_russian(client, cast, alerts):
    response = login(client, cast.primary_admin).post(
        reverse("alerts:handle", args=[alerts["vao_p1"].pk]), {"comment": ""}
    )

    assert response.status_code == 200
    assert "Напишите комментарий" in response.content.decode()
    assert Alert.objects.get(pk=alerts["vao_p1"].pk).handled_at is None


def test_mark_handled_by_get_changes_nothing(client, cast, alerts):
    response = login(client, cast.primary_admin).get(
        reverse("alerts:handle", args=[alerts["vao_p1"].pk]), {"comment": "x"}
    )

    assert response.status_code == 200
    assert "Отметить оповещение как решённое?" in response.content.decode()
    assert Alert.objects.get(pk=alerts["vao_p1"].pk).handled_at is None


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("info_officer", 200),
        ("presidium", 403),
        ("territorial_admin", 403),
        ("primary_admin", 403),
        ("juror", 403),
        ("outsider", 403),
    ],
)
def test_rule_settings_are_for_information_staff_only(client, cast, role, status):
    assert login(client, getattr(cast, role)).get(reverse("alerts:rules")).status_code == status


def _rules_post(**changes) -> dict:
    data = {}
    for kind, threshold in (
        ("silent_page", 30),
        ("subscriber_drop", 10),
        ("collection_failing", 3),
        ("primary_no_news", 2),
        ("below_trend", 365),
    ):
        data[f"{kind}-is_enabled"] = "on"
        data[f"{kind}-threshold"] = str(threshold)
    data.update(changes)
    return data


def test_rule_settings_page_names_the_dashboard_target(client, cast, settings):
    settings.SUBSCRIBER_TARGET_PER_TERRITORIAL_PAGE = 1500

    html = login(client, cast.info_officer).get(reverse("alerts:rules")).content.decode()

    assert "1\u00a0500 подписчиков" in html
    assert "Дней без постов" in html


def test_information_officer_changes_a_rule(client, cast):
    login(client, cast.info_officer)
    data = _rules_post(**{"silent_page-threshold": "45"})
    del data["subscriber_drop-is_enabled"]

    response = client.post(reverse("alerts:rules"), data)

    assert response.status_code == 302
    assert AlertRule.objects.get(kind="silent_page").threshold == 45
    assert AlertRule.objects.get(kind="subscriber_drop").is_enabled is False


@pytest.mark.parametrize(
    ("value", "message"), [("abc", "Порог — целое число."), ("0", "не меньше 1"), ("", "Укажите порог.")]
)
def test_bad_threshold_is_named_and_nothing_is_saved(client, cast, value, message):
    response = login(client, cast.info_officer).post(
        reverse("alerts:rules"), _rules_post(**{"collection_failing-threshold": value})
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AlertRule.objects.exists()


def test_too_high_threshold_is_refused_with_the_rule_named(client, cast):
    response = login(client, cast.info_officer).post(
        reverse("alerts:rules"), _rules_post(**{"subscriber_drop-threshold": "500"})
    )

    assert "«Падение подписчиков за неделю»: порог должен быть от 1 до 100" in response.content.decode()


@pytest.mark.parametrize(
    ("role", "text"), [("territorial_admin", "Открытых оповещений: 2"), ("info_officer", "Открытых оповещений: 3")]
)
def test_dashboard_shows_the_open_alerts_in_scope(client, cast, alerts, role, text):
    html = login(client, getattr(cast, role)).get(reverse("socialstats:dashboard")).content.decode()

    assert text in html
    assert reverse("alerts:list") in html


def test_the_dashboards_scope_narrows_its_alert_count_and_the_list_it_links_to(client, cast, tree, alerts):
    """Information staff looking at ЗАО's dashboard see ЗАО's one open alert, not the union's three."""
    client = login(client, cast.info_officer)
    html = client.get(reverse("socialstats:dashboard"), {"scope": tree.zao.pk}).content.decode()
    assert "Открытых оповещений: 1" in html
    assert f"{reverse('alerts:list')}?scope={tree.zao.pk}" in html
    listed = client.get(reverse("alerts:list"), {"scope": tree.zao.pk})
    assert [alert.pk for alert, _may in listed.context["rows"]] == [alerts["zao_p1"].pk]
    assert "Оповещения: ЗАО" in listed.content.decode()


def test_an_alert_list_narrowed_to_an_organisation_out_of_scope_answers_404(client, cast, tree, alerts):
    response = login(client, cast.territorial_admin).get(reverse("alerts:list"), {"scope": tree.zao.pk})
    assert response.status_code == 404


def test_dashboard_shows_no_alerts_link_to_a_juror(client, cast, alerts):
    response = login(client, cast.juror).get(reverse("socialstats:dashboard"))

    assert reverse("alerts:list") not in response.content.decode()


@pytest.mark.parametrize("extra", [0, 60])
def test_alert_list_query_budget_does_not_grow_with_alerts(
    client, cast, tree, alerts, extra, django_assert_max_num_queries
):
    for number in range(extra):
        page = make_page(tree.vao_p2, f"more-{number}")
        make_alert(tree.vao_p2, f"page:{page.pk}", page=page)
    login(client, cast.territorial_admin)

    with django_assert_max_num_queries(8):
        response = client.get(reverse("alerts:list"))

    assert response.content.decode().count('class="card alert-card') == min(2 + extra, 50)


def test_alert_list_pages_by_fifty_and_keeps_the_filter(client, cast, tree):
    for number in range(55):
        make_alert(tree.vao_p2, f"org:{number}", handled_at=timezone.now(), comment=f"Решено {number}")
    login(client, cast.territorial_admin)

    first = client.get(reverse("alerts:list"), {"status": "handled"}).content.decode()
    second = client.get(reverse("alerts:list"), {"status": "handled", "page": "2"}).content.decode()

    assert first.count('class="card alert-card') == 50
    assert "?status=handled&amp;page=2" in first
    assert second.count('class="card alert-card') == 5
    assert "Решено 54" not in second  # the latest handled come first
