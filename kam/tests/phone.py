"""Playwright fixtures for pages on a phone and on a wide screen (registered in the root
conftest beside kam.tests.browser, whose Chromium they share).

- `narrow_page`: a fresh page at 390 × 844 (an iPhone 12–15's CSS size), touch, in Chinese.
- `wide_page`: the same at 1440 × 900, a laptop.
- `assert_fits_width(page)`: nothing scrolls sideways (`scrollWidth <= innerWidth`); on failure
  the message names the elements that stick out.
- `small_targets(page)`: controls a finger cannot hit reliably (under 44 px high).
- `shot(page, name)`: a full-page screenshot, `<name>-<width>.png` under screenshots/.

A test may use both pages; each has its own cookies, so each signs in.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kam.tests.browser import TIMEOUT_MS, screenshot

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1440, "height": 900}
TOUCH_PX = 44


def _page(browser, live_server, viewport: dict, mobile: bool) -> Iterator:
    context = browser.new_context(
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        viewport=viewport,
        is_mobile=mobile,
        has_touch=mobile,
        base_url=live_server.url,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []

    def on_response(response):
        if response.status >= 400 and "/static/" in response.url:
            errors.append(f"{response.status} {response.url}")

    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", on_response)
    yield page
    context.close()
    if errors:
        pytest.fail("Errors in the page:\n" + "\n".join(errors))


@pytest.fixture
def narrow_page(chromium_browser, live_server) -> Iterator:
    yield from _page(chromium_browser, live_server, PHONE, mobile=True)


@pytest.fixture
def wide_page(chromium_browser, live_server) -> Iterator:
    yield from _page(chromium_browser, live_server, WIDE, mobile=False)


# The elements wider than the window, outermost first, so that the message points at the
# culprit rather than at everything inside it.
_OVERFLOW_JS = """() => {
  const width = window.innerWidth, out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.right <= width + 0.5 || !box.width) continue;
    if (out.some(o => o.el.contains(el))) continue;
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.classList.length ? '.' + Array.from(el.classList).join('.') : '');
    out.push({el, text: name + ' (right edge ' + Math.round(box.right) + ' px)'});
  }
  return out.slice(0, 8).map(o => o.text);
}"""


def assert_fits_width(page) -> None:
    """The page does not scroll sideways: a table too wide for the phone scrolls inside its
    own box (.table-responsive) or turns into cards, never the whole page."""
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        culprits = "\n  ".join(page.evaluate(_OVERFLOW_JS))
        pytest.fail(f"{page.url} scrolls sideways ({scroll} > {inner} px):\n  {culprits}")


# Visible controls of the page's main part, under 44 px high. A check box or radio counts by
# its row (.form-check: the label is part of the target); a toggle button by its label; an
# inline link in running text is exempt (WCAG 2.5.8's "inline" exception).
_SMALL_TARGETS_JS = """(min) => {
  const out = [];
  const seen = new Set();
  const controls = document.querySelectorAll(
    'main button, main .btn, main input:not([type=hidden]), main select, main textarea, ' +
    'main .page-link, main .nav-link');
  for (let el of controls) {
    if (el.matches('input.btn-check')) continue;
    if (el.matches('input[type=checkbox], input[type=radio]')) el = el.closest('.form-check') || el;
    if (seen.has(el)) continue;
    seen.add(el);
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.closest('[hidden], .visually-hidden, .d-none')) continue;
    if (box.height < min) {
      const name = el.id || el.getAttribute('aria-label') ||
        el.textContent.trim().slice(0, 20) || el.tagName;
      out.push(name + ' (' + Math.round(box.height) + ' px)');
    }
  }
  return out;
}"""


def small_targets(page) -> list[str]:
    return page.evaluate(_SMALL_TARGETS_JS, TOUCH_PX)


def shot(page, name: str):
    return screenshot(page, f"{name}-{page.viewport_size['width']}")
