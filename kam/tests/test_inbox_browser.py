"""A KAM with an unread reminder sees the count in the page header, opens the inbox and follows
the reminder to what it is about (real Chromium)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from kam.models import Notification
from kam.roles import Role
from kam.tests.browser import login, screenshot
from kam.tests.factories import PASSWORD, AccountFactory, TeamFactory, UserFactory
from receivables.models import Invoice
from receivables.reminders import receivable_reminders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kam_follows_an_overdue_invoice_reminder_from_the_header(browser_page, live_server):
    page = browser_page
    today = timezone.localdate()
    kam = UserFactory(username="chenjing", name="陈静", role=Role.KAM, team=TeamFactory())
    account = AccountFactory(owner=kam, name="无锡恒达精密机械有限公司")
    invoice = Invoice.objects.create(
        account=account,
        number="FP-0042",
        issued_on=today - dt.timedelta(days=31),
        due_on=today - dt.timedelta(days=1),
        amount=Decimal("12000.00"),
        created_by=kam,
    )
    assert receivable_reminders(today) == 1
    note = Notification.objects.get(recipient=kam)

    login(page, live_server, "chenjing", PASSWORD)
    expect(page.locator("#unread-count")).to_have_text("1")
    page.locator("#inbox-link").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("inbox")) + r"$"))
    reminder = page.locator("main").get_by_role("button", name=note.title)
    expect(reminder).to_be_visible()
    screenshot(page, "inbox-reminder")
    with page.expect_navigation():
        reminder.click()
    target = reverse("receivables:account", args=[account.pk])
    expect(page).to_have_url(re.compile(re.escape(target) + f"#invoice-{invoice.pk}$"))
    expect(page.locator(f"#invoice-{invoice.pk}")).to_contain_text("FP-0042")
    # Read now: the header no longer counts it.
    expect(page.locator("#unread-count")).to_have_count(0)
    note.refresh_from_db()
    assert note.read_at is not None
