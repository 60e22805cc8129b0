"""`{% open_alerts %}`: the count of open alerts in the user's scope with a link, for the dashboard.

The dashboard (socialstats) never imports this app: its template loads this tag."""

from __future__ import annotations

from django import template

from ..selectors import may_see_alerts, open_alert_count

register = template.Library()


@register.inclusion_tag("alerts/_open_alerts.html", takes_context=True)
def open_alerts(context, scope=None) -> dict:
    """`scope`: the organisation the dashboard shows (already checked against the user's scope), or None."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not may_see_alerts(user):
        return {"show": False}
    return {"show": True, "count": open_alert_count(user, within=scope), "scope": scope}
