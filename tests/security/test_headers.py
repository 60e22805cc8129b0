"""Content-Security-Policy: only the portal's own scripts run, and no template carries an inline script."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
# A <script> element that has no src= attribute and is not a JSON data block.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.IGNORECASE)


def _policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
def test_every_page_sends_a_policy_that_runs_only_the_portals_own_scripts(client):
    policy = _policy(client.get(reverse("login")))
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


def test_no_template_has_an_inline_script():
    templates = [
        path
        for path in ROOT.glob("**/templates/**/*.html")
        if ".venv" not in path.parts and "site-packages" not in path.parts
    ]
    assert templates
    offenders = [str(path.relative_to(ROOT)) for path in templates if INLINE_SCRIPT.search(path.read_text())]
    assert offenders == []
    handlers = [str(p.relative_to(ROOT)) for p in templates if re.search(r"\son[a-z]+=", p.read_text())]
    assert handlers == []  # onclick= and friends are inline script too


@pytest.mark.django_db
def test_a_chart_page_carries_its_figure_as_data_not_as_script(client, cast):
    client.force_login(cast.info_officer)
    page = client.get(reverse("news:completeness")).content.decode()
    assert not INLINE_SCRIPT.search(page)
