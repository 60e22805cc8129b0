"""Keep an uploaded file between a preview and its confirmation, without trusting the client."""

from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def _stash_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "import-stash"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash_upload(*, user_id: int, uploaded) -> str:
    """Save the upload and return a token that only this user can redeem."""
    if uploaded.size > settings.IMPORT_MAX_FILE_SIZE:
        raise ValidationError(
            _("The file is larger than %(limit)s MB.") % {"limit": settings.IMPORT_MAX_FILE_SIZE // 1_048_576}
        )
    suffix = ".xlsx" if uploaded.name.lower().endswith(".xlsx") else ".csv"
    token = f"{user_id}-{secrets.token_hex(16)}{suffix}"
    with (_stash_dir() / token).open("wb") as target:
        for chunk in uploaded.chunks():
            target.write(chunk)
    return token


def stash_path(*, user_id: int, token: str) -> Path:
    name = Path(token).name
    path = _stash_dir() / name
    if not name.startswith(f"{user_id}-") or not path.is_file():
        raise ValidationError(_("The uploaded file has expired; upload it again."))
    return path


def stash_discard(*, user_id: int, token: str) -> None:
    try:
        stash_path(user_id=user_id, token=token).unlink(missing_ok=True)
    except ValidationError:
        return
