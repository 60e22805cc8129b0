"""A plotly figure as markup without inline script; `static/js/charts.js` draws it.

The Content-Security-Policy (docs/security.md) lets the browser run only the portal's own script files,
so a figure travels as JSON in a `<script type="application/json">` block, which is data and never runs.
"""

from __future__ import annotations

import json
import uuid

import plotly.graph_objects as go
import plotly.io as pio
from django.utils.html import format_html, json_script
from django.utils.safestring import SafeString


def figure_html(figure: go.Figure, *, config: dict | None = None) -> SafeString:
    """`<div class="plotly-chart">` plus the figure's JSON; plotly.min.js must be loaded by the page."""
    element_id = f"chart-{uuid.uuid4().hex}"
    spec = {"figure": json.loads(pio.to_json(figure, validate=False)), "config": {"responsive": True, **(config or {})}}
    return format_html('<div class="plotly-chart" data-figure="{}"></div>{}', element_id, json_script(spec, element_id))
