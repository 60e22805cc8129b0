"""The 002 document's table (31.12.2017 → 20.04.2018) reproduced from demo/ data."""

from __future__ import annotations

import datetime as dt

import pytest

from socialstats.reports import selectors
from tests.socialstats.growth_data import load_mgo_2018

A, B = dt.date(2017, 12, 31), dt.date(2018, 4, 20)

# The document's table: ТПО, Кол.ППО, Facebook 31.12.2017, VK 31.12.2017, Facebook 20.04.2018, VK 20.04.2018.
# 0 in a 2017 column = no account yet ("new").
DOCUMENT = [
    ("ВАО", 88, 179, 100, 377, 191),
    ("ЗелАО", 20, 0, 0, 27, 6),
    ("ЗАО", 76, 109, 163, 328, 232),
    ("СВАО", 51, 210, 87, 408, 218),
    ("СЗАО", 46, 52, 0, 308, 144),
    ("САО", 72, 0, 0, 387, 191),
    ("ЦАО", 53, 196, 0, 251, 50),
    ("ЮВАО", 78, 149, 32, 371, 118),
    ("ЮЗАО", 94, 0, 0, 265, 165),
    ("ЮАО", 91, 89, 0, 287, 156),
    ("УГСО", 74, 0, 0, 42, 17),
]


@pytest.fixture
def mgo(db):
    return load_mgo_2018()


def test_printed_layout_reproduces_every_row_of_the_002_table(mgo):
    layout = selectors.printed_layout(scope_paths=None, a=A, b=B)
    assert [value for value, _label in layout.networks] == ["vk", "facebook"]
    rows = {row.label: row for row in layout.rows}
    assert set(rows) == {name for name, *_rest in DOCUMENT}
    for name, primaries, fb_a, vk_a, fb_b, vk_b in DOCUMENT:
        row = rows[name]
        assert row.primaries == primaries, name
        for network, at_a, at_b in (("facebook", fb_a, fb_b), ("vk", vk_a, vk_b)):
            cell = row.cells[network]
            assert cell.at_b == at_b, (name, network)
            if at_a == 0:
                assert cell.at_a is None and cell.is_new, (name, network)
                assert cell.change == at_b
            else:
                assert cell.at_a == at_a and not cell.is_new, (name, network)
                assert cell.change == at_b - at_a


def test_printed_layout_totals_are_facebook_plus_2067_and_vk_plus_1106(mgo):
    layout = selectors.printed_layout(scope_paths=None, a=A, b=B)
    assert layout.totals["facebook"].change == 2067
    assert layout.totals["vk"].change == 1106
    assert layout.totals["facebook"].at_a == 984
    assert layout.totals["facebook"].at_b == 3051
    assert layout.primaries_total == sum(row[1] for row in DOCUMENT)


def test_new_marks_are_on_the_pages_without_an_account_at_the_end_of_2017(mgo):
    report = selectors.growth_report(scope_paths=None, a=A, b=B, grouping="page")
    new = sorted((row.organisation, row.network) for row in report.rows if row.is_new)
    expected = sorted(
        (name, label)
        for name, _p, fb_a, vk_a, *_b in DOCUMENT
        for label, at_a in (("Facebook", fb_a), ("ВКонтакте", vk_a))
        if at_a == 0
    )
    assert new == expected
    assert report.total.change == 2067 + 1106


def test_printed_page_shows_the_totals(client, mgo, django_user_model):
    from orgs.models import Organisation, Role
    from tests.factories import UserFactory, assign

    user = UserFactory(username="info-mgo")
    assign(user, Role.INFO_OFFICER, Organisation.objects.get(name="МГО Профсоюза"))
    client.force_login(user)
    response = client.get("/stats/growth/printed/", {"a": "31.12.2017", "b": "20.04.2018"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "+2\u00a0067" in html and "+1\u00a0106" in html
