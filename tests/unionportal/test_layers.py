"""The architecture holds: apps import downwards only, the three parts of socialstats never import each other,
the shared helpers import no app, and no module grows past 600 lines (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("orgs", "socialstats", "news", "contests", "api", "mailings", "alerts")
# What each app may import of the others (contests → news / socialstats → orgs).
ALLOWED = {
    "orgs": set(),
    "socialstats": {"orgs"},
    "news": {"orgs", "socialstats"},  # published news are linked to the posts they appeared in
    "contests": {"orgs", "news", "socialstats"},
    # The API sits on top: it reads every app through its selectors and nothing imports it.
    "api": {"orgs", "socialstats", "news", "contests"},
    # Scheduled reports sit on top too: they render every app's figures; nothing imports them.
    "mailings": {"orgs", "socialstats", "news", "contests"},
    # Alerts sit on top too: they read orgs, socialstats and news; the dashboard shows them via a template tag.
    "alerts": {"orgs", "socialstats", "news"},
}
PARTS = ("registry", "collection", "reports")


def _modules(folder: str) -> list[Path]:
    return [path for path in (ROOT / folder).rglob("*.py") if "migrations" not in path.parts]


def _imports(path: Path) -> set[str]:
    """Absolute names of everything `path` imports, relative imports resolved against its package."""
    package = path.relative_to(ROOT).with_suffix("").parts[:-1]
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("app", APPS)
def test_apps_import_only_the_apps_below_them(app):
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules(app)
        for name in _imports(path)
        if name.split(".")[0] in APPS and name.split(".")[0] not in ALLOWED[app] | {app}
    }
    assert not wrong, sorted(wrong)


def test_the_three_parts_of_socialstats_never_import_each_other():
    wrong = set()
    for part in PARTS:
        for path in _modules(f"socialstats/{part}"):
            for name in _imports(path):
                for other in PARTS:
                    if other != part and name.startswith(f"socialstats.{other}"):
                        wrong.add(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, sorted(wrong)


def test_shared_helpers_import_no_app_and_nothing_of_the_project_glue():
    wrong = {
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _modules("unionportal/lib") + _modules("unionportal/templatetags")
        for name in _imports(path)
        if name.split(".")[0] in APPS or (name.startswith("unionportal.") and not name.startswith("unionportal.lib"))
    }
    assert not wrong, sorted(wrong)


def test_no_module_is_over_600_lines():
    long = {
        f"{path.relative_to(ROOT)}: {lines}"
        for folder in (*APPS, "unionportal")
        for path in _modules(folder)
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert not long, sorted(long)


def test_the_layer_check_sees_a_wrong_import(tmp_path):
    """The checker itself can fail: a relative import up from a part is resolved to the other part."""
    probe = ROOT / "socialstats" / "registry" / "_probe_layers.py"
    probe.write_text("from ..reports import growth\n", encoding="utf-8")
    try:
        assert "socialstats.reports.growth" in _imports(probe)
    finally:
        probe.unlink()
