"""Photo checks and thumbnails with Pillow: the content decides, never the file name.

A photo's size in pixels is read from its header and refused above `NEWS_PHOTO_MAX_PIXELS` before a
single pixel is decoded (a 300 KB PNG can declare 10000×10000 pixels: a decompression bomb). A photo
that passes is decoded once, and its thumbnail is made from that one decoding.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
THUMBNAIL_SIZE = (480, 480)
_NOT_A_PHOTO = (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError)


@dataclass
class CheckedPhoto:
    original_name: str
    content: bytes
    image_format: str
    width: int
    height: int
    thumbnail: bytes

    def image_file(self) -> ContentFile:
        return ContentFile(self.content, name=f"{uuid.uuid4().hex}.{ALLOWED_FORMATS[self.image_format]}")

    def thumbnail_file(self) -> ContentFile:
        return ContentFile(self.thumbnail, name=f"{uuid.uuid4().hex}.jpg")


@dataclass(frozen=True)
class PhotoHeader:
    """What a photo's header declares, read without decoding its pixels."""

    name: str
    image_format: str
    width: int
    height: int

    @property
    def pixels(self) -> int:
        return self.width * self.height


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}".replace(".", ",")


def _not_a_photo(name: str) -> ValidationError:
    return ValidationError(
        _("«%(name)s» is not a photo: only JPEG, PNG and WebP images are accepted.") % {"name": name}
    )


def _too_many_pixels(name: str) -> ValidationError:
    return ValidationError(
        _("«%(name)s» declares more pixels than the limit of %(limit)s megapixels.")
        % {"name": name, "limit": _megapixels(settings.NEWS_PHOTO_MAX_PIXELS)}
    )


def photo_header(uploaded) -> PhotoHeader:
    """Check an upload's byte size, format and pixel count from its header; nothing is decoded yet."""
    name = getattr(uploaded, "name", "") or ""
    limit = settings.NEWS_PHOTO_MAX_BYTES
    if uploaded.size > limit:
        raise ValidationError(
            _("«%(name)s» is too large: %(size)s MB; the limit is %(limit)s MB.")
            % {"name": name, "size": f"{uploaded.size / 1048576:.1f}".replace(".", ","), "limit": limit // 1048576}
        )
    uploaded.seek(0)
    try:
        # Pillow warns about a bomb (it only refuses twice its own limit); our limit below decides.
        with warnings.catch_warnings(record=True), Image.open(uploaded) as image:
            image_format, (width, height) = image.format, image.size
    except Image.DecompressionBombError as error:
        raise _too_many_pixels(name) from error
    except _NOT_A_PHOTO as error:
        raise _not_a_photo(name) from error
    finally:
        uploaded.seek(0)
    if image_format not in ALLOWED_FORMATS:
        raise ValidationError(
            _("«%(name)s» is a %(format)s image: only JPEG, PNG and WebP images are accepted.")
            % {"name": name, "format": image_format}
        )
    header = PhotoHeader(name, image_format, width, height)
    if header.pixels > settings.NEWS_PHOTO_MAX_PIXELS:
        raise ValidationError(
            _(
                "«%(name)s» is %(width)s×%(height)s pixels (%(megapixels)s megapixels); "
                "the limit is %(limit)s megapixels."
            )
            % {
                "name": name,
                "width": width,
                "height": height,
                "megapixels": _megapixels(header.pixels),
                "limit": _megapixels(settings.NEWS_PHOTO_MAX_PIXELS),
            }
        )
    return header


def photos_total_check(headers: list[PhotoHeader]) -> None:
    """Refuse a set of photos whose pixels together would tie a worker up decoding them."""
    total = sum(header.pixels for header in headers)
    if total > settings.NEWS_PHOTOS_MAX_TOTAL_PIXELS:
        raise ValidationError(
            _("The photos hold %(megapixels)s megapixels together; at most %(limit)s can be sent at once.")
            % {"megapixels": _megapixels(total), "limit": _megapixels(settings.NEWS_PHOTOS_MAX_TOTAL_PIXELS)}
        )


def photo_check(uploaded) -> CheckedPhoto:
    """Read an upload, refuse it unless it is a JPEG, PNG or WebP image within the size limits.

    The pixels are decoded once (Pillow's bomb warning counts as an error), and the thumbnail is made
    from that decoding.
    """
    header = photo_header(uploaded)
    content = uploaded.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                image.load()  # a truncated or corrupt file fails here
                thumbnail = _thumbnail(image)
    except (*_NOT_A_PHOTO, Image.DecompressionBombWarning) as error:
        raise _not_a_photo(header.name) from error
    return CheckedPhoto(header.name[:255], content, header.image_format, header.width, header.height, thumbnail)


def _thumbnail(image: Image.Image) -> bytes:
    image.thumbnail(THUMBNAIL_SIZE)
    if image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=82)
    return buffer.getvalue()
