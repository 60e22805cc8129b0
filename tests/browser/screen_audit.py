"""The screen audit: log in as a user, visit every page the menu reaches and the pages those link to, at a
desktop and a phone width, and report what a person should never meet.

Faults, by kind (`Finding.kind`):
  server_error   a page or a shown link answers 500 or more
  broken_link    a link the user is shown answers 404 for that user
  js_error       an error in the browser console or an uncaught exception
  blank_chart    a chart container without its rendered SVG
  date_dropped   an <input type=date> whose value the browser refused (it renders empty)
  too_wide       the page is wider than the viewport at the phone width (a table may scroll only inside
                 its own box)
  english        a visible English phrase outside links, code and network names (a word-list heuristic)
  form_not_saved an edit form that, submitted unchanged, comes back with errors

Pages are deduplicated by URL pattern (numbers replaced by {id}, query keys without values), so the run stays
bounded; links are checked for up to LINK_SAMPLES distinct URLs per pattern, so a single out-of-scope id
among many still shows. Each role's pages are checked at the desktop width; each page's phone layout once,
by the first role that reaches it. Every visit is saved as a screenshot (JPEG) under screens_dir/<user>/.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urldefrag, urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeout

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LINK_SAMPLES = 3
MAX_DEPTH = 2  # the menu (1) and the pages it links to (2)
MAX_PAGES = 80  # a safety net per user; the demo needs far fewer

# Never visited: Django's own admin (English by design, staff only), the logout, files and media.
SKIP_PATH = re.compile(r"^/(admin|static|media)/|^/accounts/logout/")
DOWNLOAD_PATH = re.compile(r"\.(xlsx|csv|pdf|docx|zip|png|jpe?g|webp)$|/(export|download)\b")
# Edit forms: submitted unchanged, they must save.
EDIT_PATH = re.compile(r"/edit/$|/criteria/$|/resolution/$|/settings/$|^/orgs/profile/$")

# English words that give a phrase away (function words and the words the portal's code uses).
ENGLISH_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "and",
        "or",
        "to",
        "in",
        "on",
        "at",
        "for",
        "from",
        "by",
        "with",
        "without",
        "not",
        "no",
        "yes",
        "is",
        "are",
        "was",
        "be",
        "been",
        "set",
        "your",
        "you",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "has",
        "have",
        "had",
        "page",
        "pages",
        "active",
        "none",
        "true",
        "false",
        "null",
        "undefined",
        "nan",
        "create",
        "update",
        "delete",
        "created",
        "updated",
        "deleted",
        "add",
        "edit",
        "save",
        "back",
        "next",
        "previous",
        "open",
        "close",
        "search",
        "organisation",
        "organisations",
        "organization",
        "subscribers",
        "growth",
        "change",
        "changes",
        "date",
        "dates",
        "name",
        "names",
        "error",
        "errors",
        "failed",
        "stopped",
        "configured",
        "unexpected",
        "please",
        "select",
        "choose",
        "all",
        "any",
        "other",
        "more",
        "less",
    ]
)
# Always English by name: networks and products the union uses, shown as names.
ALLOWED_WORDS = frozenset(
    [
        "vk",
        "vkontakte",
        "telegram",
        "ok",
        "odnoklassniki",
        "facebook",
        "instagram",
        "youtube",
        "rutube",
        "dzen",
        "max",
        "csv",
        "xlsx",
        "pdf",
        "docx",
        "url",
        "id",
        "er",
        "api",
        "http",
        "https",
        "www",
    ]
)
# A word standing alone in a table cell that is a raw internal value (an action code, Python's None).
SUSPECT_WORDS = frozenset({"create", "update", "delete", "none", "undefined", "nan", "true", "false"})
LATIN_PHRASE = re.compile(r"[A-Za-z][A-Za-z']+(?:[\s:,.\-]+[A-Za-z][A-Za-z']+)*")
RAW_INTERNAL = re.compile(r"\b[a-z_]+\.[A-Z][A-Za-z]+\.(None|\w+)\b|\b(None|True|False)\b")


@dataclass(frozen=True)
class Finding:
    kind: str
    url: str
    width: int
    detail: str

    def __str__(self) -> str:
        return f"[{self.kind}] {self.url} @{self.width}: {self.detail}"


@dataclass
class AuditResult:
    findings: list[Finding] = field(default_factory=list)
    pages: int = 0
    links: int = 0
    forms: int = 0
    screenshots: int = 0

    def counts(self) -> Counter:
        return Counter(finding.kind for finding in self.findings)

    def summary(self) -> str:
        counts = self.counts()
        kinds = [
            "server_error",
            "broken_link",
            "js_error",
            "blank_chart",
            "date_dropped",
            "too_wide",
            "english",
            "form_not_saved",
        ]
        faults = " ".join(f"{kind}={counts.get(kind, 0)}" for kind in kinds)
        return (
            f"screen audit: pages={self.pages} links={self.links} forms={self.forms} "
            f"screenshots={self.screenshots} {faults}"
        )

    def merge(self, other: AuditResult) -> None:
        self.findings.extend(other.findings)
        self.pages += other.pages
        self.links += other.links
        self.forms += other.forms
        self.screenshots += other.screenshots


def _trace(line: str) -> None:
    """Progress for a person watching (AUDIT_VERBOSE=1); pytest captures ordinary output."""
    if os.environ.get("AUDIT_VERBOSE"):
        print(line, file=sys.__stderr__, flush=True)


def url_pattern(url: str) -> str:
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$|\.)", "/{id}", parts.path)
    keys = sorted({key for key, _value in parse_qsl(parts.query, keep_blank_values=True) if key != "page"})
    return path + ("?" + "&".join(keys) if keys else "")


def _slug(pattern: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", pattern).strip("-") or "home"


# Runs in the page: visible text outside links, code, form controls and elements marked as names.
_VISIBLE_TEXT_JS = """
() => {
  const skip = "a, script, style, code, pre, noscript, select, option, textarea, input, " +
    "[data-audit-name], .js-plotly-plot, svg, .chart";
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const parts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const el = node.parentElement;
    if (!el || el.closest(skip)) continue;
    if (!el.offsetParent && getComputedStyle(el).position !== "fixed") continue;
    const text = node.textContent.trim();
    if (text) parts.push(text);
  }
  return parts;
}
"""
_CHARTS_JS = """
() => Array.from(document.querySelectorAll(".chart, [data-chart]")).filter(c => !c.querySelector("svg")).length
"""
_DATES_JS = """
() => Array.from(document.querySelectorAll("input[type=date]"))
  .filter(i => i.getAttribute("value") && !i.value)
  .map(i => (i.name || i.id) + "=" + i.getAttribute("value"))
