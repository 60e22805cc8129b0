"""Uploaded import files: refused while they arrive past the size limit, kept between a preview and its
confirmation without trusting the client, and deleted when never confirmed."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _


def too_large_message() -> str:
    return _("The file is larger than %(limit)s MB (the IMPORT_MAX_FILE_SIZE limit).") % {
        "limit": settings.IMPORT_MAX_FILE_SIZE // 1_048_576
    }


class LimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: a file past IMPORT_MAX_FILE_SIZE is dropped as its chunks arrive.

    Nothing of it is kept (the handlers after this one never see the rest), and the request remembers
    which field was refused (`uploads_refused`), so the view can say why instead of "field required".
    """

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.request.uploads_refused = []

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.IMPORT_MAX_FILE_SIZE:
            self.request.uploads_refused.append(self.field_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def upload_refused(request, field_name: str = "file") -> bool:
    return field_name in getattr(request, "uploads_refused", [])


def _stash_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "import-stash"
    path.mkdir(parents=True, exist_ok=True)
    return path


def stash_upload(*, user_id: int, uploaded) -> str:
    """Save the upload and return a token that only this user can redeem."""
    if uploaded.size > settings.IMPORT_MAX_FILE_SIZE:
        raise ValidationError(too_large_message())
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


def stash_purge(*, older_than_hours: int) -> int:
    """Delete stashed uploads older than the given hours (never confirmed); returns how many went."""
    deadline = time.time() - older_than_hours * 3600
    removed = 0
    for path in _stash_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < deadline:
            path.unlink(missing_ok=True)
            removed += 1
    return removed
