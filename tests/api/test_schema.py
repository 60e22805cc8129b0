"""The OpenAPI schema and Swagger UI: served from our own static files, with no inline script (CSP: self only)."""

from __future__ import annotations

import re

from .conftest import TokenClient


def test_the_schema_lists_every_endpoint(api_as):
    response = api_as("territorial_admin").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = set(response.json()["paths"])
    assert {
        "/api/v1/organisations/",
        "/api/v1/organisations/{id}/",
        "/api/v1/pages/",
        "/api/v1/pages/{id}/",
        "/api/v1/snapshots/",
        "/api/v1/growth/",
        "/api/v1/news-completeness/",
        "/api/v1/contests/",
        "/api/v1/contests/{id}/results/",
    } <= paths


def test_the_schema_needs_a_token_or_a_login(db):
    assert TokenClient("wrong").get("/api/schema/").status_code == 401


def test_swagger_ui_loads_only_local_scripts_and_no_inline_one(client, cast):
    client.force_login(cast.territorial_admin)
    html = client.get("/api/docs/").content.decode()
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts
    for attributes, body in scripts:
        assert not body.strip(), "inline script"
        source = re.search(r'src="([^"]+)"', attributes).group(1)
        assert source.startswith("/"), source
    assert "cdn" not in html.lower()
    init = re.search(r'src="(/api/docs/\?[^"]+)"', html).group(1).replace("&amp;", "&")
    response = client.get(init)
    assert response.status_code == 200 and "SwaggerUIBundle" in response.content.decode()


def test_an_unknown_or_malformed_api_address_answers_json_404(api_as):
    client = api_as("info_officer")
    for path in ("/api/v1/pages/1.5/", "/api/v1/contests/null/results/", "/api/v1/nothing/"):
        response = client.get(path)
        assert response.status_code == 404 and response["Content-Type"] == "application/json", path


def test_the_api_writes_nothing(api_as, tree):
    client = api_as("info_officer")
    response = client.client.post("/api/v1/organisations/", {"name": "x"}, HTTP_AUTHORIZATION=f"Token {client.key}")
    assert response.status_code == 405
