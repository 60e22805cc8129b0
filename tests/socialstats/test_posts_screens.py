"""The posts screens' markup (issue 16): the table fits 1280 px, the heat maps carry no mode bar, and a page's
own heat map is a link away from the posting-frequency list. The data is test_posts_reports.py's `posts`."""

from __future__ import annotations

import json
import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from tests.socialstats.test_posts_reports import posts  # noqa: F401 (the fixture)

MARCH = {"start": "01.03.2024", "end": "31.03.2024"}


def _figures(html: str) -> list[dict]:
    return [json.loads(payload) for payload in re.findall(r'class="chart-figure">(.*?)</script>', html, re.S)]


def test_heat_maps_are_drawn_without_the_mode_bar_that_covered_their_titles(client, cast, posts):  # noqa: F811
    client.force_login(cast.info_officer)
    figures = _figures(client.get("/stats/posts/hours/", MARCH).content.decode())
    assert [figure["data"][0]["type"] for figure in figures] == ["heatmap", "heatmap"]
    assert all(figure["config"]["displayModeBar"] is False for figure in figures)
    assert {figure["layout"]["title"]["text"] for figure in figures} == {"Число публикаций", "Средняя вовлечённость, %"}


def test_the_subscribers_chart_keeps_its_mode_bar(client, cast, posts):  # noqa: F811
    client.force_login(cast.info_officer)
    figures = _figures(client.get(f"/stats/pages/{posts['a'].pk}/posts/").content.decode())
    lines = [figure for figure in figures if figure["data"][0]["type"] == "scatter"]
    assert lines and "displayModeBar" not in lines[0]["config"]


def test_the_frequency_list_links_each_page_to_its_own_heat_map_over_the_same_period(client, cast, posts):  # noqa: F811
    client.force_login(cast.info_officer)
    html = client.get("/stats/posts/frequency/", {**MARCH, "network": "vk", "sort": "posts"}).content.decode()
    links = [unescape(href) for href in re.findall(r'class="page-hours" href="([^"]+)"', html)]
    assert len(links) == 2 and "лучшие часы" in html  # the two VK pages
    query = parse_qs(urlsplit(links[0]).query)
    assert urlsplit(links[0]).path == "/stats/posts/hours/"
    assert query["start"] == ["01.03.2024"] and query["end"] == ["31.03.2024"] and query["network"] == ["vk"]
    assert "sort" not in query
    page_ids = {int(parse_qs(urlsplit(link).query)["page_id"][0]) for link in links}
    assert page_ids == {posts["a"].pk, posts["c"].pk}
    # The link opens that page's heat map: its name in the title, its posts only.
    page = client.get(links[0]).content.decode()
    assert "Лучшее время публикаций: Страница" in page


def test_the_posts_table_marks_the_excerpt_column_and_puts_the_breakdown_under_the_sum(client, cast, posts):  # noqa: F811
    client.force_login(cast.info_officer)
    html = client.get("/stats/posts/", MARCH).content.decode()
    assert (
        html.count('<td class="card-wide post-excerpt"') == 5
    )  # p1–p4 and p7 (p6 is before the period; p5 has no rate)
    assert '<small class="muted breakdown">(30 · 10 · 10)</small>' in html
