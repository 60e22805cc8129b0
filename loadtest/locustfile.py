"""Locust users of `make loadtest` (see loadtest/run.py and docs/loadtest.md).

Three kinds of simulated users, as the portal is used: an information officer at the federation root, a
territorial admin of one big territorial organisation and a presidium member. Each logs in through the
login form (GET, then POST with the CSRF token) and then loops over the dashboard, the growth table
(grouped by territorial organisation: union-wide, the admin's own scope, with date presets and with explicit
dates), the printed 002 layout, the organisation tree and one children fragment, with 1–3 s of think time.

Everything the users need comes from the environment set by loadtest/run.py (nothing is printed):
LOADTEST_PASSWORD, LOADTEST_AS_OF (the last collected day, dd.mm.yyyy), LOADTEST_SCOPE_ID (the territorial
admin's organisation), LOADTEST_TREE_ID (the union, whose children the tree fragment shows).
This module does not import Django: the smoke test checks that ENDPOINTS reverse to these paths.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import random
import re
import time
from pathlib import Path

from locust import HttpUser, between, events, task

USERNAMES = {"info": "loadtest_info", "territorial": "loadtest_territorial", "presidium": "loadtest_presidium"}

# (URL name, kwargs, path): the paths the users request, checked against Django's URLconf by the smoke test.
ENDPOINTS = {
    "login": ("login", {}, "/accounts/login/"),
    "dashboard": ("socialstats:dashboard", {}, "/stats/dashboard/"),
    "growth": ("socialstats:growth", {}, "/stats/growth/"),
    "growth_printed": ("socialstats:growth_printed", {}, "/stats/growth/printed/"),
    "tree": ("orgs:tree", {}, "/orgs/"),
    "children": ("orgs:children", {"pk": 1}, "/orgs/{pk}/children/"),
}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMEOUT = 120  # seconds; a request slower than this counts as a failure


# Response times by kind: the login's cost is Django's password hasher (deliberately slow), so the report keeps
# logins apart from the pages (LOADTEST_SPLIT_JSON: where to write the summary when locust quits). The measured
# window starts when the last of LOADTEST_USERS users has logged in and lasts LOADTEST_SECONDS; the pages asked
# while the others were still logging in are kept apart too (the hasher holds the CPUs then).
TIMES: dict[str, list[float]] = {"pages": [], "pages_during_logins": [], "logins": []}
WINDOW = {"logged_in": 0, "started": 0.0, "ended": 0.0}


def request_kind(name: str, *, steady: bool = True) -> str:
    if name.startswith("login"):
        return "logins"
    return "pages" if steady else "pages_during_logins"


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (as locust rounds its own)."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)] if ordered else 0.0


def split_summary(times: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    return {
        kind: {
            "requests": len(values),
            "p50": percentile(values, 0.5),
            "p95": percentile(values, 0.95),
            "max": max(values, default=0.0),
        }
        for kind, values in times.items()
    }


@events.request.add_listener
def _record(name: str = "", response_time: float = 0.0, **kwargs) -> None:
    TIMES[request_kind(name, steady=bool(WINDOW["started"]))].append(response_time)


@events.quitting.add_listener
def _write_split(**kwargs) -> None:
    path = os.environ.get("LOADTEST_SPLIT_JSON")
    if path:
        ended = WINDOW["ended"] or time.monotonic()
        window = round(ended - WINDOW["started"]) if WINDOW["started"] else 0
        Path(path).write_text(json.dumps({**split_summary(TIMES), "window_seconds": window}))


def _start_window(environment) -> None:
    """Every user is logged in: locust's statistics start again, and the run ends LOADTEST_SECONDS later."""
    import gevent  # locust's own dependency, imported here so the smoke test can load this file without it

    WINDOW["started"] = time.monotonic()
    environment.runner.stats.reset_all()

    def stop() -> None:
        WINDOW["ended"] = time.monotonic()
        environment.runner.quit()

    gevent.spawn_later(int(os.environ.get("LOADTEST_SECONDS", "60")), stop)


def _path(key: str, **kwargs) -> str:
    return ENDPOINTS[key][2].format(**kwargs)


