"""Charts: pure functions from plain data to a plotly figure; `render` gives the HTML fragment.

plotly.js itself is served from static files (`vendor/plotly/plotly.min.js`), so figures are rendered
with `include_plotlyjs=False`. Every chart's numbers are also shown as a table by its page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import plotly.graph_objects as go

from unionportal.lib import charts
from unionportal.lib.formatting import fmt_int

_LAYOUT = {
    "margin": {"l": 50, "r": 20, "t": 40, "b": 50},
    "height": 380,
    "separators": ", ",  # decimal comma, thin-space thousands: the Russian way
}
# Every chart's look; `render` adds it as JSON (see `_figure`).
TEMPLATE = "plotly_white"


def _figure(data=None) -> go.Figure:
    """A figure with an empty template: plotly would otherwise copy and validate its default template into it
    and then `TEMPLATE` over that (most of a chart's 30 ms); `render` puts TEMPLATE's JSON in instead."""
    return go.Figure(data, layout={"template": {}})


def subscribers_over_time(points: Sequence[tuple[dt.date, int]], *, title: str) -> go.Figure:
    """A line of total subscribers by date."""
    figure = _figure(
        go.Scatter(
            x=[day for day, _value in points],
            y=[value for _day, value in points],
            mode="lines+markers",
            hovertemplate="%{x|%d.%m.%Y}: %{y:,}<extra></extra>",
        )
    )
    figure.update_layout(title=title, xaxis={"tickformat": "%d.%m.%Y"}, **_LAYOUT)
    return figure


def growth_bars(rows: Sequence[tuple[str, int]], *, title: str) -> go.Figure:
    """Bars of the change per territorial organisation (label, change)."""
    figure = _figure(
        go.Bar(
            x=[label for label, _change in rows],
            y=[change for _label, change in rows],
            text=[fmt_int(change) for _label, change in rows],
            textposition="outside",
            hovertemplate="%{x}: %{y:+,}<extra></extra>",
        )
    )
    figure.update_layout(title=title, **_LAYOUT)
    return figure


def engagement_scatter(points: Sequence[tuple[str, int, float]], *, title: str) -> go.Figure:
    """Engagement (%) against subscribers, one point per page (label, subscribers, engagement)."""
    figure = _figure(
        go.Scatter(
            x=[subscribers for _label, subscribers, _rate in points],
            y=[rate for _label, _subscribers, rate in points],
            text=[label for label, _subscribers, _rate in points],
            mode="markers",
            hovertemplate="%{text}<br>%{x:,}: %{y:.1f} %<extra></extra>",
        )
    )
    figure.update_layout(title=title, xaxis={"type": "log"}, yaxis={"ticksuffix": " %"}, **_LAYOUT)
    return figure


# Each network's colour in the stacked charts: its own brand colour, history networks in greys.
NETWORK_COLOURS = {
    "vk": "#0077ff",
    "telegram": "#27a7e7",
    "max": "#8a3ffc",
    "ok": "#ee8208",
    "facebook": "#9aa5b8",
    "instagram": "#c7b3c6",
}


def audience_stacked(
    dates: Sequence[dt.date], series: Sequence[tuple[str, str, Sequence[int]]], *, title: str
) -> go.Figure:
    """Subscribers by network over time as stacked areas, one per (network, label, values per date)."""
    figure = _figure()
    for network, label, values in series:
        figure.add_trace(
            go.Scatter(
                x=list(dates),
                y=list(values),
                name=label,
                mode="lines",
                stackgroup="networks",
                line={"width": 0.5, "color": NETWORK_COLOURS.get(network)},
                hovertemplate=f"{label}: %{{y:,}}<extra></extra>",
            )
        )
    figure.update_layout(
        title=title,
        xaxis={"tickformat": "%d.%m.%Y"},
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.15},
        **_LAYOUT,
    )
    return figure


def render(figure: go.Figure) -> str:
    return charts.render(figure, template=TEMPLATE)
