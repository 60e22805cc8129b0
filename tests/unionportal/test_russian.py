from __future__ import annotations

import pytest

from unionportal.lib.russian import count_phrase, plural_form

FORMS = ("участник", "участника", "участников")


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        (0, "участников"),
        (1, "участник"),
        (2, "участника"),
        (4, "участника"),
        (5, "участников"),
        (11, "участников"),
        (12, "участников"),
        (14, "участников"),
        (21, "участник"),
        (22, "участника"),
        (111, "участников"),
        (1604, "участника"),
    ],
)
def test_the_word_agrees_with_the_number(number, expected):
    assert plural_form(number, *FORMS) == expected


def test_a_count_phrase_groups_digits_the_russian_way():
    assert (
        count_phrase(1604, "новый подписчик", "новых подписчика", "новых подписчиков") == "1\u00a0604 новых подписчика"
    )
