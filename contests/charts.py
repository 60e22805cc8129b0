"""Pure functions from plain data to plotly figures (rendered without plotly.js: the page loads it)."""

from __future__ import annotations

import plotly.graph_objects as go

from unionportal.lib import charts


def totals_by_criterion(
    participants: list[str], series: list[tuple[str, list[float]]], *, title: str = ""
) -> go.Figure:
    """A stacked bar per participant: one segment per criterion (its weighted points)."""
    figure = go.Figure()
    for name, values in series:
        figure.add_bar(name=name, x=participants, y=[round(value, 2) for value in values])
    figure.update_layout(
        barmode="stack",
        title=title or None,
        margin={"l": 40, "r": 10, "t": 40 if title else 10, "b": 120},
        legend={"orientation": "h", "y": -0.35},
        height=480,
    )
    return figure


def to_html(figure: go.Figure) -> str:
    return charts.render(figure)
