"""Every importer refuses a file past a limit at once, in Russian, naming the limit, and saves nothing;
every upload page turns an unrecognised header into the mapping step; an upload past the size limit is
dropped while it arrives; unconfirmed uploads are deleted by the scheduled task."""

from __future__ import annotations

import io
import os
import re
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgs.models import Organisation, OrganisationAlias
from orgs.services import organisations_import
from orgs.tasks import import_stash_cleanup
from socialstats.models import PrintPublication, Snapshot, SocialPage, Website, WebsiteStat
from socialstats.registry.imports import (
    ImportRejected,
    pages_import,
    publications_import,
    snapshots_import,
    website_stats_import,
    websites_import,
)

# One valid file per importer (for the tree of tests/conftest.py), three data rows each.
IMPORTERS = {
    "organisations": (
        organisations_import,
        "organisation,kind,parent\nСАО,territorial,МГО Профсоюза\nСВАО,territorial,МГО Профсоюза\n"
        "ЮАО,territorial,МГО Профсоюза\n",
        {},
    ),
    "pages": (
        pages_import,
        "organisation,network,url\nВАО,vk,vk.com/club1\nЗАО,vk,vk.com/club2\nППО Школа 1,vk,vk.com/club3\n",
        {},
    ),
    "snapshots": (
        snapshots_import,
        "organisation,network,date,subscribers\nВАО,vk,01.01.2025,1\nЗАО,vk,01.01.2025,2\n"
        "ППО Школа 1,vk,01.01.2025,3\n",
        {"create_pages": True},
    ),
    "website_stats": (
        website_stats_import,
        "organisation,website,period_start,period_end,materials\nВАО,vao.example.org,01.01.2025,30.06.2025,1\n"
        "ЗАО,zao.example.org,01.01.2025,30.06.2025,2\nППО Школа 1,s1.example.org,01.01.2025,30.06.2025,3\n",
        {"create_websites": True},
    ),
    "websites": (
        websites_import,
        "organisation,website\nВАО,vao.example.org\nЗАО,zao.example.org\nППО Школа 1,s1.example.org\n",
        {},
    ),
    "publications": (
        publications_import,
        "organisation,title,kind\nВАО,Вестник,newspaper\nЗАО,Листок,bulletin\nППО Школа 1,Школьная,other\n",
        {},
    ),
}
MODELS = (Organisation, OrganisationAlias, SocialPage, Snapshot, Website, WebsiteStat, PrintPublication)


def _counts() -> list[int]:
    return [model.objects.count() for model in MODELS]


def _xlsx(text: str) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for line in text.strip().splitlines():
        workbook.active.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", IMPORTERS)
def test_every_importer_reads_its_valid_file(tree, kind):
    importer, text, options = IMPORTERS[kind]
    importer(source=text.encode(), filename="f.csv", **options)
    importer(source=_xlsx(text), filename="f.xlsx", **options)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", IMPORTERS)
def test_every_importer_refuses_a_file_past_the_row_limit_and_saves_nothing(tree, settings, kind, fmt):
    settings.IMPORT_MAX_ROWS = 2
    importer, text, options = IMPORTERS[kind]
    before = _counts()
    source = text.encode() if fmt == "csv" else _xlsx(text)
    with pytest.raises(ImportRejected) as rejected:
        importer(source=source, filename=f"f.{fmt}", **options)
    assert rejected.value.errors == [
        "В файле больше 2 строк (предел IMPORT_MAX_ROWS); разделите его на файлы поменьше."
    ]
    assert _counts() == before


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("kind", IMPORTERS)
def test_every_importer_refuses_a_row_past_the_cell_limit_and_saves_nothing(tree, settings, kind, fmt):
    settings.IMPORT_MAX_CELLS_PER_ROW = 6
    importer, text, options = IMPORTERS[kind]
    wide = text.rstrip("\n") + ",x" * 10 + "\n"  # the last row has 10 more cells than the header
    before = _counts()
    source = wide.encode() if fmt == "csv" else _xlsx(wide)
    with pytest.raises(ImportRejected) as rejected:
        importer(source=source, filename=f"f.{fmt}", **options)
    assert rejected.value.errors == ["В строке больше 6 ячеек (предел IMPORT_MAX_CELLS_PER_ROW)."]
    assert _counts() == before


