"""export_all / import_all: a full export in the import formats that an empty instance imports back whole."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from orgs.models import Organisation, OrgKind
from orgs.selectors import organisation_path_names
from orgs.services import ImportRejected, organisations_import
from socialstats.models import (
    PageOwner,
    PageStatus,
    PrintPublication,
    Snapshot,
    SnapshotSource,
    SocialPage,
    Website,
    WebsiteStat,
)
from socialstats.registry.imports import snapshots_import
from socialstats.registry.portable import FILES, export_all, import_all
from tests.factories import make_org

pytestmark = pytest.mark.django_db

MOSCOW_NOON = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)


def build_dataset() -> None:
    """Three levels, names that repeat under different parents, every kind of registry row."""
    union = make_org(
        "Профсоюз",
        OrgKind.UNION,
        short_name="МГО",
        region="Москва",
        members_count=108549,
        members_as_of=dt.date(2018, 1, 1),
        founded_on=dt.date(1990, 5, 1),
    )
    vao = make_org("ВАО", OrgKind.TERRITORIAL, union, members_count=1200)
    zao = make_org("ЗАО", OrgKind.TERRITORIAL, union)
    school_vao = make_org("ППО Школа 1", OrgKind.PRIMARY, vao)
    school_zao = make_org("ППО Школа 1", OrgKind.PRIMARY, zao)  # the same name under another parent
    make_org("Молодёжный совет", OrgKind.YOUTH_COUNCIL, vao)
    make_org("Молодёжный совет", OrgKind.YOUTH_COUNCIL, school_zao)  # a child of a repeated name
    make_org("ППО Закрытая", OrgKind.PRIMARY, zao, is_active=False, closed_on=dt.date(2020, 1, 31))

    vk = SocialPage.objects.create(
        organisation=union,
        network="vk",
        url="https://vk.com/mgo",
        handle="mgo",
        title="МГО ВКонтакте",
        owner=PageOwner.ORGANISATION,
        is_official=True,
        added_on=dt.date(2017, 3, 1),
    )
    tg = SocialPage.objects.create(
        organisation=school_vao,
        network="telegram",
        url="https://t.me/school1",
        handle="school1",
        owner=PageOwner.LEADER,
        status=PageStatus.ARCHIVED,
        archived_on=dt.date(2023, 12, 31),
        added_on=dt.date(2019, 9, 1),
    )
    ok = SocialPage.objects.create(
        organisation=school_zao,
        network="ok",
        url="https://ok.ru/group/5555",
        handle="group/5555",
        owner=PageOwner.YOUTH_COUNCIL,
        added_on=dt.date(2020, 2, 2),
    )
    linkless = SocialPage.objects.create(
        organisation=school_zao, network="vk", title="Без ссылки", added_on=dt.date(2021, 1, 1)
    )
    Snapshot.objects.create(
        page=vk,
        date=dt.date(2024, 5, 1),
        subscribers=1500,
        posts_30d=12,
        last_post_at=MOSCOW_NOON,
        posts_counted=10,
        likes=340,
        comments=25,
        reposts=7,
        views=12000,
        source=SnapshotSource.API,
        taken_at=MOSCOW_NOON,
    )
    Snapshot.objects.create(
        page=vk, date=dt.date(2017, 12, 31), subscribers=900, source=SnapshotSource.IMPORT, taken_at=MOSCOW_NOON
    )
    Snapshot.objects.create(
        page=tg, date=dt.date(2023, 6, 1), subscribers=0, source=SnapshotSource.MANUAL, taken_at=MOSCOW_NOON
    )
    Snapshot.objects.create(
        page=ok, date=dt.date(2024, 1, 1), subscribers=77, likes=0, source=SnapshotSource.API, taken_at=MOSCOW_NOON
    )
    Snapshot.objects.create(
        page=linkless, date=dt.date(2018, 1, 1), subscribers=5, source=SnapshotSource.IMPORT, taken_at=MOSCOW_NOON
    )
    site = Website.objects.create(
        organisation=union,
        url="https://mgo.example.org",
        title="Сайт МГО",
        added_on=dt.date(2015, 1, 1),
        checklist={"elected_bodies": True, "decisions": False, "federation_news": True},
    )
    Website.objects.create(
        organisation=school_zao, url="https://school1.example.org/news", is_active=False, added_on=dt.date(2016, 6, 6)
    )
    WebsiteStat.objects.create(
        website=site,
        period_start=dt.date(2024, 1, 1),
        period_end=dt.date(2024, 3, 31),
        materials=40,
        visitors=1000,
        views=5000,
        source=SnapshotSource.IMPORT,
    )
    WebsiteStat.objects.create(
        website=site,
        period_start=dt.date(2023, 1, 1),
        period_end=dt.date(2023, 12, 31),
        materials=None,
        visitors=12,
        views=None,
        source=SnapshotSource.IMPORT,
    )
    PrintPublication.objects.create(
        organisation=union, title="Вестник", kind="newspaper", issues_per_year=12, print_run=5000
    )
    PrintPublication.objects.create(organisation=school_zao, title="Листок", kind="bulletin", is_active=False)


def state() -> dict[str, list[tuple]]:
    """Every row's content, with organisations named by their path instead of an id."""
    organisations = list(Organisation.objects.order_by("path"))
    paths = organisation_path_names(organisations)
    org_fields = (
        "kind",
        "name",
        "short_name",
        "region",
        "members_count",
        "members_as_of",
        "is_active",
        "founded_on",
        "closed_on",
        "depth",
    )
    page_fields = ("network", "url", "handle", "title", "owner", "is_official", "status", "added_on", "archived_on")
    snapshot_fields = (
        "date",
        "subscribers",
        "posts_30d",
        "last_post_at",
        "posts_counted",
        "likes",
        "comments",
        "reposts",
        "views",
        "source",
        "taken_at",
    )
    page_key = {page.pk: (paths[page.organisation_id], page.network, page.handle) for page in SocialPage.objects.all()}
    return {
        "organisations": sorted((paths[org.pk], *(getattr(org, f) for f in org_fields)) for org in organisations),
        "pages": sorted(
            (paths[page.organisation_id], *(getattr(page, f) for f in page_fields)) for page in SocialPage.objects.all()
        ),
        "snapshots": sorted(
            (page_key[snap.page_id], *(getattr(snap, f) for f in snapshot_fields)) for snap in Snapshot.objects.all()
        ),
        "websites": sorted(
            (
                paths[site.organisation_id],
                site.url,
                site.title,
                site.is_active,
                site.added_on,
                sorted(key for key, value in site.checklist.items() if value),
            )
            for site in Website.objects.all()
        ),
        "website_stats": sorted(
            (stat.website.url, stat.period_start, stat.period_end, stat.materials, stat.visitors, stat.views)
            for stat in WebsiteStat.objects.select_related("website")
        ),
        "publications": sorted(
            (paths[pub.organisation_id], pub.title, pub.kind, pub.issues_per_year, pub.print_run, pub.is_active)
            for pub in PrintPublication.objects.all()
        ),
    }


