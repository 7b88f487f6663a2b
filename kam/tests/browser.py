"""Playwright fixtures shared by every app's browser tests (registered in the root conftest).

The tests drive Debian's Chromium (`apt install chromium`); Playwright never downloads a
browser here. A test uses `browser_page` with pytest-django's `live_server`, signs in with
`login()` and may keep a picture of a page with `screenshot()`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("KAM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="session")
def chromium_browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: apt-get install chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _open_page(chromium_browser, live_server, **options) -> Iterator:
    """A fresh page (own cookies) in Chinese, as our users see it. The test fails on an
    uncaught JavaScript error, a CSP violation or a missing static file; a 403 or 404 page is
    not an error."""
    context = chromium_browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=live_server.url,
        **{"viewport": {"width": 1366, "height": 900}, **options},
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []

    def on_response(response):
        if response.status >= 400 and "/static/" in response.url:
            errors.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # Whatever the Content-Security-Policy refuses (kam/security.py) is a fault of the page:
    # an inline script or handler, a <style> block, something from another origin.
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("response", on_response)
    yield page
    context.close()
    if errors:
        pytest.fail("Errors in the page:\n" + "\n".join(errors))


@pytest.fixture
def browser_page(chromium_browser, live_server) -> Iterator:
    """A desktop page, 1366 × 900 (see _open_page)."""
    yield from _open_page(chromium_browser, live_server)


PHONE = {"width": 390, "height": 844}
# Where the phone says it is, unless the test moves it (page.context.set_geolocation) or
# takes the permission away (page.context.clear_permissions(): the page is then refused).
PHONE_POSITION = {"latitude": 31.49117, "longitude": 120.31191, "accuracy": 20}


@pytest.fixture
def phone_page(chromium_browser, live_server) -> Iterator:
    """A phone's page, 390 × 844 with touch, allowed to read its position."""
    yield from _open_page(
        chromium_browser,
        live_server,
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
        geolocation=PHONE_POSITION,
        permissions=["geolocation"],
    )


def assert_no_sideways_scroll(page) -> None:
    """Nothing on the page is wider than the screen (SPEC §8: the road pages at 390 px)."""
    # A phone (is_mobile) widens its layout viewport to fit what overflows, and innerWidth
    # with it: the width the context was opened with is the one that counts.
    screen = page.viewport_size["width"]
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= min(inner, screen), f"{page.url} scrolls sideways: {scroll} > {screen} px"


def login(page, live_server, username: str, password: str) -> None:
    """Sign in through the login form, as a person would."""
    from django.urls import reverse

    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert "/login/" not in page.url, page.locator("main").inner_text()


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under screenshots/ at the repository root (gitignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
