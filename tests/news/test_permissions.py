"""The news permission matrix: each role's rights and refusals on review, taking back and completeness.

Out of scope answers 404 (never 403), so a refusal does not tell that the item exists.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from news import services
from news.models import NewsItem, NewsStatus
from news.months import add_months, local_today
from orgs.models import Role
from tests.factories import UserFactory, assign
from tests.news.conftest import make_item, moscow

pytestmark = pytest.mark.django_db
OCT = dt.date(2026, 10, 1)
ROLES = ("info_officer", "territorial_admin", "zao_admin", "primary_admin", "presidium", "juror", "outsider")


@pytest.fixture
def users(cast, tree):
    zao_admin = UserFactory(username="tpo_zao")
    assign(zao_admin, Role.TERRITORIAL_ADMIN, tree.zao)
    return {**{role: getattr(cast, role) for role in ROLES if role != "zao_admin"}, "zao_admin": zao_admin}


def _item(tree, *, forwarded=False, union_accepted=False) -> NewsItem:
    item = make_item(tree.vao_p1, OCT, NewsStatus.ACCEPTED, moscow(2026, 10, 20))
    NewsItem.objects.filter(pk=item.pk).update(
        forwarded_to_union=forwarded, union_accepted_at=moscow(2026, 10, 22) if union_accepted else None
    )
    return NewsItem.objects.get(pk=item.pk)


# (action, who gets through; everyone else gets 404)
MATRIX = {
    "unaccept": {"info_officer", "territorial_admin"},
    "unforward": {"info_officer", "territorial_admin"},
    "union_accept": {"info_officer"},
    "union_return": {"info_officer"},
    "union_unaccept": {"info_officer"},
    "reopen_withdraw": {"info_officer", "territorial_admin"},
    "completeness": {"info_officer", "territorial_admin", "zao_admin", "presidium"},
}
CASES = [(action, role, role in allowed) for action, allowed in MATRIX.items() for role in ROLES]


def _request(client, action, tree, cast):
    if action == "unaccept":
        return client.post(reverse("news:withdraw", args=[_item(tree).pk, action]), {"reason": "Причина"})
    if action in ("unforward", "union_return"):
        item = _item(tree, forwarded=True)
        return client.post(reverse("news:withdraw", args=[item.pk, action]), {"reason": "Причина"})
    if action == "union_unaccept":
        item = _item(tree, forwarded=True, union_accepted=True)
        return client.post(reverse("news:withdraw", args=[item.pk, action]), {"reason": "Причина"})
    if action == "union_accept":
        return client.post(reverse("news:union_accept", args=[_item(tree, forwarded=True).pk]))
    if action == "reopen_withdraw":
        month = add_months(local_today().replace(day=1), -3)
        reopening = services.month_reopen(organisation=tree.vao_p1, month=month, by=cast.info_officer)
        return client.post(reverse("news:reopen_withdraw", args=[reopening.pk]))
    return client.get(reverse("news:completeness"))


@pytest.mark.parametrize(("action", "role", "allowed"), CASES)
def test_each_role_may_only_what_the_matrix_gives_it(client, cast, tree, users, action, role, allowed):
    client.force_login(users[role])
    response = _request(client, action, tree, cast)
    assert response.status_code == ((302 if action != "completeness" else 200) if allowed else 404)
    if action in ("unaccept", "unforward", "union_accept", "union_return", "union_unaccept"):
        item = NewsItem.objects.get()
        changed = {
            "unaccept": item.status == NewsStatus.SUBMITTED,
            "unforward": not item.forwarded_to_union,
            "union_accept": item.union_accepted_at is not None,
            "union_return": not item.forwarded_to_union,
            "union_unaccept": item.union_accepted_at is None,
        }[action]
        assert changed == allowed
        assert item.review_steps.exists() == allowed


@pytest.mark.parametrize("role", ROLES)
def test_the_item_page_offers_only_the_buttons_the_role_may_use(client, tree, users, role):
    forwarded = _item(tree, forwarded=True)
    client.force_login(users[role])
    response = client.get(reverse("news:detail", args=[forwarded.pk]))
    if role in ("primary_admin",):  # the author sees their item, without review buttons
        body = response.content.decode()
        assert response.status_code == 200
        assert 'id="unforward"' not in body and 'id="union-accept"' not in body
        return
    if role not in ("info_officer", "territorial_admin"):
        assert response.status_code == 404
        return
    body = response.content.decode()
    assert 'id="unforward"' in body
    assert ('id="union-accept"' in body) == (role == "info_officer")
    assert ('id="union-return"' in body) == (role == "info_officer")
