"""Charts of the posts reports: pure functions from plain data to a plotly figure (unit-tested on plain data)."""

from __future__ import annotations

from collections.abc import Sequence

import plotly.graph_objects as go

_LAYOUT = {
    "margin": {"l": 50, "r": 20, "t": 40, "b": 50},
    "height": 380,
    "separators": ", ",  # decimal comma, thin-space thousands, as the other report charts
    "template": "plotly_white",
}


# The heat maps go without plotly's mode bar: on a phone it covered each map's title, and zooming a 7 × 24 grid
# gives nothing the «Numbers» table and the exports under the maps do not.
HEAT_MAP_CONFIG = {"displayModeBar": False}


def heat_map(
    values: Sequence[Sequence[float | None]], *, weekdays: Sequence[str], title: str, suffix: str = ""
) -> go.Figure:
    """A weekday × hour grid (rows Monday first, columns 0..23); empty cells stay blank."""
    figure = go.Figure(
        go.Heatmap(
            z=[list(row) for row in values],
            x=[f"{hour:02d}" for hour in range(24)],
            y=list(weekdays),
            colorscale="Blues",
            hoverongaps=False,
            hovertemplate="%{y}, %{x}:00 — %{z:.1f}" + suffix + "<extra></extra>"
            if suffix
            else "%{y}, %{x}:00 — %{z}<extra></extra>",
        )
    )
    figure.update_layout(title=title, yaxis={"autorange": "reversed"}, xaxis={"dtick": 2}, **{**_LAYOUT, "height": 340})
    return figure


def kinds_bars(
    rows: Sequence[tuple[str, float, float | None]], *, share_label: str, engagement_label: str, title: str
) -> go.Figure:
    """Per kind (label, share of posts %, mean engagement %): two groups of bars."""
    labels = [label for label, _share, _rate in rows]
    figure = go.Figure(
        [
            go.Bar(
                name=share_label,
                x=labels,
                y=[share for _label, share, _rate in rows],
                hovertemplate="%{y:.1f} %<extra></extra>",
            ),
            go.Bar(
                name=engagement_label,
                x=labels,
                y=[rate for _label, _share, rate in rows],
                hovertemplate="%{y:.2f} %<extra></extra>",
            ),
        ]
    )
    figure.update_layout(
        title=title, barmode="group", yaxis={"ticksuffix": " %"}, legend={"orientation": "h", "y": -0.15}, **_LAYOUT
    )
    return figure
