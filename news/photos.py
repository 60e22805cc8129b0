"""Photo checks and thumbnails with Pillow: the content decides, never the file name."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (480, 480)
Image.MAX_IMAGE_PIXELS = 60_000_000  # a decompression bomb is refused, not decoded


@dataclass
class CheckedPhoto:
    original_name: str
    content: bytes
    image_format: str
    width: int
    height: int

    def image_file(self) -> ContentFile:
        return ContentFile(self.content, name=f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[self.image_format]}")

    def thumbnail_file(self) -> ContentFile:
        with Image.open(io.BytesIO(self.content)) as image:
            image.thumbnail(THUMBNAIL_SIZE)
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            buffer = io.BytesIO()
            image.save(buffer, format="JPEG", quality=82)
        return ContentFile(buffer.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def photo_check(uploaded) -> CheckedPhoto:
    """Read an upload, refuse it unless it is a JPEG, PNG or WebP image within the size limit."""
    name = getattr(uploaded, "name", "") or ""
    limit = settings.NEWS_PHOTO_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("«%(name)s» is too large: %(size)s MB; the limit is %(limit)s MB.")
            % {"name": name, "size": f"{uploaded.size / 1048576:.1f}".replace(".", ","), "limit": limit // 1048576}
        )
    content = uploaded.read()
    try:
        with Image.open(io.BytesIO(content)) as image:
            image_format = image.format
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()  # verify() does not decode the pixels; a truncated file fails here
            width, height = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("«%(name)s» is not a photo: only JPEG, PNG and WebP images are accepted.") % {"name": name}
        ) from error
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("«%(name)s» is a %(format)s image: only JPEG, PNG and WebP images are accepted.")
            % {"name": name, "format": image_format}
        )
    return CheckedPhoto(name[:255], content, image_format, width, height)
