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
