"""Charts are pure functions of plain data; the HTML fragment leaves plotly.js to the static file."""

from __future__ import annotations

import datetime as dt

from socialstats.reports import charts


def test_subscribers_over_time_plots_the_given_points():
    points = [(dt.date(2024, 1, 31), 100), (dt.date(2024, 2, 29), 140)]
    figure = charts.subscribers_over_time(points, title="ВАО")
    assert list(figure.data[0].y) == [100, 140]
    assert list(figure.data[0].x) == [dt.date(2024, 1, 31), dt.date(2024, 2, 29)]
    assert figure.layout.separators == ", "


def test_growth_bars_label_each_bar_with_its_change_in_russian_format():
    figure = charts.growth_bars([("ВАО", 1234), ("ЗАО", -5)], title="Прирост")
    assert list(figure.data[0].x) == ["ВАО", "ЗАО"]
    assert list(figure.data[0].text) == ["1\u00a0234", "-5"]


def test_engagement_scatter_puts_subscribers_on_x_and_engagement_on_y():
    figure = charts.engagement_scatter([("a", 1000, 2.5), ("b", 50, 10.0)], title="ER")
    assert list(figure.data[0].x) == [1000, 50] and list(figure.data[0].y) == [2.5, 10.0]


def test_rendered_chart_does_not_embed_plotly_js():
    html = charts.render(charts.growth_bars([("ВАО", 1)], title="x"))
    assert "<div" in html and 'type="application/json"' in html and "Plotly.newPlot" not in html
    assert len(html) < 100_000  # plotly.min.js alone is over 3 MB


def test_audience_stacked_puts_one_area_per_network_on_one_stack():
    dates = [dt.date(2026, 1, 31), dt.date(2026, 2, 28)]
    figure = charts.audience_stacked(
        dates, [("telegram", "Telegram", [1000, 700]), ("max", "MAX", [0, 200])], title="ВАО"
    )
    assert [trace.name for trace in figure.data] == ["Telegram", "MAX"]
    assert {trace.stackgroup for trace in figure.data} == {"networks"}
    assert list(figure.data[1].y) == [0, 200] and list(figure.data[1].x) == dates
    assert figure.data[1].line.color == charts.NETWORK_COLOURS["max"]


def test_engagement_scatter_built_without_validation_is_the_validated_figure():
    import json

    import plotly.graph_objects as go

    points = [("ВАО", 1000, 2.5), ("b", 50, 10.0), ("c", 7, 0.0)]
    validated = go.Figure(
        go.Scatter(
            x=[1000, 50, 7],
            y=[2.5, 10.0, 0.0],
            text=["ВАО", "b", "c"],
            mode="markers",
            hovertemplate="%{text}<br>%{x:,}: %{y:.1f} %<extra></extra>",
        )
    )
    validated.update_layout(title="ER", xaxis={"type": "log"}, yaxis={"ticksuffix": " %"}, **charts._LAYOUT)

    def spec(html: str) -> dict:
        return json.loads(html.split('class="chart-figure">', 1)[1].rsplit("</script>", 1)[0])

    fast = spec(charts.render(charts.engagement_scatter(points, title="ER")))
    assert fast == spec(charts.render(validated))
    assert fast["layout"]["template"]["layout"]["plot_bgcolor"] == "white"  # the template expanded, not its name
