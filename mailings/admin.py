from django.contrib import admin

from .models import ReportDelivery, ReportSubscription


@admin.register(ReportSubscription)
class ReportSubscriptionAdmin(admin.ModelAdmin):
    list_display = ("user", "frequency", "scope", "active", "created_at")
    list_filter = ("frequency", "active")
    raw_id_fields = ("user", "scope", "created_by")


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(admin.ModelAdmin):
    list_display = ("user", "frequency", "scope_name", "period", "status", "sent_at")
    list_filter = ("frequency", "status")
    raw_id_fields = ("user", "scope", "subscription")
    exclude = ("html",)
