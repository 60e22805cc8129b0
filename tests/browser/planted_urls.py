"""A throwaway site with one planted fault of each kind the screen audit looks for (test_screen_audit.py)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from unionportal.urls import urlpatterns as portal_urlpatterns

HEAD = '<!doctype html><html lang="ru"><head><meta name="viewport" content="width=device-width, initial-scale=1">'


def _html(body: str, head: str = "") -> HttpResponse:
    return HttpResponse(f"{HEAD}{head}</head><body><main>{body}</main></body></html>")


def index(request):
    links = "".join(
        f'<li><a href="/planted/{name}/">{name}</a></li>'
        for name in ("crash", "console", "chart", "date", "wide", "table", "english", "form/edit")
    )
    return _html(f"<h1>Проверка</h1><ul>{links}<li><a href='/planted/missing/'>нет такой</a></li></ul>")


def crash(request):
    raise RuntimeError("planted")


def console(request):
    return _html("<p>Страница</p><script>window.notDefinedAnywhere();</script>")


def chart(request):
    return _html('<div class="chart" data-chart></div>')


def date(request):
    return _html('<form><input type="date" name="event_date" value="11.12.2026"></form>')


def wide(request):
    return _html('<div style="width:800px">Широкая строка</div>')


def table(request):
    cells = "".join(f"<td>{n}</td>" for n in range(40))
    return _html(f'<div style="overflow-x:auto"><table><tr><td>Организация</td>{cells}</tr></table></div>')


def english(request):
    return _html("<p>28 active pages in your organisations.</p>")


@csrf_exempt
def form(request):
    error = '<ul class="errorlist"><li>Обязательное поле.</li></ul>' if request.method == "POST" else ""
    return _html(f'<form method="post">{error}<input name="title"><button type="submit">Сохранить</button></form>')


urlpatterns = [
    path("planted/", index),
    path("planted/crash/", crash),
    path("planted/console/", console),
    path("planted/chart/", chart),
    path("planted/date/", date),
    path("planted/wide/", wide),
    path("planted/table/", table),
    path("planted/english/", english),
    path("planted/form/edit/", form),
    *portal_urlpatterns,
]
