"""Writes of the API app: create, revoke and touch personal tokens; an organisation's public widget."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from orgs.models import Organisation

from .models import ApiToken, Widget

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


def clean_origins(text: str) -> str:
    """One origin per line (scheme://host[:port]); a line that is not one is named in the error."""
    origins = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().rstrip("/")
        if not line:
            continue
        parts = urlsplit(line)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query:
            raise ValidationError(
                _("Line %(number)s «%(line)s» is not a site address like https://union.example.org.")
                % {"number": number, "line": line}
            )
        origins.append(f"{parts.scheme}://{parts.netloc}".lower())
    return "\n".join(dict.fromkeys(origins))


@transaction.atomic
def widget_save(*, organisation: Organisation, is_enabled: bool, allowed_origins: str, by) -> Widget:
    origins = clean_origins(allowed_origins)
    widget, _created = Widget.objects.select_for_update().get_or_create(organisation=organisation)
    widget.is_enabled = is_enabled
    widget.allowed_origins = origins
    widget.updated_by = by
    widget.full_clean()
    widget.save()
    return widget
