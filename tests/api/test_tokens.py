"""Personal tokens: hashed, named, revocable, last use recorded; the command and the profile page."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from api.models import ApiToken
from api.services import hash_key, token_create

from .conftest import TokenClient


def test_a_token_is_stored_only_as_a_hash(cast):
    token, key = token_create(user=cast.territorial_admin, name="site")
    token.refresh_from_db()
    assert token.key_hash == hash_key(key) and key not in token.key_hash
    assert token.prefix == key[:8]


def test_a_token_opens_the_api_and_records_its_last_use(cast):
    token, key = token_create(user=cast.territorial_admin, name="site")
    assert token.last_used_at is None
    assert TokenClient(key).get("/api/v1/organisations/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_wrong_or_missing_token_answers_401(db):
    assert TokenClient("not-a-token").get("/api/v1/organisations/").status_code == 401
    assert TokenClient("").client.get("/api/v1/organisations/").status_code == 401


def test_a_revoked_token_no_longer_opens_the_api(client, cast):
    token, key = token_create(user=cast.territorial_admin, name="site")
    client.force_login(cast.territorial_admin)
    response = client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert TokenClient(key).get("/api/v1/organisations/").status_code == 401


def test_a_token_of_a_deactivated_user_answers_401(cast):
    _token, key = token_create(user=cast.territorial_admin, name="site")
    cast.territorial_admin.is_active = False
    cast.territorial_admin.save()
    assert TokenClient(key).get("/api/v1/organisations/").status_code == 401


def test_nobody_can_revoke_another_users_token(client, cast):
    token, _key = token_create(user=cast.territorial_admin, name="site")
    client.force_login(cast.primary_admin)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_tokens_page_creates_a_token_and_shows_its_key_once(client, cast):
    client.force_login(cast.primary_admin)
    response = client.post("/api/tokens/", {"name": "school site"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key and key in response.content.decode()
    token = ApiToken.objects.get(user=cast.primary_admin)
    assert token.name == "school site" and token.key_hash == hash_key(key)
    again = client.get("/api/tokens/").content.decode()
    assert "school site" in again and key not in again


def test_the_tokens_page_refuses_an_empty_name_and_saves_nothing(client, cast):
    client.force_login(cast.primary_admin)
    response = client.post("/api/tokens/", {"name": "   "})
    assert response.status_code == 200 and response.context["form"].errors
    assert not ApiToken.objects.exists()


def test_the_tokens_page_needs_a_login(client):
    response = client.get("/api/tokens/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_profile_page_links_to_the_tokens(client, cast):
    client.force_login(cast.primary_admin)
    assert "/api/tokens/" in client.get("/orgs/profile/").content.decode()


def test_the_command_prints_a_key_that_works(cast):
    out = io.StringIO()
    call_command("api_token", "tpo", "--name", "report script", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    assert ApiToken.objects.get(user=cast.territorial_admin).name == "report script"
    assert TokenClient(key).get("/api/v1/organisations/").status_code == 200


def test_the_command_refuses_an_unknown_user(db):
    with pytest.raises(CommandError, match="nobody"):
        call_command("api_token", "nobody", stdout=io.StringIO(), stderr=io.StringIO())


def test_requests_beyond_the_rate_are_refused_per_token(cast, settings):
    settings.API_THROTTLE_RATE = "3/min"
    _token, first = token_create(user=cast.territorial_admin, name="one")
    _token, second = token_create(user=cast.territorial_admin, name="two")
    statuses = [TokenClient(first).get("/api/v1/organisations/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert TokenClient(second).get("/api/v1/organisations/").status_code == 200
