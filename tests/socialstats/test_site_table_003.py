"""The 003 document's «Статистика использования сайтов» typed as printed: Russian headers, one period for the
whole file (01.01.2018–28.02.2022), no addresses. It imports from the command line and the upload page, names
that differ from the tree are mapped once, and `websites_report` shows its rows and numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from orgs.models import Organisation, OrganisationAlias, OrgKind, Role
from socialstats.models import Website, WebsiteStat
from tests.factories import UserFactory, assign, make_org

TABLE = Path(__file__).parent / "data" / "site_stats_003.csv"
PERIOD = ["--period-start", "2018-01-01", "--period-end", "2022-02-28"]
PRINTED = [row[0] for row in list(csv.reader(TABLE.read_text(encoding="utf-8").splitlines(), delimiter=";"))[1:]]


def _full_name(printed: str) -> str:
    if printed.startswith("МРО "):
        return "Межрегиональная организация г. " + printed.removeprefix("МРО ")
    return f"{printed} организация профсоюза"


@pytest.fixture
def union(db):
    """The union with its territorial organisations under their full names: none is written as in 003."""
    root = make_org("Российский профсоюз трудящихся промышленности", OrgKind.UNION, short_name="РОСПРОФПРОМ")
    for printed in PRINTED[1:]:
        make_org(_full_name(printed), OrgKind.TERRITORIAL, root)
    return root


@pytest.fixture
def union_by_short_names(db):
    """The same union where each territorial organisation's short name is the one the 003 table prints."""
    root = make_org("Российский профсоюз трудящихся промышленности", OrgKind.UNION, short_name="РОСПРОФПРОМ")
    for printed in PRINTED[1:]:
        make_org(_full_name(printed), OrgKind.TERRITORIAL, root, short_name=printed)
    return root


def test_the_003_table_imports_from_the_command_line_and_websites_report_shows_it(union_by_short_names, capsys):
    out = io.StringIO()
    call_command(
        "import_website_stats",
        str(TABLE),
        *PERIOD,
        "--create-websites",
        "--alias",
        "Центральный сайт профсоюза=РОСПРОФПРОМ",
        stdout=out,
    )
    assert "websites created 15, periods created 15" in out.getvalue()
    assert Website.objects.filter(url="").count() == 15
    assert set(WebsiteStat.objects.values_list("period_start", "period_end")) == {
        (dt.date(2018, 1, 1), dt.date(2022, 2, 28))
    }
    central = WebsiteStat.objects.get(website__organisation=union_by_short_names)
    assert (central.materials, central.visitors, central.views) == (1362, 108549, 493312)

    report = io.StringIO()
    call_command("websites_report", stdout=report)
    rows = list(csv.reader(report.getvalue().splitlines(), delimiter=";"))
    assert rows[0][0] == "Организация" and "Опубликовано материалов" in rows[0]
    assert len(rows) == 16
    materials = rows[0].index("Опубликовано материалов")
    # The leaders by published materials first, as the 003 document ranks them.
    assert [row[materials] for row in rows[1:4]] == ["2142", "1362", "572"]
    assert rows[1][0] == "Ивановская областная организация профсоюза"
    assert rows[2][0] == "Российский профсоюз трудящихся промышленности"
    assert rows[2][-5:] == ["01.01.2018", "28.02.2022", "1362", "108549", "493312"]

    again = io.StringIO()
    call_command("import_website_stats", str(TABLE), *PERIOD, "--create-websites", stdout=again)
    assert "websites created 0, periods created 0, updated 0, unchanged 15" in again.getvalue()


