from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from .models import Organisation


class OrganisationTable(tables.Table):
    name = tables.LinkColumn("orgs:detail", args=[tables.A("pk")], verbose_name=_("Organisation"))
    kind = tables.Column(verbose_name=_("Kind"))
    region = tables.Column(verbose_name=_("Region"))
    members_count = tables.Column(verbose_name=_("Members"))
    # Filled in for the shown page only (orgs.selectors.with_primaries_total), so it is not sortable.
    primaries_total = tables.Column(verbose_name=_("Primaries"), orderable=False)
    is_active = tables.BooleanColumn(verbose_name=_("Active"))

    class Meta:
        model = Organisation
        fields = ("name", "kind", "region", "members_count", "primaries_total", "is_active")
        order_by = ("name",)
        per_page = 50
