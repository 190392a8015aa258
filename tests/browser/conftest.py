"""Browser fixtures: Debian's Chromium driven by Playwright (sync API).

One Chromium per test module; each test gets a fresh context (cookies, storage) and
page. Browsers are never downloaded: `playwright install` is not used, the system's
/usr/bin/chromium is. Screenshots go to `artifacts/` at the repository root.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests run as root
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-gpu",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# One Chromium per module, not per session. With sync Playwright still running, a later
# module's fixture that opened the database itself (the minutes printed once per module)
# left a connection that Django did not close before dropping the test database, and
# PostgreSQL refused to drop it ("being accessed by other users"). Playwright's greenlet is
# the likely cause: Django keeps one connection per context. Ending it with its module
# keeps the rest of the run in the ordinary context.
@pytest.fixture(scope="module")
def browser() -> Browser:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def failed_responses() -> list[str]:
    """Every HTTP error response the test's pages received, as "status url"."""
    return []


@pytest.fixture
def new_page(browser: Browser, failed_responses: list[str]):
    """Factory: a page in a fresh context (options as for `browser.new_context`), which
    records HTTP errors in `failed_responses`. Several per test are allowed, e.g. a phone
    next to the desktop.

    Whatever the Content-Security-Policy blocked on any of the pages (Chromium says so in
    the console) fails the test when it ends: a blocked inline style or script is a page
    that looks or works otherwise than it was built to."""
    contexts: list[BrowserContext] = []
    blocked: list[str] = []

    def on_response(response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            failed_responses.append(f"{response.status} {response.url}")

    def make(**options) -> Page:
        options = {"viewport": DESKTOP, **options}
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", **options)
        context.set_default_timeout(5_000)
        contexts.append(context)
        page = context.new_page()
        page.on("response", on_response)
        watch_policy(page, blocked)
        return page

    yield make
    for context in contexts:
        context.close()
    assert blocked == [], "the Content-Security-Policy blocked:\n" + "\n".join(blocked)


def watch_policy(page: Page, blocked: list[str]) -> None:
    """Adds to `blocked` what the Content-Security-Policy blocks on `page`, as Chromium
    reports it in the console."""

    def on_console(message) -> None:
        if "Content Security Policy" in message.text:
            blocked.append(f"{message.location.get('url')}: {message.text}")

    page.on("console", on_console)


@pytest.fixture
def page(new_page) -> Page:
    """A desktop page (1280×800) in its own context."""
    return new_page()
