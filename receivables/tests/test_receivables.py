"""Receivables (§4): aging at the bucket boundaries, partial and multiple payments, the
over-payment rule, Decimal exactness, and validation that changes nothing. On PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import TimelineEntry
from kam import money as money_helpers
from kam.tests.factories import AccountFactory
from receivables import aging, services
from receivables.aging import D1_30, D31_60, D61_90, NOT_DUE, OVER_90
from receivables.models import Contract, Invoice, Payment, PaymentAllocation
from receivables.selectors.account import account_money, with_aging
from receivables.selectors.report import aging_total, scoped_accounts

pytestmark = pytest.mark.django_db

D = Decimal
ON = dt.date(2026, 6, 30)


def invoice(account, number, amount, due_on=None, issued_on=None, contract=None, by=None):
    due_on = due_on or timezone.localdate()
    return services.invoice_save(
        account=account,
        by=by or account.owner,
        data={
            "number": number,
            "contract": contract,
            "issued_on": issued_on or min(due_on, timezone.localdate()),
            "due_on": due_on,
            "amount": D(amount),
            "notes": "",
        },
    )


def pay(account, amount, allocations=None, on=None, by=None):
    return services.payment_record(
        account=account,
        by=by or account.owner,
        received_on=on or timezone.localdate(),
        amount=D(amount),
        method="transfer",
        allocations=allocations,
    )


def balances(*invoices) -> list[Decimal]:
    return [Invoice.objects.get(pk=i.pk).balance for i in invoices]


def snapshot() -> dict:
    """Everything a money write could touch."""
    return {
        "invoices": list(Invoice.objects.values_list("pk", "amount", "paid", "is_cancelled")),
        "payments": list(Payment.objects.values_list("pk", "amount", "applied", "reversed_at")),
        "allocations": list(PaymentAllocation.objects.values_list("pk", "amount", "is_void")),
        "contracts": list(Contract.objects.values_list("pk", "amount", "status")),
        "timeline": TimelineEntry.objects.count(),
        "history": (
            Invoice.history.count(),
            Payment.history.count(),
            PaymentAllocation.history.count(),
        ),
    }


# Aging ------------------------------------------------------------------------------------


BOUNDARIES = [
    (0, NOT_DUE),
    (1, D1_30),
    (30, D1_30),
    (31, D31_60),
    (60, D31_60),
    (61, D61_90),
    (90, D61_90),
    (91, OVER_90),
]


@pytest.mark.parametrize(("days", "bucket"), BOUNDARIES + [(-5, NOT_DUE), (400, OVER_90)])
def test_bucket_of_days_overdue(days, bucket):
    assert aging.bucket_of(days) == bucket


def test_buckets_cover_every_day_once():
    for days in range(-3, 200):
        matches = [
            key
            for key in aging.BUCKET_KEYS
            if _q_matches(aging.bucket_q(key, ON), ON - dt.timedelta(days=days))
        ]
        assert matches == [aging.bucket_of(days)], days


def _q_matches(q, due_on: dt.date) -> bool:
    """Evaluate a bucket's date conditions in Python, to compare with bucket_of."""
    for lookup, value in q.children:
        if lookup.endswith("__gte") and not due_on >= value:
            return False
        if lookup.endswith("__lte") and not due_on <= value:
            return False
    return True


def test_aging_in_the_database_at_every_boundary(time_machine):
    """One invoice due `d` days before today for each boundary day; the database sums put
    each in the bucket the policy's words say (day 0 is not yet due)."""
    time_machine.move_to(dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC))
    account = AccountFactory()
    expected = dict.fromkeys(aging.BUCKET_KEYS, D("0.00"))
    made = []
    for n, (days, bucket) in enumerate(BOUNDARIES):
        amount = D(10**n) + D("0.01")  # distinct digits: a misplaced day shows
        due = ON - dt.timedelta(days=days)
        made.append(
            invoice(account, f"B{days}", amount, due_on=due, issued_on=due - dt.timedelta(days=1))
        )
        expected[bucket] += amount

    money = account_money(account, ON)
    assert money.aging.buckets == expected
    assert money.aging.total == sum(expected.values())
    assert money.aging.overdue == money.aging.total - expected[NOT_DUE]

    total, credit = aging_total(scoped_accounts(account.owner), ON)
    assert total.buckets == expected
    assert credit == D("0.00")

    shown = {i.number: (i.days_overdue, i.bucket) for i in with_aging(made, ON)}
    assert shown == {f"B{days}": (days, bucket) for days, bucket in BOUNDARIES}


