"""News fixtures: photos made with Pillow, items in any state, media in a temporary directory."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from news.models import NewsItem, NewsStatus

MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (60, 40)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def upload(name: str = "photo.png", content: bytes | None = None, content_type: str = "image/png"):
    return SimpleUploadedFile(name, image_bytes() if content is None else content, content_type=content_type)


def moscow(year: int, month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=MOSCOW)


def make_item(
    organisation,
    month: dt.date,
    status: str = NewsStatus.SUBMITTED,
    first_submitted_at: dt.datetime | None = None,
    author=None,
    title: str = "Новость",
) -> NewsItem:
    """An item stored directly, with the times a fixed calendar needs (not through the workflow)."""
    sent = first_submitted_at if status != NewsStatus.DRAFT else None
    return NewsItem.objects.create(
        organisation=organisation,
        author=author,
        title=title,
        text="Текст новости",
        reporting_month=month,
        status=status,
        first_submitted_at=sent,
        submitted_at=sent,
    )
