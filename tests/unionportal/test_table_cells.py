"""Table cells (templates/_table_cards.html): each carries its column's attributes and name, built once per
column for fixed attributes and per row where a column's attributes depend on the record."""

from __future__ import annotations

import re

import django_tables2 as tables
from django.test import RequestFactory


class Fixed(tables.Table):
    name = tables.Column(verbose_name="Название")
    count = tables.Column(verbose_name="Число", attrs={"td": {"class": "num"}})


class PerRecord(tables.Table):
    name = tables.Column(verbose_name="Название", attrs={"td": {"data-id": lambda record: record["id"]}})


def _cells(table) -> list[str]:
    html = table.as_html(RequestFactory().get("/"))
    return re.findall(r"<td [^>]*>", html)


def test_every_cell_has_its_columns_class_and_name():
    cells = _cells(Fixed([{"name": "А", "count": 1}, {"name": "Б", "count": 2}, {"name": "В", "count": 3}]))
    assert len(cells) == 6
    assert all('data-label="Название"' in cell for cell in cells[0::2])
    assert all('class="num"' in cell and 'data-label="Число"' in cell for cell in cells[1::2])


def test_attributes_that_depend_on_the_record_are_built_for_each_row():
    cells = _cells(PerRecord([{"id": 7, "name": "А"}, {"id": 9, "name": "Б"}]))
    assert ['data-id="7"' in cells[0], 'data-id="9"' in cells[1]] == [True, True]
    assert all('data-label="Название"' in cell for cell in cells)


def test_a_name_is_escaped():
    class Risky(tables.Table):
        name = tables.Column(verbose_name='<b>"x"</b>')

    (cell,) = _cells(Risky([{"name": "А"}]))
    assert 'data-label="&lt;b&gt;&quot;x&quot;&lt;/b&gt;"' in cell
