"""The API's growth equals the growth table's export for the same parameters, row for row."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from tests.socialstats.growth_data import load_mgo_2018


@pytest.fixture
def mgo(db):
    return load_mgo_2018()


def _export_rows(client, params: dict) -> list[tuple]:
    response = client.get("/stats/growth/", {**params, "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = []
    for cells in sheet.iter_rows(min_row=2, values_only=True):  # row 1: the header
        label, network, organisation, pages, new, at_a, date_a, at_b, date_b, change, pct = cells
        rows.append(
            (
                label,
                network or "",
                organisation or "",
                pages,
                new == "новая",
                at_a,
                date_a.date() if isinstance(date_a, dt.datetime) else date_a,
                at_b,
                date_b.date() if isinstance(date_b, dt.datetime) else date_b,
                change,
                None if pct is None else round(pct * 100, 1),  # stored as a fraction, shown as 0.0%
            )
        )
    return rows


def _api_rows(body: dict) -> list[tuple]:
    return [
        (
            row["label"],
            row["network"],
            row["organisation"],
            row["pages"],
            row["is_new"],
            row["at_a"],
            dt.date.fromisoformat(row["date_a"]) if row["date_a"] else None,
            row["at_b"],
            dt.date.fromisoformat(row["date_b"]) if row["date_b"] else None,
            row["change"],
            None if row["change_pct"] is None else round(row["change_pct"], 1),
        )
        for row in [*body["rows"], *body["subtotals"], body["total"]]
    ]


PARAMETERS = [
    {"a": "2017-12-31", "b": "2018-04-20"},
    {"a": "31.12.2017", "b": "20.04.2018", "grouping": "territorial"},
    {"a": "2017-12-31", "b": "2018-04-20", "grouping": "network"},
    {"a": "2017-12-31", "b": "2018-04-20", "grouping": "org", "networks": ["vk"]},
    {"a": "2018-01-01", "b": "2018-04-20", "grouping": "page", "networks": ["facebook"]},
]


@pytest.mark.parametrize("params", PARAMETERS, ids=lambda params: params.get("grouping", "page"))
def test_growth_from_the_api_equals_the_growth_tables_export(client, mgo, params):
    from tests.factories import UserFactory

    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    exported = _export_rows(client, params)
    body = client.get("/api/v1/growth/", params).json()
    assert len(exported) > 2
    assert _api_rows(body) == exported


def test_growth_from_the_api_equals_the_export_inside_one_territory(client, mgo):
    from orgs.models import Organisation, OrgKind
    from tests.factories import UserFactory

    territory = Organisation.objects.filter(kind=OrgKind.TERRITORIAL).order_by("path").first()
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    params = {"a": "2017-12-31", "b": "2018-04-20", "scope": territory.pk}
    exported = _export_rows(client, params)
    assert _api_rows(client.get("/api/v1/growth/", params).json()) == exported
    assert all(row[2] in ("", territory.display_name) for row in exported[:-1])
