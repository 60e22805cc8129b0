"""Project-level guarantees: translations compiled, compose file consistent, settings safe, health."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import polib
import pytest
import yaml
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from unionportal.checks import check_secret_key
from unionportal.management.commands.compile_translations import po_files

ROOT = Path(__file__).resolve().parents[2]


def test_every_po_file_is_fully_translated_and_compiled():
    assert po_files(), "no .po files found"
    for path in po_files():
        catalogue = polib.pofile(str(path))
        assert catalogue.percent_translated() == 100, f"{path}: {[e.msgid for e in catalogue.untranslated_entries()]}"
        assert not catalogue.fuzzy_entries(), f"{path} has fuzzy entries"
        compiled = polib.mofile(str(path.with_suffix(".mo")))
        assert {e.msgid: e.msgstr for e in compiled if not e.msgid_plural} == {
            e.msgid: e.msgstr for e in catalogue if not e.msgid_plural and not e.obsolete
        }, f"{path}: run `make messages` (the .mo file is stale)"


def test_development_key_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    assert [error.id for error in check_secret_key(None)] == ["unionportal.E001"]
    settings.SECRET_KEY = "x" * 60
    assert check_secret_key(None) == []


def _compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_has_every_service_with_a_healthcheck():
    services = _compose()["services"]
    assert {"postgres", "redis", "migrate", "web", "worker", "beat"} <= set(services)
    for name, service in services.items():
        if name != "migrate":
            assert "healthcheck" in service, f"{name} has no healthcheck"


def _commands(service: dict) -> list[list[str]]:
    found = []
    for key in ("command", "entrypoint"):
        value = service.get(key)
        if value:
            found.append(shlex.split(value) if isinstance(value, str) else list(value))
    test = service.get("healthcheck", {}).get("test")
    if isinstance(test, list) and test and test[0] in ("CMD", "CMD-SHELL"):
        found.append(shlex.split(test[1]) if test[0] == "CMD-SHELL" else test[1:])
    return found


def test_every_command_the_compose_file_names_exists_in_the_project():
    from django.core.management import get_commands

    management_commands = set(get_commands())
    for name, service in _compose()["services"].items():
        for argv in _commands(service):
            text = " ".join(argv)
            for command in re.findall(r"manage\.py (\w+)", text):
                assert command in management_commands, f"{name}: manage.py {command} does not exist"
            for module in re.findall(r"-A (\w+)", text):
                assert (ROOT / module / "celery.py").exists(), f"{name}: celery app {module} missing"
            for wsgi in re.findall(r"(\w+)\.wsgi", text):
                assert (ROOT / wsgi / "wsgi.py").exists()
            for script in re.findall(r"(scripts/[\w./-]+)", text):
                assert (ROOT / script).exists(), f"{name}: {script} missing"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "compile_translations" in dockerfile and "collectstatic" in dockerfile


def test_env_example_lists_every_variable_the_settings_read():
    settings_text = (ROOT / "unionportal" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', settings_text))
    example = (ROOT / ".env.example").read_text()
    listed = set(re.findall(r"^#?\s*([A-Z_]+)=", example, flags=re.M))
    assert read - listed == set(), f"missing in .env.example: {read - listed}"
    readme = (ROOT / "README.md").read_text() + (ROOT / "docs" / "configuration.md").read_text()
    assert all(name in readme for name in read), [name for name in read if name not in readme]


@pytest.mark.django_db
def test_health_tells_an_anonymous_caller_only_ok_or_not(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"ok": True}


@pytest.mark.django_db
def test_health_tells_a_primary_admin_only_ok_or_not(client, cast):
    client.force_login(cast.primary_admin)
    assert client.get(reverse("health")).json() == {"ok": True}


@pytest.mark.django_db
def test_health_reports_database_and_synchronous_mode_to_information_staff(client, cast):
    client.force_login(cast.info_officer)
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "configured": False, "mode": "synchronous"}


@pytest.mark.django_db
def test_health_says_503_when_the_broker_is_unreachable(client, settings, cast):
    client.force_login(cast.info_officer)
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    from unionportal.celery import app

    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        app.conf.broker_url = "redis://127.0.0.1:1/0"
        try:
            response = client.get(reverse("health"))
        finally:
            app.conf.broker_url = None
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
    client.logout()
    with override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0"):
        app.conf.broker_url = "redis://127.0.0.1:1/0"
        try:
            response = client.get(reverse("health"))
        finally:
            app.conf.broker_url = None
    assert (response.status_code, response.json()) == (503, {"ok": False})


@pytest.mark.django_db
def test_demo_loads_twice_without_duplicates(capsys):
    from orgs.models import Organisation, RoleAssignment

    call_command("load_demo")
    first = (Organisation.objects.count(), RoleAssignment.objects.count())
    call_command("load_demo")
    assert (Organisation.objects.count(), RoleAssignment.objects.count()) == first
    assert "tpo_vao" in capsys.readouterr().out


@pytest.mark.django_db
def test_every_demo_user_can_log_in(client):
    from unionportal.demo import DEMO_PASSWORD, DEMO_USERS

    call_command("load_demo")
    for demo in DEMO_USERS:
        response = client.post(reverse("login"), {"username": demo.username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, demo.username
        assert client.get(reverse("home")).status_code == 200
        client.logout()


@pytest.mark.django_db
def test_login_page_is_russian(client):
    body = client.get(reverse("login")).content.decode()
    assert "Вход" in body and "Имя пользователя" in body
