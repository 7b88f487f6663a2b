"""The home page's to-do list in real Chromium, for the KAM and the sales VP, on a phone
(390 × 844) and a desktop (1440 × 900): nothing scrolls sideways on the phone, every line and
action is a thumb's height, and the pictures are kept under screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kam.models import Notification
from kam.tests.browser import login, screenshot
from kam.tests.factories import PASSWORD
from kam.tests.workbench_world import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
TOUCH_PX = 44


@pytest.fixture
def world():
    today = timezone.localdate()
    w = build(today)
    for user in (w.owner, w.cast.sales_vp):
        Notification.objects.create(
            recipient=user,
            kind="plan_due",
            key="late",
            title="请提交下月拜访计划",
            url=reverse("visits:plans"),
            due_on=today - dt.timedelta(days=4),
        )
    return w


def _check_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"the page scrolls sideways: {width} > {inner}"
    heights = page.eval_on_selector_all(
        "#workbench .workbench-link, #workbench [data-action]",
        "els => els.map(e => e.getBoundingClientRect().height)",
    )
    assert heights and min(heights) >= TOUCH_PX, heights


@pytest.mark.parametrize(("who", "name"), [("owner", "kam"), ("salesvp", "vp")])
def test_the_home_page_fits_a_phone_and_a_desktop(browser_page, live_server, world, who, name):
    page = browser_page
    login(page, live_server, who, PASSWORD)
    page.goto(live_server.url + reverse("home"))
    expect(page.locator("#workbench [data-item]").first).to_be_visible()
    expect(page.locator('#unread-reminders [data-due="overdue"]')).to_be_visible()
    for size, label in ((PHONE, "390"), (DESKTOP, "1440")):
        page.set_viewport_size(size)
        page.goto(live_server.url + reverse("home"))
        if size is PHONE:
            _check_phone(page)
        screenshot(page, f"home-{name}-{label}")
    if who == "owner":
        # A planned visit opens the visit form for its account and plan line.
        line = world.lines["today_a"]
        page.locator(f'[data-item="visit-{line.pk}"] [data-action="record"]').click()
        expect(page).to_have_url(
            f"{live_server.url}{reverse('visits:visit_new')}?account={world.a.pk}&line={line.pk}"
        )
