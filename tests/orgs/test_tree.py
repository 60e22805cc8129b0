from __future__ import annotations

import pytest
from django.urls import reverse

from orgs.models import Organisation, OrgKind, Role
from orgs.selectors import subtree, tree_children, with_primaries_total
from orgs.services import organisation_close, organisation_merge
from tests.factories import UserFactory, assign, make_org


def test_primaries_count_is_derived_from_the_tree(tree):
    counts = {org.name: org.primaries_total for org in with_primaries_total(Organisation.objects.all())}
    assert counts["ВАО"] == 2
    assert counts["МГО Профсоюза"] == 3
    assert counts["ППО Школа 1"] == 0
    assert counts["Молодёжный совет МГО"] == 0


def test_tree_children_count_the_same_primaries_as_the_tree_counts_in_two_queries(
    tree, cast, django_assert_num_queries
):
    make_org("ППО Школа 4", OrgKind.PRIMARY, make_org("Районная", OrgKind.TERRITORIAL, tree.vao))  # a grandchild
    closed = make_org("ППО закрытая", OrgKind.PRIMARY, tree.zao)
    Organisation.objects.filter(pk=closed.pk).update(is_active=False)
    union = Organisation.objects.get(pk=tree.union.pk)
    expected = {  # counted one by one, independently of the selector
        child.name: Organisation.objects.filter(path__startswith=child.path, kind=OrgKind.PRIMARY, is_active=True)
        .exclude(pk=child.pk)
        .count()
        for child in Organisation.objects.filter(depth=union.depth + 1)
    }
    with django_assert_num_queries(3):  # the user's roles, the children, the counts
        counts = {child.name: child.primaries_total for child in tree_children(cast.info_officer, union)}
    assert counts == expected
    assert counts["ВАО"] == 3 and counts["ЗАО"] == 1 and counts["Молодёжный совет МГО"] == 0


def test_subtree_is_one_query_whatever_the_depth(tree, django_assert_num_queries):
    deep = tree.vao_p1
    for level in range(5):
        deep = make_org(f"level {level}", OrgKind.YOUTH_COUNCIL, deep)
    with django_assert_num_queries(1):
        names = [org.name for org in subtree(tree.vao)]
    assert "level 4" in names and "ЗАО" not in names


def test_closing_keeps_the_organisation_and_its_history(tree):
    organisation_close(organisation=tree.vao)
    tree.vao.refresh_from_db()
    assert not tree.vao.is_active and tree.vao.closed_on is not None
    assert Organisation.objects.filter(path__startswith=tree.vao.path, is_active=False).count() == 3


def test_merge_moves_children_and_records_target(tree):
    organisation_merge(source=tree.zao, target=tree.vao)
    tree.zao.refresh_from_db()
    assert tree.zao.merged_into == tree.vao and not tree.zao.is_active
    moved = Organisation.objects.get(name="ППО Школа 3")
    assert Organisation.objects.get_parent(moved).pk == tree.vao.pk


def test_merge_into_own_subtree_is_refused(tree):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        organisation_merge(source=tree.vao, target=tree.vao_p1)


def _grow(union, territories: int, primaries_each: int) -> None:
    for t in range(territories):
        territory = make_org(f"ТПО {t}", OrgKind.TERRITORIAL, union)
        for p in range(primaries_each):
            make_org(f"ППО {t}-{p}", OrgKind.PRIMARY, territory)


def _query_count(client, url, django_assert_max_num_queries, params=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url_name,params",
    [
        ("orgs:tree", None),
        ("orgs:tree", {"q": "ППО"}),
        ("orgs:list", None),
        ("orgs:detail", None),
        ("orgs:children", None),
        ("home", None),
    ],
)
def test_tree_and_list_pages_cost_the_same_queries_at_10_and_1000_orgs(
    client, db, url_name, params, django_assert_max_num_queries
):
    union = make_org("Союз", OrgKind.UNION)
    user = UserFactory(username="info")
    assign(user, Role.INFO_OFFICER, union)
    client.force_login(user)
    args = [union.pk] if url_name in ("orgs:detail", "orgs:children") else []
    url = reverse(url_name, args=args)
    _grow(union, 3, 2)  # 10 organisations in all
    small = _query_count(client, url, django_assert_max_num_queries, params)
    territory = Organisation.objects.get(name="ТПО 0")
    Organisation.objects.bulk_create(
        Organisation(
            name=f"ППО bulk {i}", kind=OrgKind.PRIMARY, depth=3, path=Organisation._get_path(territory.path, 3, 3 + i)
        )
        for i in range(990)
    )
    Organisation.objects.filter(pk=territory.pk).update(numchild=992)
    large = _query_count(client, url, django_assert_max_num_queries, params)
    assert Organisation.objects.count() >= 1000
    assert large == small
    assert small <= 12
