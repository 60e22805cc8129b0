"""Issue 13, point 6: the resolution's city, chair and control person come from the contest's settings."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from contests import results, selectors

pytestmark = pytest.mark.django_db


def _texts(content: bytes) -> list[str]:
    return [paragraph.text for paragraph in Document(io.BytesIO(content)).paragraphs]


def test_the_resolution_carries_city_chair_and_control_person_saved_on_the_form(client, cast, published):
    client.force_login(cast.info_officer)
    response = client.post(
        reverse("contests:resolution", args=[published.contest.pk]),
        {
            "preamble": "Преамбула.",
            "decisions": "1. Признать победителями ЗАО.\n2. Наградить ЗАО.",
            "city": "г. Москва",
            "chair": "И. И. Иванов",
            "control": "заведующего информационным отделом П. П. Петрова",
        },
    )
    assert response.status_code == 302
    texts = _texts(client.get(reverse("contests:resolution_docx", args=[published.contest.pk])).content)
    assert texts[:6] == [
        "МГО ПРОФСОЮЗА",
        "ПРЕЗИДИУМ КОМИТЕТА ПРОФСОЮЗА",
        "ПОСТАНОВЛЕНИЕ",
        texts[3],
        "г. Москва",
        "№ ____",
    ]
    assert (
        "3. Контроль за выполнением настоящего постановления возложить на "
        "заведующего информационным отделом П. П. Петрова." in texts
    )
    signature = next(text for text in texts if text.startswith("Председатель"))
    assert signature.endswith("И. И. Иванов") and "____" in signature
    page = client.get(reverse("contests:resolution", args=[published.contest.pk])).content.decode()
    assert 'value="г. Москва"' in page and "П. П. Петрова" in page


def test_the_default_preamble_opens_with_zaslushav(scored):
    ranking = selectors.contest_ranking(scored.contest)
    text = results.default_preamble(ranking, selectors.ResolutionFigures(3, 10, 2))
    assert text.startswith("Заслушав информацию об итогах конкурса «Тестовый конкурс»")


def test_without_a_control_person_the_information_department_controls(scored):
    ranking = selectors.contest_ranking(scored.contest)
    decisions = results.default_decisions(ranking)
    texts = _texts(results.resolution_docx(ranking, preamble="П.", decisions=decisions))
    control = [text for text in texts if text.startswith(tuple("123456789")) and "Контроль" in text]
    assert control == [f"{decisions.count(chr(10)) + 2}. {results.CONTROL_WORDS} возложить на информационный отдел."]
    assert not any("Москва" in text for text in texts)  # no city set, no city line


def test_an_older_saved_text_with_its_own_control_point_is_not_doubled(scored):
    ranking = selectors.contest_ranking(scored.contest)
    decisions = "1. Наградить.\n2. Контроль за выполнением настоящего постановления возложить на отдел."
    texts = _texts(results.resolution_docx(ranking, preamble="П.", decisions=decisions, control="И. И. Иванова"))
    assert sum("Контроль за выполнением" in text for text in texts) == 1


def test_a_too_long_city_is_refused_with_the_field_named(client, cast, scored):
    client.force_login(cast.info_officer)
    response = client.post(
        reverse("contests:resolution", args=[scored.contest.pk]),
        {"preamble": "П.", "decisions": "1. Р.", "city": "г" * 101},
    )
    assert response.status_code == 200
    assert "Убедитесь, что это значение содержит не более 100 символов" in response.content.decode()
    scored.contest.refresh_from_db()
    assert scored.contest.resolution_city == ""
