"""One way to put a plotly figure on a page: its JSON in a `<script type="application/json">` block that
the static `js/charts.js` draws once `plotly.min.js` has loaded.

No inline script runs: plotly's own `to_html` emits a `Plotly.newPlot(...)` call that runs before a
deferred plotly.min.js has loaded (a blank chart and «Plotly is not defined»), and a Content-Security-Policy
without inline scripts would block it anyway. Pages with a chart include `_chart_scripts.html` in their head.
"""

from __future__ import annotations

import functools
import json

import plotly.graph_objects as go
import plotly.io as pio
from django.utils.html import format_html
from django.utils.safestring import SafeString

DEFAULT_CONFIG = {"displaylogo": False, "responsive": True}


@functools.cache
def _template_spec(name: str) -> dict:
    """A named plotly template as JSON data, built once per process."""
    return json.loads(pio.json.to_json_plotly(pio.templates[name].to_plotly_json()))


def render(figure: go.Figure, *, config: dict | None = None, template: str | None = None) -> SafeString:
    """The chart's container with the figure (data, layout, config) as JSON inside it.

    `template`: a named template put in place of the figure's own: plotly copies and validates a whole template
    into every figure given one (about 20 ms a chart), so a figure may be built without it and get it here
    as one cached piece of JSON."""
    spec = json.loads(pio.to_json(figure, validate=False))
    if template:
        spec.setdefault("layout", {})["template"] = _template_spec(template)  # only read: dumped below
    spec["config"] = {**DEFAULT_CONFIG, **(config or {})}
    # `<`, `>` and `&` escaped so the JSON can never close its <script> element.
    payload = json.dumps(spec, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    payload = payload.replace("&", "\\u0026")
    return format_html(
        '<div class="chart" data-chart><script type="application/json" class="chart-figure">{}</script></div>',
        SafeString(payload),
    )
