"""`manage.py check --deploy` under a production environment, in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _check(extra_env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DEBUG", "SECRET"))}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_in_production_environment():
    result = _check(
        {
            "DEBUG": "false",
            "SECRET_KEY": "p" * 20 + "roduction-secret-" + "k3y-x9" * 5,
            "ALLOWED_HOSTS": "portal.example.org",
            "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.org:587",
        },
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_key_with_debug_off_fails_the_check():
    result = _check({"DEBUG": "false", "ALLOWED_HOSTS": "portal.example.org"})
    assert result.returncode != 0
    assert "unionportal.E001" in result.stderr


def test_console_email_with_debug_off_fails_the_check():
    result = _check(
        {
            "DEBUG": "false",
            "SECRET_KEY": "p" * 20 + "roduction-secret-" + "k3y-x9" * 5,
            "ALLOWED_HOSTS": "portal.example.org",
            "EMAIL_URL": "consolemail://",
        }
    )
    assert result.returncode != 0
    assert "unionportal.E002" in result.stderr


def test_console_email_is_fine_in_development():
    result = _check({"DEBUG": "true", "EMAIL_URL": "consolemail://"})
    assert result.returncode == 0, result.stdout + result.stderr
