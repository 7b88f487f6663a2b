"""签到 / 签退 on a phone (390 × 844) in real Chromium with an emulated position: a KAM checks
in to today's planned visit, makes it her customer's location, adds a photo and checks out;
later a check-in far away is flagged for her manager; a refused position is said so. No page
scrolls sideways."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models.archive import Tier
from kam.roles import Role
from kam.tests.browser import PHONE_POSITION, assert_no_sideways_scroll, login, screenshot
from kam.tests.factories import PASSWORD, AccountFactory, ContactFactory, TeamFactory, UserFactory
from visits.models import AccountLocation, CheckIn, PlanLine, Visit, VisitPlan
from visits.models.choices import Purpose
from visits.models.plans import PlanStatus
from visits.services.plans import plan_due_on
from visits.tests.checkin_fixtures import photo_bytes
from visits.tests.plan_fixtures import SH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = dt.datetime(2026, 6, 10, 9, 0, tzinfo=SH)
JUNE = dt.date(2026, 6, 1)


@pytest.fixture
def clock():
    # The clock runs (tick) so sessions behave; the test moves it on to check out.
    with time_machine.travel(START, tick=True) as traveller:
        yield traveller


@pytest.fixture
def people(clock):
    team = TeamFactory(
        name="华东组",
        manager=UserFactory(username="wangjl", name="王经理", role=Role.SALES_MANAGER),
    )
    kam = UserFactory(username="zhangwei", name="张伟", role=Role.KAM, team=team)
    account = AccountFactory(owner=kam, name="无锡恒达精密机械有限公司", tier=Tier.STRATEGIC)
    contact = ContactFactory(account=account, name="李采购")
    AccountFactory(owner=kam, name="江阴华润纺织有限公司", tier=Tier.IMPORTANT)
    plan = VisitPlan.objects.create(
        kam=kam, month=JUNE, status=PlanStatus.APPROVED, due_on=plan_due_on(JUNE)
    )
    line = PlanLine.objects.create(
        plan=plan,
        account=account,
        planned_on=START.date(),
        contact=contact,
        purposes=[Purpose.RELATIONSHIP, Purpose.NEW_PRODUCT],
    )
    return {"kam": kam, "manager": team.manager, "account": account, "line": line}


def _open(page, live_server, name: str, **kwargs) -> None:
    page.goto(live_server.url + reverse(name, **kwargs))


def _located(page) -> None:
    expect(page.locator("#geo-status")).to_have_attribute("data-state", "ok")


def test_kam_checks_in_and_out_on_her_phone(phone_page, live_server, people, clock):
    page, line, account = phone_page, people["line"], people["account"]
    login(page, live_server, "zhangwei", PASSWORD)

    _open(page, live_server, "visits:checkin")
    assert_no_sideways_scroll(page)
    screenshot(page, "checkin-1-today-390")
    page.locator(f'[data-line="{line.pk}"] a[data-action=checkin]').click()

    _located(page)
    expect(page.locator("#geo-status")).to_contain_text("31.49117")
    expect(page.locator("#geo-status")).to_contain_text("120.31191")
    button = page.locator("#checkin-button")
    assert button.bounding_box()["height"] >= 44
    assert_no_sideways_scroll(page)
    screenshot(page, "checkin-2-form-390")
    with page.expect_navigation():
        button.click()

    checkin = CheckIn.objects.get()
    assert page.url.endswith(reverse("visits:checkin_visit", args=[checkin.visit_id]))
    assert checkin.visit.plan_line == line and checkin.location_status == "ok"
    assert (checkin.latitude, checkin.longitude) == pytest.approx((31.49117, 120.31191))
    assert checkin.accuracy_m == PHONE_POSITION["accuracy"]
    expect(page.locator("#checkin-facts")).to_have_attribute("data-status", "ok")

    with page.expect_navigation():
        page.locator("#set-location").click()
    expect(page.locator("#is-location")).to_be_visible()
    assert AccountLocation.objects.get(account=account).set_from == checkin

    page.locator("#id_photo").set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}]
    )
    with page.expect_navigation():
        page.locator("#photo-button").click()
    photo = page.locator("#checkin-photo")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 1600

    clock.shift(dt.timedelta(minutes=50))
    _located(page)
    assert_no_sideways_scroll(page)
    screenshot(page, "checkin-3-at-the-customer-390")
    with page.expect_navigation():
        page.locator("#checkout-button").click()
    expect(page.locator("#hours-stayed")).to_be_visible()
    visit = Visit.objects.get()
    assert visit.time_in == dt.time(9, 0) and visit.hours is not None
    assert visit.hours >= Decimal("0.8")  # 50 minutes and the few seconds the test itself took
    CheckIn.objects.get(checked_out_at__isnull=False)
    assert_no_sideways_scroll(page)
    screenshot(page, "checkin-4-checked-out-390")

    with page.expect_navigation():
        page.locator("#complete-record").click()
    expect(page.locator("#id_time_in")).to_be_disabled()
    expect(page.locator("#id_time_in")).to_have_value("09:00")
    screenshot(page, "checkin-5-visit-form-390")


def test_far_check_in_is_flagged_for_the_manager(phone_page, live_server, people, clock):
    page, account = phone_page, people["account"]
    login(page, live_server, "zhangwei", PASSWORD)
    _open(page, live_server, "visits:checkin")
    page.locator(f'[data-line="{people["line"].pk}"] a[data-action=checkin]').click()
    _located(page)
    with page.expect_navigation():
        page.locator("#checkin-button").click()
    with page.expect_navigation():
        page.locator("#set-location").click()
    clock.shift(dt.timedelta(minutes=30))
    _located(page)
    with page.expect_navigation():
        page.locator("#checkout-button").click()

    # Later (within the two idle hours of a session) she checks in there again, 2.2 km away.
    page.context.set_geolocation({"latitude": 31.51117, "longitude": 120.31191, "accuracy": 30})
    clock.shift(dt.timedelta(minutes=90))
    page.goto(f"{live_server.url}{reverse('visits:checkin')}?account={account.pk}")
    expect(page.locator("#geo-status")).to_contain_text("31.51117")
    with page.expect_navigation():
        page.locator("#checkin-button").click()
    expect(page.locator("#checkin-facts")).to_have_attribute("data-flagged", "1")
    expect(page.locator("#checkin-facts [data-flag]")).to_be_visible()
    assert_no_sideways_scroll(page)
    screenshot(page, "checkin-6-far-390")
    far = CheckIn.objects.get(flagged=True)
    assert 2200 < far.distance_m < 2250

    manager = page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    try:
        mpage = manager.new_page()
        login(mpage, live_server, "wangjl", PASSWORD)
        record = far.visit.record
        _open(mpage, live_server, "visits:record_detail", args=[record.pk])
        expect(mpage.locator('#visits [data-flagged="1"]')).to_have_count(1)
        assert_no_sideways_scroll(mpage)
        screenshot(mpage, "checkin-7-manager-record-390")
        _open(mpage, live_server, "visits:visit_detail", args=[far.visit_id])
        expect(mpage.locator("#checkin-facts [data-flag]")).to_be_visible()
        expect(mpage.locator("#checkin-facts")).to_contain_text("31.51117, 120.31191")
        assert_no_sideways_scroll(mpage)
        screenshot(mpage, "checkin-8-manager-visit-390")
    finally:
        manager.close()


def test_refused_position_still_checks_in_and_says_so(phone_page, live_server, people):
    page = phone_page
    page.context.clear_permissions()
    login(page, live_server, "zhangwei", PASSWORD)
    other = people["account"].owner.accounts.exclude(pk=people["account"].pk).get()
    page.goto(f"{live_server.url}{reverse('visits:checkin')}?account={other.pk}")
    expect(page.locator("#geo-status")).to_have_attribute(
        "data-state", re.compile("denied|unavailable")
    )
    with page.expect_navigation():
        page.locator("#checkin-button").click()
    checkin = CheckIn.objects.get()
    assert checkin.location_status in {"denied", "unavailable"} and checkin.latitude is None
    expect(page.locator("#checkin-facts")).to_have_attribute("data-status", checkin.location_status)
    expect(page.locator("#set-location")).to_have_count(0)
    screenshot(page, "checkin-9-refused-390")
