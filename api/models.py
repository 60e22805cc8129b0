"""Personal API tokens: only a hash of the key is stored, each token is named, revocable and shows its last use."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    # SHA-256 of the key, hex. The key itself is shown once, when the token is created.
    key_hash = models.CharField(max_length=64, editable=False)
    # The key's first characters, so its owner can tell tokens apart.
    prefix = models.CharField(_("begins with"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # Authentication looks a presented key up by its hash.
            models.UniqueConstraint(fields=["key_hash"], name="api_token_unique_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class Widget(models.Model):
    """An organisation's public card of its numbers, for its own website: off until an editor turns it on."""

    organisation = models.OneToOneField(
        "orgs.Organisation", verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="widget"
    )
    is_enabled = models.BooleanField(_("published"), default=False)
    # Origins (https://site.example) whose pages may read the JSON from the browser (CORS), one per line.
    allowed_origins = models.TextField(_("sites allowed to embed it"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("public widget")
        verbose_name_plural = _("public widgets")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {'on' if self.is_enabled else 'off'}"

    @property
    def origins(self) -> list[str]:
        return [line.strip() for line in self.allowed_origins.splitlines() if line.strip()]
