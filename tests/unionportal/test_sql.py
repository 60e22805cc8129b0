"""`in_ids` (unionportal/lib/sql.py): the rows among the ids on either database, none for no ids, and nothing
but integers in the statement."""

from __future__ import annotations

import pytest
from django.db import connection

from orgs.models import Organisation
from unionportal.lib.sql import in_ids

pytestmark = pytest.mark.django_db


def ids_among(ids) -> set[int]:
    condition, params = in_ids("id", ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM {Organisation._meta.db_table} WHERE {condition}", params)
        return {row[0] for row in cursor.fetchall()}


def test_the_rows_among_the_ids_and_none_for_no_ids(tree):
    everyone = list(Organisation.objects.values_list("pk", flat=True))
    assert ids_among(everyone) == set(everyone)
    assert ids_among([tree.vao.pk, tree.zao.pk, 10**12]) == {tree.vao.pk, tree.zao.pk}
    assert ids_among([]) == set()


def test_an_id_that_is_not_a_number_never_becomes_sql(tree):
    evil = "1}'); DROP TABLE orgs_organisation; --"
    try:
        found = ids_among([evil])
    except ValueError:  # PostgreSQL: the array literal is made of int() only
        found = set()
    assert found == set()
    assert Organisation.objects.filter(pk=tree.vao.pk).exists()
