"""One client per network with an API. `collector_for` builds one from settings, or None when unconfigured."""

from __future__ import annotations

from django.conf import settings

from ...models import Network
from .base import Collector


def is_configured(network: str) -> bool:
    if network == Network.VK:
        return bool(settings.VK_API_TOKEN)
    if network == Network.TELEGRAM:
        return bool(settings.TELEGRAM_BOT_TOKEN)
    if network == Network.OK:
        return bool(settings.OK_APPLICATION_KEY and settings.OK_APPLICATION_SECRET)
    return False


def missing_settings(network: str) -> list[str]:
    """The environment variables a network still needs (names only, never values)."""
    needed = {
        Network.VK: ["VK_API_TOKEN"],
        Network.TELEGRAM: ["TELEGRAM_BOT_TOKEN"],
        Network.OK: ["OK_APPLICATION_KEY", "OK_APPLICATION_SECRET"],
    }.get(network, [])
    return [name for name in needed if not getattr(settings, name, "")]


def collector_for(network: str) -> Collector | None:
    if not is_configured(network):
        return None
    timeout = settings.HTTP_TIMEOUT_SECONDS
    if network == Network.VK:
        from .vk import VkCollector

        return VkCollector(
            api_url=settings.VK_API_URL,
            token=settings.VK_API_TOKEN,
            version=settings.VK_API_VERSION,
            rps=settings.VK_API_RPS,
            timeout=timeout,
        )
    if network == Network.TELEGRAM:
        from .telegram import TelegramCollector

        return TelegramCollector(
            api_url=settings.TELEGRAM_API_URL,
            web_url=settings.TELEGRAM_WEB_URL,
            token=settings.TELEGRAM_BOT_TOKEN,
            timeout=timeout,
        )
    if network == Network.OK:
        from .ok import OkCollector

        return OkCollector(
            api_url=settings.OK_API_URL,
            application_key=settings.OK_APPLICATION_KEY,
            application_secret=settings.OK_APPLICATION_SECRET,
            access_token=settings.OK_ACCESS_TOKEN,
            timeout=timeout,
        )
    return None
