from __future__ import annotations

import io

import pytest
from PIL import Image

from news.models import NewsItem, NewsStatus
from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _photo_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 120, 200)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_primary_admin_submits_with_a_photo_on_a_phone_and_territory_publishes(
    phone_page, page, live_server, cast, tree
):
    login(phone_page, live_server, "ppo")
    phone_page.click("text=Прислать новость")
    phone_page.fill("#id_title", "Турнир по волейболу")
    phone_page.fill("#id_text", "Учителя сыграли с учениками.")
    phone_page.set_input_files(
        "#id_photos", files=[{"name": "match.jpg", "mimeType": "image/jpeg", "buffer": _photo_bytes()}]
    )
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"the form is {width}px wide on a 390px screen"
    box = phone_page.locator("button[name=submit]").bounding_box()
    assert box["height"] >= 44, "the submit button is too small to tap"
    phone_page.click("button[name=submit]")
    phone_page.wait_for_selector("#news-status")
    assert "Отправлена" in phone_page.inner_text("#news-status")
    assert phone_page.locator(".news-photos img").count() == 1

    item = NewsItem.objects.get()
    assert item.status == NewsStatus.SUBMITTED and item.photos.count() == 1

    login(page, live_server, "tpo")
    page.goto(f"{live_server.url}/news/review/?status=submitted")
    page.click("text=Турнир по волейболу")
    page.click("#accept")
    page.wait_for_selector("text=Новость принята.")
    page.fill("#id_url", "https://vk.com/wall-1_100")
    page.click("#publish")
    page.wait_for_selector("#published-url")
    assert "Опубликована" in page.inner_text("#news-status")

    phone_page.reload()
    assert "Опубликована" in phone_page.inner_text("#news-status")
