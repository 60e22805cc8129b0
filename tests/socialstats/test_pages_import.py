"""Bulk import of pages: organisation, network, url[, owner]; all or nothing; again changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from socialstats.models import PageOwner, SocialPage
from socialstats.registry.imports import ImportRejected, pages_import, snapshots_import

GOOD = (
    "organisation,network,url,owner\n"
    "ВАО,vk,https://vk.com/club100,\n"
    "ВАО,telegram,@vao_news,молодёжный совет\n"
    "ППО Школа 1,ok,ok.ru/group/55,leader\n"
)


def test_pages_are_created_with_recognised_handles_and_owners(tree):
    report = pages_import(source=GOOD.encode(), filename="p.csv")
    assert len(report.created) == 3
    rows = set(SocialPage.objects.values_list("organisation__name", "network", "handle", "external_id", "owner"))
    assert rows == {
        ("ВАО", "vk", "club100", "100", PageOwner.ORGANISATION),
        ("ВАО", "telegram", "vao_news", "", PageOwner.YOUTH_COUNCIL),
        ("ППО Школа 1", "ok", "group/55", "55", PageOwner.LEADER),
    }


def test_importing_the_same_pages_again_changes_nothing(tree):
    pages_import(source=GOOD.encode(), filename="p.csv")
    report = pages_import(source=GOOD.encode(), filename="p.csv")
    assert not report.changed and report.unchanged == 3
    assert SocialPage.objects.count() == 3


def test_bad_rows_save_nothing_and_each_is_named(tree):
    text = (
        "organisation,network,url,owner\n"
        "ВАО,vk,https://vk.com/club100,\n"
        "ВАО,vk,https://vk.com/id5,\n"
        "Нет такой,vk,https://vk.com/club7,\n"
        "ЗАО,telegram,https://vk.com/club8,\n"
        "ЗАО,vk,https://vk.com/public100,\n"
        "ЗАО,vk,https://vk.com/club9,boss\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        pages_import(source=text.encode(), filename="p.csv")
    errors = rejected.value.errors
    assert [error.split(",")[0] for error in errors] == ["Строка 3", "Строка 4", "Строка 5", "Строка 6", "Строка 7"]
    assert "«url»" in errors[0]
    assert "«organisation»" in errors[1]
    assert "«network»" in errors[2]
    assert "строку 2" in errors[3] or "2" in errors[3]
    assert "«owner»" in errors[4]
    assert not SocialPage.objects.exists()


def test_a_page_registered_to_another_organisation_is_refused_naming_it(tree):
    SocialPage.objects.create(organisation=tree.zao, network="vk", url="https://vk.com/club100", handle="club100")
    with pytest.raises(ImportRejected) as rejected:
        pages_import(source=GOOD.encode(), filename="p.csv")
    assert "ЗАО" in rejected.value.errors[0]
    assert SocialPage.objects.count() == 1


def test_a_page_created_by_a_snapshot_import_gets_its_link(tree):
    snapshots_import(source="organisation,network,date,subscribers\nВАО,vk,2018-01-01,5\n".encode(), create_pages=True)
    report = pages_import(source=GOOD.encode(), filename="p.csv")
    assert len(report.linked) == 1
    page = SocialPage.objects.get(organisation=tree.vao, network="vk")
    assert (page.handle, page.snapshots.count()) == ("club100", 1)


def test_the_command_reports_and_refuses_bad_files(tree, tmp_path):
    good = tmp_path / "pages.csv"
    good.write_text(GOOD, encoding="utf-8")
    out = io.StringIO()
    call_command("import_pages", str(good), stdout=out)
    assert "pages created 3" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("organisation,network,url\nВАО,vk,https://example.org/x\n", encoding="cp1251")
    with pytest.raises(CommandError) as error:
        call_command("import_pages", str(bad))
    assert "Строка 2" in str(error.value)


def test_row_errors_name_the_column_as_the_file_spells_it(tree):
    """A file typed with Russian headers gets its own headers back in the errors, not our field names."""
    text = "Организация;Соцсеть;Ссылка\nВАО;ЖЖ;https://vk.com/club7\nНет такой;vk;https://vk.com/club8\n"
    with pytest.raises(ImportRejected) as rejected:
        pages_import(source=text.encode(), filename="p.csv")
    errors = rejected.value.errors
    assert len(errors) == 2, errors
    assert "«Соцсеть»" in errors[0] and "«network»" not in errors[0]
    assert "«Организация»" in errors[1] and "«organisation»" not in errors[1]
    assert SocialPage.objects.count() == 0
