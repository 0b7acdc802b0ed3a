"""Real-browser fixtures: Playwright driving Debian's Chromium against pytest-django's live server."""

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the test
# itself (creating content) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Chromium as the build machines allow it: no sandbox as root, no background calls to Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        "Chromium is missing: `make test` installs Debian's chromium package"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class ConsoleWatch:
    """Collects console errors, CSP violations and uncaught exceptions of a page."""

    def __init__(self, page) -> None:
        self.problems: list[str] = []

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                self.problems.append(message.text)

        page.on("console", console)
        page.on("pageerror", lambda error: self.problems.append(str(error)))


@pytest.fixture
def make_page(browser, live_server, settings):
    # The live server is the site here: its plain-HTTP origin is the one forms are posted from.
    settings.SITE_URL = live_server.url
    settings.CSRF_TRUSTED_ORIGINS = [live_server.url]
    contexts = []

    def make(
        *,
        width: int = 1280,
        height: int = 900,
        color_scheme: str = "light",
        javascript: bool = True,
    ):
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            color_scheme=color_scheme,
            java_script_enabled=javascript,
            # The live server speaks plain HTTP; production sits behind a TLS proxy that says so.
            extra_http_headers={"X-Forwarded-Proto": "https"},
        )
        contexts.append(context)
        page = context.new_page()
        page.console = ConsoleWatch(page)
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