def wipe() -> None:
    for model in (WebsiteStat, Website, PrintPublication, Snapshot, SocialPage):
        model.objects.all().delete()
    Organisation.objects.all().delete()


def test_export_all_then_import_all_into_an_empty_instance_gives_the_same_rows(tmp_path: Path):
    build_dataset()
    before = state()
    call_command("export_all", str(tmp_path))
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(FILES)
    wipe()
    assert Organisation.objects.count() == 0

    call_command("import_all", str(tmp_path))

    after = state()
    for table, rows in before.items():
        assert after[table] == rows, table
    export_all(directory=tmp_path / "again")
    for filename in FILES:  # and the export of the copy is the same file, byte for byte
        assert (tmp_path / "again" / filename).read_bytes() == (tmp_path / filename).read_bytes(), filename


def test_importing_the_export_again_changes_nothing(tmp_path: Path):
    build_dataset()
    export_all(directory=tmp_path)
    before = state()
    steps = import_all(directory=tmp_path)
    assert state() == before
    assert all(step.summary.startswith(("created 0", "pages_created 0", "websites_created 0")) for step in steps), steps
    assert Organisation.objects.count() == 8


def test_export_names_repeated_organisations_by_their_path(tmp_path: Path):
    build_dataset()
    export_all(directory=tmp_path)
    pages = (tmp_path / "pages.csv").read_text(encoding="utf-8")
    assert "МГО / ЗАО / ППО Школа 1,ok,https://ok.ru/group/5555" in pages
    orgs = (tmp_path / "organisations.csv").read_text(encoding="utf-8").splitlines()
    assert orgs[1].startswith("МГО,union,,Профсоюз,Москва,108549,2018-01-01,1,1990-05-01")
    assert "Молодёжный совет,youth_council,МГО / ЗАО / ППО Школа 1," in orgs[-1] or any(
        line.startswith("Молодёжный совет,youth_council,МГО / ЗАО / ППО Школа 1,") for line in orgs
    )


