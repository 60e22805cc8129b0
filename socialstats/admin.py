from django.contrib import admin

from .models import PrintPublication, Snapshot, SocialPage, Website, WebsiteStat


@admin.register(SocialPage)
class SocialPageAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organisation", "network", "handle", "owner", "is_official", "status")
    list_filter = ("network", "owner", "status", "is_official")
    search_fields = ("handle", "title", "url", "organisation__name", "organisation__short_name")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "official_confirmed_by")


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    list_display = ("page", "date", "subscribers", "source", "taken_at")
    list_filter = ("source",)
    date_hierarchy = "date"
    list_select_related = ("page", "page__organisation")
    raw_id_fields = ("page", "recorded_by")


class WebsiteStatInline(admin.TabularInline):
    model = WebsiteStat
    extra = 0
    raw_id_fields = ("recorded_by",)


@admin.register(Website)
class WebsiteAdmin(admin.ModelAdmin):
    list_display = ("__str__", "organisation", "is_active")
    search_fields = ("url", "title", "organisation__name")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation",)
    inlines = [WebsiteStatInline]


@admin.register(PrintPublication)
class PrintPublicationAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "kind", "issues_per_year", "print_run", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation",)
