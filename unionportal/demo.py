"""The demo: the organisations of the 002 document, demo primaries named as demo, one user per role.

Idempotent: running it again adds nothing. Other apps add their own demo data through `DEMO_STEPS`.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from orgs.models import Organisation, OrgKind, Role
from orgs.services import organisation_add, organisations_import, role_assign

DEMO_DIR = settings.BASE_DIR / "demo"
DEMO_PASSWORD = "demo-pass-2026"
DEMO_PRIMARIES_PER_TERRITORY = 2


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    organisation: str  # the organisation's short or full name
    full_name: str


DEMO_USERS = [
    DemoUser("info", Role.INFO_OFFICER, "МГО Профсоюза", "Информационный отдел"),
    DemoUser("presidium", Role.PRESIDIUM, "МГО Профсоюза", "Член Президиума"),
    DemoUser("tpo_vao", Role.TERRITORIAL_ADMIN, "ВАО", "Администратор ТПО ВАО"),
    DemoUser("ppo_vao", Role.PRIMARY_ADMIN, "Демо-ППО ВАО №1", "Администратор Демо-ППО ВАО №1"),
    DemoUser("juror", Role.JUROR, "ВАО", "Член жюри"),
]


def _demo_primaries() -> None:
    for territorial in Organisation.objects.filter(kind=OrgKind.TERRITORIAL).order_by("name"):
        for number in range(1, DEMO_PRIMARIES_PER_TERRITORY + 1):
            name = f"Демо-ППО {territorial.display_name} №{number}"
            if not Organisation.objects.filter(name=name).exists():
                organisation_add(parent=territorial, kind=OrgKind.PRIMARY, name=name)
    union = Organisation.objects.get(name="МГО Профсоюза", depth=1)
    youth = "Демо-молодёжный совет МГО"
    if not Organisation.objects.filter(name=youth).exists():
        organisation_add(parent=union, kind=OrgKind.YOUTH_COUNCIL, name=youth)


# Union members of the demo organisations, invented (the 2018 list has none) so that the reach report has
# something to divide by. An organisation's figure counts its whole subtree.


def _demo_members() -> None:
    """Members of the demo organisations that have none yet."""
    primaries = Organisation.objects.filter(kind=OrgKind.PRIMARY, members_count=None).order_by("path")
    for number, primary in enumerate(primaries):
        primary.members_count = 400 + (number * 170) % 900
        primary.save(update_fields=["members_count"])
    territorials = Organisation.objects.filter(kind=OrgKind.TERRITORIAL, members_count=None).order_by("path")
    for number, territorial in enumerate(territorials):
        territorial.members_count = 3000 + (number * 1300) % 4500
        territorial.save(update_fields=["members_count"])
    for union in Organisation.objects.filter(kind=OrgKind.UNION, members_count=None):
        below = Organisation.objects.filter(kind=OrgKind.TERRITORIAL, path__startswith=union.path)
        union.members_count = sum(below.exclude(members_count=None).values_list("members_count", flat=True))
        union.save(update_fields=["members_count"])


def _demo_users() -> list[DemoUser]:
    user_model = get_user_model()
    for demo in DEMO_USERS:
        user, created = user_model.objects.get_or_create(
            username=demo.username, defaults={"first_name": demo.full_name, "email": f"{demo.username}@example.org"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        organisation = Organisation.objects.get(name=demo.organisation)
        role_assign(user=user, role=demo.role, organisation=organisation)
    return DEMO_USERS


# Apps that add demo data of their own, in dependency order: each may have `<app>/demo.py` with an
# idempotent `demo_load()`.
DEMO_APPS = ["socialstats", "news", "contests", "alerts"]


def _app_demo_steps() -> list:
    steps = []
    for app in DEMO_APPS:
        if importlib.util.find_spec(f"{app}.demo") is not None:
            steps.append(importlib.import_module(f"{app}.demo").demo_load)
    return steps


@transaction.atomic
def demo_load() -> list[DemoUser]:
    organisations_import(source=DEMO_DIR / "mgo-2018-organisations.csv", filename="orgs.csv")
    _demo_primaries()
    _demo_members()
    users = _demo_users()
    for step in _app_demo_steps():
        step()
    return users
