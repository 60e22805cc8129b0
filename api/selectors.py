"""Reads of the API app: the user's tokens; the public widget's numbers (from the growth report, so they equal
the growth table's for the organisation's subtree from the end of last month to today)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from orgs.models import Organisation
from socialstats.reports.growth import preset_period
from socialstats.reports.selectors import growth_report

from .models import ApiToken, Widget


def user_tokens(user) -> QuerySet[ApiToken]:
    """The user's tokens, active first, newest first."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


@dataclass
class WidgetPage:
    title: str
    network: str
    url: str
    subscribers: int | None


@dataclass
class WidgetFigures:
    organisation: str
    subscribers: int
    growth_this_month: int
    since: dt.date
    on: dt.date
    pages: list[WidgetPage]

    def as_dict(self) -> dict:
        return {
            "organisation": self.organisation,
            "subscribers": self.subscribers,
            "growth_this_month": self.growth_this_month,
            "since": self.since.isoformat(),
            "on": self.on.isoformat(),
            "pages": [page.__dict__ for page in self.pages],
        }


def published_widget(organisation_id: int) -> Widget | None:
    """The widget of an active organisation that turned it on; None otherwise (the public sees nothing)."""
    return (
        Widget.objects.select_related("organisation")
        .filter(organisation_id=organisation_id, is_enabled=True, organisation__is_active=True)
        .first()
    )


def widget_figures(organisation: Organisation, today: dt.date) -> WidgetFigures:
    a, b = preset_period("this_month", today)
    report = growth_report(scope_paths=[organisation.path], a=a, b=b, grouping="page")
    pages = [
        WidgetPage(row.label, row.network, row.extra.get("url", ""), row.at_b)
        for row in sorted(report.rows, key=lambda row: -(row.at_b or 0))
        if row.at_b is not None
    ]
    return WidgetFigures(organisation.display_name, report.total.at_b or 0, report.total.change, a, b, pages)
