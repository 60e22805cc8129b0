"""Pure functions from plain numbers to a plotly figure (HTML fragment, plotly.js served locally)."""

from __future__ import annotations

import plotly.graph_objects as go

from unionportal.lib import charts


def reporting_rate_trend(
    labels: list[str], rates: list[float | None], on_time: list[float | None], names: tuple[str, str]
) -> str:
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=labels, y=rates, mode="lines+markers", name=names[0]))
    figure.add_trace(go.Scatter(x=labels, y=on_time, mode="lines+markers", name=names[1]))
    figure.update_layout(
        height=300,
        margin={"l": 40, "r": 10, "t": 10, "b": 40},
        yaxis={"range": [0, 105], "ticksuffix": " %"},
        legend={"orientation": "h"},
        separators=", ",
    )
    return charts.render(figure, config={"displayModeBar": False})
