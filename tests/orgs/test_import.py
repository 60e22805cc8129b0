from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import Workbook

from orgs.models import Organisation, OrgKind
from orgs.services import ImportRejected, organisations_import

DEMO = Path(__file__).resolve().parents[2] / "demo" / "mgo-2018-organisations.csv"


def _counts():
    return Organisation.objects.count()


@pytest.mark.django_db
def test_import_of_the_document_table_builds_union_and_territories():
    report = organisations_import(source=DEMO, filename=DEMO.name)
    assert len(report.created) == 12
    union = Organisation.objects.get(name="МГО Профсоюза")
    assert union.kind == OrgKind.UNION and union.depth == 1
    assert Organisation.objects.filter(kind=OrgKind.TERRITORIAL, depth=2).count() == 11
    assert any("ВАО" in warning and "88" in warning for warning in report.warnings)


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing():
    organisations_import(source=DEMO, filename=DEMO.name)
    before = list(Organisation.objects.order_by("path").values_list("path", "name", "kind", "updated_at"))
    report = organisations_import(source=DEMO, filename=DEMO.name)
    assert not report.changed
    assert report.unchanged == 12
    assert list(Organisation.objects.order_by("path").values_list("path", "name", "kind", "updated_at")) == before


@pytest.mark.django_db
def test_cp1251_semicolon_csv_is_read():
    text = "organisation;kind;parent;primaries_count\nМосковская;union;;\nСеверный округ;territorial;Московская;2\n"
    organisations_import(source=text.encode("cp1251"), filename="orgs.csv")
    north = Organisation.objects.get(name="Северный округ")
    assert Organisation.objects.get_parent(north).name == "Московская"


@pytest.mark.django_db
def test_xlsx_is_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["organisation", "kind", "parent", "primaries_count"])
    sheet.append(["Профсоюз", "union", None, None])
    sheet.append(["ТПО Юг", "territorial", "Профсоюз", 1])
    sheet.append(["ППО Завод", "primary", "ТПО Юг", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = organisations_import(source=buffer.getvalue(), filename="orgs.xlsx")
    assert report.created == ["Профсоюз", "ТПО Юг", "ППО Завод"]
    assert report.warnings == []


@pytest.mark.django_db
def test_children_listed_before_their_parent_are_accepted():
    text = "organisation,kind,parent\nППО 1,primary,ТПО\nТПО,territorial,Союз\nСоюз,union,\n"
    organisations_import(source=text.encode(), filename="o.csv")
    assert Organisation.objects.get_parent(Organisation.objects.get(name="ППО 1")).name == "ТПО"


@pytest.mark.django_db
def test_three_bad_rows_give_three_numbered_errors_and_save_nothing():
    text = (
        "organisation,kind,parent,primaries_count\n"
        "Союз,union,,\n"
        "ТПО 1,territorial,Союз,много\n"  # row 3: bad number
        ",territorial,Союз,\n"  # row 4: no name
        "ТПО 3,planet,Союз,\n"  # row 5: unknown kind
        "ТПО 4,territorial,Союз,3\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        organisations_import(source=text.encode(), filename="o.csv")
    errors = rejected.value.errors
    assert len(errors) == 3
    assert errors[0].startswith("Строка 3") and "primaries_count" in errors[0]
    assert errors[1].startswith("Строка 4") and "organisation" in errors[1]
    assert errors[2].startswith("Строка 5") and "kind" in errors[2]
    assert _counts() == 0


@pytest.mark.django_db
def test_unknown_parent_is_refused_and_nothing_saved():
    text = "organisation,kind,parent\nСоюз,union,\nТПО,territorial,Нет такого\n"
    with pytest.raises(ImportRejected) as rejected:
        organisations_import(source=text.encode(), filename="o.csv")
    assert "Нет такого" in rejected.value.errors[0]
    assert _counts() == 0


@pytest.mark.django_db
def test_missing_column_is_named():
    with pytest.raises(ImportRejected) as rejected:
        organisations_import(source=b"name,kind\n", filename="o.csv")
    assert "organisation" in rejected.value.errors[0]


@pytest.mark.django_db
def test_placeholders_are_created_only_when_asked_and_only_once():
    text = "organisation,kind,parent,primaries_count\nСоюз,union,,\nТПО,territorial,Союз,3\n"
    organisations_import(source=text.encode(), filename="o.csv")
    assert Organisation.objects.filter(kind=OrgKind.PRIMARY).count() == 0
    report = organisations_import(source=text.encode(), filename="o.csv", create_placeholders=True)
    assert report.placeholders_created == 3
    organisations_import(source=text.encode(), filename="o.csv", create_placeholders=True)
    assert Organisation.objects.filter(kind=OrgKind.PRIMARY).count() == 3


@pytest.mark.django_db
def test_command_reports_errors_and_saves_nothing(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("organisation,kind,parent\nСоюз,nonsense,\n", encoding="utf-8")
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Строка 2"):
        call_command("import_orgs", str(bad))
    assert _counts() == 0
    call_command("import_orgs", str(DEMO))
    assert _counts() == 12


def test_upload_page_previews_then_imports(client, cast):
    client.force_login(cast.info_officer)
    before = _counts()
    upload = io.BytesIO("organisation,kind,parent\nНовый округ,territorial,МГО Профсоюза\n".encode())
    upload.name = "new.csv"
    response = client.post(reverse("orgs:import"), {"file": upload})
    assert response.status_code == 200
    assert "Новый округ" in response.content.decode()
    assert _counts() == before  # preview saves nothing
    token = response.context["confirm"].initial["token"]
    response = client.post(reverse("orgs:import"), {"token": token})
    assert response.status_code == 302
    assert Organisation.objects.filter(name="Новый округ").exists()


def test_upload_page_lists_errors_and_saves_nothing(client, cast):
    client.force_login(cast.info_officer)
    before = _counts()
    upload = io.BytesIO(b"organisation,kind,parent\nX,bogus,\nY,bogus,\n")
    upload.name = "bad.csv"
    response = client.post(reverse("orgs:import"), {"file": upload})
    body = response.content.decode()
    assert "Строка 2" in body and "Строка 3" in body
    assert _counts() == before


def test_upload_page_refuses_other_file_types(client, cast):
    client.force_login(cast.info_officer)
    upload = io.BytesIO(b"MZ\x90\x00")
    upload.name = "virus.exe"
    response = client.post(reverse("orgs:import"), {"file": upload})
    assert ".csv" in response.content.decode()


def test_confirm_with_someone_elses_token_is_refused(client, cast):
    client.force_login(cast.info_officer)
    response = client.post(reverse("orgs:import"), {"token": "999-deadbeef.csv"}, follow=True)
    assert "заново" in response.content.decode()