@pytest.mark.parametrize("kind", IMPORTERS)
def test_every_importer_refuses_an_xlsx_past_the_uncompressed_limit_and_saves_nothing(tree, settings, kind):
    settings.IMPORT_MAX_XLSX_UNCOMPRESSED_SIZE = 2 * 1_048_576
    importer, text, options = IMPORTERS[kind]
    source = _xlsx(text)
    # The same workbook with a padding part: 3 MB of zeros unpacked, a few kilobytes packed.
    buffer = io.BytesIO(source)
    with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/padding.bin", b"\0" * 3 * 1_048_576)
    assert len(buffer.getvalue()) < 100_000
    before = _counts()
    with pytest.raises(ImportRejected) as rejected:
        importer(source=buffer.getvalue(), filename="f.xlsx", **options)
    assert rejected.value.errors == [
        "Файл XLSX в распакованном виде занимает 3 МБ, больше 2 МБ (предел IMPORT_MAX_XLSX_UNCOMPRESSED_SIZE); "
        "сохраните его как CSV или разделите."
    ]
    assert _counts() == before


def test_an_xlsx_declaring_no_size_is_refused_past_the_row_limit(tree, settings):
    """openpyxl reads a whole sheet that declares no size when it opens it: the rows are counted first."""
    settings.IMPORT_MAX_ROWS = 10
    rows = "".join(f'<row><c t="inlineStr"><is><t>ВАО {n}</t></is></c></row>' for n in range(20))
    buffer = io.BytesIO()
    original = io.BytesIO(_xlsx("organisation,network,url\n"))
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<dimension[^>]*/>", b"", data).replace(
                    b"</sheetData>", rows.encode() + b"</sheetData>"
                )
            target.writestr(item, data)
    with pytest.raises(ImportRejected) as rejected:
        pages_import(source=buffer.getvalue(), filename="p.xlsx")
    assert "IMPORT_MAX_ROWS" in rejected.value.errors[0]


# --- upload pages ----------------------------------------------------------------------------------------

UPLOAD_PAGES = {
    "orgs:import": "organisation,kind,parent\n",
    "socialstats:pages_import": "organisation,network,url\n",
    "socialstats:snapshots_import": "organisation,network,date,subscribers\n",
    "socialstats:website_stats_import": "organisation,website,period_start,period_end,materials\n",
}


@pytest.mark.parametrize("url_name", UPLOAD_PAGES)
def test_every_upload_page_shows_the_mapping_step_for_an_unrecognised_header(
    client, cast, settings, tmp_path, url_name
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.info_officer)
    header = UPLOAD_PAGES[url_name]
    text = header.replace("organisation", "Чья строка") + header.count(",") * "," + "\n"
    before = _counts()
    response = client.post(reverse(url_name), {"file": SimpleUploadedFile("f.csv", text.encode())})
    assert response.status_code == 200
    form = response.context["mapping_form"]
    assert form.fields["column_0"].label == "Чья строка"
    assert "Чья строка" in response.content.decode() and "Что в каком столбце?" in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize("url_name", UPLOAD_PAGES)
def test_every_upload_page_drops_a_file_past_the_size_limit_while_it_arrives(
    client, cast, settings, tmp_path, url_name
):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_MAX_FILE_SIZE = 1_048_576
    client.force_login(cast.info_officer)
    big = UPLOAD_PAGES[url_name].encode() + b"x" * (2 * 1_048_576)
    response = client.post(reverse(url_name), {"file": SimpleUploadedFile("big.csv", big)})
    assert response.context["form"].errors["file"] == ["Файл больше 1 МБ (предел IMPORT_MAX_FILE_SIZE)."]
    assert not (tmp_path / "import-stash").exists() or not any((tmp_path / "import-stash").iterdir())


def test_the_mapping_step_refuses_a_field_chosen_twice(client, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(cast.info_officer)
    url = reverse("socialstats:pages_import")
    text = "Кто,Сеть,Ссылка\nВАО,vk,vk.com/club5\n"
    response = client.post(url, {"file": SimpleUploadedFile("p.csv", text.encode())})
    data = {**response.context["state"].initial, "step": "map", "column_0": "url", "column_1": "network"}
    data["column_2"] = "url"
    response = client.post(url, data)
    assert "только для одного столбца" in response.content.decode()
    data["column_0"] = "organisation"
    response = client.post(url, data)
    assert response.context["preview"].created
    response = client.post(url, response.context["confirm"].initial)
    assert SocialPage.objects.get().handle == "club5"


def test_unconfirmed_uploads_are_deleted_after_a_day_by_the_scheduled_task(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stash = tmp_path / "import-stash"
    stash.mkdir()
    old, fresh = stash / "1-old.csv", stash / "1-fresh.csv"
    old.write_text("x")
    fresh.write_text("x")
    day_ago = time.time() - 25 * 3600
    os.utime(old, (day_ago, day_ago))
    assert import_stash_cleanup() == "removed 1"
    assert not old.exists() and fresh.exists()
    assert settings.CELERY_BEAT_SCHEDULE["import-stash-cleanup"]["task"] == "orgs.tasks.import_stash_cleanup"
