"""A KAM records a payment in real Chromium and sees the balance and the aging change."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from playwright.sync_api import expect

from kam.roles import Role
from kam.tests.browser import login, screenshot
from kam.tests.factories import PASSWORD, AccountFactory, TeamFactory, UserFactory
from receivables import services
from receivables.forms import OVERPAYMENT_HELP
from receivables.models import Payment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def zh(text: str, **params) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text) % params if params else translation.gettext(text)


def test_kam_records_a_payment_and_sees_balance_and_aging_change(browser_page, live_server):
    page = browser_page
    today = timezone.localdate()
    team = TeamFactory(name="华东组")
    kam = UserFactory(username="chenjing", name="陈静", role=Role.KAM, team=team)
    account = AccountFactory(owner=kam, name="无锡恒达精密机械有限公司")
    late, fresh = (
        services.invoice_save(
            account=account,
            by=kam,
            data={
                "number": number,
                "contract": None,
                "issued_on": today - dt.timedelta(days=days + 30),
                "due_on": today - dt.timedelta(days=days),
                "amount": Decimal(amount),
                "notes": "",
            },
        )
        for number, days, amount in (("FP-0001", 40, "10000.00"), ("FP-0002", -20, "5000.00"))
    )
    login(page, live_server, "chenjing", PASSWORD)
    url = live_server.url + reverse("receivables:account", args=[account.pk])
    page.goto(url)
    aging = page.locator("#aging-table tbody")
    expect(aging.locator("[data-bucket=not_due]")).to_have_text("5,000.00")
    expect(aging.locator("[data-bucket=d31_60]")).to_have_text("10,000.00")
    expect(page.locator("#outstanding")).to_have_text("15,000.00")
    expect(page.locator("#overdue")).to_have_text("10,000.00")
    expect(page.locator(f"#invoice-{late.pk} .aging")).to_contain_text(zh("31–60 days"))
    screenshot(page, "receivables_account_before")

    # Too much on one invoice: refused, explained, nothing recorded.
    page.locator("#record-payment").click()
    page.fill("#id_amount", "12,000.00")
    page.fill(f"#id_invoice_{late.pk}", "10,000.01")
    page.locator("#allocation-form button[type=submit]").click()
    expect(page.locator("#allocation-form")).to_contain_text(
        zh(
            "Invoice %(number)s has only ¥%(balance)s outstanding; no more can be applied to it.",
            number="FP-0001",
            balance="10,000.00",
        )
    )
    with translation.override("zh-hans"):  # the over-payment rule, told before it applies
        expect(page.locator("#allocation-help")).to_have_text(str(OVERPAYMENT_HELP))
    screenshot(page, "receivables_payment_refused")
    assert not Payment.objects.exists()

    # The overdue invoice in full, part of the new one; the rest is held as credit.
    page.fill(f"#id_invoice_{late.pk}", "10,000.00")
    page.fill(f"#id_invoice_{fresh.pk}", "1,500.00")
    page.locator("#allocation-form button[type=submit]").click()
    expect(page).to_have_url(url)
    expect(page.locator(".alert-success")).to_contain_text("500.00")
    expect(aging.locator("[data-bucket=d31_60]")).to_have_text("0.00")
    expect(aging.locator("[data-bucket=not_due]")).to_have_text("3,500.00")
    expect(page.locator("#outstanding")).to_have_text("3,500.00")
    expect(page.locator("#overdue")).to_have_text("0.00")
    expect(page.locator("#credit")).to_have_text("500.00")
    expect(page.locator(f"#invoice-{late.pk} .balance")).to_have_text("0.00")
    expect(page.locator(f"#invoice-{fresh.pk} .balance")).to_have_text("3,500.00")
    expect(page.locator("#payments tbody tr")).to_have_count(1)
    screenshot(page, "receivables_account_after")

    payment = Payment.objects.get()
    assert (payment.amount, payment.applied) == (Decimal("12000.00"), Decimal("11500.00"))

    # The archive page and the views a KAM uses, kept for a look at the layout.
    # The archive's receivables and complaints tab (templates/accounts/detail.html).
    page.goto(live_server.url + reverse("accounts:detail", args=[account.pk]) + "#dealings")
    expect(page.locator("#card-outstanding")).to_have_text("3,500.00")
    expect(page.locator(".timeline")).to_contain_text("FP-0001")
    screenshot(page, "receivables_archive_card")
    page.goto(live_server.url + reverse("receivables:report"))
    expect(page.locator("#aging-chart")).to_be_visible()
    expect(page.locator("#total-outstanding")).to_have_text("3,500.00")
    screenshot(page, "receivables_view_kam")
