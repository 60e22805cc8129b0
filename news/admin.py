from django.contrib import admin

from .models import MonthReopening, NewsItem, NewsPhoto, NewsPostLink, Notice, NotificationPreference


class NewsPhotoInline(admin.TabularInline):
    model = NewsPhoto
    extra = 0
    readonly_fields = ("image", "thumbnail", "image_format", "width", "height", "size_bytes", "original_name")


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "reporting_month", "status", "forwarded_to_union", "submitted_at")
    list_filter = ("status", "forwarded_to_union", "reporting_month")
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "author", "reviewed_by")
    inlines = [NewsPhotoInline]


@admin.register(MonthReopening)
class MonthReopeningAdmin(admin.ModelAdmin):
    list_display = ("organisation", "month", "reopened_by", "created_at")
    list_select_related = ("organisation", "reopened_by")
    raw_id_fields = ("organisation", "reopened_by")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("kind", "email", "organisation", "month", "sent_at")
    list_filter = ("kind", "month")
    list_select_related = ("organisation",)
    raw_id_fields = ("user", "organisation", "item")


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "reminders", "item_notices", "digest")
    raw_id_fields = ("user",)


@admin.register(NewsPostLink)
class NewsPostLinkAdmin(admin.ModelAdmin):
    """Where a link confirmed by mistake is deleted (the portal has no «unlink» yet, docs/posts.md)."""

    list_display = ("item", "post", "how", "confirmed_by", "confirmed_at")
    list_filter = ("how",)
    list_select_related = ("item", "post", "confirmed_by")
    raw_id_fields = ("item", "post", "confirmed_by")