def test_aging_moves_with_the_calendar(time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC))
    account = AccountFactory()
    invoice(account, "F-1", "500.00", due_on=dt.date(2026, 6, 1))
    buckets = [
        (dt.date(2026, 6, 1), NOT_DUE),
        (dt.date(2026, 6, 2), D1_30),
        (dt.date(2026, 7, 2), D31_60),
        (dt.date(2026, 8, 1), D61_90),
        (dt.date(2026, 8, 31), OVER_90),
    ]
    for day, bucket in buckets:
        assert account_money(account, day).aging.buckets[bucket] == D("500.00"), day


def test_paid_and_cancelled_invoices_are_not_aged():
    account = AccountFactory()
    today = timezone.localdate()
    paid = invoice(account, "F-1", "100.00", due_on=today - dt.timedelta(days=100))
    cancelled = invoice(account, "F-2", "200.00", due_on=today - dt.timedelta(days=100))
    invoice(account, "F-3", "300.00", due_on=today - dt.timedelta(days=100))
    pay(account, "100.00", {paid.pk: D("100.00")})
    services.invoice_cancel(invoice=cancelled, by=account.owner, reason="开错")
    assert account_money(account, today).aging.buckets[OVER_90] == D("300.00")


# Partial and multiple payments --------------------------------------------------------------


def test_partial_payments_until_paid():
    account = AccountFactory()
    bill = invoice(account, "F-1", "1000.00")
    pay(account, "400.00", {bill.pk: D("400.00")})
    assert balances(bill) == [D("600.00")]
    pay(account, "250.50", {bill.pk: D("250.50")})
    assert balances(bill) == [D("349.50")]
    pay(account, "349.50", {bill.pk: D("349.50")})
    assert balances(bill) == [D("0.00")]
    assert PaymentAllocation.objects.filter(invoice=bill).count() == 3


def test_one_payment_over_several_invoices_as_asked():
    account = AccountFactory()
    a, b, c = (invoice(account, f"F-{n}", "300.00") for n in range(3))
    payment = pay(account, "500.00", {a.pk: D("300.00"), c.pk: D("200.00")})
    assert balances(a, b, c) == [D("0.00"), D("300.00"), D("100.00")]
    assert payment.applied == D("500.00")
    assert payment.credit == D("0.00")
    assert set(payment.allocations.values_list("invoice", "amount")) == {
        (a.pk, D("300.00")),
        (c.pk, D("200.00")),
    }


def test_unspecified_payment_goes_to_the_oldest_due_first():
    account = AccountFactory()
    today = timezone.localdate()
    late = invoice(account, "F-late", "100.00", due_on=today - dt.timedelta(days=40))
    soon = invoice(account, "F-soon", "100.00", due_on=today + dt.timedelta(days=10))
    later = invoice(account, "F-later", "100.00", due_on=today - dt.timedelta(days=5))
    pay(account, "150.00")
    assert balances(late, later, soon) == [D("0.00"), D("50.00"), D("100.00")]


def test_payment_records_history_and_timeline():
    account = AccountFactory()
    bill = invoice(account, "F-1", "1000.00")
    payment = pay(account, "400.00", {bill.pk: D("400.00")})
    assert {row.history_user for row in payment.history.all()} == {account.owner}
    last = Invoice.history.filter(id=bill.pk).order_by("-history_id").first()
    assert (last.paid, last.history_user) == (D("400.00"), account.owner)
    entry = TimelineEntry.objects.filter(account=account, kind="payment").get()
    assert "400.00" in entry.summary and "F-1" in entry.summary
    assert entry.url.endswith(f"#payment-{payment.pk}")


# The over-payment rule -----------------------------------------------------------------------


def test_more_than_an_invoice_balance_is_refused_and_changes_nothing():
    account = AccountFactory()
    bill = invoice(account, "F-1", "100.00")
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        pay(account, "150.00", {bill.pk: D("150.00")})
    assert f"invoice_{bill.pk}" in error.value.message_dict
    assert "100.00" in error.value.message_dict[f"invoice_{bill.pk}"][0]
    assert snapshot() == before


