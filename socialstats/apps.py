from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialstatsConfig(AppConfig):
    name = "socialstats"
    verbose_name = _("Social statistics")

    def ready(self) -> None:
        from .analytics import receivers  # noqa: F401  (connects the tree's signal)
