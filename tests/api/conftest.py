"""API fixtures: a token per role of the cast, and a client that sends it."""

from __future__ import annotations

import pytest
from django.test import Client

from api.services import token_create
from tests.contests.conftest import fixed, scored  # noqa: F401 (the contest fixtures, for the results endpoint)


class TokenClient:
    """GET with `Authorization: Token <key>`, JSON decoded."""

    def __init__(self, key: str):
        self.key = key
        self.client = Client()

    def get(self, path: str, params: dict | None = None):
        return self.client.get(path, params or {}, HTTP_AUTHORIZATION=f"Token {self.key}")


@pytest.fixture
def api_as(cast):
    """api_as("territorial_admin") → a TokenClient with a fresh token of that cast member."""

    def make(role: str) -> TokenClient:
        _token, key = token_create(user=getattr(cast, role), name=f"test {role}")
        return TokenClient(key)

    return make