def _as_of() -> dt.date:
    """The last collected day from loadtest/run.py (a plain calendar date: no time zone involved)."""
    day, month, year = os.environ.get("LOADTEST_AS_OF", "30.06.2026").split(".")
    return dt.date(int(year), int(month), int(day))


def period_queries(as_of: dt.date) -> dict[str, str]:
    """Growth-table query strings by label: presets (relative to today) and the last 90 collected days."""
    a, b = as_of - dt.timedelta(days=90), as_of
    return {
        "preset this month": "preset=this_month&grouping=territorial",
        "preset year": "preset=year&grouping=territorial",
        "last 90 days": f"a={a:%d.%m.%Y}&b={b:%d.%m.%Y}&grouping=territorial",
    }


class PortalUser(HttpUser):
    """Logs in once, then browses the reports and the tree."""

    abstract = True
    kind = "info"
    scope_label = "union-wide"
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.as_of = _as_of()
        self.periods = period_queries(self.as_of)
        self.scope_id = os.environ.get("LOADTEST_SCOPE_ID", "")
        # The territorial admin opens its own organisation; the others the union (in everyone else's scope).
        tree_id = self.scope_id if self.kind == "territorial" else os.environ.get("LOADTEST_TREE_ID", "")
        self.tree_id = int(tree_id or 1)
        login = _path("login")
        response = self.client.get(login, name="login (form)", timeout=TIMEOUT)
        match = CSRF_INPUT.search(response.text)
        token = match.group(1) if match else ""
        with self.client.post(
            login,
            data={
                "username": USERNAMES[self.kind],
                "password": os.environ.get("LOADTEST_PASSWORD", ""),
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": self.host + login},
            name="login (post)",
            timeout=TIMEOUT,
            catch_response=True,
        ) as posted:
            if posted.status_code != 200 or posted.url.endswith(login) or "/accounts/login/" in posted.url:
                posted.failure(f"login as {self.kind} failed (HTTP {posted.status_code})")
        WINDOW["logged_in"] += 1
        if WINDOW["logged_in"] == int(os.environ.get("LOADTEST_USERS", "50")):
            _start_window(self.environment)

    def _get(self, path: str, name: str) -> None:
        """A page that must answer 200 without sending the user back to the login form."""
        with self.client.get(path, name=name, timeout=TIMEOUT, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/accounts/login/" in response.url:
                response.failure("redirected to the login form")

    @task(3)
    def dashboard(self) -> None:
        self._get(f"{_path('dashboard')}?on={self.as_of:%d.%m.%Y}", "dashboard")

    @task(3)
    def growth(self) -> None:
        """The growth table by territorial organisation over the user's own scope, one of the periods."""
        label = random.choice(list(self.periods))
        self._get(f"{_path('growth')}?{self.periods[label]}", f"growth, {self.scope_label} ({label})")

    @task(1)
    def growth_printed(self) -> None:
        a = self.as_of - dt.timedelta(days=90)
        self._get(f"{_path('growth_printed')}?a={a:%d.%m.%Y}&b={self.as_of:%d.%m.%Y}", "printed 002 layout")

    @task(2)
    def tree(self) -> None:
        self._get(_path("tree"), "organisation tree")

    @task(2)
    def children(self) -> None:
        self._get(_path("children", pk=self.tree_id), "tree children fragment")


class InfoOfficer(PortalUser):
    """Information officer at the federation root: everything is in scope."""

    weight = 2
    kind = "info"


class TerritorialAdmin(PortalUser):
    """Territorial admin of one big territorial organisation: also asks for the growth of its own subtree."""

    weight = 2
    kind = "territorial"
    scope_label = "territorial admin's scope"

    @task(1)
    def growth_scope_picked(self) -> None:
        """The same table with the scope picked explicitly (the scope selector of the form)."""
        query = self.periods["last 90 days"]
        self._get(f"{_path('growth')}?{query}&scope={self.scope_id}", "growth, scope picked (last 90 days)")


class Presidium(PortalUser):
    """Presidium member over the union: reads the dashboard and the reports."""

    weight = 1
    kind = "presidium"
