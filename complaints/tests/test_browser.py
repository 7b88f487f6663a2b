"""A KAM's complaint on the archive page and in the overdue list, in real Chromium."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from complaints import services
from complaints.models import Channel, Severity
from kam.roles import Role
from kam.tests.browser import login, screenshot
from kam.tests.factories import PASSWORD, AccountFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kam_sees_an_overdue_complaint_on_the_archive_and_in_the_list(browser_page, live_server):
    page = browser_page
    today = timezone.localdate()
    kam = UserFactory(username="chenjing", name="陈静", role=Role.KAM, team=TeamFactory())
    account = AccountFactory(owner=kam, name="无锡恒达精密机械有限公司")
    complaint = services.complaint_create(
        account=account,
        by=kam,
        data={
            "received_on": today - dt.timedelta(days=5),
            "channel": Channel.PHONE,
            "subject": "交货延迟三天",
            "content": "客户产线等料",
            "severity": Severity.SERIOUS,
            "handler": kam,
        },
    )

    login(page, live_server, "chenjing", PASSWORD)
    # The archive's receivables and complaints tab (templates/accounts/detail.html).
    page.goto(live_server.url + reverse("accounts:detail", args=[account.pk]) + "#dealings")
    card = page.locator("#complaints-card")
    expect(
        card.locator(f"a[href='{reverse('complaints:account', args=[account.pk])}']")
    ).to_be_visible()
    screenshot(page, "complaints_archive_card")
    page.goto(live_server.url + reverse("complaints:list"))
    expect(page.locator("#complaints")).to_contain_text("交货延迟三天")
    expect(
        page.locator(f"a[href='{reverse('complaints:detail', args=[account.pk, complaint.pk])}']")
    ).to_be_visible()
    screenshot(page, "complaints_overdue")
