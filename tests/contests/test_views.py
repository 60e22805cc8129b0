from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from contests import selectors, services
from contests.models import AutoScore, Contest, ContestStatus, Criterion, Entry, JuryScore, Metric
from orgs.models import Role
from socialstats.models import Network, SocialPage
from tests.factories import UserFactory, assign

from .conftest import END, START

ROLES = ["info_officer", "territorial_admin", "primary_admin", "presidium", "juror", "outsider"]
MANAGE_VIEWS = [
    "contests:detail",
    "contests:edit",
    "contests:criteria",
    "contests:resolution",
]


def login(client, cast, role):
    client.force_login(getattr(cast, role))


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", MANAGE_VIEWS)
def test_only_information_officers_manage_a_contest(client, cast, fixed, role, view):
    login(client, cast, role)
    response = client.get(reverse(view, args=[fixed.contest.pk]))
    allowed = 302 if view == "contests:criteria" else 200  # criteria are fixed once judging starts
    assert response.status_code == (allowed if role == "info_officer" else 404)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", ["contests:ranking", "contests:ranking_xlsx"])
def test_the_ranking_is_for_the_presidium_and_information_officers(client, cast, fixed, role, view):
    login(client, cast, role)
    response = client.get(reverse(view, args=[fixed.contest.pk]))
    assert response.status_code == (200 if role in ("info_officer", "presidium") else 404)


@pytest.mark.parametrize("view", ["contests:detail", "contests:ranking"])
def test_officers_of_another_territory_do_not_see_a_union_contest(client, tree, fixed, view):
    for role in (Role.INFO_OFFICER, Role.PRESIDIUM):
        user = UserFactory(username=f"zao_{role}")
        assign(user, role, tree.zao)
        client.force_login(user)
        assert client.get(reverse(view, args=[fixed.contest.pk])).status_code == 404


@pytest.mark.parametrize("role", ROLES)
def test_only_an_assigned_juror_opens_the_scoring_page(client, cast, fixed, role):
    login(client, cast, role)
    response = client.get(reverse("contests:jury", args=[fixed.contest.pk]))
    assert response.status_code == (200 if role == "juror" else 404)