def test_a_bad_file_refuses_the_whole_import_naming_the_file(tmp_path: Path):
    build_dataset()
    export_all(directory=tmp_path)
    wipe()
    snapshots = tmp_path / "snapshots.csv"
    snapshots.write_text(snapshots.read_text(encoding="utf-8").replace(",1500,", ",много,"), encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_all(directory=tmp_path)
    assert any(error.startswith("snapshots.csv: ") and "«subscribers»" in error for error in rejected.value.errors)
    assert Organisation.objects.count() == 0
    assert SocialPage.objects.count() == 0
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_all", str(tmp_path))


def test_import_all_of_an_empty_directory_is_refused(tmp_path: Path):
    with pytest.raises(CommandError, match="No export files"):
        call_command("import_all", str(tmp_path))


def test_a_parent_named_by_a_repeated_name_is_refused_and_its_path_is_accepted():
    union = make_org("Профсоюз", OrgKind.UNION)
    make_org("ВАО", OrgKind.TERRITORIAL, union)
    make_org("ЗАО", OrgKind.TERRITORIAL, union)
    ambiguous = "organisation,kind,parent\nШкола,primary,ВАО\nШкола,primary,ЗАО\nСовет,youth_council,Школа\n"
    with pytest.raises(ImportRejected) as rejected:
        organisations_import(source=ambiguous.encode(), filename="x.csv")
    assert "«parent»" in rejected.value.errors[0]
    assert Organisation.objects.count() == 3

    by_path = ambiguous.replace("Совет,youth_council,Школа", "Совет,youth_council,Профсоюз / ЗАО / Школа")
    organisations_import(source=by_path.encode(), filename="x.csv")
    council = Organisation.objects.get(name="Совет")
    assert organisation_path_names([council])[council.pk] == "Профсоюз / ЗАО / Школа / Совет"


def test_a_tail_path_names_an_organisation_already_in_the_portal():
    union = make_org("Профсоюз", OrgKind.UNION)
    zao = make_org("ЗАО", OrgKind.TERRITORIAL, union)
    make_org("Школа", OrgKind.PRIMARY, make_org("ВАО", OrgKind.TERRITORIAL, union))
    school = make_org("Школа", OrgKind.PRIMARY, zao)
    organisations_import(
        source="organisation,kind,parent\nСовет,youth_council,ЗАО / Школа\n".encode(), filename="x.csv"
    )
    council = Organisation.objects.get(name="Совет")
    assert Organisation.objects.get_parent(council).pk == school.pk


def test_export_snapshots_names_a_repeated_organisation_by_its_path_and_imports_back(tmp_path: Path):
    build_dataset()
    target = tmp_path / "snapshots.csv"
    call_command("export_snapshots", output=target)
    assert "МГО / ЗАО / ППО Школа 1,ok,2024-01-01,77,https://ok.ru/group/5555" in target.read_text(encoding="utf-8")
    Snapshot.objects.all().delete()
    report = snapshots_import(source=target)
    assert report.created == 5
