"""The load test's locustfile imports and asks for pages that exist (no load here: see docs/loadtest.md)."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sys
import types
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.urls import resolve, reverse

from loadtest import run

ROOT = Path(__file__).resolve().parents[2]


def _locust_stand_in() -> types.ModuleType:
    """The names the locustfile takes from locust. The real locust is never imported here: `make test`
    does not install it (`make loadtest` does, through the `load` extra) and importing it monkey-patches the
    standard library with gevent, which would leak into the rest of the suite."""
    module = types.ModuleType("locust")

    class HttpUser:
        abstract = True

    def task(weight=1):
        return weight if callable(weight) else (lambda function: function)

    class Hook:
        def add_listener(self, function):
            return function

    module.HttpUser, module.task = HttpUser, task
    module.between = lambda low, high: (low, high)
    module.events = types.SimpleNamespace(request=Hook(), quitting=Hook())
    return module


@pytest.fixture(scope="module")
def locustfile():
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(sys.modules, "locust", _locust_stand_in())
        spec = importlib.util.spec_from_file_location("loadtest_locustfile", ROOT / "loadtest" / "locustfile.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return module


def test_every_endpoint_of_the_locustfile_reverses_to_the_path_it_requests(locustfile):
    for key, (url_name, kwargs, path) in locustfile.ENDPOINTS.items():
        assert reverse(url_name, kwargs=kwargs) == path.format(**kwargs), key


def test_growth_queries_of_the_locustfile_reach_the_growth_view(locustfile):
    for query in locustfile.period_queries(dt.date(2026, 6, 30)).values():
        url = f"{locustfile.ENDPOINTS['growth'][2]}?{query}"
        assert resolve(urlsplit(url).path).view_name == "socialstats:growth"
        assert "grouping=territorial" in query


def test_the_three_simulated_users_are_the_ones_the_runner_creates(locustfile):
    kinds = {cls.kind for cls in (locustfile.InfoOfficer, locustfile.TerritorialAdmin, locustfile.Presidium)}
    assert {locustfile.USERNAMES[kind] for kind in kinds} == {
        "loadtest_info",
        "loadtest_territorial",
        "loadtest_presidium",
    }


def test_the_report_lists_every_endpoint_with_its_percentiles():
    rows = [
        {
            "Name": "dashboard",
            "Request Count": "120",
            "Failure Count": "0",
            "50%": "900",
            "95%": "2100",
            "Max Response Time": "2500.4",
            "Requests/s": "2.0",
        },
        {
            "Name": "Aggregated",
            "Request Count": "120",
            "Failure Count": "0",
            "50%": "900",
            "95%": "2100",
            "Max Response Time": "2500.4",
            "Requests/s": "2.0",
        },
    ]

    class Territorial:
        name, numchild = "ТПО 1", 99

    facts = {
        "territorial": Territorial,
        "organisations": 20000,
        "pages": 30000,
        "snapshots": 20594700,
        "as_of": dt.date(2026, 6, 30),
        "postgres": "15.20",
        "load_before": "1.0",
        "load_after": "2.0",
    }
    markdown = run.report(rows, facts)
    assert "| dashboard | 120 | 0 | 900 | 2100 | 2500 | 2.00 |" in markdown
    assert "| **all requests** | 120 |" in markdown


def _small_facts() -> dict:
    class Territorial:
        name, numchild = "ТПО 1", 99

    return {
        "territorial": Territorial,
        "organisations": 1,
        "pages": 1,
        "snapshots": 1,
        "as_of": dt.date(2026, 6, 30),
        "postgres": "15",
        "load_before": "1.0",
        "load_after": "1.0",
    }


def test_logins_are_measured_apart_from_the_pages(locustfile):
    times = {"pages": [], "logins": []}
    for name, ms in [("login (form)", 30), ("login (post)", 900), ("dashboard", 100), ("growth", 200), ("tree", 50)]:
        times[locustfile.request_kind(name)].append(ms)
    split = locustfile.split_summary(times)
    assert split["logins"] == {"requests": 2, "p50": 30, "p95": 900, "max": 900}
    assert split["pages"] == {"requests": 3, "p50": 100, "p95": 200, "max": 200}
    row = {"Name": "Aggregated", "Request Count": "5", "Failure Count": "0", "50%": "100", "95%": "900"}
    row |= {"Max Response Time": "900", "Requests/s": "1"}

    markdown = run.report([row], _small_facts(), split)
    assert "| **pages (logins left out)** | 3 | | 100 | 200 | 200 | |" in markdown
    assert "| **logins** (Django's password hasher; before the window) | 2 | | 30 | 900 | 900 | |" in markdown


def test_pages_asked_before_every_user_logged_in_stay_out_of_the_measured_window(locustfile):
    times = {"pages": [], "pages_during_logins": [], "logins": []}
    for name, ms, steady in [("dashboard", 4000, False), ("login (post)", 5000, False), ("dashboard", 120, True)]:
        times[locustfile.request_kind(name, steady=steady)].append(ms)
    split = locustfile.split_summary(times) | {"window_seconds": 60}
    assert split["pages"]["p95"] == 120
    assert split["pages_during_logins"]["p95"] == 4000
    row = {"Name": "Aggregated", "Request Count": "1", "Failure Count": "0", "50%": "120", "95%": "120"}
    row |= {"Max Response Time": "120", "Requests/s": "1"}

    markdown = run.report([row], _small_facts(), split)
    assert "the 60 s after the last of them logged in" in markdown
    assert "| pages asked while the users were still logging in (before the window) | 1 | | 4000 |" in markdown
