"""Decompression bombs: a photo is refused by its declared pixel count before it is decoded."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from news.models import NewsItem, NewsPhoto
from news.months import local_today
from tests.news.conftest import image_bytes, upload

pytestmark = pytest.mark.django_db


def _bomb(size: tuple[int, int] = (10_000, 10_000)) -> bytes:
    """A small PNG that declares `size` pixels: one bit each, all white, so it compresses to almost nothing."""
    buffer = io.BytesIO()
    Image.new("1", size, 1).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _post(client, photos):
    data = {
        "title": "Новость с фото",
        "text": "Текст",
        "reporting_month": local_today().replace(day=1).isoformat(),
        "save": "1",
        "photos": photos,
    }
    return client.post(reverse("news:create"), data)


def test_a_100_megapixel_png_of_a_few_kilobytes_is_refused_and_nothing_is_saved(client, cast):
    bomb = _bomb()
    assert len(bomb) < 400_000
    client.force_login(cast.primary_admin)
    response = _post(client, [upload("a.png"), upload("bomb.png", bomb)])
    assert response.status_code == 200
    assert "«bomb.png» — 10000×10000 пикселей (100,0 мегапикселя); предел — 40,0 мегапикселя." in (
        response.content.decode()
    )
    assert NewsItem.objects.count() == 0
    assert NewsPhoto.objects.count() == 0


def test_a_photo_beyond_pillows_own_bomb_limit_gets_the_same_kind_of_message(client, cast):
    client.force_login(cast.primary_admin)
    response = _post(client, [upload("huge.png", _bomb((20_000, 10_000)))])
    assert "«huge.png» объявляет больше пикселей, чем допустимо (40,0 мегапикселя)." in response.content.decode()
    assert NewsItem.objects.count() == 0


def test_photos_within_the_per_photo_limit_are_refused_when_together_they_exceed_the_total(client, cast, settings):
    settings.NEWS_PHOTO_MAX_PIXELS = 1_000_000
    settings.NEWS_PHOTOS_MAX_TOTAL_PIXELS = 2_500_000
    client.force_login(cast.primary_admin)
    photos = [upload(f"{n}.png", image_bytes("PNG", (1000, 1000))) for n in range(3)]
    response = _post(client, photos)
    assert "Вместе в фотографиях 3,0 мегапикселя; за один раз можно отправить не больше 2,5." in (
        response.content.decode()
    )
    assert NewsItem.objects.count() == 0
    response = _post(client, [upload(f"{n}.png", image_bytes("PNG", (1000, 1000))) for n in range(2)])
    assert response.status_code == 302
    assert NewsPhoto.objects.count() == 2
