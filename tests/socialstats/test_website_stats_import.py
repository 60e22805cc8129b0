"""Websites' figures per period (the 003 document's table): import all or nothing, again changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from socialstats.models import Website, WebsiteStat
from socialstats.registry.imports import ImportRejected, website_stats_import
from socialstats.registry.services import website_save

GOOD = (
    "organisation;website;period_start;period_end;materials;visitors;views\n"
    "ВАО;vao.example.org/;01.01.2025;30.06.2025;84;5 210;14 380\n"
    "ВАО;https://vao.example.org;01.07.2025;31.12.2025;97;;17 905\n"
)


def test_figures_are_imported_and_a_second_run_changes_nothing(tree):
    report = website_stats_import(source=GOOD.encode("cp1251"), filename="w.csv", create_websites=True)
    assert (len(report.websites_created), report.created) == (1, 2)
    website = Website.objects.get()
    assert (website.url, website.organisation) == ("https://vao.example.org", tree.vao)
    assert sorted(WebsiteStat.objects.values_list("materials", "visitors", "views")) == [
        (84, 5210, 14380),
        (97, None, 17905),
    ]
    again = website_stats_import(source=GOOD.encode("cp1251"), filename="w.csv", create_websites=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_an_unknown_website_needs_the_explicit_option(tree, tmp_path):
    path = tmp_path / "websites.csv"
    path.write_text(GOOD, encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_website_stats", str(path))
    assert "Строка 2" in str(error.value) and "Строка 3" in str(error.value)
    assert not Website.objects.exists()
    out = io.StringIO()
    call_command("import_website_stats", str(path), "--create-websites", stdout=out)
    assert "periods created 2" in out.getvalue()


def test_bad_rows_save_nothing_and_each_is_named(tree):
    website_save(organisation=tree.zao, url="https://zao.example.org")
    text = (
        "organisation,website,period_start,period_end,materials\n"
        "ВАО,vao.example.org,01.01.2025,30.06.2025,5\n"
        "ВАО,vao.example.org,01.07.2025,01.01.2025,5\n"
        "ВАО,zao.example.org,01.01.2025,30.06.2025,5\n"
        "ВАО,vao.example.org,2025-13-01,30.06.2025,много\n"
    )
    with pytest.raises(ImportRejected) as rejected:
        website_stats_import(source=text.encode(), filename="w.csv", create_websites=True)
    errors = rejected.value.errors
    assert [error.split(",")[0] for error in errors] == ["Строка 3", "Строка 4", "Строка 5", "Строка 5"]
    assert not WebsiteStat.objects.exists()
    assert Website.objects.count() == 1
