"""System checks for configuration mistakes that would be dangerous in production."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register(deploy=False)
def check_secret_key(app_configs, **kwargs) -> list[Error]:
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        return [
            Error(
                "DEBUG is off but SECRET_KEY is the development key.",
                hint="Set SECRET_KEY in the environment to a long random value.",
                id="unionportal.E001",
            )
        ]
    return []


CONSOLE_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"


@register(deploy=False)
def check_console_email(app_configs, **kwargs) -> list[Error]:
    """The console backend prints invitation and password-reset links, tokens included, to the log."""
    if not settings.DEBUG and settings.EMAIL_BACKEND == CONSOLE_EMAIL_BACKEND:
        return [
            Error(
                "DEBUG is off but email goes to the console: invitation and password-reset links, with their "
                "one-time tokens, would be written to the log.",
                hint="Set EMAIL_URL to the SMTP server, e.g. smtp+tls://user:password@smtp.example.org:587.",
                id="unionportal.E002",
            )
        ]
    return []
