"""Browser fixtures: Debian's Chromium driven by Playwright against the real stack.

The console is served by Django from frontend/dist, so it must be built first
(`cd frontend && npm ci && npm run build`). Playwright never downloads a browser here.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

REPO_DIR = Path(__file__).resolve().parents[2]
FRONTEND_INDEX = REPO_DIR / "frontend" / "dist" / "index.html"
SCREENSHOTS_DIR = REPO_DIR / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("WHETSTONE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def console_built():
    if not FRONTEND_INDEX.is_file():
        pytest.fail(f"the console is not built ({FRONTEND_INDEX} is missing): "
                    "run `cd frontend && npm ci && npm run build` first")


@pytest.fixture(scope="session")
def chromium_browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"no Chromium at {CHROMIUM}; set WHETSTONE_CHROMIUM to a Chromium binary")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def screenshots(request) -> Path:
    """A folder per test under test-artifacts/screenshots/ for pictures a person can look at."""
    folder = SCREENSHOTS_DIR / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


@pytest.fixture
def browser_page(chromium_browser, stack, console_built, screenshots, request):
    """A fresh browser context (own cookies) on the stack's web server.

    Server errors (HTTP 5xx) seen by the console fail the test: the API must never
    answer a user with a 500, even when the page happens to recover.
    """
    context = chromium_browser.new_context(base_url=stack.web_url, viewport=DESKTOP)
    context.set_default_timeout(15_000)
    page = context.new_page()
    server_errors: list[str] = []
    page.on("response", lambda response: server_errors.append(f"{response.status} {response.request.method} "
                                                               f"{response.url}") if response.status >= 500 else None)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        page.screenshot(path=str(screenshots / "failure.png"), full_page=True)
    context.close()
    assert not server_errors, f"the server answered the console with errors: {server_errors}"


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # Lets browser_page take a screenshot of the state a failing test left the page in.
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report
