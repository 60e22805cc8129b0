from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.browser.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_territorial_admin_invites_a_primary_admin_who_sets_a_password_and_logs_in(phone_page, live_server, cast, tree):
    page = phone_page
    login(page, live_server, "tpo")
    page.goto(f"{live_server.url}/orgs/{tree.vao_p1.pk}/")
    page.click("text=Все люди и роли")
    page.fill("#invite_username", "newppo")
    page.fill("#invite_last_name", "Сидоров")
    page.fill("#invite_email", "newppo@school.example")
    page.select_option("#invite_role", "primary_admin")
    page.click("text=Создать и отправить приглашение")
    page.wait_for_selector("text=приглашение отправлено")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page is {width}px wide on a 390px screen"
    link = re.search(r"https?://\S+/accounts/reset/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("/accounts/", 1)[1]
    assert path.rstrip("/").rsplit("/", 1)[-1] not in page.content()

    page.click("text=Выйти")
    page.goto(f"{live_server.url}/accounts/{path}")
    page.fill("#id_new_password1", "Sch00l-garden-42")
    page.fill("#id_new_password2", "Sch00l-garden-42")
    page.click("text=Сохранить пароль")
    page.wait_for_selector("text=Пароль задан")
    login(page, live_server, "newppo", "Sch00l-garden-42")
    assert "Администратор ППО" in page.content()


def test_removing_a_role_asks_first(page, live_server, cast, tree):
    login(page, live_server, "tpo")
    page.goto(f"{live_server.url}/orgs/{tree.vao_p1.pk}/people/")
    page.click("text=Снять")
    page.wait_for_selector("text=Да, снять роль")
    page.click("text=Да, снять роль")
    page.wait_for_selector("text=больше не имеет роли")
    assert not cast.primary_admin.role_assignments.exists()
