"""Russian agreement of a number with the words after it (1 участник, 2 участника, 5 участников).

The generated documents (the presidium resolution) are Russian text, not translated interface strings, so
gettext's plural forms do not reach them; the rule is CLDR's for Russian integers: one ends in 1 but not
11, few ends in 2–4 but not 12–14, many is the rest.
"""

from __future__ import annotations


def plural_form(number: int, one: str, few: str, many: str) -> str:
    """The form of the word that agrees with `number`: plural_form(21, "участник", "участника", "участников")."""
    number = abs(int(number))
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many


def count_phrase(number: int, one: str, few: str, many: str) -> str:
    """«1604 новых подписчика»: the number with its agreeing words, digits grouped by a no-break space (1 604)."""
    return f"{number:,}".replace(",", "\u00a0") + " " + plural_form(number, one, few, many)
