"""Demo contracts, invoices, payments (prompt, late, partial, never, one over-payment),
collection actions and reconciliations, so the receivables views have something to show.
`--scale` gives every account some."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accounts.models import KeyAccount, TimelineEntry
from accounts.models.archive import Status, Tier
from kam.money import CENT, money_text
from receivables.models import (
    CollectionAction,
    CollectionMethod,
    Contract,
    ContractStatus,
    Invoice,
    Payment,
    PaymentAllocation,
    PaymentMethod,
    Reconciliation,
    ReconciliationStatus,
)

TERMS = (30, 60, 90)
# How an account pays: its share of the demo, and what happens to each invoice.
HABITS = ("prompt", "prompt", "prompt", "late", "prompt", "late", "partial", "prompt", "slow")
RESULTS = [
    "对方财务称本月资金紧张，承诺月底前付款",
    "已联系采购经理，发票已在走审批流程",
    "客户要求先解决质量问题再付款",
    "对方确认欠款金额，答应分两期支付",
    "电话未接通，已发催款函",
]


@dataclass
class Book:
    """Everything generated, kept in memory and written in a few bulk inserts."""

    contracts: list[Contract] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    payments: list[Payment] = field(default_factory=list)
    links: list[tuple[Payment, Invoice, Decimal]] = field(default_factory=list)
    actions: list[CollectionAction] = field(default_factory=list)
    reconciliations: list[Reconciliation] = field(default_factory=list)
    timeline: list[TimelineEntry] = field(default_factory=list)

    def note(self, account, day: dt.date, kind: str, summary: str) -> None:
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
        self.timeline.append(
            TimelineEntry(account=account, at=at, kind=kind, summary=summary, actor=account.owner)
        )


def _yuan(rng, low: int, high: int) -> Decimal:
    """A round-looking amount in yuan with fen, as invoices have."""
    return (Decimal(rng.randint(low, high)) * 100 + Decimal(rng.randint(0, 9999)) / 100).quantize(
        CENT
    )


def _pay(book: Book, rng, invoice: Invoice, day: dt.date, amount: Decimal) -> None:
    method = rng.choice([PaymentMethod.TRANSFER] * 4 + [PaymentMethod.ACCEPTANCE])
    payment = Payment(
        account=invoice.account,
        received_on=day,
        amount=amount,
        applied=amount,
        method=method,
        reference=f"HD{day:%Y%m%d}{rng.randint(1000, 9999)}",
        recorded_by=invoice.account.owner,
    )
    invoice.paid += amount
    book.payments.append(payment)
    book.links.append((payment, invoice, amount))
    book.note(invoice.account, day, "payment", f"¥{money_text(amount)} → {invoice.number}")


def _receivables(book: Book, rng, account: KeyAccount, today: dt.date, seq: list[int]) -> None:
    habit = HABITS[account.pk % len(HABITS)]
    term = TERMS[account.pk % len(TERMS)]
    signed = today - dt.timedelta(days=rng.randint(250, 420))
    seq[0] += 1
    contract = Contract(
        account=account,
        number=f"HT-{signed.year}-{seq[0]:05d}",
        signed_on=signed,
        ends_on=signed + dt.timedelta(days=730),
        amount=_yuan(rng, 6_000, 30_000),
        terms=f"货到验收合格后{term}天内付款；质保期一年。",
        status=ContractStatus.PERFORMING,
        created_by=account.owner,
    )
    book.contracts.append(contract)
    book.note(account, signed, "contract", f"{contract.number} · ¥{money_text(contract.amount)}")
    left = contract.amount
    issued = signed + dt.timedelta(days=rng.randint(10, 40))
    while issued <= today and left > 0:
        amount = min(left, (contract.amount * Decimal(rng.randint(8, 18)) / 100).quantize(CENT))
        if left - amount < contract.amount / 10:
            amount = left  # no crumbs: the last invoice takes the rest
        left -= amount
        seq[1] += 1
        invoice = Invoice(
            account=account,
            contract=contract,
            number=f"FP{issued:%Y}{seq[1]:07d}",
            issued_on=issued,
            due_on=issued + dt.timedelta(days=term),
            amount=amount,
            paid=Decimal("0.00"),
            created_by=account.owner,
        )
        book.invoices.append(invoice)
        book.note(account, issued, "invoice", f"{invoice.number} · ¥{money_text(amount)}")
        _settle(book, rng, invoice, habit, today)
        issued += dt.timedelta(days=rng.randint(25, 50))
    if left == 0:
        contract.status = ContractStatus.COMPLETED


def _settle(book: Book, rng, invoice: Invoice, habit: str, today: dt.date) -> None:
    """Pay (or not) one invoice the way its account pays."""
    due = invoice.due_on
    if habit == "slow" and rng.random() < 0.4:
        return  # never paid
    if habit == "prompt":
        day = due - dt.timedelta(days=rng.randint(0, 10))
    elif habit == "late":
        day = due + dt.timedelta(days=rng.randint(5, 75))
    elif habit == "slow":
        day = due + dt.timedelta(days=rng.randint(30, 120))
    else:  # partial: part near the due date, the rest (maybe) much later
        day = due + dt.timedelta(days=rng.randint(0, 20))
    if day > today:
        return
    if habit != "partial":
        _pay(book, rng, invoice, day, invoice.amount)
        return
    part = (invoice.amount * Decimal(rng.randint(30, 70)) / 100).quantize(CENT)
    _pay(book, rng, invoice, day, part)
    rest_day = day + dt.timedelta(days=rng.randint(30, 90))
    if rest_day <= today:
        _pay(book, rng, invoice, rest_day, invoice.amount - part)


def _chase(book: Book, rng, account: KeyAccount, today: dt.date, invoices) -> None:
    overdue = [i for i in invoices if i.paid < i.amount and i.due_on < today]
    for n, invoice in enumerate(overdue[:3]):
        acted = min(today, invoice.due_on + dt.timedelta(days=rng.randint(3, 30)))
        promise = n == len(overdue[:3]) - 1 and rng.random() < 0.7
        action = CollectionAction(
            account=account,
            invoice=invoice,
            acted_on=acted,
            method=rng.choice(list(CollectionMethod)[:5]),
            contact_name=rng.choice(["财务部王会计", "采购部李经理", "财务总监"]),
            result=rng.choice(RESULTS),
            promised_on=acted + dt.timedelta(days=rng.randint(5, 25)) if promise else None,
            promised_amount=(invoice.amount - invoice.paid) if promise else None,
            by=account.owner,
            follow_up_by=account.owner if promise else None,
        )
        book.actions.append(action)
        book.note(account, acted, "collection", f"{action.get_method_display()} · {action.result}")


def _reconcile(book: Book, account: KeyAccount, day: dt.date, invoices, payments) -> None:
    ours = sum((i.amount for i in invoices if i.issued_on <= day), Decimal(0)) - sum(
        (p.amount for p in payments if p.received_on <= day), Decimal(0)
    )
    disputed = account.pk % 5 == 0 and ours > 0
    theirs = (ours - Decimal("12800.00")) if disputed else ours
    book.reconciliations.append(
        Reconciliation(
            account=account,
            statement_date=day,
            our_balance=ours,
            customer_balance=theirs,
            status=ReconciliationStatus.DISPUTED if disputed else ReconciliationStatus.CONFIRMED,
            contact_name="财务部王会计",
            notes="客户称一笔货款已于月末付出，我方未收到" if disputed else "",
            recorded_by=account.owner,
        )
    )
    book.note(account, day, "reconciliation", f"{day:%Y-%m-%d} · ¥{money_text(ours)}")


def _write(book: Book, with_history: bool) -> None:
    Contract.objects.bulk_create(book.contracts, batch_size=2000)
    for invoice in book.invoices:
        invoice.contract_id = invoice.contract.pk
    Invoice.objects.bulk_create(book.invoices, batch_size=2000)
    Payment.objects.bulk_create(book.payments, batch_size=2000)
    PaymentAllocation.objects.bulk_create(
        [PaymentAllocation(payment=p, invoice=i, amount=a) for p, i, a in book.links],
        batch_size=5000,
    )
    for action in book.actions:
        action.invoice_id = action.invoice.pk
    CollectionAction.objects.bulk_create(book.actions, batch_size=2000)
    Reconciliation.objects.bulk_create(book.reconciliations, batch_size=2000)
    if not with_history:
        return
    now = timezone.now()
    for model, rows in (
        (Contract, book.contracts),
        (Invoice, book.invoices),
        (Payment, book.payments),
        (CollectionAction, book.actions),
        (Reconciliation, book.reconciliations),
    ):
        model.history.bulk_history_create(rows, default_date=now)
    TimelineEntry.objects.bulk_create(book.timeline, batch_size=5000)


def build(ctx) -> None:
    rng, today, book = ctx.rng, timezone.localdate(), Book()
    seq = [0, 0]
    working = list(
        KeyAccount.objects.select_related("owner")
        .exclude(tier=Tier.POTENTIAL)
        .exclude(status=Status.LOST)
        .order_by("pk")
    )
    for n, account in enumerate(working):
        start = len(book.invoices), len(book.payments)
        _receivables(book, rng, account, today, seq)
        invoices, payments = book.invoices[start[0] :], book.payments[start[1] :]
        _chase(book, rng, account, today, invoices)
        if n % 3 == 0:
            _reconcile(book, account, _month_end(today, 1), invoices, payments)
        if n == 2 and invoices:  # one customer paid more than it owed: held as credit
            extra = Payment(
                account=account,
                received_on=today - dt.timedelta(days=5),
                amount=Decimal("8800.00"),
                method=PaymentMethod.TRANSFER,
                reference="HD-PREPAY",
                notes="客户预付下批货款",
                recorded_by=account.owner,
            )
            book.payments.append(extra)
    _write(book, with_history=not ctx.scale)
    ctx.log.append(f"{len(book.invoices)} invoices, {len(book.payments)} payments")


def _month_end(day: dt.date, back: int) -> dt.date:
    """The last day of the month `back` months before `day`'s."""
    first = day.replace(day=1)
    for _ in range(back - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first - dt.timedelta(days=1)
