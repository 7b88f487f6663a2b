"""The move out of accounts keeps every row: the database is taken back to the layout before
the move (accounts 0004, the models still in accounts), rows of every moved kind are written
through that layout's models, and the migrations forward find them all through the new apps'
models, foreign keys and content types included. scripts/check-forward-migration does the same
on a database made by the old code's demo_data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps as current
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Sum

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("accounts", "0004_receivables_complaints"), ("receivables", None), ("complaints", None)]
D = Decimal
DAY = dt.date(2026, 3, 2)


def _migrate(targets):
    """Migrate to `targets`; the state then, whose models are those of that layout."""
    return MigrationExecutor(connection).migrate(targets)


def _write_old_rows(old) -> dict:
    """A little of everything, through the old layout's models (accounts.Invoice…)."""
    user = old.get_model("kam", "User").objects.create(username="move-kam", role="kam")
    account = old.get_model("accounts", "KeyAccount").objects.create(name="迁移客户", owner=user)

    def model(name: str):
        return old.get_model("accounts", name)

    contract = model("Contract").objects.create(
        account=account, number="HT-M", signed_on=DAY, ends_on=DAY, amount=D("900.00"),
        created_by=user,
    )  # fmt: skip
    invoices = [
        model("Invoice").objects.create(
            account=account,
            contract=contract,
            number=f"FP-M{i}",
            issued_on=DAY,
            due_on=DAY,
            amount=amount,
            paid=paid,
            created_by=user,
        )  # fmt: skip
        for i, (amount, paid) in enumerate([(D("500.00"), D("200.00")), (D("400.00"), D("0"))])
    ]
    payment = model("Payment").objects.create(
        account=account, received_on=DAY, amount=D("250.50"), applied=D("200.00"),
        recorded_by=user,
    )  # fmt: skip
    model("PaymentAllocation").objects.create(
        payment=payment, invoice=invoices[0], amount=D("200.00")
    )
    model("CollectionAction").objects.create(
        account=account, invoice=invoices[1], acted_on=DAY, method="phone", result="答应付款",
        promised_on=DAY, promised_amount=D("400.00"), by=user, follow_up_by=user,
    )  # fmt: skip
    model("Reconciliation").objects.create(
        account=account, statement_date=DAY, our_balance=D("649.50"),
        customer_balance=D("649.50"), status="confirmed", recorded_by=user,
    )  # fmt: skip
    model("Complaint").objects.create(
        account=account, received_on=DAY, channel="phone", subject="交货延迟", content="x",
        severity="minor", handler=user, due_on=DAY, created_by=user,
    )  # fmt: skip
    model("HistoricalInvoice").objects.create(
        id=invoices[0].pk, number="FP-M0", issued_on=DAY, due_on=DAY, amount=D("500.00"),
        paid=D("0"), created_at=invoices[0].created_at, history_date=invoices[0].created_at,
        history_type="+", account=account, contract=contract, created_by=user,
    )  # fmt: skip
    invoice_type = old.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="accounts", model="invoice"
    )[0]
    return {"account": account.pk, "invoice_type": invoice_type.pk}


def _counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in (
            "contract", "invoice", "payment", "paymentallocation", "collectionaction",
            "reconciliation", "complaint", "complaintdeadline", "historicalinvoice",
        ):  # fmt: skip
            cursor.execute(f"SELECT COUNT(*) FROM accounts_{table}")
            counts[table] = cursor.fetchone()[0]
        return counts


def test_rows_written_before_the_move_are_read_after_it():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE).apps
        written = _write_old_rows(old)
        before = _counts()
    finally:
        _migrate(latest)
    assert _counts() == before
    assert before["invoice"] == 2 and before["complaint"] == 1

    invoice = current.get_model("receivables", "Invoice")
    payment = current.get_model("receivables", "Payment")
    allocation = current.get_model("receivables", "PaymentAllocation")
    action = current.get_model("receivables", "CollectionAction")
    complaint = current.get_model("complaints", "Complaint")
    mine = invoice.objects.filter(account_id=written["account"])
    assert mine.aggregate(t=Sum("amount"), p=Sum("paid")) == {"t": D("900.00"), "p": D("200.00")}
    assert payment.objects.get(account_id=written["account"]).credit == D("50.50")
    link = allocation.objects.select_related("invoice__contract", "payment").get()
    assert (link.invoice.number, link.invoice.contract.number) == ("FP-M0", "HT-M")
    assert link.payment.amount == D("250.50")
    assert action.objects.get().invoice.number == "FP-M1"
    assert complaint.objects.get().account.name == "迁移客户"
    assert mine.get(number="FP-M0").history.get().history_type == "+"

    ContentType.objects.clear_cache()
    moved = ContentType.objects.get_for_model(invoice)
    assert (moved.pk, moved.app_label) == (written["invoice_type"], "receivables")
    assert not ContentType.objects.filter(app_label="accounts", model="invoice").exists()
