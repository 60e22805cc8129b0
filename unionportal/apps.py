from django.apps import AppConfig


class UnionPortalConfig(AppConfig):
    name = "unionportal"
    verbose_name = "UnionPortal"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
        from .lib import search

        search.install()