def test_applying_more_than_the_payment_is_refused():
    account = AccountFactory()
    a, b = invoice(account, "F-1", "100.00"), invoice(account, "F-2", "100.00")
    before = snapshot()
    with pytest.raises(ValidationError):
        pay(account, "150.00", {a.pk: D("100.00"), b.pk: D("100.00")})
    assert snapshot() == before


def test_what_the_invoices_do_not_take_is_held_as_credit():
    account = AccountFactory()
    bill = invoice(account, "F-1", "100.00")
    payment = pay(account, "180.00")
    assert balances(bill) == [D("0.00")]
    assert payment.credit == D("80.00")
    money = account_money(account, timezone.localdate())
    assert (money.aging.total, money.credit, money.net) == (D("0.00"), D("80.00"), D("-80.00"))


def test_a_payment_with_no_open_invoice_is_all_credit():
    account = AccountFactory()
    payment = pay(account, "50.00")
    assert (payment.applied, payment.credit) == (D("0.00"), D("50.00"))


def test_credit_is_applied_to_a_later_invoice_oldest_payment_first():
    account = AccountFactory()
    first = pay(account, "30.00", on=timezone.localdate() - dt.timedelta(days=3))
    second = pay(account, "50.00")
    bill = invoice(account, "F-1", "60.00")
    applied = services.credit_apply(account=account, by=account.owner)
    assert applied == D("60.00")
    assert balances(bill) == [D("0.00")]
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.credit, second.credit) == (D("0.00"), D("20.00"))
    assert account_money(account, timezone.localdate()).credit == D("20.00")


def test_applying_more_credit_than_held_is_refused():
    account = AccountFactory()
    pay(account, "30.00")
    bill = invoice(account, "F-1", "100.00")
    before = snapshot()
    with pytest.raises(ValidationError):
        services.credit_apply(account=account, by=account.owner, allocations={bill.pk: D("40")})
    assert snapshot() == before


