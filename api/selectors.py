"""Reads of the API app."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ApiToken


def user_tokens(user) -> QuerySet[ApiToken]:
    """The user's tokens, active first, newest first."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")
