"""The road pages on a phone (SPEC §8, issue 11): at 390 × 844 nothing scrolls sideways, every
control is a fingertip's size, and what the KAM and her manager do there is saved. Each page
is also kept as a picture at 1440 × 900 and 390 × 844 under screenshots/.

One demo company per test (kam/tests/demo_day.py): the pages show real amounts of data.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Contact
from kam.tests.browser import login
from kam.tests.demo_day import PASSWORD, demo_day
from kam.tests.phone import assert_fits_width, shot, small_targets
from visits.models import PlanLine, SpotCheck, Visit, VisitPlan
from visits.models.records import RecordStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day(live_server):
    with demo_day() as data:
        yield data


def check_page(narrow, wide, url: str, name: str) -> None:
    """The page at both widths: fits the phone, big enough targets, pictures of both."""
    for page in (narrow, wide):
        page.goto(url)
        expect(page.locator("main h1")).to_be_visible()
        assert_fits_width(page)
        shot(page, name)
    assert small_targets(narrow) == [], f"{name}: targets under 44 px on a phone"


def sign_in(narrow, wide, live_server, user) -> None:
    for page in (narrow, wide):
        login(page, live_server, user.username, PASSWORD)


def test_kam_on_the_road(narrow_page, wide_page, live_server, day):
    page = narrow_page
    sign_in(page, wide_page, live_server, day.kam)
    url = live_server.url

    # Next month's plan, edited on the phone: a line gets another date, an account is added.
    check_page(page, wide_page, url + reverse("visits:plan_detail", args=[day.plan.pk]), "plan")
    before = set(day.plan.lines.values_list("pk", flat=True))
    page.goto(url + reverse("visits:plan_detail", args=[day.plan.pk]))
    rows = page.locator("#plan-rows tr.plan-row")
    count = rows.count()
    page.locator(f"[data-add-account='{day.account.pk}']").click()
    expect(rows).to_have_count(count + 1)
    added = rows.nth(count)
    added.locator("[data-role=date]").fill("2026-12-09")
    if not added.locator("input[value=relationship]").is_checked():
        added.locator("input[value=relationship] + label").click()
    # The editor lists her own obligations first: the moved line is whichever comes first.
    moved = int(rows.nth(0).locator("input[name$='-id']").input_value())
    assert PlanLine.objects.get(pk=moved).planned_on != dt.date(2026, 12, 16)
    rows.nth(0).locator("[data-role=date]").fill("2026-12-16")
    assert_fits_width(page)
    shot(page, "plan-editing")
    page.locator("#save-plan").click()
    expect(page.locator(".alert-success")).to_be_visible()
    lines = PlanLine.objects.filter(plan=day.plan, is_cancelled=False)
    new = lines.exclude(pk__in=before).get()
    assert (new.account_id, new.planned_on) == (day.account.pk, dt.date(2026, 12, 9))
    assert lines.get(pk=moved).planned_on == dt.date(2026, 12, 16)

    # This month's approved plan, read on the road.
    current = VisitPlan.objects.get(kam=day.kam, month=dt.date(2026, 11, 1))
    check_page(page, wide_page, url + reverse("visits:plan_detail", args=[current.pk]), "plan-read")
    expect(page.locator("#plan-lines tbody tr").first).to_be_visible()

    # The account's summary and its contacts: each number a tap to call.
    archive = url + reverse("accounts:detail", args=[day.account.pk])
    check_page(page, wide_page, archive, "archive")
    page.locator("#archive-nav a[href='#contacts']").click()
    expect(page.locator("#contacts")).to_be_visible()
    expect(page.locator("#overview")).to_be_hidden()
    phones = Contact.objects.filter(account=day.account).exclude(phone="").count()
    expect(page.locator("#contacts a[href^='tel:']")).to_have_count(phones)
    assert small_targets(page) == []
    wide_page.goto(archive)
    for section in ("contacts", "timeline", "reports", "dealings", "history"):
        for each in (page, wide_page):
            each.locator(f"#archive-nav a[href='#{section}']").click()
            expect(each.locator(f"#{section}")).to_be_visible()
            assert_fits_width(each)
            shot(each, f"archive-{section}")

    # A visit recorded on the phone, then the month's record as cards.
    check_page(page, wide_page, url + reverse("visits:visit_new"), "visit-pick")
    form = url + reverse("visits:visit_new") + f"?account={day.account.pk}"
    check_page(page, wide_page, form, "visit-form")
    page.goto(form)
    page.fill("#id_time_in", "09:30")
    page.fill("#id_time_out", "11:00")
    page.locator("#id_contacts_0").check()
    page.fill("#id_outcome", "手机上登记：客户确认下月订单")
    page.locator("#visit-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    visit = Visit.objects.get(outcome="手机上登记：客户确认下月订单")
    assert (visit.account_id, visit.visitor_id, str(visit.hours)) == (
        day.account.pk,
        day.kam.pk,
        "1.5",
    )
    record = url + reverse("visits:my_record")
    check_page(page, wide_page, record, "record")
    card = page.locator("#visits tbody tr", has_text="手机上登记")
    expect(card).to_be_visible()
    # A card, not a table row: its cells are stacked, each under the row's full width.
    cells = card.locator("td").all()
    assert {round(c.bounding_box()["x"]) for c in cells if c.is_visible()} == {
        round(cells[0].bounding_box()["x"])
    }
    check_page(page, wide_page, url + reverse("visits:visit_detail", args=[visit.pk]), "visit")
    check_page(page, wide_page, url + reverse("inbox") + "?show=all", "inbox")


def test_manager_reviews_and_spot_checks_on_the_phone(narrow_page, wide_page, live_server, day):
    page = narrow_page
    assert day.record is not None, "the demo has an October record waiting for review"
    sign_in(page, wide_page, live_server, day.manager)
    url = live_server.url

    review = url + reverse("visits:record_detail", args=[day.record.pk])
    check_page(page, wide_page, review, "record-review")
    page.goto(review)
    for select in page.locator("#plan-review select").all():
        select.select_option(index=1)
    page.locator("#save-review").click()
    expect(page.locator(".alert-success")).to_be_visible()
    day.record.refresh_from_db()
    assert day.record.status == RecordStatus.REVIEWED

    checks = url + reverse("visits:spot_checks") + "?month=2026-10"
    check_page(page, wide_page, checks, "spot-checks")
    page.goto(checks)
    check = SpotCheck.objects.filter(checker=day.manager, month=dt.date(2026, 10, 1)).first()
    row = page.locator(f"#check-row-{check.pk}")
    phones = Contact.objects.filter(account=check.visit.account, is_active=True).exclude(phone="")
    expect(row.locator("a[href^='tel:']")).to_have_count(phones.count())
    row.locator("select[name$=result]").select_option("confirmed")
    row.locator("select[name$=called_contact]").select_option(str(phones.first().pk))
    row.locator("input[name$=notes]").fill("手机上回访：客户确认")
    row.locator("button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    check.refresh_from_db()
    assert (check.result, check.called_contact_id, check.notes) == (
        "confirmed",
        phones.first().pk,
        "手机上回访：客户确认",
    )
    assert_fits_width(page)
