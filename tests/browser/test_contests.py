from __future__ import annotations

import pytest

from contests import services
from tests.browser.conftest import login
from tests.contests.conftest import fixed  # noqa: F401  (the fixed contest of the scoring tests)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _order(page) -> list[str]:
    return [cell.inner_text() for cell in page.query_selector_all("#ranking tbody tr td:nth-child(2) .name")]


def test_a_juror_scores_two_entries_and_the_presidium_sees_the_ranking_change(browser, page, live_server, fixed):  # noqa: F811
    presidium = browser.new_context(locale="ru-RU").new_page()
    login(presidium, live_server, "presidium")
    presidium.goto(f"{live_server.url}/contests/{fixed.contest.pk}/ranking/")
    assert _order(presidium) == ["ЗАО", "ВАО", "САО"]

    login(page, live_server, "juror")
    page.goto(f"{live_server.url}/contests/{fixed.contest.pk}/jury/")
    assert page.query_selector(f"#entry-{fixed.entries['ВАО'].pk}") is None  # own territory is not offered
    for title, points in (("САО", "10"), ("ЗАО", "0")):
        form = f"#entry-{fixed.entries[title].pk}"
        page.fill(f"{form} input[name=points_{fixed.design.pk}]", points)
        page.fill(f"{form} input[name=comment_{fixed.design.pk}]", f"Комментарий для {title}")
        page.click(f"{form} button[type=submit]")
        page.wait_for_selector(f"text=Оценки для «{title}» сохранены.")
    assert "Выставлено оценок: 2 из 2." in page.content()

    presidium.reload()
    assert _order(presidium) == ["ЗАО", "САО", "ВАО"]
    sao_total = presidium.inner_text(f"#ranking tr[data-entry='{fixed.entries['САО'].pk}'] td.total")
    assert sao_total == "15,00"
    presidium.context.close()


def test_closing_judging_warns_about_entries_short_of_jurors_and_closes_on_confirmation(page, live_server, fixed):  # noqa: F811
    # Only the ВАО juror has scored, and ВАО cannot be scored by them: the organiser is warned before closing.
    for title in ("ЗАО", "САО"):
        services.jury_scores_save(
            juror=fixed.jurors["juror"], entry=fixed.entries[title], marks={fixed.design.pk: {"points": "5"}}
        )
    fixed.contest.min_jurors = 2
    fixed.contest.save()
    login(page, live_server, "info")
    page.goto(f"{live_server.url}/contests/{fixed.contest.pk}/")
    assert page.query_selector("#coverage tr.short") is not None
    page.click("#close-judging")
    warning = page.inner_text("#coverage-gaps")
    assert "3 участника" in warning
    assert all(title in warning for title in ("ВАО", "ЗАО", "САО"))
    page.click("#confirm")
    page.wait_for_selector("#status")
    assert page.inner_text("#status") == "Оценка завершена"
