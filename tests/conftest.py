"""The cast: a small union with two territories, and one user per role (plus an outsider)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from orgs.models import Organisation, OrgKind, Role
from tests.factories import UserFactory, assign, make_org


@dataclass
class Tree:
    union: Organisation
    vao: Organisation
    zao: Organisation
    vao_p1: Organisation
    vao_p2: Organisation
    zao_p1: Organisation
    youth: Organisation


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached aggregates (the dashboard's, socialstats.reports.views) never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def tree(db) -> Tree:
    union = make_org("МГО Профсоюза", OrgKind.UNION)
    vao = make_org("ВАО", OrgKind.TERRITORIAL, union)
    zao = make_org("ЗАО", OrgKind.TERRITORIAL, union)
    vao_p1 = make_org("ППО Школа 1", OrgKind.PRIMARY, vao)
    vao_p2 = make_org("ППО Школа 2", OrgKind.PRIMARY, vao)
    zao_p1 = make_org("ППО Школа 3", OrgKind.PRIMARY, zao)
    youth = make_org("Молодёжный совет МГО", OrgKind.YOUTH_COUNCIL, union)
    return Tree(*(Organisation.objects.get(pk=o.pk) for o in (union, vao, zao, vao_p1, vao_p2, zao_p1, youth)))


@dataclass
class Cast:
    info_officer: object
    territorial_admin: object
    primary_admin: object
    presidium: object
    juror: object
    outsider: object


@pytest.fixture
def cast(tree) -> Cast:
    info = UserFactory(username="info")
    assign(info, Role.INFO_OFFICER, tree.union)
    tpo = UserFactory(username="tpo")
    assign(tpo, Role.TERRITORIAL_ADMIN, tree.vao)
    ppo = UserFactory(username="ppo")
    assign(ppo, Role.PRIMARY_ADMIN, tree.vao_p1)
    presidium = UserFactory(username="presidium")
    assign(presidium, Role.PRESIDIUM, tree.union)
    juror = UserFactory(username="juror")
    assign(juror, Role.JUROR, tree.vao)
    outsider = UserFactory(username="outsider")
    return Cast(info, tpo, ppo, presidium, juror, outsider)
