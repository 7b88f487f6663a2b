"""The Content-Security-Policy in a real browser: Chromium enforces it (an inline script is
refused), and the pages people use most break none of it (every browser test also fails on a
violation logged to the console: kam/tests/browser.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kam.tests.browser import login, screenshot
from kam.tests.demo_day import PASSWORD, demo_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Recorded by the browser itself, whatever the page's scripts do.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI || "inline"} ${where}`);
});
"""


def violations(page) -> list[str]:
    return page.evaluate("() => window.__csp")


def test_the_browser_refuses_an_inline_script(chromium_browser, live_server):
    # Its own page, not browser_page: the violation it causes is the point, not a fault.
    context = chromium_browser.new_context(base_url=live_server.url)
    try:
        page = context.new_page()
        page.add_init_script(RECORD_VIOLATIONS)
        page.goto(live_server.url + reverse("login"))
        ran = page.evaluate(
            """() => { const s = document.createElement("script");
                       s.textContent = "window.__ran = true"; document.body.append(s);
                       return window.__ran === true; }"""
        )
        assert ran is False
        page.wait_for_function("() => window.__csp.length > 0")
        assert violations(page)[0].startswith("script-src")
    finally:
        context.close()


def test_key_pages_break_nothing_of_the_policy(browser_page, live_server):
    page = browser_page
    page.add_init_script(RECORD_VIOLATIONS)
    with demo_day() as day:
        from kam.models import User

        day.admin = User.objects.get(username="admin")
        pages = {
            day.kam: [
                reverse("home"),
                reverse("inbox"),
                reverse("accounts:detail", args=[day.account.pk]),
                reverse("visits:plan_detail", args=[day.plan.pk]),
                reverse("receivables:account", args=[day.account.pk]),
            ],
            day.sales_vp: [
                reverse("home"),
                reverse("receivables:report"),
                reverse("visits:record_detail", args=[day.record.pk]),
                reverse("accounts:list"),
            ],
            day.admin: [reverse("admin:index"), reverse("admin:accounts_keyaccount_changelist")],
        }
        for person, urls in pages.items():
            page.context.clear_cookies()
            login(page, live_server, person.username, PASSWORD)
            for url in urls:
                page.goto(live_server.url + url)
                page.wait_for_load_state("networkidle")
                assert violations(page) == [], f"{url}: {violations(page)}"
        screenshot(page, "csp-key-page")