def test_websites_report_takes_a_scope_and_writes_xlsx(union_by_short_names, tmp_path):
    call_command(
        "import_website_stats",
        str(TABLE),
        *PERIOD,
        "--create-websites",
        "--alias",
        "Центральный сайт профсоюза=РОСПРОФПРОМ",
        stdout=io.StringIO(),
    )
    report = io.StringIO()
    call_command("websites_report", "--scope", "Тульская областная", stdout=report)
    rows = list(csv.reader(report.getvalue().splitlines(), delimiter=";"))
    assert len(rows) == 2 and rows[1][-3:] == ["52", "4282", "13282"]
    target = tmp_path / "sites.xlsx"
    call_command("websites_report", "--format", "xlsx", "--output", str(target), stderr=io.StringIO())
    from openpyxl import load_workbook

    sheet = load_workbook(target).active
    assert sheet["A1"].value == "Организация" and sheet.freeze_panes == "A2"
    assert sheet.max_row == 16


def test_the_003_table_without_a_period_is_refused_and_nothing_is_saved(union_by_short_names):
    with pytest.raises(CommandError, match="период"):
        call_command("import_website_stats", str(TABLE), "--create-websites", stdout=io.StringIO())
    assert not Website.objects.exists() and not WebsiteStat.objects.exists()


def test_unknown_names_on_the_command_line_are_listed_with_the_alias_option(union):
    with pytest.raises(CommandError) as refused:
        call_command("import_website_stats", str(TABLE), *PERIOD, "--create-websites", stdout=io.StringIO())
    assert "--alias" in str(refused.value) and "Курганская областная" in str(refused.value)
    assert not Website.objects.exists() and not OrganisationAlias.objects.exists()


def test_a_renamed_column_is_read_with_the_column_option(union_by_short_names, tmp_path):
    text = TABLE.read_text(encoding="utf-8").replace("Профсоюзная организация", "Кто")
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match="--column"):
        call_command("import_website_stats", str(renamed), *PERIOD, "--create-websites", stdout=io.StringIO())
    out = io.StringIO()
    call_command(
        "import_website_stats",
        str(renamed),
        *PERIOD,
        "--create-websites",
        "--column",
        "Кто=organisation",
        "--alias",
        "Центральный сайт профсоюза=РОСПРОФПРОМ",
        stdout=out,
    )
    assert "periods created 15" in out.getvalue()


def test_a_row_without_an_address_goes_to_the_organisations_only_website(union_by_short_names):
    tula = Organisation.objects.get(short_name="Тульская областная")
    site = Website.objects.create(organisation=tula, url="https://tula.example.org")
    text = "Профсоюзная организация;Число посетителей\nТульская областная;4 282\n"
    from socialstats.registry.imports import website_stats_import

    report = website_stats_import(
        source=text.encode(), filename="t.csv", period=(dt.date(2018, 1, 1), dt.date(2022, 2, 28))
    )
    assert report.created == 1 and not report.websites_created
    assert WebsiteStat.objects.get().website == site


# --- the upload page ------------------------------------------------------------------------------------


@pytest.fixture
def officer(union):
    user = UserFactory(username="officer")
    assign(user, Role.INFO_OFFICER, union)
    return user


def _upload(client, content: bytes, name: str = "003.csv"):
    return client.post(
        reverse("socialstats:website_stats_import"),
        {
            "file": SimpleUploadedFile(name, content, content_type="text/csv"),
            "period_start": "2018-01-01",
            "period_end": "2022-02-28",
            "create_missing": "on",
        },
    )


def _choose(client, response):
    """Post the name step choosing, for every unknown name, the organisation it means."""
    form = response.context["alias_form"]
    data = {**response.context["state"].initial, "step": "alias", "names": form.initial["names"]}
    for index, name in enumerate(form.names):
        meant = (
            Organisation.objects.get(depth=1)
            if name == "Центральный сайт профсоюза"
            else Organisation.objects.get(name=_full_name(name))
        )
        data[f"alias_{index}"] = str(meant.pk)
    response = client.post(reverse("socialstats:website_stats_import"), data)
    assert "preview" in response.context, response.context.get("errors")
    return response


