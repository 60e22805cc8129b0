from __future__ import annotations

import pytest
from django.urls import reverse

from news.models import NewsItem, NewsPhoto
from news.months import local_today
from tests.news.conftest import image_bytes, upload

pytestmark = pytest.mark.django_db

# The start of a Windows executable (the "MZ" header and DOS stub).
EXECUTABLE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"This program cannot be run in DOS mode" * 20
)


def _post(client, **files):
    data = {
        "title": "Новость с фото",
        "text": "Текст",
        "reporting_month": local_today().replace(day=1).isoformat(),
        "save": "1",
        **files,
    }
    return client.post(reverse("news:create"), data)


def test_a_png_is_stored_with_a_thumbnail(client, cast):
    client.force_login(cast.primary_admin)
    response = _post(client, photos=[upload("a.png"), upload("b.webp", image_bytes("WEBP"), "image/webp")])
    assert response.status_code == 302
    photos = list(NewsPhoto.objects.order_by("pk"))
    assert [p.image_format for p in photos] == ["PNG", "WEBP"]
    assert all(p.thumbnail.size > 0 and p.width == 60 for p in photos)
    thumb = client.get(reverse("news:photo", args=[photos[0].item_id, photos[0].pk, "thumb"]))
    assert thumb.status_code == 200


def test_an_executable_renamed_to_jpg_is_refused_and_nothing_is_saved(client, cast):
    client.force_login(cast.primary_admin)
    response = _post(client, photos=[upload("a.png"), upload("virus.jpg", EXECUTABLE, "image/jpeg")])
    assert response.status_code == 200
    assert "«virus.jpg» не фотография" in response.content.decode()
    assert NewsItem.objects.count() == 0
    assert NewsPhoto.objects.count() == 0


def test_a_gif_is_refused_even_though_it_is_an_image(client, cast):
    client.force_login(cast.primary_admin)
    response = _post(client, photos=[upload("anim.png", image_bytes("GIF"), "image/png")])
    assert "только JPEG, PNG и WebP" in response.content.decode()
    assert NewsItem.objects.count() == 0


def test_an_over_size_photo_is_refused_with_a_message(client, cast, settings):
    settings.NEWS_PHOTO_MAX_BYTES = 1024 * 1024
    big = image_bytes("PNG", (1200, 1200)) + b"\0" * (1024 * 1024)
    client.force_login(cast.primary_admin)
    response = _post(client, photos=[upload("big.png", big)])
    body = response.content.decode()
    assert response.status_code == 200
    assert "«big.png» слишком большой" in body and "предел — 1 МБ" in body
    assert NewsItem.objects.count() == 0


def test_more_than_ten_photos_are_refused(client, cast):
    client.force_login(cast.primary_admin)
    response = _post(client, photos=[upload(f"{n}.png") for n in range(11)])
    assert "Не больше 10 фотографий" in response.content.decode()
    assert NewsPhoto.objects.count() == 0


def test_the_form_is_phone_friendly(client, cast):
    client.force_login(cast.primary_admin)
    body = client.get(reverse("news:create")).content.decode()
    assert 'accept="image/*"' in body and 'capture="environment"' in body


def test_photos_of_other_organisations_answer_404(client, cast, tree):
    client.force_login(cast.primary_admin)
    _post(client, photos=[upload("a.png")])
    photo = NewsPhoto.objects.get()
    client.force_login(cast.outsider)
    assert client.get(reverse("news:photo", args=[photo.item_id, photo.pk, "full"])).status_code == 404
