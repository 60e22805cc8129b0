"""One client per network with an API. `collector_for` builds one from settings, or None when unconfigured."""

from __future__ import annotations

import ssl

import httpx
from django.conf import settings

from ...models import Network
from .base import Collector

NEEDED = {
    Network.VK: ["VK_API_TOKEN"],
    Network.TELEGRAM: ["TELEGRAM_BOT_TOKEN"],
    Network.MAX: ["MAX_BOT_TOKEN"],
    Network.OK: ["OK_APPLICATION_KEY", "OK_APPLICATION_SECRET"],
}
PROXY_SETTINGS = {
    Network.VK: "VK_PROXY_URL",
    Network.TELEGRAM: "TELEGRAM_PROXY_URL",
    Network.MAX: "MAX_PROXY_URL",
    Network.OK: "OK_PROXY_URL",
}


def is_configured(network: str) -> bool:
    return network in NEEDED and not missing_settings(network)


def missing_settings(network: str) -> list[str]:
    """The environment variables a network still needs (names only, never values)."""
    return [name for name in NEEDED.get(network, []) if not getattr(settings, name, "")]


def http_client(network: str, **options) -> httpx.Client:
    """The network's HTTP client: the timeout, and its proxy when one is set (`TELEGRAM_PROXY_URL` etc.)."""
    proxy = getattr(settings, PROXY_SETTINGS.get(network, ""), "") or None
    return httpx.Client(timeout=settings.HTTP_TIMEOUT_SECONDS, proxy=proxy, **options)


def collector_for(network: str) -> Collector | None:
    if not is_configured(network):
        return None
    timeout = settings.HTTP_TIMEOUT_SECONDS
    if network == Network.VK:
        from .limits import window_for
        from .vk import VkCollector

        return VkCollector(
            api_url=settings.VK_API_URL,
            token=settings.VK_API_TOKEN,
            version=settings.VK_API_VERSION,
            token_kind=settings.VK_TOKEN_KIND,
            limiter=window_for(
                "vk",
                settings.VK_API_TOKEN,
                rps=settings.VK_API_RPS,
                margin=settings.RATE_LIMIT_MARGIN_SECONDS,
                hold=timeout + 2.0,
                redis_url=settings.RATE_LIMIT_REDIS_URL,
            ),
            client=http_client(network),
        )
    if network == Network.TELEGRAM:
        from .telegram import TelegramCollector

        return TelegramCollector(
            api_url=settings.TELEGRAM_API_URL,
            web_url=settings.TELEGRAM_WEB_URL,
            token=settings.TELEGRAM_BOT_TOKEN,
            client=http_client(network, follow_redirects=True),
        )
    if network == Network.MAX:
        from .limits import window_for
        from .max import MAX_RPS, MaxCollector

        return MaxCollector(
            api_url=settings.MAX_API_URL,
            token=settings.MAX_BOT_TOKEN,
            bot_name=settings.MAX_BOT_NAME,
            limiter=window_for(
                "max",
                settings.MAX_BOT_TOKEN,
                rps=MAX_RPS,
                margin=settings.RATE_LIMIT_MARGIN_SECONDS,
                hold=timeout + 2.0,
                redis_url=settings.RATE_LIMIT_REDIS_URL,
            ),
            # The CA bundle is loaded now: a wrong path stops here instead of turning checking off.
            client=http_client(
                network,
                verify=ssl.create_default_context(cafile=settings.MAX_CA_BUNDLE) if settings.MAX_CA_BUNDLE else True,
            ),
        )
    if network == Network.OK:
        from .ok import OkCollector

        return OkCollector(
            api_url=settings.OK_API_URL,
            application_key=settings.OK_APPLICATION_KEY,
            application_secret=settings.OK_APPLICATION_SECRET,
            access_token=settings.OK_ACCESS_TOKEN,
            client=http_client(network),
        )
    return None
