"""A MAX channel's snapshots appear in the reports and exports like any network's, and travel through export_all."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from socialstats.models import Snapshot, SocialPage
from socialstats.registry.imports import snapshots_import
from socialstats.registry.portable import export_all, import_all

pytestmark = pytest.mark.django_db
A, B = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
PERIOD = {"a": "01.03.2026", "b": "01.04.2026"}


@pytest.fixture
def max_page(tree):
    page = SocialPage.objects.create(
        organisation=tree.vao_p1,
        network="max",
        url="https://max.ru/school1_news",
        handle="school1_news",
        title="Школа 1 в MAX",
    )
    Snapshot.objects.create(page=page, date=A, subscribers=120, source="api")
    Snapshot.objects.create(page=page, date=B, subscribers=480, views=900, posts_counted=10, source="api")
    return page


def test_the_growth_table_and_its_exports_carry_the_max_channel(client, cast, max_page):
    client.force_login(cast.info_officer)

    page = client.get("/stats/growth/", PERIOD)
    csv_rows = list(
        csv.reader(
            io.StringIO(client.get("/stats/growth/", {**PERIOD, "format": "csv"}).content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    sheet = load_workbook(io.BytesIO(client.get("/stats/growth/", {**PERIOD, "format": "xlsx"}).content)).active

    assert "Школа 1 в MAX" in page.content.decode()
    assert (page.context["report"].total.at_a, page.context["report"].total.at_b) == (120, 480)
    row = next(row for row in csv_rows if row and row[0] == "Школа 1 в MAX")
    assert "MAX" in row
    assert any(cell.value == "Школа 1 в MAX" for line in sheet.iter_rows() for cell in line)


def test_the_dashboard_and_the_printed_layout_count_the_max_channel(client, cast, max_page):
    client.force_login(cast.info_officer)

    dashboard = client.get("/stats/dashboard/", {"on": "01.04.2026"})
    printed = client.get("/stats/growth/printed/", PERIOD)

    assert dashboard.context["d"].subscribers == 480
    assert printed.status_code == 200
    assert "480" in printed.content.decode()


def test_max_snapshots_go_out_with_export_snapshots_and_come_back(tmp_path: Path, max_page):
    target = tmp_path / "snapshots.csv"
    call_command("export_snapshots", output=target)
    text = target.read_text(encoding="utf-8")
    assert ",max,2026-04-01,480,https://max.ru/school1_news" in text

    Snapshot.objects.all().delete()
    report = snapshots_import(source=target)

    assert report.created == 2
    assert Snapshot.objects.get(page=max_page, date=B).subscribers == 480


def test_a_max_page_survives_export_all_into_an_empty_instance(tmp_path: Path, max_page):
    export_all(directory=tmp_path)
    Snapshot.objects.all().delete()
    SocialPage.objects.all().delete()

    import_all(directory=tmp_path)

    page = SocialPage.objects.get(network="max")
    assert (page.handle, page.url) == ("school1_news", "https://max.ru/school1_news")
    assert list(page.snapshots.order_by("date").values_list("subscribers", flat=True)) == [120, 480]
