"""Closing an organisation changes nothing the analytics tables hold: its pages keep their history and keep
counting (docs/reports.md), and the tree-derived columns («Кол. ППО») are read from the tree at report time.
So organisation_close needs no analytics hook; these tests hold the tables to a recomputation after a close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from orgs.services import organisation_close
from socialstats.analytics.services import analytics_check, analytics_rebuild
from socialstats.models import Snapshot, SocialPage
from socialstats.reports.selectors import growth_rows, printed_layout

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 10)
A, B = dt.date(2026, 3, 1), dt.date(2026, 3, 8)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args: TODAY)


@pytest.fixture
def pages(tree):
    made = {}
    for organisation, handle, network in (
        (tree.vao_p1, "p1", "vk"),
        (tree.vao_p2, "p2", "vk"),
        (tree.zao_p1, "z1", "telegram"),
        (tree.zao, "zao", "vk"),
    ):
        made[handle] = SocialPage.objects.create(
            organisation=organisation, network=network, url=f"https://vk.com/{handle}", handle=handle
        )
    for index, page in enumerate(made.values()):
        Snapshot.objects.create(page=page, date=A, subscribers=100 + index, source="api")
        Snapshot.objects.create(page=page, date=B, subscribers=150 + index, source="api")
    analytics_rebuild()
    return made


def _figures(rows):
    return sorted((row.path, row.network, row.pages, row.new_pages, row.at_a, row.at_b) for row in rows)


def test_the_tables_agree_with_a_recomputation_after_a_territorial_is_closed(tree, pages):
    before = _figures(growth_rows(scope_paths=None, a=A, b=B, grouping="territorial_network"))

    organisation_close(organisation=tree.zao, on=dt.date(2026, 3, 5))

    assert analytics_check() == []
    # Closing archives nothing: the closed organisation's pages keep counting at A and at B.
    assert _figures(growth_rows(scope_paths=None, a=A, b=B, grouping="territorial_network")) == before


def test_a_closed_primary_leaves_the_primaries_count_but_not_the_sums(tree, pages):
    layout = printed_layout(scope_paths=[tree.union.path], a=A, b=B)
    primaries = {row.label: row.primaries for row in layout.rows}

    organisation_close(organisation=tree.vao_p2, on=dt.date(2026, 3, 5))

    assert analytics_check() == []
    closed = printed_layout(scope_paths=[tree.union.path], a=A, b=B)
    assert {row.label: row.primaries for row in closed.rows} == {**primaries, "ВАО": primaries["ВАО"] - 1}
    assert {key: (total.at_a, total.at_b) for key, total in closed.totals.items()} == {
        key: (total.at_a, total.at_b) for key, total in layout.totals.items()
    }
