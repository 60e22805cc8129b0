"""Query filters of the list endpoints (django-filter; drf-spectacular documents them in the schema)."""

from __future__ import annotations

import django_filters
from django import forms

from orgs.models import Organisation, OrgKind
from socialstats.models import Network, PageStatus, Snapshot, SocialPage

BIGGEST_ID = 2**63 - 1


class IdFilter(django_filters.NumberFilter):
    """A whole number in the database's range (a bigger one is a clear 400, never an overflow)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", BIGGEST_ID)
        super().__init__(*args, **kwargs)


class _SubtreeFilter(IdFilter):
    """Rows of the organisation with this id and of everything below it (an unknown id: no rows)."""

    def __init__(self, *args, field_path: str, **kwargs):
        self.field_path = field_path
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        path = Organisation.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return qs.none()
        return qs.filter(**{f"{self.field_path}__startswith": path})


class OrganisationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=OrgKind.choices)
    within = _SubtreeFilter(field_path="path", help_text="Only this organisation and its subtree.")
    depth = IdFilter()
    is_active = django_filters.BooleanFilter()

    class Meta:
        model = Organisation
        fields = ["kind", "within", "depth", "is_active"]


class PageFilter(django_filters.FilterSet):
    network = django_filters.ChoiceFilter(choices=Network.choices)
    status = django_filters.ChoiceFilter(choices=PageStatus.choices)
    organisation = _SubtreeFilter(field_path="organisation__path", help_text="Pages of this organisation's subtree.")

    class Meta:
        model = SocialPage
        fields = ["network", "status", "organisation"]


class SnapshotFilter(django_filters.FilterSet):
    page = IdFilter(field_name="page_id")
    organisation = _SubtreeFilter(field_path="page__organisation__path", help_text="Pages of this subtree.")
    network = django_filters.ChoiceFilter(field_name="page__network", choices=Network.choices)
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Snapshot
        fields = ["page", "organisation", "network", "date_from", "date_to"]
