"""Writes of the API app: create, revoke and touch personal tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import ApiToken

# last_used_at is written at most this often per token, not on every request.
TOUCH_EVERY = dt.timedelta(minutes=1)
MAX_ACTIVE_TOKENS = 20


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with its key, which is never stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the token, e.g. after the site or script that will use it.")})
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            ngettext(
                "You already have %(count)s active token: revoke one you no longer use.",
                "You already have %(count)s active tokens: revoke one you no longer use.",
                MAX_ACTIVE_TOKENS,
            )
            % {"count": MAX_ACTIVE_TOKENS}
        )
    key = secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name[:100], key_hash=hash_key(key), prefix=key[:8])
    token.full_clean()
    token.save()
    return token, key


def token_revoke(*, token: ApiToken) -> bool:
    """Revoke the token; False when it was already revoked (a second click changes nothing)."""
    return bool(ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now()))


def token_touch(*, token: ApiToken) -> None:
    """Record the token's use, at most once per TOUCH_EVERY (a conditional update, no read)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
