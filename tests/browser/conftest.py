"""Browser tests: Debian's chromium driven by Playwright against the real server (publish's API app
with the dashboard) on a free port of 127.0.0.1, over the session's small published home.

Without chromium (or Playwright) the tests skip and say why, except in CI (ICELEDGER_CI=1), where
.ci/run installs chromium and any skip here counts as a failure.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

IN_CI = os.environ.get("ICELEDGER_CI") == "1"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic"]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
BROWSER_DIR = Path(__file__).resolve().parent
AXE = BROWSER_DIR / "vendor" / "axe.min.js"  # axe-core from npm, vendored for the tests (vendor/MANIFEST.json)
PHONE_WIDTH = 390


def _unavailable() -> str | None:
    if not Path(CHROMIUM).exists():
        return "Debian's chromium is not installed (apt-get install -y chromium): browser tests skipped"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (pip install -e '.[test]'): browser tests skipped"
    return None


def skip_or_fail(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} — in CI a skipped browser test is a failure (.ci/run installs chromium)")
    pytest.skip(reason)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI, a skipped browser test fails: the browser tests are the dashboard's proof."""
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and Path(str(item.fspath)).is_relative_to(BROWSER_DIR):
        report.outcome = "failed"
        report.longrepr = f"browser test skipped in CI ({report.longrepr}); CI must run it"


def pytest_terminal_summary(terminalreporter):
    if SCREENSHOTS.exists() and any(SCREENSHOTS.glob("*.png")):
        terminalreporter.write_line(f"browser screenshots: {SCREENSHOTS}")


@contextlib.contextmanager
def serve(settings):
    """The real app (API + dashboard) over a published home, served by uvicorn on 127.0.0.1."""
    require_browser()
    import uvicorn

    from iceledger.server import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(create_app(settings, True), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the server did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


def require_browser() -> None:
    reason = _unavailable()
    if reason:
        skip_or_fail(reason)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The app over the session's small published home."""
    from tests.integration.publish_helpers import published_home

    require_browser()
    with serve(published_home(tmp_path_factory.getbasetemp())) as url:
        yield url


@pytest.fixture(scope="session")
def real_server(real_published):
    """The app over the demo published from ICE's real records (tests/conftest.py: real_published)."""
    with serve(real_published) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    require_browser()
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


class Watched:
    """A page with everything that went wrong on it recorded: console errors, page errors, failed
    requests, requests that left 127.0.0.1, dialogs (a script payload must never run)."""

    def __init__(self, page, base: str):
        self.page, self.base, self.problems = page, base, []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"HTTP {r.status}: {r.url}"))
        page.on("request", lambda r: r.url.startswith((base + "/", "data:", "blob:")) or
                self.problems.append(f"request left 127.0.0.1: {r.url}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog opened: {d.message}"), d.dismiss()))

    def open(self, path: str):
        self.page.goto(self.base + path)
        self.page.wait_for_selector("body[data-charts=ready]", timeout=30_000)
        return self.page

    def axe(self) -> list[dict]:
        """axe-core's serious and critical violations on the open page (the script is injected from the
        test tree, not requested from anywhere)."""
        self.page.add_script_tag(path=str(AXE))
        found = self.page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                                   ".map(v => ({id: v.id, impact: v.impact, help: v.help, "
                                   "nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))")
        return [v for v in found if v["impact"] in ("serious", "critical")]


def _desktop(browser, base: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    yield Watched(context.new_page(), base)
    context.close()


@pytest.fixture
def watched(browser, server):
    yield from _desktop(browser, server)


@pytest.fixture
def real_watched(browser, real_server):
    """A desktop page of the demo published from ICE's real records."""
    yield from _desktop(browser, real_server)


@pytest.fixture
def phone(browser, server):
    context = browser.new_context(viewport={"width": PHONE_WIDTH, "height": 844}, device_scale_factor=2, is_mobile=True)
    w = Watched(context.new_page(), server)
    yield w
    context.close()
