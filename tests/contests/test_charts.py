from __future__ import annotations

from contests import charts


def test_totals_chart_stacks_one_trace_per_criterion():
    figure = charts.totals_by_criterion(["ЗАО", "ВАО"], [("Подписчики", [20.0, 10.0]), ("Оформление", [7.0, 8.0])])
    assert figure.layout.barmode == "stack"
    assert [trace.name for trace in figure.data] == ["Подписчики", "Оформление"]
    assert list(figure.data[0].y) == [20.0, 10.0]
    assert list(figure.data[1].x) == ["ЗАО", "ВАО"]


def test_chart_html_does_not_embed_plotly_js():
    html = charts.to_html(charts.totals_by_criterion(["А"], [("К", [1.0])]))
    assert 'class="chart-figure"' in html and "<script>" not in html
    assert len(html) < 20_000
