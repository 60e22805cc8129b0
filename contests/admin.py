from django.contrib import admin

from .models import Contest, Criterion, Entry, Juror


class CriterionInline(admin.TabularInline):
    model = Criterion
    extra = 0


class JurorInline(admin.TabularInline):
    model = Juror
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "period_start", "period_end", "scope"]
    list_filter = ["status", "template"]
    raw_id_fields = ["scope", "created_by"]
    inlines = [CriterionInline, JurorInline]


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ["title", "contest", "organisation"]
    raw_id_fields = ["organisation", "page"]
    list_select_related = ["contest", "organisation"]
