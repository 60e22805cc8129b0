from django.contrib import admin

from .models import Alert, AlertDigest, AlertRule


@admin.register(AlertRule)
class AlertRuleAdmin(admin.ModelAdmin):
    list_display = ("kind", "is_enabled", "threshold", "updated_at")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("kind", "detail", "organisation", "routed_to", "opened_at", "handled_at", "resolved_at")
    list_filter = ("kind",)
    raw_id_fields = ("organisation", "page", "routed_to", "handled_by")


@admin.register(AlertDigest)
class AlertDigestAdmin(admin.ModelAdmin):
    list_display = ("user", "day", "email", "alerts", "sent_at")
    raw_id_fields = ("user",)
