"""Issue 11's journeys in real Chromium, on a phone (390 × 844, touch, an emulated position)
and again on a desktop (1440 × 900):

- the KAM's day: home → check in to today's planned visit, about 150 m from the customer's
  stored location → check out → the visit's outcome → her month's record → the calendar;
- her sales manager's month end: the submitted record (from the inbox) → each plan line
  reviewed against the plan → saved → the spot-check page → a call recorded, confirmed.

After every step the step's result is read back from the database, no page scrolls sideways
(SPEC §8), and the page is kept as a screenshot under screenshots/journeys/ (gitignored: the
run's output), named <who>-<step>-<page>-<width>.png.

Time: the journeys run on the real clock, in the server and the browser alike. Hours stayed
are the server's (check-out minus check-in, to the minute); to stay a while without waiting,
the test moves the check-in's time back in the database between checking in and checking
out, the one value the server reads. time_machine is not used for it: it patches the clock
of the whole process (the test and the live server's thread share it; there is no "server
thread only"), and a moved process clock disagrees with the browser's, which session cookies
and the geolocation fix are dated by. Only the data of last month is written on a travelled
clock, before any page is opened (visits/tests/journey_fixtures.py).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kam.models import Notification
from kam.tests.browser import SCREENSHOTS, assert_no_sideways_scroll, login, screenshot
from kam.tests.factories import PASSWORD
from visits.models import CheckIn, SpotCheck, Visit, VisitRecord
from visits.models.plans import LineReview
from visits.models.records import RecordStatus, SpotResult
from visits.services.records import hours_between
from visits.tests.journey_fixtures import JourneyOffice, make_journey_office

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1440, "height": 900}
# Where the phone says it is: about 148 m north of the customer's stored location (GATE).
NEAR = {"latitude": 31.49250, "longitude": 120.31191, "accuracy": 20}
STAY = dt.timedelta(minutes=90)
# The journey's day must not change under it (a plan line of today, a check-in and check-out
# on one day): a run that would start at midnight waits until this is past.
MIDNIGHT_MARGIN = dt.timedelta(minutes=10)


class Journey:
    """One person's way through the pages at one width: navigation as she would do it, and
    `seen()` after each step (no sideways scroll, a screenshot)."""

    def __init__(self, page, live_server, width: int, who: str):
        self.page, self.live_server, self.width, self.who = page, live_server, width, who
        self.step = 0

    def go(self, url: str) -> None:
        self.page.goto(self.live_server.url + url)

    def seen(self, name: str) -> None:
        self.step += 1
        assert_no_sideways_scroll(self.page)
        screenshot(self.page, f"journeys/{self.who}-{self.step:02d}-{name}-{self.width}")

    def follow(self, locator) -> None:
        with self.page.expect_navigation():
            locator.click()

    def _open_navbar(self) -> None:
        """At phone width the bar is a toggler: open it, and wait for the menu to show."""
        toggler = self.page.locator(".navbar-toggler")
        if toggler.is_visible():
            toggler.click()
            expect(self.page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))

    def menu(self, group: str, entry: str) -> None:
        self._open_navbar()
        self.page.locator(f"#nav-{group} > .dropdown-toggle").click()
        self.follow(self.page.locator(f"#nav-{entry}"))

    def navbar_link(self, selector: str) -> None:
        self._open_navbar()
        self.follow(self.page.locator(selector))


@pytest.fixture(scope="module", autouse=True)
def _screenshot_folder():
    (SCREENSHOTS / "journeys").mkdir(parents=True, exist_ok=True)


def _clear_of_midnight() -> None:
    now = timezone.localtime()
    since = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
    until = dt.timedelta(days=1) - since
    if until < dt.timedelta(minutes=2):
        time.sleep(until.total_seconds())
        since = dt.timedelta(0)
    if since < MIDNIGHT_MARGIN:
        time.sleep((MIDNIGHT_MARGIN - since).total_seconds())


@pytest.fixture
def office() -> JourneyOffice:
    _clear_of_midnight()
    return make_journey_office()


@pytest.fixture(params=[390, 1440], ids=["390", "1440"])
def device(request):
    """The phone (390 × 844, touch, allowed its position) or a desktop (1440 × 900, allowed
    its position too, so the check-in journey runs the same); both stand near the customer."""
    if request.param == 390:
        page = request.getfixturevalue("phone_page")
    else:
        page = request.getfixturevalue("browser_page")
        page.set_viewport_size(DESKTOP)
        page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(NEAR)
    return page, request.param


def _located(page) -> None:
    expect(page.locator("#geo-status")).to_have_attribute("data-state", "ok")


def _stay() -> dt.timedelta:
    """How long she stayed: STAY, or less early in the morning (the check-in stays today)."""
    now = timezone.localtime()
    since_midnight = now - now.replace(hour=0, minute=0, second=0, microsecond=0)
    return min(STAY, since_midnight - dt.timedelta(minutes=1))


# The KAM ------------------------------------------------------------------------------------


def _to_checkin_form(j: Journey, office: JourneyOffice) -> str:
    """From the home page to today's planned visit's check-in form. The workbench (branch
    `work`) links each of today's visits to its check-in; until it lands, the menu leads to
    her month's record, whose "Check in" button lists today's visits. Returns the path taken."""
    line = office.today_line
    home_links = j.page.locator(f'main a[href*="/visits/checkin"][href*="line={line.pk}"]')
    if not home_links.count():
        home_links = j.page.locator('main a[href*="/visits/checkin"]')
    if home_links.count():
        path = "home page link"
        j.follow(home_links.first)
    else:
        path = "menu → my visits → #checkin-link"
        j.menu("visits", "my-visits")
        expect(j.page).to_have_url(re.compile(re.escape(reverse("visits:my_record"))))
        j.seen("month-record-before")
        j.follow(j.page.locator("#checkin-link"))
    if "account=" not in j.page.url:
        today = j.page.locator(f'[data-line="{line.pk}"]')
        expect(today).to_contain_text(line.account.name)
        j.seen("checkin-today")
        j.follow(today.locator("a[data-action=checkin]"))
    assert f"line={line.pk}" in j.page.url
    return path


def _check_in(j: Journey, office: JourneyOffice) -> CheckIn:
    page = j.page
    _located(page)
    expect(page.locator("#geo-status")).to_contain_text("31.49250")
    expect(page.locator("#account-location")).to_contain_text("31.49117")
    button = page.locator("#checkin-button")
    assert button.bounding_box()["height"] >= 44
    j.seen("checkin-form")
    j.follow(button)

    checkin = CheckIn.objects.select_related("visit__record").get(
        visit__visited_on=timezone.localdate()
    )
    visit = checkin.visit
    assert page.url.endswith(reverse("visits:checkin_visit", args=[visit.pk]))
    assert visit.plan_line == office.today_line and visit.visitor == office.kam
    assert visit.visited_on == timezone.localdate() and visit.hours is None
    assert visit.record.month == timezone.localdate().replace(day=1)
    assert checkin.location_status == "ok" and checkin.checked_out_at is None
    assert (checkin.latitude, checkin.longitude) == pytest.approx((31.4925, 120.31191))
    assert 140 <= checkin.distance_m <= 155 and not checkin.flagged
    facts = page.locator("#checkin-facts")
    expect(facts).to_have_attribute("data-status", "ok")
    expect(facts).to_have_attribute("data-flagged", "0")
    expect(facts.locator("[data-field=distance]")).to_contain_text(str(checkin.distance_m))
    j.seen("checked-in")
    return checkin


def _check_out(j: Journey, checkin: CheckIn) -> Visit:
    stay = _stay()
    CheckIn.objects.filter(pk=checkin.pk).update(checked_in_at=F("checked_in_at") - stay)
    _located(j.page)
    j.follow(j.page.locator("#checkout-button"))

    checkin.refresh_from_db()
    visit = Visit.objects.get(pk=checkin.visit_id)
    assert checkin.checked_out_at is not None and checkin.out_latitude is not None
    minute = dict(second=0, microsecond=0)
    assert visit.time_in == timezone.localtime(checkin.checked_in_at).time().replace(**minute)
    assert visit.time_out == timezone.localtime(checkin.checked_out_at).time().replace(**minute)
    assert visit.hours == hours_between(visit.time_in, visit.time_out)
    assert abs(visit.hours - Decimal(stay.total_seconds() / 3600)) <= Decimal("0.1")
    expect(j.page.locator("#hours-stayed")).to_contain_text(str(visit.hours))
    j.seen("checked-out")
    return visit


OUTCOME = "试用两台新型号主轴，对方下周反馈。"
NEXT_STEPS = "周五前寄送报价单。"


def _record_outcome(j: Journey, visit: Visit) -> None:
    page = j.page
    j.follow(page.locator("#complete-record"))
    expect(page.locator("#id_time_in")).to_be_disabled()
    expect(page.locator("#id_time_in")).to_have_value(f"{visit.time_in:%H:%M}")
    page.fill("#id_outcome", OUTCOME)
    page.fill("#id_next_steps", NEXT_STEPS)
    j.seen("visit-form")
    j.follow(page.locator("#visit-form button[type=submit]"))

    assert page.url.endswith(reverse("visits:visit_detail", args=[visit.pk]))
    saved = Visit.objects.get(pk=visit.pk)
    assert (saved.outcome, saved.next_steps) == (OUTCOME, NEXT_STEPS)
    assert (saved.time_in, saved.hours) == (visit.time_in, visit.hours)  # kept from check-in
    assert list(saved.contacts.values_list("name", flat=True)) == ["李采购"]
    expect(page.locator("main")).to_contain_text(OUTCOME)
    j.seen("visit")


def _month_record(j: Journey, office: JourneyOffice, visit: Visit) -> None:
    j.menu("visits", "my-visits")
    record = VisitRecord.objects.get(kam=office.kam, month=timezone.localdate().replace(day=1))
    assert record.status == RecordStatus.OPEN
    assert list(record.visits.values_list("pk", flat=True)) == [visit.pk]
    # The visit's row (a card, once the record is laid out for phones): the one with its link.
    link = j.page.locator(f'a[href="{reverse("visits:visit_detail", args=[visit.pk])}"]')
    row = j.page.locator("#visits tr, #visits [data-visit]").filter(has=link)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(f"{visit.time_in:%H:%M}–{visit.time_out:%H:%M}")
    expect(row).to_contain_text(str(visit.hours))
    expect(row.locator(".checkin-marks")).to_have_attribute("data-checkin-status", "ok")
    expect(row.locator(".checkin-marks")).to_have_attribute("data-flagged", "0")
    expect(row).to_contain_text(OUTCOME)
    j.seen("month-record")


def _calendar(j: Journey, visit: Visit) -> None:
    page, today = j.page, timezone.localdate()
    j.follow(page.locator("#calendar-link"))
    uid = f"visit-{visit.pk}"
    expect(page.locator(f"li[data-date='{today:%Y-%m-%d}'] [data-uid='{uid}']")).to_have_count(1)
    j.seen("calendar-month")
    j.follow(page.locator("#cal-view-week"))
    expect(page).to_have_url(re.compile(rf"view=week&date={today:%Y-%m-%d}$"))
    expect(page.locator("li.cal-day")).to_have_count(7)
    entry = page.locator(f"li[data-date='{today:%Y-%m-%d}'] li[data-uid='{uid}']")
    expect(entry).to_be_visible()
    expect(entry).to_have_attribute("data-kind", "visit")
    # The plan line is done: the day shows the visit, not the line as well.
    line_uid = f"plan-line-{visit.plan_line_id}"
    expect(page.locator(f"[data-uid='{line_uid}']")).to_have_count(0)
    j.seen("calendar-week")


def test_kam_checks_in_and_records_her_visit(office, device, live_server):
    page, width = device
    j = Journey(page, live_server, width, "kam")
    login(page, live_server, office.kam.username, PASSWORD)
    expect(page).to_have_url(re.compile(re.escape(reverse("home")) + "$"))
    j.seen("home")

    path = _to_checkin_form(j, office)
    print(f"\n[{width} px] the check-in page was reached by: {path}")
    checkin = _check_in(j, office)
    visit = _check_out(j, checkin)
    _record_outcome(j, visit)
    _month_record(j, office, visit)
    _calendar(j, visit)


# The sales manager --------------------------------------------------------------------------


def _open_submitted_record(j: Journey, office: JourneyOffice) -> None:
    j.navbar_link("#inbox-link")
    note = Notification.objects.get(recipient=office.manager, kind="record_submitted")
    assert note.url == reverse("visits:record_detail", args=[office.record.pk])
    button = j.page.locator(f'form[action="{reverse("notification_open", args=[note.pk])}"] button')
    expect(button).to_be_visible()
    j.seen("inbox")
    j.follow(button)
    assert j.page.url.endswith(note.url)
    note.refresh_from_db()
    assert note.read_at is not None
    expect(j.page.locator("#save-review")).to_be_visible()
    j.seen("record")


REVIEWS = [
    (LineReview.AS_PLANNED, ""),
    (LineReview.RESCHEDULED, "客户出差，改期两天，已报备。"),
    (LineReview.MISSED, "未拜访，下月补上。"),
]


def _review(j: Journey, office: JourneyOffice) -> None:
    page = j.page
    for line, (review, note) in zip(office.last_lines, REVIEWS, strict=True):
        page.select_option(f"select[name=review_{line.pk}]", review)
        page.fill(f"input[name=note_{line.pk}]", note)
    j.seen("review-filled")
    j.follow(page.locator("#save-review"))

    record = VisitRecord.objects.get(pk=office.record.pk)
    assert record.status == RecordStatus.REVIEWED and record.reviewed_by == office.manager
    for line, expected in zip(office.last_lines, REVIEWS, strict=True):
        line.refresh_from_db()
        assert (line.review, line.review_note) == expected
    # The page shows the review as saved, still open to her corrections.
    for line, (review, note) in zip(office.last_lines, REVIEWS, strict=True):
        expect(page.locator(f"select[name=review_{line.pk}]")).to_have_value(review)
        expect(page.locator(f"input[name=note_{line.pk}]")).to_have_value(note)
    j.seen("reviewed")


def _spot_check(j: Journey, office: JourneyOffice) -> None:
    page = j.page
    j.menu("visits", "spot-checks")
    check = SpotCheck.objects.get(visit=office.last_visits[0])
    assert check.result == SpotResult.PENDING and check.checker == office.manager
    # One little form per picked visit (the page's rows post through them).
    expect(page.locator("form[id^=check-]")).to_have_count(len(office.checks))
    j.seen("spot-checks")
    contact = office.contacts[0]
    page.select_option(f"select[name=c{check.pk}-result]", SpotResult.CONFIRMED)
    page.select_option(f"select[name=c{check.pk}-called_contact]", str(contact.pk))
    page.fill(f"input[name=c{check.pk}-notes]", "李采购确认5日来访，谈了新主轴试用。")
    j.follow(page.locator(f"button[form=check-{check.pk}]"))

    check.refresh_from_db()
    assert check.result == SpotResult.CONFIRMED and check.called_contact == contact
    assert check.checked_at is not None and check.notes.startswith("李采购确认")
    others = SpotCheck.objects.exclude(pk=check.pk).values_list("result", flat=True)
    assert set(others) == {SpotResult.PENDING}
    expect(page.locator(f"select[name=c{check.pk}-result]")).to_have_value(SpotResult.CONFIRMED)
    j.seen("spot-check-saved")


def test_manager_reviews_the_record_and_spot_checks_a_visit(office, device, live_server):
    page, width = device
    j = Journey(page, live_server, width, "manager")
    login(page, live_server, office.manager.username, PASSWORD)
    j.seen("home")
    _open_submitted_record(j, office)
    _review(j, office)
    _spot_check(j, office)
