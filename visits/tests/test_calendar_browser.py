"""The calendar in real Chromium, on a desktop (1440 × 900) and a phone (390 × 844): the month
grid and the week list, today and a holiday marked, no sideways scrolling, entries one tap
from their pages, and the subscription page. Screenshots are kept under screenshots/."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from kam.tests.browser import login, screenshot
from kam.tests.factories import PASSWORD, AccountFactory
from visits.models import PlanLine
from visits.tests.calendar_fixtures import NOW, make_month

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
CALENDAR = reverse("visits:calendar")


@pytest.fixture
def month(cast):
    with time_machine.travel(NOW, tick=True):
        month = make_month(cast)
        # A busy day and a long name, as real months have.
        far = AccountFactory(owner=cast.owner, name="苏州工业园区国际精密制造与智能装备集团公司")
        for day, account in [(24, far), (24, month.office.accounts[0]), (25, far), (26, far)]:
            PlanLine.objects.create(
                plan=month.june,
                account=account,
                planned_on=dt.date(2026, 6, day),
                purposes=["new_product", "share"],
            )
        yield month


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"{page.url} scrolls sideways: {width} > {inner}"


def test_the_calendar_on_a_desktop(browser_page, live_server, month):
    page = browser_page
    page.set_viewport_size(DESKTOP)
    login(page, live_server, month.cast.owner.username, PASSWORD)
    page.goto(live_server.url + CALENDAR + "?month=2026-06")
    today = page.locator("li[data-date='2026-06-20']")
    expect(today).to_have_attribute("aria-current", "date")
    expect(page.locator("li[data-date='2026-06-19'] [data-holiday]")).to_be_visible()
    # Seven columns, Monday first: the 1st (a Monday) and the 7th share a row.
    first = page.locator("li[data-date='2026-06-01']").bounding_box()
    sunday = page.locator("li[data-date='2026-06-07']").bounding_box()
    assert first["y"] == sunday["y"] and sunday["x"] > first["x"] + 5 * first["width"]
    expect(page.locator("li[data-date='2026-06-24'] li.cal-entry")).to_have_count(3)
    expect(page.locator("#cal-scheduled li.cal-entry")).to_have_count(2)
    no_sideways_scroll(page)
    screenshot(page, "calendar-month-1440")

    page.locator("#cal-view-week").click()
    expect(page).to_have_url(re.compile(r"view=week&date=2026-06-20$"))
    expect(page.locator("li.cal-day")).to_have_count(7)
    no_sideways_scroll(page)
    screenshot(page, "calendar-week-1440")

    page.locator("#cal-prev").click()
    expect(page).to_have_url(re.compile(r"date=2026-06-08$"))
    page.locator(f"li[data-uid='visit-{month.unplanned.pk}'] a").click()
    expect(page).to_have_url(re.compile(rf"/visits/{month.unplanned.pk}/$"))

    page.goto(live_server.url + CALENDAR + "?month=2026-06")
    page.locator("#cal-subscribe").click()
    page.locator("#create-feed").click()
    expect(page.locator("#feed-url")).to_have_value(re.compile(r"/visits/calendar/[\w-]{43}\.ics$"))
    no_sideways_scroll(page)
    screenshot(page, "calendar-subscription-1440")
    old = page.locator("#feed-url").input_value()
    page.locator("#reset-feed").click()
    page.locator("#confirm-reset").click()
    expect(page.locator("#feed-url")).not_to_have_value(old)
    assert page.request.get(old).status == 404


def test_the_calendar_on_a_phone(browser_page, live_server, month):
    page = browser_page
    page.set_viewport_size(PHONE)
    login(page, live_server, month.cast.owner.username, PASSWORD)
    page.goto(live_server.url + CALENDAR + "?month=2026-06")
    # The grid has become a list: empty days are left out, today and busy days stay, each
    # full width, one under the other.
    expect(page.locator("li[data-date='2026-06-01']")).to_be_hidden()
    expect(page.locator("li[data-date='2026-06-20']")).to_be_visible()
    busy = page.locator("li[data-date='2026-06-24']").bounding_box()
    later = page.locator("li[data-date='2026-06-25']").bounding_box()
    assert later["y"] > busy["y"] and busy["width"] > 300
    expect(page.locator("li[data-date='2026-06-24'] .cal-full")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, "calendar-month-390")

    page.locator("#cal-view-week").click()
    expect(page.locator("li.cal-day")).to_have_count(7)
    for box in [e.bounding_box() for e in page.locator("li.cal-entry > a").all()]:
        assert box["height"] >= 44, "a finger-size target"
    no_sideways_scroll(page)
    screenshot(page, "calendar-week-390")

    page.locator("#cal-next").click()
    expect(page).to_have_url(re.compile(r"date=2026-06-22$"))
    expect(page.locator("li[data-date='2026-06-24'] li.cal-entry")).to_have_count(3)
    no_sideways_scroll(page)
    screenshot(page, "calendar-week-390-busy")

    page.goto(live_server.url + reverse("visits:calendar_subscription"))
    page.locator("#create-feed").click()
    expect(page.locator("#feed-url")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, "calendar-subscription-390")
