"""`manage.py growth_report` writes the same table as the growth page."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.socialstats.growth_data import load_mgo_2018


@pytest.fixture
def mgo(db):
    return load_mgo_2018()


def test_command_writes_the_territorial_rollup_of_the_002_table_as_xlsx(mgo, tmp_path):
    target = tmp_path / "growth.xlsx"
    call_command(
        "growth_report",
        "--from",
        "31.12.2017",
        "--to",
        "20.04.2018",
        "--by",
        "territorial",
        "--format",
        "xlsx",
        "--output",
        str(target),
    )
    sheet = load_workbook(target).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}  # the header is row 1, frozen
    assert rows["ВАО"][5] == 279 and rows["ВАО"][7] == 568
    total = list(sheet.iter_rows(values_only=True))[-1]
    assert total[9] == 2067 + 1106


def test_command_limits_to_a_network_and_a_scope_as_csv(mgo, tmp_path):
    target = tmp_path / "growth.csv"
    call_command(
        "growth_report",
        "--from",
        "2017-12-31",
        "--to",
        "2018-04-20",
        "--scope",
        "МГО Профсоюза",
        "--network",
        "facebook",
        "--output",
        str(target),
    )
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[-1][9] == "2067"


def test_command_refuses_bad_dates_and_unknown_scope(mgo):
    with pytest.raises(CommandError, match=r"31\.02\.2018"):
        call_command("growth_report", "--from", "31.02.2018", "--to", "20.04.2018")
    with pytest.raises(CommandError, match="matches 0"):
        call_command("growth_report", "--from", "31.12.2017", "--to", "20.04.2018", "--scope", "Нет такой")
