"""Import and export of historical snapshots: the 002 document's table, round trips, and bad files."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from orgs.models import Organisation
from socialstats.models import Snapshot, SnapshotSource, SocialPage
from socialstats.registry.imports import ImportRejected, snapshots_import
from tests.factories import make_org


def _rows() -> list[tuple]:
    return sorted(
        Snapshot.objects.values_list("page__organisation__name", "page__network", "page__url", "date", "subscribers")
    )


def test_the_2018_table_gives_33_snapshots_on_22_pages(mgo_orgs, subscribers_csv):
    report = snapshots_import(source=subscribers_csv, create_pages=True)
    assert (len(report.pages_created), report.created, report.updated) == (22, 33, 0)
    assert Snapshot.objects.count() == 33
    assert SocialPage.objects.count() == 22
    vao_vk = Snapshot.objects.get(page__organisation__name="ВАО", page__network="vk", date=dt.date(2018, 4, 20))
    assert vao_vk.subscribers == 191
    assert vao_vk.source == SnapshotSource.IMPORT


def test_importing_the_same_table_again_changes_nothing(mgo_orgs, subscribers_csv):
    snapshots_import(source=subscribers_csv, create_pages=True)
    before = list(Snapshot.objects.order_by("pk").values())
    report = snapshots_import(source=subscribers_csv, create_pages=True)
    assert not report.changed
    assert report.unchanged == 33
    assert list(Snapshot.objects.order_by("pk").values()) == before


def test_the_command_imports_with_create_pages(mgo_orgs, subscribers_csv):
    out = io.StringIO()
    call_command("import_snapshots", str(subscribers_csv), "--create-pages", stdout=out)
    assert "snapshots created 33" in out.getvalue()
    assert Snapshot.objects.count() == 33


def test_without_create_pages_missing_pages_are_errors_and_nothing_is_saved(mgo_orgs, subscribers_csv):
    with pytest.raises(CommandError) as error:
        call_command("import_snapshots", str(subscribers_csv))
    assert "Строка 2" in str(error.value)
    assert SocialPage.objects.count() == 0
    assert Snapshot.objects.count() == 0


def test_dry_run_reports_and_saves_nothing(mgo_orgs, subscribers_csv):
    out = io.StringIO()
    call_command("import_snapshots", str(subscribers_csv), "--create-pages", "--dry-run", stdout=out)
    assert "snapshots created 33" in out.getvalue()
    assert (SocialPage.objects.count(), Snapshot.objects.count()) == (0, 0)


def test_export_then_import_into_an_empty_database_reproduces_the_rows(mgo_orgs, subscribers_csv, tmp_path):
    snapshots_import(source=subscribers_csv, create_pages=True)
    # Give some pages a link so the round trip exercises page_url as well as organisation + network.
    for number, page in enumerate(SocialPage.objects.filter(network="vk").order_by("pk")[:5]):
        page.url, page.handle = f"https://vk.com/mgo_page_{number}", f"mgo_page_{number}"
        page.save()
    before = _rows()
    exported = tmp_path / "export.csv"
    call_command("export_snapshots", "--output", str(exported), stderr=io.StringIO())
    assert exported.read_text(encoding="utf-8").splitlines()[0] == "organisation,network,date,subscribers,page_url"
    Snapshot.objects.all().delete()
    SocialPage.objects.all().delete()
    call_command("import_snapshots", str(exported), "--create-pages", stdout=io.StringIO())
    assert _rows() == before


def test_export_filters_by_dates_and_scope(mgo_orgs, subscribers_csv, tmp_path):
    snapshots_import(source=subscribers_csv, create_pages=True)
    vao = SocialPage.objects.filter(organisation__name="ВАО").first().organisation
    out = io.StringIO()
    call_command("export_snapshots", "--from", "01.01.2018", "--scope", str(vao.pk), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[1:] == ["ВАО,facebook,2018-04-20,377,", "ВАО,vk,2018-04-20,191,"]


def test_export_refuses_an_unknown_scope(db):
    with pytest.raises(CommandError):
        call_command("export_snapshots", "--scope", "999999", stdout=io.StringIO())


def test_a_file_with_bad_rows_saves_nothing_and_names_each_row(mgo_orgs):
    text = (
        "organisation,network,date,subscribers\n"
        "ВАО,vk,2017-12-31,100\n"
        "Нет такой,vk,2017-12-31,5\n"
        "ВАО,myspace,2017-12-31,5\n"
        "ЗАО,vk,32.12.2017,5\n"
        "ЗАО,facebook,2017-12-31,-3\n"
        "ЗАО,facebook,2017-12-31,\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        snapshots_import(source=text.encode(), filename="bad.csv", create_pages=True)
    errors = rejected.value.errors
    assert [error.split(",")[0] for error in errors] == ["Строка 3", "Строка 4", "Строка 5", "Строка 6", "Строка 7"]
    assert "«organisation»" in errors[0] and "Нет такой" in errors[0]
    assert "«network»" in errors[1]
    assert "«date»" in errors[2]
    assert "«subscribers»" in errors[3]
    assert (SocialPage.objects.count(), Snapshot.objects.count()) == (0, 0)


def test_the_same_page_and_date_twice_in_a_file_is_an_error(mgo_orgs):
    text = "organisation,network,date,subscribers\nВАО,vk,2017-12-31,100\nВАО,vk,31.12.2017,101\n"
    with pytest.raises(ImportRejected) as rejected:
        snapshots_import(source=text.encode(), filename="dup.csv", create_pages=True)
    assert "Строка 3" in rejected.value.errors[0]
    assert Snapshot.objects.count() == 0


def test_several_pages_in_one_network_need_a_page_url_and_the_error_names_them(mgo_orgs):
    vao = Organisation.objects.get(name="ВАО")
    SocialPage.objects.create(organisation=vao, network="vk", url="https://vk.com/vao_one", handle="vao_one")
    SocialPage.objects.create(organisation=vao, network="vk", url="https://vk.com/vao_two", handle="vao_two")
    text = "organisation,network,date,subscribers\nВАО,vk,2017-12-31,100\n"
    with pytest.raises(ImportRejected) as rejected:
        snapshots_import(source=text.encode(), filename="x.csv", create_pages=True)
    assert "vao_one" in rejected.value.errors[0] and "vao_two" in rejected.value.errors[0]
    text = "organisation,network,date,subscribers,page_url\nВАО,vk,2017-12-31,100,vk.com/vao_two\n"
    snapshots_import(source=text.encode(), filename="x.csv")
    assert Snapshot.objects.get().page.handle == "vao_two"


def test_a_page_url_registered_to_another_organisation_is_an_error(mgo_orgs):
    zao = Organisation.objects.get(name="ЗАО")
    SocialPage.objects.create(organisation=zao, network="vk", url="https://vk.com/zao", handle="zao")
    text = "organisation,network,date,subscribers,page_url\nВАО,vk,2017-12-31,100,https://vk.com/zao\n"
    with pytest.raises(ImportRejected) as rejected:
        snapshots_import(source=text.encode(), filename="x.csv", create_pages=True)
    assert "ЗАО" in rejected.value.errors[0] and "«page_url»" in rejected.value.errors[0]


def test_an_ambiguous_organisation_name_is_an_error_naming_the_candidates(db):
    union = make_org("Союз", "union")
    first = make_org("Первая ТПО", "territorial", union, short_name="ТПО")
    make_org("Вторая ТПО", "territorial", union, short_name="ТПО")
    text = "organisation,network,date,subscribers\nТПО,vk,2017-12-31,100\n"
    with pytest.raises(ImportRejected) as rejected:
        snapshots_import(source=text.encode(), filename="x.csv", create_pages=True)
    assert "Первая ТПО" in rejected.value.errors[0] and "Вторая ТПО" in rejected.value.errors[0]
    text = "organisation,network,date,subscribers\nПервая ТПО,vk,2017-12-31,100\n"
    snapshots_import(source=text.encode(), filename="x.csv", create_pages=True)
    assert Snapshot.objects.get().page.organisation == first


def test_cp1251_semicolon_csv_with_russian_dates_and_spaced_numbers(mgo_orgs):
    text = (
        "organisation;network;date;subscribers\n"
        "ВАО;vk;31.12.2017;108 549\n"
        "ЗАО;vk;20.04.2018;1\u00a0234\n"
        "ЦАО;ok;20.04.2018;2\u202f001\n"
    )
    snapshots_import(source=_cp1251(text), filename="s.csv", create_pages=True)
    assert sorted(Snapshot.objects.values_list("subscribers", flat=True)) == [1234, 2001, 108549]


def _cp1251(text: str) -> bytes:
    # cp1251 has no narrow no-break space; Excel writes a plain or non-breaking one in that encoding.
    return text.replace("\u202f", "\u00a0").encode("cp1251")


def test_narrow_spaces_are_accepted_in_utf8(mgo_orgs):
    text = "organisation,network,date,subscribers\nЦАО,vk,2018-04-20,2\u202f001\n"
    snapshots_import(source=text.encode(), filename="s.csv", create_pages=True)
    assert Snapshot.objects.get().subscribers == 2001


def test_xlsx_with_date_cells_and_number_cells(mgo_orgs):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["organisation", "network", "date", "subscribers", "page_url"])
    excel_date = dt.datetime(2017, 12, 31)  # noqa: DTZ001 (an Excel date cell has no zone)
    sheet.append(["ВАО", "vk", excel_date, 100, "https://vk.com/club42"])
    sheet.append(["ЗАО", "facebook", "20.04.2018", "1 328", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = snapshots_import(source=buffer.getvalue(), filename="s.xlsx", create_pages=True)
    assert report.created == 2
    page = SocialPage.objects.get(network="vk")
    assert (page.handle, page.external_id) == ("club42", "42")
    assert sorted(Snapshot.objects.values_list("date", "subscribers")) == [
        (dt.date(2017, 12, 31), 100),
        (dt.date(2018, 4, 20), 1328),
    ]


def test_a_changed_number_for_an_existing_day_is_updated_not_added(mgo_orgs, subscribers_csv):
    snapshots_import(source=subscribers_csv, create_pages=True)
    text = "organisation,network,date,subscribers\nВАО,vk,2018-04-20,200\n"
    report = snapshots_import(source=text.encode(), filename="fix.csv")
    assert (report.created, report.updated) == (0, 1)
    assert Snapshot.objects.count() == 33
    assert (
        Snapshot.objects.get(page__organisation__name="ВАО", page__network="vk", date="2018-04-20").subscribers == 200
    )


def test_missing_columns_are_refused_before_any_row(mgo_orgs):
    with pytest.raises(ImportRejected) as rejected:
        snapshots_import(source=b"organisation,network,date\n", filename="x.csv")
    assert "subscribers" in rejected.value.errors[0]


def test_pages_imported_without_a_link_are_not_collected(tree, settings):
    import datetime as dt

    from socialstats.collection.services import _prepare, collection_start
    from socialstats.models import SocialPage

    settings.VK_API_TOKEN = "token"
    SocialPage.objects.create(organisation=tree.vao, network="vk", url="", handle="")
    linked = SocialPage.objects.create(organisation=tree.zao, network="vk", url="https://vk.com/zao", handle="zao")
    run = collection_start(network="vk", for_date=dt.date(2026, 1, 1))
    assert [ref.id for ref in _prepare(run)] == [linked.pk]
