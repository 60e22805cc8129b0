from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def points_for(points: dict, key: int) -> float:
    """`row.weighted|points_for:criterion.pk`: a criterion's points from a row's dict (0 when missing)."""
    return points.get(key, 0.0)