def test_anonymous_users_are_sent_to_login(client, fixed):
    response = client.get(reverse("contests:ranking", args=[fixed.contest.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_contest_list_shows_each_role_its_links(client, cast, fixed):
    login(client, cast, "presidium")
    page = client.get(reverse("contests:list")).content.decode()
    assert reverse("contests:ranking", args=[fixed.contest.pk]) in page
    assert f'href="{reverse("contests:detail", args=[fixed.contest.pk])}"' not in page
    login(client, cast, "juror")
    page = client.get(reverse("contests:list")).content.decode()
    assert reverse("contests:jury", args=[fixed.contest.pk]) in page
    login(client, cast, "outsider")
    assert "Тестовый конкурс" not in client.get(reverse("contests:list")).content.decode()


def test_juror_is_not_offered_entries_of_their_own_subtree(client, cast, fixed):
    login(client, cast, "juror")
    page = client.get(reverse("contests:jury", args=[fixed.contest.pk])).content.decode()
    assert f'id="entry-{fixed.entries["ЗАО"].pk}"' in page
    assert f'id="entry-{fixed.entries["САО"].pk}"' in page
    assert f'id="entry-{fixed.entries["ВАО"].pk}"' not in page


def test_a_page_imported_without_its_link_is_named_not_left_as_a_bare_network_on_the_jury_board(client, cast, fixed):
    SocialPage.objects.create(
        organisation=fixed.entries["ЗАО"].organisation, network=Network.FACEBOOK, url="", handle=""
    )
    login(client, cast, "juror")
    page = client.get(reverse("contests:jury", args=[fixed.contest.pk])).content.decode()
    assert 'Facebook <span class="muted">(адрес неизвестен)</span>' in page
    assert 'href="">' not in page


def test_forged_score_for_an_own_entry_answers_404_and_saves_nothing(client, cast, fixed):
    login(client, cast, "juror")
    url = reverse("contests:jury_score", args=[fixed.contest.pk, fixed.entries["ВАО"].pk])
    response = client.post(url, {f"points_{fixed.design.pk}": "10"})
    assert response.status_code == 404
    assert not JuryScore.objects.exists()


def test_a_juror_of_a_territory_cannot_score_its_primaries(client, tree, cast):
    contest = services.contest_create(
        title="Первички", scope=tree.union, level="primary", period_start=START, period_end=END
    )
    criterion = Criterion.objects.create(contest=contest, name="Оформление", source=Metric.JURY, max_points=5)
    services.juror_assign(contest=contest, user=cast.juror)
    services.contest_open(contest=contest)
    services.contest_start_judging(contest=contest)
    own = contest.entries.get(organisation=tree.vao_p1)
    other = contest.entries.get(organisation=tree.zao_p1)
    login(client, cast, "juror")
    page = client.get(reverse("contests:jury", args=[contest.pk])).content.decode()
    assert f'id="entry-{own.pk}"' not in page
    assert f'id="entry-{other.pk}"' in page
    forged = client.post(reverse("contests:jury_score", args=[contest.pk, own.pk]), {f"points_{criterion.pk}": "5"})
    assert forged.status_code == 404
    allowed = client.post(
        reverse("contests:jury_score", args=[contest.pk, other.pk]), {f"points_{criterion.pk}": "4,5"}
    )
    assert allowed.status_code == 302
    assert JuryScore.objects.get().points == 4.5


def test_a_score_with_a_comment_and_an_abstention_are_saved(client, cast, fixed):
    login(client, cast, "juror")
    url = reverse("contests:jury_score", args=[fixed.contest.pk, fixed.entries["ЗАО"].pk])
    client.post(url, {f"points_{fixed.design.pk}": "7", f"comment_{fixed.design.pk}": "Хорошая обложка"})
    saved = JuryScore.objects.get()
    assert (saved.points, saved.comment, saved.abstained) == (7, "Хорошая обложка", False)
    client.post(url, {f"abstain_{fixed.design.pk}": "on"})
    saved.refresh_from_db()
    assert saved.abstained and saved.points is None


def test_a_bad_score_shows_a_message_and_saves_nothing(client, cast, fixed):
    login(client, cast, "juror")
    url = reverse("contests:jury_score", args=[fixed.contest.pk, fixed.entries["ЗАО"].pk])
    response = client.post(url, {f"points_{fixed.design.pk}": "много"}, follow=True)
    assert "много" in response.content.decode()
    assert not JuryScore.objects.exists()


def test_information_officer_creates_a_best_community_contest_from_the_template(client, cast, tree):
    login(client, cast, "info_officer")
    response = client.post(
        reverse("contests:create"),
        {
            "template": "best_community",
            "scope": tree.union.pk,
            "period_start": "2018-01-01",
            "period_end": "2018-04-20",
        },
    )
    contest = Contest.objects.get()
    assert response.status_code == 302
    assert contest.title == "Лучшее профсоюзное сообщество в социальных сетях"
    assert contest.status == ContestStatus.DRAFT
    assert contest.criteria.count() == 9
    assert set(contest.criteria.filter(source=Metric.JURY).values_list("name", flat=True)) == {
        "Оформление страниц",
        "«Вечнозелёный» контент",
    }
    assert set(contest.entries.values_list("organisation", flat=True)) == {tree.vao.pk, tree.zao.pk}


def test_the_info_activity_template_carries_the_website_checklist_and_print(cast, tree):
    contest = services.contest_create(template="info_activity", scope=tree.union, period_start=START, period_end=END)
    sources = set(contest.criteria.values_list("source", flat=True))
    assert {Metric.WEBSITE_CHECKLIST, Metric.PRINT_PUBLICATIONS, Metric.SUBSCRIBERS_END, Metric.JURY} <= sources


def test_the_news_template_has_jury_criteria_only_and_no_entries_yet(cast, tree):
    contest = services.contest_create(template="news_of_month", scope=tree.union, period_start=START, period_end=END)
    assert set(contest.criteria.values_list("source", flat=True)) == {Metric.JURY}
    assert contest.level == "news"
    assert not contest.entries.exists()


def test_create_form_refuses_a_period_ending_before_it_starts(client, cast, tree):
    login(client, cast, "info_officer")
    response = client.post(
        reverse("contests:create"),
        {
            "template": "best_community",
            "scope": tree.union.pk,
            "period_start": "2018-04-20",
            "period_end": "2018-01-01",
        },
    )
    assert response.status_code == 200
    assert not Contest.objects.exists()


def test_create_page_is_404_for_non_officers(client, cast):
    login(client, cast, "presidium")
    assert client.get(reverse("contests:create")).status_code == 404


def test_status_buttons_move_the_contest_and_unknown_actions_answer_404(client, cast, fixed):
    login(client, cast, "info_officer")
    client.post(reverse("contests:transition", args=[fixed.contest.pk, "close"]), {"confirm": "yes"})
    fixed.contest.refresh_from_db()
    assert fixed.contest.status == ContestStatus.CLOSED
    assert client.post(reverse("contests:transition", args=[fixed.contest.pk, "explode"])).status_code == 404
    response = client.post(reverse("contests:transition", args=[fixed.contest.pk, "close"]), follow=True)
    assert "уже изменился" in response.content.decode() or response.status_code == 200


def test_criteria_are_edited_before_judging_only(client, cast, tree, fixed):
    login(client, cast, "info_officer")
    response = client.get(reverse("contests:criteria", args=[fixed.contest.pk]))
    assert response.status_code == 302  # judging has started: back to the contest
    draft = services.contest_create(template="best_community", scope=tree.union, period_start=START, period_end=END)
    assert client.get(reverse("contests:criteria", args=[draft.pk])).status_code == 200


def test_participants_see_their_own_breakdown_and_comments_only_after_publication(client, cast, scored):
    services.jury_scores_save(
        juror=scored.jurors["juror_zao"],
        entry=scored.entries["ВАО"],
        marks={scored.design.pk: {"points": "6", "comment": "Добавьте обложку"}},
    )
    url = reverse("contests:results", args=[scored.contest.pk])
    login(client, cast, "territorial_admin")
    assert client.get(url).status_code == 404
    services.contest_close(contest=scored.contest)
    services.contest_publish(contest=scored.contest)
    page = client.get(url).content.decode()
    assert "Добавьте обложку" in page
    assert "ЗАО" not in page.split("<main>")[1]
    login(client, cast, "primary_admin")  # ППО Школа 1 is not a participant of a territorial contest
    assert client.get(url).status_code == 404


def test_resolution_docx_table_equals_the_ranking(client, cast, published):
    login(client, cast, "info_officer")
    client.post(
        reverse("contests:resolution", args=[published.contest.pk]),
        {"preamble": "Преамбула с цифрами.", "decisions": "1. Признать победителями ЗАО.\n2. Наградить ЗАО."},
    )
    response = client.get(reverse("contests:resolution_docx", args=[published.contest.pk]))
    document = Document(io.BytesIO(response.content))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts[:5] == ["МГО ПРОФСОЮЗА", "ПРЕЗИДИУМ КОМИТЕТА ПРОФСОЮЗА", "ПОСТАНОВЛЕНИЕ", texts[3], "№ ____"]
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4
    assert "Об итогах конкурса «Тестовый конкурс»" in texts
    assert "Президиум Комитета Профсоюза постановляет:" in texts
    assert any(text.startswith("Председатель") for text in texts)
    assert "Преамбула с цифрами." in texts
    assert "1. Признать победителями ЗАО." in texts
    table = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    ranking = selectors.contest_ranking(published.contest)
    assert table[0] == ["Место", "Участник", "Подписчики", "Оформление", "Итого"]
    assert [row[:2] for row in table[1:]] == [[str(row.place), row.title] for row in ranking.rows]
    assert [row[-1] for row in table[1:]] == ["27,00", "18,00", "7,67"]


def test_resolution_draft_is_prefilled_with_figures_and_winners(client, cast, scored):
    login(client, cast, "info_officer")
    page = client.get(reverse("contests:resolution", args=[scored.contest.pk])).content.decode()
    assert "3 участника приняли участие в конкурсе" in page
    assert "новых подписчиков" in page
    assert "1. Признать победителями конкурса" in page
    assert "I место — ЗАО" in page


def test_ranking_xlsx_lists_places_and_totals(client, cast, scored):
    login(client, cast, "presidium")
    response = client.get(reverse("contests:ranking_xlsx", args=[scored.contest.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [(row[0], row[1], row[-1]) for row in rows] == [(1, "ЗАО", 27.0), (2, "ВАО", 18.0), (3, "САО", 7.67)]


def test_certificates_pdf_has_a_page_per_winner(client, cast, published):
    login(client, cast, "info_officer")
    response = client.get(reverse("contests:certificates", args=[published.contest.pk]))
    assert response.content.startswith(b"%PDF")
    assert response.content.count(b"/Type /Page\n") + response.content.count(b"/Type /Page ") >= 3 or (
        response.content.count(b"/Page") >= 3
    )


def test_ranking_page_shows_the_chart_and_the_table(client, cast, scored):
    login(client, cast, "presidium")
    page = client.get(reverse("contests:ranking", args=[scored.contest.pk])).content.decode()
    assert "vendor/plotly/plotly.min.js" in page
    assert "js/charts.js" in page and 'class="chart-figure"' in page
    assert 'id="ranking"' in page
    assert "27,00" in page


def _contest_with_pages(tree, count: int) -> Contest:
    contest = Contest.objects.create(
        title=f"Страницы {count}", scope=tree.union, level="page", period_start=START, period_end=END
    )
    auto = Criterion.objects.create(contest=contest, name="Подписчики", source=Metric.SUBSCRIBERS_END)
    jury = Criterion.objects.create(contest=contest, name="Оформление", source=Metric.JURY)
    pages = SocialPage.objects.bulk_create(
        SocialPage(
            organisation=tree.zao_p1, network=Network.VK, url=f"https://vk.com/p{count}_{n}", handle=f"p{count}_{n}"
        )
        for n in range(count)
    )
    entries = Entry.objects.bulk_create(
        Entry(contest=contest, organisation=tree.zao_p1, page=page, title=page.handle) for page in pages
    )
    AutoScore.objects.bulk_create(
        AutoScore(entry=entry, criterion=auto, value=n, points=n % 10) for n, entry in enumerate(entries)
    )
    juror = services.juror_assign(contest=contest, user=UserFactory(username=f"j{count}"))
    JuryScore.objects.bulk_create(JuryScore(juror=juror, entry=entry, criterion=jury, points=5) for entry in entries)
    Contest.objects.filter(pk=contest.pk).update(status=ContestStatus.JUDGING)
    return contest


def test_ranking_page_keeps_its_query_count_at_10_and_1000_participants(client, cast, tree):
    login(client, cast, "presidium")
    small = _contest_with_pages(tree, 10)
    large = _contest_with_pages(tree, 1000)
    counts = []
    for contest in (small, large):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("contests:ranking", args=[contest.pk]))
        assert response.status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert counts[0] <= 15
    assert large.entries.count() == 1000


def test_a_configured_certificate_font_is_used(settings, tmp_path):
    from contests.results import FONT_CANDIDATES, certificate_font

    font = tmp_path / "font.ttf"
    font.write_bytes(b"")
    settings.CONTESTS_CERTIFICATE_FONT = str(font)
    assert certificate_font() == font
    settings.CONTESTS_CERTIFICATE_FONT = str(tmp_path / "missing.ttf")
    assert str(certificate_font()) in FONT_CANDIDATES or certificate_font().name == "DejaVuSans.ttf"


def test_without_any_font_the_certificates_page_explains_and_redirects(client, cast, published, settings, monkeypatch):
    from contests import results

    monkeypatch.setattr(results, "FONT_CANDIDATES", [])
    monkeypatch.setitem(__import__("sys").modules, "matplotlib", None)
    settings.CONTESTS_CERTIFICATE_FONT = ""
    login(client, cast, "info_officer")
    response = client.get(reverse("contests:certificates", args=[published.contest.pk]), follow=True)
    assert "CONTESTS_CERTIFICATE_FONT" in response.content.decode()


def test_an_empty_resolution_text_is_refused_and_nothing_saved(client, cast, scored):
    login(client, cast, "info_officer")
    response = client.post(reverse("contests:resolution", args=[scored.contest.pk]), {"preamble": "", "decisions": ""})
    assert response.status_code == 200
    assert "Обязательное поле" in response.content.decode()
    scored.contest.refresh_from_db()
    assert scored.contest.resolution_preamble == ""


def test_contest_edit_refuses_a_period_ending_before_it_starts(client, cast, fixed):
    login(client, cast, "info_officer")
    url = reverse("contests:edit", args=[fixed.contest.pk])
    response = client.post(url, {"title": "Новое", "period_start": "2018-04-20", "period_end": "2018-01-01"})
    assert response.status_code == 200
    fixed.contest.refresh_from_db()
    assert fixed.contest.title == "Тестовый конкурс"


def test_criteria_formset_saves_a_new_jury_criterion(client, cast, tree):
    draft = services.contest_create(template="news_of_month", scope=tree.union, period_start=START, period_end=END)
    login(client, cast, "info_officer")
    existing = list(draft.criteria.all())
    data = {
        "criteria-TOTAL_FORMS": str(len(existing) + 1),
        "criteria-INITIAL_FORMS": str(len(existing)),
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for index, criterion in enumerate(existing):
        data |= {
            f"criteria-{index}-id": str(criterion.pk),
            f"criteria-{index}-contest": str(draft.pk),
            f"criteria-{index}-position": str(criterion.position),
            f"criteria-{index}-name": criterion.name,
            f"criteria-{index}-source": criterion.source,
            f"criteria-{index}-rule": criterion.rule,
            f"criteria-{index}-weight": "1",
            f"criteria-{index}-max_points": "10",
        }
    new = len(existing)
    data |= {
        f"criteria-{new}-contest": str(draft.pk),
        f"criteria-{new}-position": "9",
        f"criteria-{new}-name": "Заголовок",
        f"criteria-{new}-source": "jury",
        f"criteria-{new}-rule": "linear",
        f"criteria-{new}-weight": "0,5",
        f"criteria-{new}-max_points": "5",
    }
    response = client.post(reverse("contests:criteria", args=[draft.pk]), data)
    assert response.status_code == 302, response.context["formset"].errors
    assert draft.criteria.get(name="Заголовок").max_points == 5


def test_an_entry_of_another_contest_cannot_be_removed(client, cast, tree, fixed):
    draft = services.contest_create(template="best_community", scope=tree.union, period_start=START, period_end=END)
    login(client, cast, "info_officer")
    other = fixed.entries["ВАО"]
    response = client.post(reverse("contests:entry_remove", args=[draft.pk, other.pk]))
    assert response.status_code == 404
    assert Entry.objects.filter(pk=other.pk).exists()
    own = draft.entries.first()
    client.post(reverse("contests:entry_remove", args=[draft.pk, own.pk]))
    assert not Entry.objects.filter(pk=own.pk).exists()


def test_only_users_with_the_juror_role_join_a_jury(client, cast, fixed):
    login(client, cast, "info_officer")
    client.post(reverse("contests:juror_add", args=[fixed.contest.pk]), {"user": cast.outsider.pk})
    assert not fixed.contest.jurors.filter(user=cast.outsider).exists()


def test_an_organisation_of_the_scope_is_added_by_hand_and_one_outside_is_refused(client, cast, tree):
    from tests.factories import make_org

    draft = services.contest_create(
        title="Вручную", scope=tree.vao, level="primary", period_start=START, period_end=END
    )
    login(client, cast, "info_officer")
    draft.entries.filter(organisation=tree.vao_p1).delete()
    client.post(reverse("contests:entry_add", args=[draft.pk]), {"organisation": tree.vao_p1.pk})
    assert draft.entries.filter(organisation=tree.vao_p1).exists()
    client.post(reverse("contests:entry_add", args=[draft.pk]), {"organisation": tree.zao.pk})
    assert not draft.entries.filter(organisation=tree.zao).exists()
    outside = make_org("Чужая", parent=None, kind="union")
    client.post(reverse("contests:entry_add", args=[draft.pk]), {"organisation": outside.pk})
    assert draft.entries.count() == 2  # the two primaries of ВАО


def test_an_organisation_of_another_level_is_refused_with_the_reason(cast, tree):
    primary_contest = services.contest_create(
        title="Первички", scope=tree.vao, level="primary", period_start=START, period_end=END
    )
    with pytest.raises(ValidationError, match="не может участвовать"):
        services.entry_add(contest=primary_contest, organisation=tree.vao)
    territorial_contest = services.contest_create(
        title="Территории", scope=tree.union, level="territorial", period_start=START, period_end=END
    )
    for organisation in (tree.union, tree.vao_p1):
        with pytest.raises(ValidationError, match="не может участвовать"):
            services.entry_add(contest=territorial_contest, organisation=organisation)
    assert not territorial_contest.entries.filter(organisation__in=[tree.union, tree.vao_p1]).exists()


def test_the_entry_add_service_refuses_an_organisation_outside_the_scope(cast, tree):
    draft = services.contest_create(
        title="Вручную", scope=tree.vao, level="primary", period_start=START, period_end=END
    )
    with pytest.raises(ValidationError):
        services.entry_add(contest=draft, organisation=tree.zao)


def test_the_juror_picker_offers_only_jurors_within_the_contests_scope(client, cast, tree):
    contest = services.contest_create(
        title="Конкурс ВАО", scope=tree.vao, level="primary", period_start=START, period_end=END
    )
    juror_zao = UserFactory(username="juror_zao")
    assign(juror_zao, Role.JUROR, tree.zao)
    juror_union = UserFactory(username="juror_union")
    assign(juror_union, Role.JUROR, tree.union)
    juror_school = UserFactory(username="juror_school")
    assign(juror_school, Role.JUROR, tree.vao_p2)
    login(client, cast, "info_officer")
    offered = set(
        client.get(reverse("contests:detail", args=[contest.pk])).context["juror_form"].fields["user"].queryset
    )
    assert offered == {cast.juror, juror_union, juror_school}
    client.post(reverse("contests:juror_add", args=[contest.pk]), {"user": juror_zao.pk})
    assert not contest.jurors.filter(user=juror_zao).exists()
    client.post(reverse("contests:juror_add", args=[contest.pk]), {"user": juror_school.pk})
    assert contest.jurors.filter(user=juror_school).exists()


def test_closing_judging_with_unscored_entries_shows_them_and_waits_for_confirmation(client, cast, fixed):
    login(client, cast, "info_officer")
    url = reverse("contests:transition", args=[fixed.contest.pk, "close"])
    page = client.get(url).content.decode()
    assert 'id="coverage-gaps"' in page
    assert all(title in page for title in ("ВАО", "ЗАО", "САО"))
    response = client.post(url)
    assert response.status_code == 200 and 'id="coverage-gaps"' in response.content.decode()
    fixed.contest.refresh_from_db()
    assert fixed.contest.status == ContestStatus.JUDGING
    client.post(url, {"confirm": "yes"})
    fixed.contest.refresh_from_db()
    assert fixed.contest.status == ContestStatus.CLOSED


@pytest.mark.parametrize("role", ["territorial_admin", "presidium", "juror", "outsider"])
def test_only_the_organiser_sees_the_confirmation_page(client, cast, fixed, role):
    login(client, cast, role)
    assert client.get(reverse("contests:transition", args=[fixed.contest.pk, "close"])).status_code == 404


def test_the_organiser_sees_the_coverage_table(client, cast, scored):
    login(client, cast, "info_officer")
    page = client.get(reverse("contests:detail", args=[scored.contest.pk])).content.decode()
    assert 'id="coverage"' in page


def test_published_results_mark_an_entry_under_the_minimum(client, cast, scored):
    scored.contest.min_jurors = 3
    scored.contest.save()
    services.contest_close(contest=scored.contest, confirm_gaps=True)
    services.contest_publish(contest=scored.contest)
    login(client, cast, "info_officer")
    page = client.get(reverse("contests:ranking", args=[scored.contest.pk])).content.decode()
    assert f'data-entry="{scored.entries["ВАО"].pk}" class="short"' in page
    assert f'data-entry="{scored.entries["САО"].pk}" class="short"' not in page
    assert 'id="short-note"' in page


DOCUMENTS = ["contests:resolution_docx", "contests:certificates"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("view", DOCUMENTS)
def test_the_presidium_and_officers_download_the_documents_of_published_results(client, cast, published, role, view):
    login(client, cast, role)
    response = client.get(reverse(view, args=[published.contest.pk]))
    assert response.status_code == (200 if role in ("info_officer", "presidium") else 404)


@pytest.mark.parametrize("view", DOCUMENTS)
def test_no_documents_before_the_results_are_published(client, cast, scored, view):
    login(client, cast, "presidium")
    response = client.get(reverse(view, args=[scored.contest.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("contests:ranking", args=[scored.contest.pk])
    assert "после публикации итогов" in response.content.decode()
    page = client.get(reverse("contests:ranking", args=[scored.contest.pk])).content.decode()
    assert reverse(view, args=[scored.contest.pk]) not in page


def test_removing_a_participant_or_a_juror_asks_first(client, cast, tree):
    draft = services.contest_create(template="best_community", scope=tree.union, period_start=START, period_end=END)
    juror = services.juror_assign(contest=draft, user=cast.juror)
    entry = draft.entries.get(organisation=tree.vao)
    login(client, cast, "info_officer")
    for url in (
        reverse("contests:entry_remove", args=[draft.pk, entry.pk]),
        reverse("contests:juror_remove", args=[draft.pk, juror.pk]),
    ):
        page = client.get(url).content.decode()
        assert 'id="confirm"' in page
    assert draft.entries.filter(pk=entry.pk).exists() and draft.jurors.filter(pk=juror.pk).exists()
    client.post(reverse("contests:entry_remove", args=[draft.pk, entry.pk]))
    client.post(reverse("contests:juror_remove", args=[draft.pk, juror.pk]))
    assert not draft.entries.filter(pk=entry.pk).exists() and not draft.jurors.filter(pk=juror.pk).exists()


def test_a_draft_ranking_shows_an_empty_state_instead_of_a_chart(client, cast, tree):
    draft = services.contest_create(template="best_community", scope=tree.union, period_start=START, period_end=END)
    login(client, cast, "info_officer")
    page = client.get(reverse("contests:ranking", args=[draft.pk])).content.decode()
    assert 'id="no-points"' in page and "plotly-graph-div" not in page


# Territorial admins run «Лучшая новость месяца» for their own subtree (the 002 document, point 4.4).


def test_a_territorial_admin_creates_the_news_contest_of_their_territory(client, cast, tree):
    login(client, cast, "territorial_admin")
    form = client.get(reverse("contests:create")).context["form"]
    assert [value for value, _label in form.fields["template"].choices] == ["news_of_month"]
    assert list(form.fields["scope"].queryset) == [tree.vao]
    response = client.post(
        reverse("contests:create"),
        {
            "template": "news_of_month",
            "scope": tree.vao.pk,
            "level": "",
            "period_start": "2018-03-01",
            "period_end": "2018-03-31",
        },
    )
    contest = Contest.objects.get()
    assert response.status_code == 302 and (contest.scope, contest.level) == (tree.vao, "news")
    assert client.get(reverse("contests:detail", args=[contest.pk])).status_code == 200
    assert client.get(reverse("contests:ranking", args=[contest.pk])).status_code == 200


def test_a_territorial_admin_cannot_run_other_contests_or_other_territories(client, cast, tree):
    login(client, cast, "territorial_admin")
    for data in (
        {"template": "best_community", "scope": tree.vao.pk},
        {"template": "news_of_month", "scope": tree.zao.pk},
        {"template": "news_of_month", "scope": tree.union.pk},
    ):
        client.post(
            reverse("contests:create"), {**data, "level": "", "period_start": "2018-03-01", "period_end": "2018-03-31"}
        )
    assert not Contest.objects.exists()
    union_news = services.contest_create(template="news_of_month", scope=tree.union, period_start=START, period_end=END)
    vao_community = services.contest_create(
        template="best_community", scope=tree.vao, period_start=START, period_end=END
    )
    for contest in (union_news, vao_community):
        assert client.get(reverse("contests:detail", args=[contest.pk])).status_code == 404


@pytest.mark.parametrize("role", ["primary_admin", "presidium", "juror", "outsider"])
def test_other_roles_do_not_create_contests(client, cast, role):
    login(client, cast, role)
    assert client.get(reverse("contests:create")).status_code == 404


@pytest.mark.parametrize(
    ("number", "participants", "subscribers", "publications"),
    [
        (1, "1 участник принял участие", "1 нового подписчика", "вышла 1 публикация"),
        (2, "2 участника приняли участие", "2 новых подписчика", "вышли 2 публикации"),
        (5, "5 участников приняли участие", "5 новых подписчиков", "вышло 5 публикаций"),
        (11, "11 участников приняли участие", "11 новых подписчиков", "вышло 11 публикаций"),
        (21, "21 участник принял участие", "21 нового подписчика", "вышла 21 публикация"),
        (1604, "1 604 участника приняли участие", "1 604 новых подписчика", "вышли 1 604 публикации"),
    ],
)
def test_the_resolution_docx_agrees_every_number_with_its_words(
    scored, number, participants, subscribers, publications
):
    from contests import results

    ranking = selectors.contest_ranking(scored.contest)
    figures = selectors.ResolutionFigures(participants=number, subscribers_gained=number, publications=number)
    preamble = results.default_preamble(ranking, figures)
    content = results.resolution_docx(ranking, preamble=preamble, decisions=results.default_decisions(ranking))
    text = " ".join(paragraph.text for paragraph in Document(io.BytesIO(content)).paragraphs).replace("\u00a0", " ")
    assert participants in text and subscribers in text and publications in text
    assert "приняли участие 1" not in text and "участие в конкурсе приняли" not in text


def test_the_news_contest_preamble_speaks_of_news_not_subscribers(scored):
    from contests import results

    scored.contest.level = "news"
    ranking = selectors.contest_ranking(scored.contest)
    text = results.default_preamble(ranking, selectors.ResolutionFigures(21, 0, 0))
    assert "рассмотрена 21 новость от 3 первичных профсоюзных организаций" in text
    assert "подписчик" not in text


def test_a_table_wider_than_six_columns_goes_to_a_landscape_appendix(published):
    from contests import results

    for number in range(3, 5):
        Criterion.objects.create(
            contest=published.contest, name=f"Критерий {number}", source=Metric.JURY, position=number
        )
    ranking = selectors.contest_ranking(published.contest)
    assert len(results.ranking_header(ranking)) == 7
    content = results.resolution_docx(ranking, preamble="П.", decisions="1. Р.", header_lines=["МГО Профсоюза"])
    document = Document(io.BytesIO(content))
    texts = [paragraph.text for paragraph in document.paragraphs]
    appendix_note = next(text for text in texts if text.startswith("Приложение № 1"))
    assert texts.index("Итоги конкурса приведены в приложении № 1 к настоящему постановлению.") < texts.index(
        appendix_note
    )
    assert len(document.sections) == 2 and len(document.tables) == 1
    landscape = document.sections[1]
    assert (round(landscape.page_width.mm), round(landscape.page_height.mm)) == (297, 210)
    assert [cell.text for cell in document.tables[0].rows[0].cells][-1] == "Итого"
