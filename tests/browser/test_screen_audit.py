"""The screen audit (screen_audit.py): every demo role, every screen, at 1280 and 390 px, meets no fault;
and the audit itself catches each kind of fault planted on a throwaway site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.screen_audit import AuditResult, ScreenAudit
from unionportal.demo import DEMO_PASSWORD, DEMO_USERS, demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(settings.BASE_DIR) / "artifacts" / "screens"


def test_every_demo_role_meets_no_fault_on_any_screen_at_desktop_and_phone_width(browser, live_server, capsys):
    demo_load()
    audit = ScreenAudit(browser, live_server.url, SCREENS)
    total = AuditResult()
    only = set(filter(None, os.environ.get("AUDIT_USERS", "").split(",")))  # a developer's shortcut
    for demo in DEMO_USERS:
        if only and demo.username not in only:
            continue
        result = audit.audit_user(demo.username, DEMO_PASSWORD)
        with capsys.disabled():
            print(f"\n{demo.username}: {result.summary()}")  # noqa: T201 - the CI log shows the counts
        total.merge(result)
    with capsys.disabled():
        print(f"\nALL: {total.summary()}  (screenshots in {SCREENS})")  # noqa: T201
    assert total.pages >= 10, total.summary()
    assert not total.findings, "\n".join(str(finding) for finding in total.findings)


def test_the_audit_catches_every_kind_of_planted_fault(browser, live_server, settings, cast, tmp_path):
    settings.ROOT_URLCONF = "tests.browser.planted_urls"
    result = ScreenAudit(browser, live_server.url, tmp_path).audit_user(
        cast.info_officer.username, "test-pass-123", start="/planted/"
    )
    caught = {(finding.kind, finding.url.removeprefix(live_server.url)) for finding in result.findings}
    expected = [
        ("server_error", "/planted/crash/"),
        ("broken_link", "/planted/missing/"),
        ("js_error", "/planted/console/"),
        ("blank_chart", "/planted/chart/"),
        ("date_dropped", "/planted/date/"),
        ("too_wide", "/planted/wide/"),
        ("too_wide", "/planted/table/"),
        ("english", "/planted/english/"),
        ("form_not_saved", "/planted/form/edit/"),
    ]
    for kind, url in expected:
        assert (kind, url) in caught, f"{kind} on {url} not caught: {sorted(caught)}"
    assert result.screenshots >= 10 and any(tmp_path.rglob("*.jpg"))
