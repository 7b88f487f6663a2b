"""Reminders about money (§4, §7): unpaid invoices as they pass each aging bucket."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from kam.models import Notification
from kam.tests.factories import AccountFactory
from receivables.models import Invoice
from receivables.reminders import MILESTONES, receivable_reminders

pytestmark = pytest.mark.django_db

D = dt.date
DUE = D(2026, 9, 30)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def invoice(account, number: str, due_on=DUE, amount="1000.00", **kw) -> Invoice:
    return Invoice.objects.create(
        account=account,
        number=number,
        issued_on=due_on - dt.timedelta(days=30),
        due_on=due_on,
        amount=Decimal(amount),
        created_by=account.owner,
        **kw,
    )


def sent(kind: str) -> set[tuple[int, str]]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", "key"))


def test_milestones_are_the_first_days_of_the_aging_buckets():
    assert MILESTONES == (1, 31, 61, 91)


@pytest.mark.parametrize(
    ("today", "to_owner", "to_manager"),
    [
        (DUE, False, False),  # due today: not overdue yet
        (DUE + dt.timedelta(days=1), True, False),
        (DUE + dt.timedelta(days=2), False, False),
        (DUE + dt.timedelta(days=30), False, False),
        (DUE + dt.timedelta(days=31), True, False),
        (DUE + dt.timedelta(days=32), False, False),
        (DUE + dt.timedelta(days=60), False, False),
        (DUE + dt.timedelta(days=61), True, True),  # 61–90: her sales manager hears too
        (DUE + dt.timedelta(days=62), False, False),
        (DUE + dt.timedelta(days=91), True, True),
        (DUE + dt.timedelta(days=92), False, False),
        (DUE + dt.timedelta(days=121), False, False),  # no milestone past 91
    ],
)
def test_an_invoice_is_reminded_on_each_milestone_day_only(cast, today, to_owner, to_manager):
    bill = invoice(cast.account, "FP-001")
    key = f"receivable_overdue:{cast.account.pk}:{today}"
    expected = {(cast.owner.pk, key)} if to_owner else set()
    if to_manager:
        expected.add((cast.manager.pk, key))
    assert receivable_reminders(today) == len(expected)
    assert sent("receivable_overdue") == expected
    if to_owner:
        note = Notification.objects.get(recipient=cast.owner)
        assert note.title == f"{cast.account.name}: 1 invoice overdue, 1,000.00 yuan"
        days = (today - DUE).days
        unit = "day" if days == 1 else "days"
        assert note.body == f"FP-001: 1,000.00 yuan, due 2026-09-30, {days} {unit} overdue"
        assert note.due_on == DUE  # the inbox words it on the day it is read
        url = reverse("receivables:account", args=[cast.account.pk])
        assert note.url == f"{url}#invoice-{bill.pk}"
    assert receivable_reminders(today) == 0


def test_invoices_of_one_account_come_in_one_reminder_and_accounts_apart(cast):
    today = DUE + dt.timedelta(days=31)
    invoice(cast.account, "FP-A1", amount="300.00")
    invoice(cast.account, "FP-A2", due_on=today - dt.timedelta(days=1), amount="200.50")
    invoice(cast.account, "FP-A3", due_on=today - dt.timedelta(days=5))  # between milestones
    other = AccountFactory(owner=cast.owner)
    invoice(other, "FP-B1")
    assert receivable_reminders(today) == 2
    note = Notification.objects.get(recipient=cast.owner, key__contains=f":{cast.account.pk}:")
    assert note.title == f"{cast.account.name}: 2 invoices overdue, 500.50 yuan"
    assert note.body.splitlines() == [
        "FP-A1: 300.00 yuan, due 2026-09-30, 31 days overdue",
        "FP-A2: 200.50 yuan, due 2026-10-30, 1 day overdue",
    ]
    assert not Notification.objects.exclude(recipient=cast.owner).exists()


def test_paid_cancelled_and_archived_invoices_are_not_reminded(cast):
    invoice(cast.account, "FP-PAID", paid=Decimal("1000.00"))
    invoice(cast.account, "FP-VOID", is_cancelled=True)
    invoice(AccountFactory(owner=cast.owner, is_archived=True), "FP-ARCH")
    part = invoice(cast.account, "FP-PART", paid=Decimal("400.00"))
    assert receivable_reminders(DUE + dt.timedelta(days=1)) == 1
    note = Notification.objects.get()
    assert note.body.startswith(f"{part.number}: 600.00 yuan")


def test_a_leavers_invoices_still_reach_her_manager(cast):
    invoice(cast.account, "FP-001")
    cast.owner.is_active = False
    cast.owner.save()
    assert receivable_reminders(DUE + dt.timedelta(days=61)) == 1
    assert {r for r, _k in sent("receivable_overdue")} == {cast.manager.pk}
