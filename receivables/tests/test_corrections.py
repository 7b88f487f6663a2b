"""Corrections on receivables: cancelling an invoice (作废), reversing a payment (冲销), and
what a contract allows. Nothing is deleted; each correction is on record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import TimelineEntry
from kam.tests.factories import AccountFactory
from receivables import services
from receivables.models import Invoice, PaymentAllocation
from receivables.selectors.account import account_contracts, account_money, fulfilment
from receivables.tests.test_receivables import balances, invoice, pay

pytestmark = pytest.mark.django_db

D = Decimal


def test_cancelling_an_invoice_returns_its_payments_as_credit():
    account = AccountFactory()
    bill, other = invoice(account, "F-1", "100.00"), invoice(account, "F-2", "100.00")
    payment = pay(account, "150.00", {bill.pk: D("70.00"), other.pk: D("80.00")})
    returned = services.invoice_cancel(invoice=bill, by=account.owner, reason="抬头错")
    assert returned == D("70.00")
    bill.refresh_from_db()
    payment.refresh_from_db()
    assert (bill.is_cancelled, bill.paid, bill.cancel_reason) == (True, D("0.00"), "抬头错")
    assert (payment.applied, payment.credit) == (D("80.00"), D("70.00"))
    assert Invoice.objects.filter(pk=bill.pk).exists()  # never deleted
    assert PaymentAllocation.objects.get(invoice=bill).is_void


def test_reversing_a_payment_reopens_its_invoices():
    account = AccountFactory()
    bill = invoice(account, "F-1", "100.00")
    payment = pay(account, "130.00")
    services.payment_reverse(payment=payment, by=account.owner, reason="重复录入")
    payment.refresh_from_db()
    assert payment.reversed_at is not None and payment.reversed_by == account.owner
    assert (payment.applied, payment.credit) == (D("0.00"), D("0.00"))
    assert balances(bill) == [D("100.00")]
    money = account_money(account, timezone.localdate())
    assert (money.aging.total, money.credit) == (D("100.00"), D("0.00"))
    with pytest.raises(ValidationError):
        services.payment_reverse(payment=payment, by=account.owner, reason="again")


def test_contract_fulfilment_and_its_limits():
    account = AccountFactory()
    today = timezone.localdate()
    contract = services.contract_save(
        account=account,
        by=account.owner,
        data={
            "number": "HT-1",
            "signed_on": today,
            "ends_on": today + dt.timedelta(days=365),
            "amount": D("1000.00"),
            "terms": "",
            "status": "performing",
        },
    )
    a = invoice(account, "F-1", "400.00", contract=contract)
    invoice(account, "F-2", "350.00", contract=contract)
    pay(account, "300.00", {a.pk: D("300.00")})
    row = account_contracts(account).get()
    assert (row.invoiced, row.collected) == (D("750.00"), D("300.00"))
    assert fulfilment(row) == {"invoiced": D("75.0"), "collected": D("30.0")}
    with pytest.raises(ValidationError):
        services.contract_save(
            account=account, by=account.owner, contract=contract, data={"amount": D("749.99")}
        )
    services.contract_save(
        account=account, by=account.owner, contract=contract, data={"status": "terminated"}
    )
    with pytest.raises(ValidationError):
        invoice(account, "F-3", "1.00", contract=contract)
    entry = TimelineEntry.objects.filter(account=account, kind="contract_status").get()
    assert "HT-1" in entry.summary
