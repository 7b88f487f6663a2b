"""An automated accessibility check (axe-core, through Playwright) of the pages each role
works in, on the demo company: no serious or critical violation, and every form control has
a label. The road pages are checked on a phone too (a layout of its own, its own faults).

axe-core comes bundled in the axe-playwright-python package and is put into the page with
`page.evaluate` (no CDN, no npm; Playwright's evaluate is not subject to a page's CSP).
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from kam.tests.browser import login
from kam.tests.demo_day import PASSWORD, demo_day
from visits.models import Visit, VisitPlan
from visits.models.plans import PlanStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}
ARCHIVE_SECTIONS = ["overview", "contacts", "timeline", "reports", "dealings", "history"]

# Controls with no name a screen reader could read out: no <label>, aria-label,
# aria-labelledby or title. Checked everywhere, hidden tabs included.
_UNLABELLED_JS = """() => Array.from(
  document.querySelectorAll('input:not([type=hidden]), select, textarea')
).filter(el => !((el.labels && el.labels.length) || el.getAttribute('aria-label') ||
                 el.getAttribute('aria-labelledby') || el.getAttribute('title')))
 .map(el => el.id || el.name || el.outerHTML.slice(0, 80))"""


@pytest.fixture
def day(live_server):
    with demo_day() as data:
        yield data


def problems_on(page, axe: Axe, where: str) -> list[str]:
    found = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in BLOCKING:
            targets = ", ".join(str(n["target"]) for n in violation["nodes"][:5])
            found.append(f"{where}: [{violation['impact']}] {violation['id']} at {targets}")
    found += [f"{where}: no label for {name}" for name in page.evaluate(_UNLABELLED_JS)]
    return found


def check(page, axe, url: str, where: str) -> list[str]:
    page.goto(url)
    if "/accounts/" in url and page.locator("#archive-nav").count():
        found = []
        for section in ARCHIVE_SECTIONS:  # one tab shows at a time: axe skips hidden ones
            link = page.locator(f"#archive-nav a[href='#{section}']")
            if link.count():
                link.click()
                found += problems_on(page, axe, f"{where}#{section}")
        return found
    return problems_on(page, axe, where)


def pages_for(day) -> dict:
    visit = Visit.objects.filter(visitor=day.kam).order_by("-visited_on").first()
    submitted = VisitPlan.objects.filter(status=PlanStatus.SUBMITTED).order_by("pk").first()
    archive = reverse("accounts:detail", args=[day.account.pk])
    kam_road = [
        ("archive", archive),
        ("plan", reverse("visits:plan_detail", args=[day.plan.pk])),
        ("record", reverse("visits:my_record")),
        ("visit form", reverse("visits:visit_new") + f"?account={day.account.pk}"),
        ("visit", reverse("visits:visit_detail", args=[visit.pk])),
        ("inbox", reverse("inbox") + "?show=all"),
    ]
    manager_road = [
        ("record review", reverse("visits:record_detail", args=[day.record.pk])),
        ("spot checks", reverse("visits:spot_checks") + "?month=2026-10"),
    ]
    return {
        day.kam: (
            [("home", reverse("home")), ("account list", reverse("accounts:list")), *kam_road],
            kam_road,
        ),
        day.manager: (
            [("home", reverse("home")), ("records", reverse("visits:records")), *manager_road],
            manager_road,
        ),
        day.sales_vp: (
            [
                ("home", reverse("home")),
                ("account list", reverse("accounts:list")),
                ("archive", archive),
                ("compliance dashboard", reverse("visits:compliance")),
                ("team compliance", reverse("visits:compliance_team", args=[day.kam.team_id])),
                ("plan review", reverse("visits:plan_detail", args=[submitted.pk])),
            ],
            [],
        ),
    }


def test_no_serious_accessibility_faults(wide_page, narrow_page, live_server, day):
    axe = Axe()
    problems: list[str] = []
    for user, (wide_pages, narrow_pages) in pages_for(day).items():
        for page in (wide_page, narrow_page):
            page.context.clear_cookies()
            login(page, live_server, user.username, PASSWORD)
        for name, path in wide_pages:
            problems += check(wide_page, axe, live_server.url + path, f"{user.role} {name}")
        for name, path in narrow_pages:
            problems += check(narrow_page, axe, live_server.url + path, f"{user.role} {name} 390")
    assert not problems, "\n".join(problems)


def test_the_check_finds_what_it_looks_for(wide_page):
    """The check itself can fail: an unlabelled field and pale text are reported."""
    wide_page.set_content(
        '<html lang="zh-Hans"><head><title>t</title></head><body><main><h1>页</h1>'
        '<input id="nameless"><p style="color:#aaa;background:#fff">浅色文字</p>'
        "</main></body></html>"
    )
    found = "\n".join(problems_on(wide_page, Axe(), "sample"))
    assert "no label for nameless" in found
    assert "[critical] label" in found
    assert "[serious] color-contrast" in found
