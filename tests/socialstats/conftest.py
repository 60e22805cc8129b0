from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from orgs.services import organisations_import

DEMO = Path(settings.BASE_DIR) / "demo"


@pytest.fixture
def mgo_orgs(db):
    """The organisations of the 002 document, as the demo and the acceptance tests load them."""
    organisations_import(source=DEMO / "mgo-2018-organisations.csv")


@pytest.fixture
def subscribers_csv() -> Path:
    return DEMO / "mgo-2018-subscribers.csv"
