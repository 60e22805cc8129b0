from django.contrib import admin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Organisation, RoleAssignment


@admin.register(Organisation)
class OrganisationAdmin(TreeAdmin):
    form = movenodeform_factory(Organisation)
    list_display = ("name", "short_name", "kind", "region", "members_count", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "region")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organisation", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "organisation__name", "organisation__short_name")
    autocomplete_fields = ("organisation", "user")