"""
_WIDTH_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# Tables that scroll inside their own box: each row's first cell must stay in view (position: sticky).
_SCROLLED_TABLES_JS = """
() => Array.from(document.querySelectorAll("table")).filter(table => {
  let box = table.parentElement;
  while (box && box !== document.body) {
    const style = getComputedStyle(box);
    if (["auto", "scroll"].includes(style.overflowX) && box.scrollWidth > box.clientWidth + 1) break;
    box = box.parentElement;
  }
  if (!box || box === document.body || table.offsetParent === null) return false;
  return Array.from(table.rows).some(row => row.cells.length > 1 &&
    getComputedStyle(row.cells[0]).position !== "sticky");
}).map(table => table.id || table.className || "table")
"""
_LINKS_JS = """
() => Array.from(document.querySelectorAll("a[href]"))
  .filter(a => a.offsetParent !== null || a.closest("nav"))
  .map(a => a.href)
"""


def english_phrases(texts: list[str]) -> list[str]:
    found = []
    for text in texts:
        for match in RAW_INTERNAL.finditer(text):
            found.append(match.group(0))
        for match in LATIN_PHRASE.finditer(text):
            # A list such as «organisation, network, url» names a file's columns; a phrase has its words
            # side by side («active pages in your organisations»).
            for segment in re.split(r"[,;:]", match.group(0)):
                words = [word.lower() for word in re.findall(r"[A-Za-z']+", segment)]
                words = [word for word in words if word not in ALLOWED_WORDS]
                phrase = len(words) >= 2 and any(word in ENGLISH_WORDS for word in words)
                raw_value = len(words) == 1 and words[0] in SUSPECT_WORDS and len(re.findall(r"\w+", text)) == 1
                if phrase or raw_value:
                    found.append(segment.strip())
    return found


class ScreenAudit:
    def __init__(self, browser, base_url: str, screens_dir: Path | None = None):
        self.browser = browser
        self.base_url = base_url.rstrip("/")
        self.screens_dir = screens_dir
        # The phone layout of a page is checked once, by the first role that reaches it: layouts do not
        # depend on the role, and this keeps the run within minutes. Links and texts are checked per role.
        self.phone_done: set[str] = set()

    # -- one user ---------------------------------------------------------------------------------------
    def audit_user(self, username: str, password: str, *, start: str = "/") -> AuditResult:
        result = AuditResult()
        desktop = self._context(DESKTOP, username, password)
        phone = self._context(PHONE, username, password)
        started = time.monotonic()
        try:
            self._crawl(desktop, phone, username, start, result)
        finally:
            desktop.context.close()
            phone.context.close()
        _trace(f"{username}: {time.monotonic() - started:.0f} s, {result.summary()}")
        return result

    def _context(self, viewport: dict, username: str, password: str):
        phone = viewport["width"] < 600
        context = self.browser.new_context(locale="ru-RU", viewport=viewport, is_mobile=phone, has_touch=phone)
        context.set_default_timeout(30_000)
        page = context.new_page()
        page.goto(f"{self.base_url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_load_state()
        # One tab per width for the whole crawl; its console errors are collected per visit.
        page.audit_errors = []
        page.on("console", lambda message: page.audit_errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: page.audit_errors.append(str(error)))
        return page

    def _crawl(self, desktop, phone, username: str, start: str, result: AuditResult) -> None:
        queue: deque[tuple[str, int]] = deque([(self.base_url + start, 0)])
        visited: set[str] = set()
        link_samples: dict[str, set[str]] = {}
        checked_links: dict[str, int] = {}
        while queue and result.pages < MAX_PAGES:
            url, depth = queue.popleft()
            pattern = url_pattern(url).split("?")[0]  # one visit per page; its sortings and filters are links
            if pattern in visited:
                continue
            visited.add(pattern)
            links = self._visit(desktop, url, DESKTOP["width"], username, pattern, result)
            if links is None:
                continue
            if pattern not in self.phone_done:
                self.phone_done.add(pattern)
                self._visit(phone, url, PHONE["width"], username, pattern, result)
            if EDIT_PATH.search(urlsplit(url).path):
                self._submit_unchanged(desktop, url, result)
            for link in links:
                link = urldefrag(link)[0]
                if not link.startswith(self.base_url + "/"):
                    continue
                path = link[len(self.base_url) :]
                if SKIP_PATH.search(urlsplit(path).path):
                    continue
                link_pattern = url_pattern(path)
                samples = link_samples.setdefault(link_pattern, set())
                if link not in checked_links and len(samples) < LINK_SAMPLES:
                    samples.add(link)
                    checked_links[link] = self._check_link(desktop, link, url, result)
                status = checked_links.get(link)
                downloadable = DOWNLOAD_PATH.search(urlsplit(path).path)
                # Edit forms one step further: a detail page at the last depth links to its form.
                reach = MAX_DEPTH + 1 if EDIT_PATH.search(urlsplit(path).path) else MAX_DEPTH
                if depth < reach and status == 200 and not downloadable and link_pattern.split("?")[0] not in visited:
                    queue.append((link, depth + 1))

    def _check_link(self, page, link: str, shown_on: str, result: AuditResult) -> int:
        result.links += 1
        response = page.context.request.get(link, max_redirects=5, fail_on_status_code=False)
        status = response.status
        if status >= 500:
            result.findings.append(Finding("server_error", link, 0, f"{status}, linked from {shown_on}"))
        elif status == 404:
            result.findings.append(Finding("broken_link", link, 0, f"404, linked from {shown_on}"))
        content_type = response.headers.get("content-type", "")
        response.dispose()
        if status == 200 and "text/html" not in content_type:
            return -1  # a download: checked, never visited
        return status

    def _visit(self, page, url: str, width: int, username: str, pattern: str, result: AuditResult):
        started = time.monotonic()
        page.audit_errors = errors = []
        try:
            try:
                response = page.goto(url, wait_until="load")
            except PlaywrightTimeout:
                result.findings.append(Finding("server_error", url, width, "no answer in 30 s"))
                return None
            status = response.status if response else 0
            if status >= 500:
                result.findings.append(Finding("server_error", url, width, str(status)))
                return None
            if status == 404:
                result.findings.append(Finding("broken_link", url, width, "404"))
                return None
            result.pages += 1
            with contextlib.suppress(PlaywrightTimeout):  # a chart still blank is reported below
                page.wait_for_function(f"() => ({_CHARTS_JS.strip()})() === 0", timeout=5_000)
            blank = page.evaluate(_CHARTS_JS)
            if blank:
                result.findings.append(Finding("blank_chart", url, width, f"{blank} chart(s) without SVG"))
            for dropped in page.evaluate(_DATES_JS):
                result.findings.append(Finding("date_dropped", url, width, dropped))
            if width < 600:
                # Against the device width: a phone browser zooms out to fit a wider page, so innerWidth grows.
                scroll_width, _inner = page.evaluate(_WIDTH_JS)
                inner_width = width
                if scroll_width > inner_width + 1:
                    result.findings.append(Finding("too_wide", url, width, f"{scroll_width}px > {inner_width}px"))
                for table in page.evaluate(_SCROLLED_TABLES_JS):
                    result.findings.append(Finding("too_wide", url, width, f"{table} scrolls away its first column"))
            else:
                for phrase in sorted(set(english_phrases(page.evaluate(_VISIBLE_TEXT_JS)))):
                    result.findings.append(Finding("english", url, width, phrase))
            for error in errors:
                result.findings.append(Finding("js_error", url, width, error[:200]))
            if self.screens_dir is not None:
                target = self.screens_dir / username / f"{_slug(pattern)}-{width}.jpg"
                target.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(target), full_page=True, type="jpeg", quality=70)
                result.screenshots += 1
            return page.evaluate(_LINKS_JS) if width >= 600 else []
        finally:
            _trace(f"  {width} {url} {time.monotonic() - started:.1f} s")

    def _submit_unchanged(self, page, url: str, result: AuditResult) -> None:
        """Submit the page's main form as it stands; it must save (a redirect or no error shown)."""
        page.goto(url, wait_until="load")
        form = page.locator("main form[method=post], main form[method=POST]").filter(
            has=page.locator("button[type=submit], input[type=submit], button:not([type])")
        )
        if form.count() == 0:
            return
        result.forms += 1
        target = form.first
        refused = target.evaluate(
            "form => Array.from(form.elements).filter(e => e.willValidate && !e.checkValidity()).map(e => e.name)"
        )
        if refused:
            detail = "the browser refuses it unchanged: " + ", ".join(refused)
            result.findings.append(Finding("form_not_saved", url, DESKTOP["width"], detail))
            return
        button = target.locator("button[type=submit], input[type=submit], button:not([type])").last
        with page.expect_navigation(wait_until="load"):
            button.click()
        errors = page.locator(".errorlist, .errornote, .form-errors")
        if errors.count() and errors.first.is_visible():
            result.findings.append(Finding("form_not_saved", url, DESKTOP["width"], errors.first.inner_text()[:200]))
        elif page.url == url and not page.locator(".messages .success").count():
            result.findings.append(Finding("form_not_saved", url, DESKTOP["width"], "no redirect, no message"))