def test_the_003_table_imports_through_the_upload_page_after_naming_the_organisations_once(
    client, union, officer, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(officer)
    response = _upload(client, TABLE.read_bytes())
    assert response.status_code == 200
    form = response.context["alias_form"]
    assert sorted(form.names) == sorted(PRINTED)
    kaluga_choices = form.fields[f"alias_{form.names.index('Калужская областная')}"].choices
    assert kaluga_choices[1][1] == "Калужская областная организация профсоюза"  # the closest name first
    assert not Website.objects.exists()

    response = _choose(client, response)
    assert "alias_form" not in response.context
    preview = response.context["preview"]
    assert (len(preview.websites_created), preview.created) == (15, 15)
    assert OrganisationAlias.objects.count() == 15
    kaluga = OrganisationAlias.objects.get(name="Калужская областная").organisation
    assert kaluga.name == "Калужская областная организация профсоюза"
    assert not WebsiteStat.objects.exists()  # the preview saves no figures

    response = client.post(reverse("socialstats:website_stats_import"), response.context["confirm"].initial)
    assert response.context["done"].created == 15
    stat = WebsiteStat.objects.get(website__organisation=kaluga)
    assert (stat.period_start, stat.period_end, stat.materials, stat.visitors, stat.views) == (
        dt.date(2018, 1, 1),
        dt.date(2022, 2, 28),
        266,
        18119,
        75710,
    )

    again = _upload(client, TABLE.read_bytes())
    assert "alias_form" not in again.context  # the names are known now
    assert again.context["preview"].unchanged == 15

    page = client.get(reverse("socialstats:website_registry"))
    body = page.content.decode()
    assert "Калужская областная организация профсоюза" in body and "18\u00a0119" in body


def test_the_003_table_as_xlsx_imports_through_the_upload_page(client, union_by_short_names, settings, tmp_path):
    from openpyxl import Workbook

    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(username="officer2")
    assign(user, Role.INFO_OFFICER, union_by_short_names)
    client.force_login(user)
    workbook = Workbook()
    for row in csv.reader(TABLE.read_text(encoding="utf-8").splitlines(), delimiter=";"):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _upload(client, buffer.getvalue(), name="003.xlsx")
    assert response.context["alias_form"].names == ["Центральный сайт профсоюза"]
    response = _choose(client, response)
    assert response.context["preview"].created == 15


def test_a_file_with_an_unrecognised_organisation_column_shows_the_mapping_step(
    client, union_by_short_names, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(username="officer3")
    assign(user, Role.INFO_OFFICER, union_by_short_names)
    client.force_login(user)
    text = TABLE.read_text(encoding="utf-8").replace("Профсоюзная организация", "Кто")
    response = _upload(client, text.encode())
    form = response.context["mapping_form"]
    assert [field.label for field in form] == [
        "Кто",
        "Количество опубликованных материалов",
        "Число посетителей",
        "Число просмотров",
    ]
    assert "Кто" in response.context["mapping_message"]
    data = {**response.context["state"].initial, "step": "map"}
    data.update({"column_0": "organisation", "column_1": "materials", "column_2": "visitors", "column_3": "views"})
    response = client.post(reverse("socialstats:website_stats_import"), data)
    assert response.context["alias_form"].names == ["Центральный сайт профсоюза"]
    assert not Website.objects.exists()


def test_websites_without_an_address_survive_a_full_export_and_import(union_by_short_names, tmp_path):
    from socialstats.registry.portable import import_all

    call_command(
        "import_website_stats",
        str(TABLE),
        *PERIOD,
        "--create-websites",
        "--alias",
        "Центральный сайт профсоюза=РОСПРОФПРОМ",
        stdout=io.StringIO(),
    )
    call_command("export_all", str(tmp_path / "export"), stdout=io.StringIO())
    steps = {step.filename: step.summary for step in import_all(directory=tmp_path / "export")}
    assert "unchanged 15" in steps["websites.csv"] and "unchanged 15" in steps["website_stats.csv"]
    assert Website.objects.count() == 15 and WebsiteStat.objects.count() == 15
