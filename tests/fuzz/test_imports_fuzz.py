"""Hypothesis over every import parser: a file is imported whole or refused with named errors, never a crash.

Each file mixes cells that resolve (organisations of the cast's tree, real links, dates, numbers) with
junk (control characters, long strings, negative and huge numbers, dates in odd formats). Whatever
comes, the importer either returns its report or raises ImportRejected whose every message names a row
and column in Russian, and a refused file leaves every table exactly as it was.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgs.models import Organisation
from orgs.services import ImportRejected, organisations_import
from socialstats.models import PrintPublication, Snapshot, SocialPage, Website, WebsiteStat
from socialstats.registry.imports import (
    pages_import,
    publications_import,
    snapshots_import,
    website_stats_import,
    websites_import,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
CYRILLIC = re.compile("[А-Яа-яЁё]")
MODELS = (Organisation, SocialPage, Snapshot, Website, WebsiteStat, PrintPublication)

junk = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=15),
    st.sampled_from(["", " ", "\x00", "\t", "\r", "\n", '"', ";", "x" * 600, "٣", "²", "1e5", "NaN", "-1"]),
)
organisations = st.one_of(
    st.sampled_from(["МГО Профсоюза", "ВАО", "ЗАО", "ППО Школа 1", "МГО Профсоюза / ЗАО / ППО Школа 3", "ЗАО / ППО"]),
    junk,
)
networks = st.one_of(st.sampled_from(["vk", "ВК", "telegram", "tg", "ok", "dzen", "other", "myspace"]), junk)
links = st.one_of(
    st.sampled_from(
        [
            "https://vk.com/club1",
            "vk.com/public2",
            "https://t.me/name_1",
            "@channel_x",
            "https://ok.ru/group/123",
            "https://example.org/x",
            "vk.com/" + "a" * 300,
            "ok.ru/group/" + "1" * 300,
            "javascript:alert(1)",
        ]
    ),
    junk,
)
dates = st.one_of(
    st.dates().map(lambda day: day.strftime("%d.%m.%Y")),
    st.dates().map(lambda day: day.isoformat()),
    st.sampled_from(["31.02.2018", "2018-13-01", "00.00.0000", "31/12/2017", "2017-12-31T10:00", "вчера"]),
    junk,
)
numbers = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from(["108 549", "1\u00a0000", "2147483647", "2147483648", "99999999999999999999", "1,5", "0"]),
    junk,
)
moments = st.one_of(
    st.datetimes().map(lambda moment: moment.isoformat()),
    st.sampled_from(["2024-05-01T12:30:00+03:00", "2024-02-30T10:00", "2024-05-01 25:00"]),
    dates,
)
yes_no = st.one_of(st.sampled_from(["1", "0", "да", "нет", "yes", "", "maybe"]), junk)


def csv_file(draw, columns: dict[str, st.SearchStrategy]) -> bytes:
    """A CSV of the drawn rows, in UTF-8 or Windows-1251, separated by `,` or `;`."""
    names = [name for name in columns if draw(st.booleans()) or name in REQUIRED]
    rows = draw(st.lists(st.tuples(*(columns[name] for name in names)), max_size=5))
    separator = draw(st.sampled_from([",", ";"]))
    lines = [separator.join(names)]
    for row in rows:
        lines.append(separator.join('"' + value.replace('"', '""') + '"' for value in row))
    return "\n".join(lines).encode(draw(st.sampled_from(["utf-8", "cp1251"])), errors="replace")


REQUIRED = {"organisation", "network", "url", "date", "subscribers", "website", "period_start", "period_end"}
REQUIRED |= {"title", "kind"}


@st.composite
def page_files(draw) -> bytes:
    return csv_file(
        draw,
        {
            "organisation": organisations,
            "network": networks,
            "url": links,
            "owner": st.one_of(st.sampled_from(["organisation", "youth", "руководитель", "boss"]), junk),
            "title": junk,
            "status": st.one_of(st.sampled_from(["active", "archived", "gone"]), junk),
            "official": yes_no,
            "added_on": dates,
            "archived_on": dates,
        },
    )


@st.composite
def snapshot_files(draw) -> bytes:
    return csv_file(
        draw,
        {
            "organisation": organisations,
            "network": networks,
            "date": dates,
            "subscribers": numbers,
            "page_url": links,
            "posts_30d": numbers,
            "likes": numbers,
            "views": numbers,
            "last_post_at": moments,
            "taken_at": moments,
            "source": st.one_of(st.sampled_from(["api", "manual", "import", "robot"]), junk),
        },
    )


@st.composite
def website_stat_files(draw) -> bytes:
    return csv_file(
        draw,
        {
            "organisation": organisations,
            "website": st.one_of(st.sampled_from(["mgo.example.org", "https://site.ru/", "http://[::1"]), junk),
            "period_start": dates,
            "period_end": dates,
            "materials": numbers,
            "visitors": numbers,
            "views": numbers,
        },
    )


@st.composite
def website_files(draw) -> bytes:
    return csv_file(
        draw,
        {
            "organisation": organisations,
            "website": st.one_of(st.sampled_from(["mgo.example.org", "https://site.ru/", "http://[::1"]), junk),
            "title": junk,
            "active": yes_no,
            "added_on": dates,
            "checklist": st.one_of(st.sampled_from(["elected_bodies decisions", "decisions,unknown"]), junk),
        },
    )


@st.composite
def publication_files(draw) -> bytes:
    return csv_file(
        draw,
        {
            "organisation": organisations,
            "title": junk,
            "kind": st.one_of(st.sampled_from(["newspaper", "bulletin", "poster"]), junk),
            "issues_per_year": numbers,
            "print_run": numbers,
            "active": yes_no,
        },
    )


@st.composite
def org_files(draw) -> bytes:
    return csv_file(
        draw,
        {
            "organisation": organisations,
            "kind": st.one_of(st.sampled_from(["union", "territorial", "primary", "ТПО", "planet"]), junk),
            "parent": organisations,
            "full_name": junk,
            "region": junk,
            "members_count": numbers,
            "members_as_of": dates,
            "active": yes_no,
            "founded_on": dates,
            "closed_on": dates,
        },
    )


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def import_whole_or_refuse(importer, content: bytes, **options) -> None:
    before = counts()
    try:
        importer(source=content, filename="fuzz.csv", **options)
    except ImportRejected as rejected:
        assert rejected.errors
        for error in rejected.errors:
            assert CYRILLIC.search(error), error  # a Russian message, not an exception's repr
            assert "Traceback" not in error
        assert counts() == before


@FUZZ
@given(content=page_files())
def test_any_pages_file_is_imported_whole_or_refused_with_named_errors(tree, content):
    import_whole_or_refuse(pages_import, content)


@FUZZ
@given(content=snapshot_files(), create_pages=st.booleans())
def test_any_snapshots_file_is_imported_whole_or_refused_with_named_errors(tree, content, create_pages):
    import_whole_or_refuse(snapshots_import, content, create_pages=create_pages)


@FUZZ
@given(content=website_stat_files(), create_websites=st.booleans())
def test_any_website_stats_file_is_imported_whole_or_refused_with_named_errors(tree, content, create_websites):
    import_whole_or_refuse(website_stats_import, content, create_websites=create_websites)


@FUZZ
@given(content=website_files())
def test_any_websites_file_is_imported_whole_or_refused_with_named_errors(tree, content):
    import_whole_or_refuse(websites_import, content)


@FUZZ
@given(content=publication_files())
def test_any_publications_file_is_imported_whole_or_refused_with_named_errors(tree, content):
    import_whole_or_refuse(publications_import, content)


@FUZZ
@given(content=org_files())
def test_any_organisations_file_with_every_column_is_imported_whole_or_refused(tree, content):
    import_whole_or_refuse(organisations_import, content)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    raw=st.binary(max_size=300),
    importer=st.sampled_from(
        [
            pages_import,
            snapshots_import,
            website_stats_import,
            websites_import,
            publications_import,
            organisations_import,
        ]
    ),
    filename=st.sampled_from(["x.csv", "x.xlsx"]),
)
def test_arbitrary_bytes_never_crash_any_importer(tree, raw, importer, filename):
    before = counts()
    try:
        importer(source=raw, filename=filename)
    except ImportRejected as rejected:
        assert rejected.errors
        assert counts() == before
