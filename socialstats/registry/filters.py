"""The registry list's filters (django-filter): network, who runs the page, status, the official mark."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from unionportal.lib.query import MAX_ID
from unionportal.lib.search import text_contains

from ..models import Network, PageOwner, PageStatus, SocialPage


class PageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_text")
    network = django_filters.ChoiceFilter(label=_("Network"), choices=Network.choices, empty_label=_("any"))
    owner = django_filters.ChoiceFilter(label=_("Run by"), choices=PageOwner.choices, empty_label=_("any"))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=PageStatus.choices, empty_label=_("any"))
    is_official = django_filters.ChoiceFilter(
        label=_("Official"),
        choices=[("1", _("official")), ("0", _("not confirmed"))],
        empty_label=_("any"),
        method="filter_official",
    )
    link = django_filters.ChoiceFilter(
        label=_("Link"),
        choices=[("unknown", _("link unknown"))],
        empty_label=_("any"),
        method="filter_link",
    )

    class Meta:
        model = SocialPage
        fields = ["q", "network", "owner", "status", "is_official", "link"]

    def filter_text(self, queryset: QuerySet[SocialPage], name: str, value: str) -> QuerySet[SocialPage]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            text_contains(["title", "handle", "organisation__name", "organisation__short_name"], value)
        )

    def filter_official(self, queryset: QuerySet[SocialPage], name: str, value: str) -> QuerySet[SocialPage]:
        return queryset.filter(is_official=value == "1") if value in ("0", "1") else queryset

    def filter_link(self, queryset: QuerySet[SocialPage], name: str, value: str) -> QuerySet[SocialPage]:
        return queryset.filter(handle="") if value == "unknown" else queryset


class OrganisationScopeForm(forms.Form):
    """Which organisation's registry: `org` (an id inside the user's scope) and whether to include its subtree."""

    org = forms.IntegerField(required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput)
    subtree = forms.BooleanField(label=_("with member organisations"), required=False)