def test_the_database_refuses_an_overpaid_invoice_whatever_the_code():
    account = AccountFactory()
    bill = invoice(account, "F-1", "100.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=bill.pk).update(paid=D("100.01"))


# Decimal exactness --------------------------------------------------------------------------


def test_many_small_amounts_sum_exactly():
    """A thousand invoices of 0.01 to 0.10 and three hundred payments of a cent: floats would
    drift (0.1 + 0.2 != 0.3); the database and Python sums stay exact to the fen."""
    account = AccountFactory()
    today = timezone.localdate()
    amounts = [D(n % 10 + 1) / 100 for n in range(1000)]
    Invoice.objects.bulk_create(
        Invoice(
            account=account,
            number=f"S-{n:04d}",
            issued_on=today,
            due_on=today,
            amount=amount,
            created_by=account.owner,
        )
        for n, amount in enumerate(amounts)
    )
    expected = sum(amounts, D("0.00"))
    assert expected == D("55.00")
    money = account_money(account, today)
    assert money.aging.total == expected
    assert isinstance(money.aging.total, Decimal)

    other = AccountFactory()
    big = invoice(other, "BIG", "3.00")
    Payment.objects.bulk_create(
        Payment(account=other, received_on=today, amount=D("0.01"), recorded_by=other.owner)
        for _ in range(300)
    )
    assert account_money(other, today).credit == D("3.00")
    applied = services.credit_apply(account=other, by=other.owner)
    assert applied == D("3.00")
    assert balances(big) == [D("0.00")]
    assert account_money(other, today).credit == D("0.00")
    assert PaymentAllocation.objects.filter(invoice=big).count() == 300


def test_tenths_add_up_where_floats_do_not():
    account = AccountFactory()
    bill = invoice(account, "F-1", "0.30")
    pay(account, "0.10", {bill.pk: D("0.10")})
    pay(account, "0.20", {bill.pk: D("0.20")})
    assert 0.1 + 0.2 != 0.3  # what a float would have done
    assert balances(bill) == [D("0.00")]
    assert Invoice.objects.get(pk=bill.pk).paid == D("0.30")


def test_money_text_groups_thousands_with_two_decimals():
    assert money_helpers.money_text(D("1234567.5")) == "1,234,567.50"
    assert money_helpers.money_text(D("-0.05")) == "-0.05"
    assert money_helpers.money_text(D("0")) == "0.00"
    assert money_helpers.money_text(None) == "—"


# Validation changes nothing -----------------------------------------------------------------


def _bad_payments(account, bill):
    future = timezone.localdate() + dt.timedelta(days=1)
    return {
        "zero": lambda: pay(account, "0"),
        "negative": lambda: pay(account, "-5"),
        "three decimals": lambda: pay(account, "1.005"),
        "future": lambda: pay(account, "10", on=future),
        "negative part": lambda: pay(account, "10", {bill.pk: D("-1")}),
        "foreign invoice": lambda: pay(account, "10", {bill.pk + 999: D("1")}),
        "by a reader": lambda: pay(account, "10", by=_manager_of(account)),
    }


def _manager_of(account):
    from kam.tests.factories import TeamFactory

    team = TeamFactory()
    account.owner.team = team
    account.owner.save()
    return team.manager


@pytest.mark.parametrize(
    "case",
    [
        "zero",
        "negative",
        "three decimals",
        "future",
        "negative part",
        "foreign invoice",
        "by a reader",
    ],
)
def test_a_payment_that_fails_validation_changes_nothing(case):
    account = AccountFactory()
    bill = invoice(account, "F-1", "100.00")
    attempt = _bad_payments(account, bill)[case]
    before = snapshot()
    with pytest.raises((ValidationError, PermissionDenied)):
        attempt()
    assert snapshot() == before


def _bad_invoices(account, contract):
    today = timezone.localdate()
    base = {
        "number": "F-NEW",
        "contract": None,
        "issued_on": today,
        "due_on": today,
        "amount": D("10.00"),
        "notes": "",
    }
    return {
        "zero": {**base, "amount": D("0")},
        "three decimals": {**base, "amount": D("1.001")},
        "due before issue": {**base, "due_on": today - dt.timedelta(days=1)},
        "issued in the future": {
            **base,
            "issued_on": today + dt.timedelta(days=1),
            "due_on": today + dt.timedelta(days=2),
        },
        "duplicate number": {**base, "number": "F-1"},
        "beyond the contract": {**base, "contract": contract, "amount": D("950.02")},
    }


@pytest.mark.parametrize(
    "case",
    [
        "zero",
        "three decimals",
        "due before issue",
        "issued in the future",
        "duplicate number",
        "beyond the contract",
    ],
)
def test_an_invoice_that_fails_validation_changes_nothing(case):
    account = AccountFactory()
    today = timezone.localdate()
    contract = services.contract_save(
        account=account,
        by=account.owner,
        data={
            "number": "HT-1",
            "signed_on": today,
            "ends_on": today,
            "amount": D("1000.00"),
            "terms": "",
            "status": "performing",
        },
    )
    invoice(account, "F-1", "49.99", contract=contract)
    data = _bad_invoices(account, contract)[case]
    before = snapshot()
    with pytest.raises(ValidationError):
        services.invoice_save(account=account, by=account.owner, data=data)
    assert snapshot() == before


def test_lowering_an_invoice_below_what_was_paid_is_refused():
    account = AccountFactory()
    bill = invoice(account, "F-1", "100.00")
    pay(account, "60.00", {bill.pk: D("60.00")})
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.invoice_save(
            account=account, by=account.owner, invoice=bill, data={"amount": D("59.99")}
        )
    assert "amount" in error.value.message_dict
    assert snapshot() == before


def test_other_users_may_not_write():
    account = AccountFactory()
    other = AccountFactory().owner
    before = snapshot()
    with pytest.raises(PermissionDenied):
        invoice(account, "F-1", "1.00", by=other)
    assert snapshot() == before


def test_no_float_in_the_money_code():
    """Money is Decimal end to end: no module that computes or shows it uses a float."""
    import importlib
    import pkgutil
    from pathlib import Path

    import receivables
    from kam.templatetags import money as money_filter

    names = [
        m.name
        for m in pkgutil.walk_packages(receivables.__path__, "receivables.")
        if ".tests" not in m.name and ".migrations" not in m.name
    ]
    assert {"receivables.services.payments", "receivables.views.report"} <= set(names)
    modules = [importlib.import_module(name) for name in names]
    for module in (*modules, money_helpers, money_filter):
        source = Path(module.__file__).read_text()
        assert "float(" not in source and "FloatField" not in source, module.__name__
