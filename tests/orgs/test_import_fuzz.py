"""Hypothesis over the organisation import: never a crash, every refusal names its problem, nothing half-saved."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgs.models import Organisation
from orgs.services import ImportRejected, organisations_import
from unionportal.lib.parsing import parse_count, parse_date

cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
kinds = st.sampled_from(["union", "territorial", "primary", "youth_council", "ТПО", "", "planet"])


@st.composite
def org_files(draw) -> bytes:
    rows = draw(st.lists(st.tuples(cell, kinds, cell, st.one_of(cell, st.integers(0, 99).map(str))), max_size=6))
    separator = draw(st.sampled_from([",", ";"]))
    encoding = draw(st.sampled_from(["utf-8", "cp1251"]))
    lines = [separator.join(["organisation", "kind", "parent", "primaries_count"])]
    for row in rows:
        lines.append(separator.join('"' + value.replace('"', '""') + '"' for value in row))
    return "\n".join(lines).encode(encoding, errors="replace")


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=org_files())
def test_any_org_file_is_imported_whole_or_refused_with_named_errors(content):
    Organisation.objects.all().delete()
    try:
        organisations_import(source=content, filename="fuzz.csv")
    except ImportRejected as rejected:
        assert rejected.errors
        assert all(error.strip() for error in rejected.errors)
        assert Organisation.objects.count() == 0


@given(st.text(max_size=20))
def test_parse_count_either_parses_or_says_why(value):
    try:
        assert parse_count(value) >= 0
    except ValueError as error:
        assert str(error)


@given(st.text(max_size=20))
def test_parse_date_either_parses_or_says_why(value):
    try:
        parse_date(value)
    except ValueError as error:
        assert str(error)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None)
@given(raw=st.binary(max_size=200))
def test_arbitrary_bytes_never_crash_the_import(raw):
    try:
        organisations_import(source=raw, filename="junk.csv")
    except ImportRejected as rejected:
        assert rejected.errors
