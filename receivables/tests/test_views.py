"""Collection actions, reconciliations, the hand-over of receivables, the pages a KAM uses to
record money, and the receivables view with its collection rate and chart."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.urls import reverse
from django.utils import timezone, translation

from accounts import services as account_services
from accounts.models import ArchiveAccess
from kam.roles import Role
from kam.tests.factories import AccountFactory, TeamFactory, UserFactory
from receivables import services
from receivables.models import (
    CollectionAction,
    Invoice,
    Payment,
    Reconciliation,
    ReconciliationStatus,
)
from receivables.selectors.account import balance_on
from receivables.selectors.report import collection_series, periods, scoped_accounts

pytestmark = pytest.mark.django_db

D = Decimal


def zh(msgid: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(msgid)


def invoice(account, number, amount, due_on, issued_on=None):
    return services.invoice_save(
        account=account,
        by=account.owner,
        data={
            "number": number,
            "contract": None,
            "issued_on": issued_on or min(due_on, timezone.localdate()),
            "due_on": due_on,
            "amount": D(amount),
            "notes": "",
        },
    )


def pay(account, amount, on, allocations=None):
    return services.payment_record(
        account=account,
        by=account.owner,
        received_on=on,
        amount=D(amount),
        method="transfer",
        allocations=allocations,
    )


# Collection actions (催讨) -------------------------------------------------------------------


def test_a_promise_is_followed_up_by_the_owner_until_a_later_action():
    account = AccountFactory()
    today = timezone.localdate()
    bill = invoice(account, "F-1", "5000.00", today - dt.timedelta(days=40))
    first = services.collection_record(
        account=account,
        by=account.owner,
        data={
            "acted_on": today,
            "method": "phone",
            "invoice": bill,
            "contact_name": "王会计",
            "result": "月底前付款",
            "promised_on": today + dt.timedelta(days=5),
            "promised_amount": D("5000.00"),
        },
    )
    assert first.follow_up_by == account.owner
    second = services.collection_record(
        account=account,
        by=account.owner,
        data={"acted_on": today, "method": "visit", "result": "上门催收，未见财务"},
    )
    first.refresh_from_db()
    assert (first.follow_up_by, second.follow_up_by) == (None, None)
    assert first.history.count() == 2
    assert CollectionAction.objects.count() == 2


@pytest.mark.parametrize("case", ["future", "promise before", "foreign invoice"])
def test_a_bad_collection_action_changes_nothing(case):
    account = AccountFactory()
    today = timezone.localdate()
    foreign = invoice(AccountFactory(), "F-X", "1.00", today)
    data = {"acted_on": today, "method": "phone", "result": "x"}
    data |= {
        "future": {"acted_on": today + dt.timedelta(days=1)},
        "promise before": {"promised_on": today - dt.timedelta(days=1)},
        "foreign invoice": {"invoice": foreign},
    }[case]
    with pytest.raises(ValidationError):
        services.collection_record(account=account, by=account.owner, data=data)
    assert not CollectionAction.objects.exists()


# Reconciliations (对账) ---------------------------------------------------------------------


@pytest.fixture
def ledger(db):
    """Invoiced 1,000.00 + 500.00 by 31 May; received 300.00 by then; more in June."""
    account = AccountFactory()
    may_31 = dt.date(2026, 5, 31)
    invoice(account, "F-1", "1000.00", dt.date(2026, 5, 30), dt.date(2026, 4, 1))
    invoice(account, "F-2", "500.00", dt.date(2026, 6, 30), dt.date(2026, 5, 20))
    invoice(account, "F-3", "800.00", dt.date(2026, 7, 30), dt.date(2026, 6, 10))
    cancelled = invoice(account, "F-4", "999.00", dt.date(2026, 5, 30), dt.date(2026, 5, 1))
    services.invoice_cancel(invoice=cancelled, by=account.owner, reason="作废")
    pay(account, "300.00", dt.date(2026, 5, 15))
    reversed_ = pay(account, "77.00", dt.date(2026, 5, 16))
    services.payment_reverse(payment=reversed_, by=account.owner, reason="错录")
    pay(account, "200.00", dt.date(2026, 6, 5))
    return account, may_31


def test_our_balance_on_a_statement_date(ledger):
    account, may_31 = ledger
    assert balance_on(account, may_31) == D("1200.00")
    assert balance_on(account, dt.date(2026, 3, 31)) == D("0.00")


def test_a_confirmed_statement_takes_our_figure(ledger):
    account, may_31 = ledger
    rec = services.reconciliation_record(
        account=account,
        by=account.owner,
        data={"statement_date": may_31, "status": "confirmed", "contact_name": "王会计"},
    )
    assert (rec.our_balance, rec.customer_balance, rec.difference) == (
        D("1200.00"),
        D("1200.00"),
        D("0.00"),
    )


def test_a_disputed_statement_keeps_the_difference(ledger):
    account, may_31 = ledger
    rec = services.reconciliation_record(
        account=account,
        by=account.owner,
        data={
            "statement_date": may_31,
            "status": ReconciliationStatus.DISPUTED,
            "customer_balance": D("900.00"),
            "notes": "客户称5月28日已付300元",
        },
    )
    assert rec.difference == D("300.00")
    assert rec.history.get().history_user == account.owner


@pytest.mark.parametrize(
    ("status", "theirs", "notes", "field"),
    [
        ("confirmed", "1199.99", "", "customer_balance"),
        ("disputed", None, "有分歧", "customer_balance"),
        ("disputed", "1200.00", "有分歧", "customer_balance"),
        ("disputed", "900.00", "", "notes"),
    ],
)
def test_a_statement_that_does_not_add_up_changes_nothing(ledger, status, theirs, notes, field):
    account, may_31 = ledger
    with pytest.raises(ValidationError) as error:
        services.reconciliation_record(
            account=account,
            by=account.owner,
            data={
                "statement_date": may_31,
                "status": status,
                "customer_balance": D(theirs) if theirs else None,
                "notes": notes,
            },
        )
    assert field in error.value.message_dict
    assert not Reconciliation.objects.exists()


# Hand-over ------------------------------------------------------------------------------------


def test_hand_over_moves_open_receivables_and_promises():
    team = TeamFactory()
    leaver = UserFactory(role=Role.KAM, team=team)
    heir = UserFactory(role=Role.KAM, team=team)
    account = AccountFactory(owner=leaver)
    today = timezone.localdate()
    open_ = invoice(account, "F-OPEN", "100.00", today - dt.timedelta(days=10))
    paid = invoice(account, "F-PAID", "50.00", today)
    pay(account, "50.00", today, {paid.pk: D("50.00")})
    promise = services.collection_record(
        account=account,
        by=leaver,
        data={
            "acted_on": today,
            "method": "phone",
            "result": "下周付",
            "promised_on": today + dt.timedelta(days=7),
        },
    )
    vp = UserFactory(role=Role.SALES_VP)

    handover = account_services.accounts_hand_over(leaver=leaver, by=vp, default_successor=heir)

    items = set(handover.items.values_list("kind", "object_id", "successor"))
    assert items == {
        ("account", account.pk, heir.pk),
        ("invoice", open_.pk, heir.pk),
        ("promise", promise.pk, heir.pk),
    }
    promise.refresh_from_db()
    assert promise.follow_up_by == heir
    assert promise.by == leaver  # who acted stays on record
    detail = handover.items.get(kind="invoice")
    assert "F-OPEN" in detail.label and "100.00" in detail.label


# Pages ---------------------------------------------------------------------------------------


def test_recording_a_payment_through_the_form(client):
    account = AccountFactory()
    today = timezone.localdate()
    bill = invoice(account, "F-1", "12345.67", today - dt.timedelta(days=45))
    client.force_login(account.owner)
    url = reverse("receivables:payment_new", args=[account.pk])

    too_much = client.post(
        url,
        {
            "received_on": f"{today:%Y-%m-%d}",
            "amount": "20,000.00",
            "method": "transfer",
            f"invoice_{bill.pk}": "12,345.68",
        },
    )
    assert too_much.status_code == 200
    errors = too_much.context["form"].errors[f"invoice_{bill.pk}"]
    assert "12,345.67" in errors[0]
    assert not Payment.objects.exists()

    done = client.post(
        url,
        {
            "received_on": f"{today:%Y-%m-%d}",
            "amount": "¥20,000.00",
            "method": "transfer",
            f"invoice_{bill.pk}": "12,345.67",
        },
        follow=True,
    )
    payment = Payment.objects.get()
    assert (payment.amount, payment.applied) == (D("20000.00"), D("12345.67"))
    body = done.content.decode()
    assert "7,654.33" in body  # the credit, in the message and on the page
    assert re.search(r'id="credit">\s*7,654.33', body)
    assert re.search(r'id="outstanding">\s*0.00', body)


def test_amount_with_three_decimals_is_refused_in_the_users_language(client):
    account = AccountFactory()
    client.force_login(account.owner)
    response = client.post(
        reverse("receivables:payment_new", args=[account.pk]),
        {"received_on": f"{timezone.localdate():%Y-%m-%d}", "amount": "1.005", "method": "cash"},
    )
    assert response.status_code == 200
    message = response.context["form"].errors["amount"][0]
    with translation.override("zh-hans"):
        expected = str(DecimalValidator.messages["max_decimal_places"] % {"max": 2})
    assert message == expected
    assert re.search(r"[\u4e00-\u9fff]", message)  # Chinese, the user's language
    assert not Payment.objects.exists()


def test_receivables_page_logs_the_read_and_shows_aging(client):
    team = TeamFactory()
    account = AccountFactory(owner=UserFactory(role=Role.KAM, team=team))
    today = timezone.localdate()
    invoice(account, "F-OLD", "1000.00", today - dt.timedelta(days=95))
    client.force_login(team.manager)
    response = client.get(reverse("receivables:account", args=[account.pk]))
    body = response.content.decode()
    assert re.search(r'data-bucket="over_90">1,000.00<', body)
    assert zh("Record a payment") not in body  # a reader sees no write buttons
    log = ArchiveAccess.objects.get()
    assert (log.user, log.detail) == (team.manager, "receivables")


def test_archive_page_summarises_receivables_and_shows_them_on_the_timeline(client):
    account = AccountFactory()
    today = timezone.localdate()
    bill = invoice(account, "F-1", "3000.00", today - dt.timedelta(days=5))
    pay(account, "1000.00", today, {bill.pk: D("1000.00")})
    client.force_login(account.owner)
    body = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert re.search(r'id="card-outstanding">2,000.00<', body)
    assert re.search(r'id="card-overdue">2,000.00<', body)
    assert zh("Payment") in body and zh("Invoice") in body
    assert "F-1" in body


# The receivables view -----------------------------------------------------------------------


@pytest.fixture
def company(db):
    east, north = TeamFactory(name="华东组"), TeamFactory(name="华北组")
    kams = [
        UserFactory(role=Role.KAM, team=t, name=f"经理{i}") for i, t in enumerate([east, north])
    ]
    today = timezone.localdate()
    accounts = []
    for n, kam in enumerate(kams):
        account = AccountFactory(owner=kam, name=f"客户{n}有限公司")
        invoice(account, f"F-{n}-old", f"{(n + 1) * 1000}.00", today - dt.timedelta(days=100))
        invoice(account, f"F-{n}-new", "10.00", today + dt.timedelta(days=10))
        accounts.append(account)
    return {"east": east, "north": north, "kams": kams, "accounts": accounts}


@pytest.mark.parametrize(
    ("who", "level", "names"),
    [
        ("vp", "team", ["华北组", "华东组"]),
        ("manager", "kam", ["经理0"]),
        ("kam", "account", ["客户0有限公司"]),
    ],
)
def test_the_view_starts_at_the_users_level(client, company, who, level, names):
    user = {
        "vp": UserFactory(role=Role.SALES_VP),
        "manager": company["east"].manager,
        "kam": company["kams"][0],
    }[who]
    client.force_login(user)
    response = client.get(reverse("receivables:report"))
    assert response.context["level"] == level
    assert [r["name"] for r in response.context["rows"]] == names  # most overdue first
    body = response.content.decode()
    assert "<svg" in body and "<script" not in body.split("<main")[1].split("</main>")[0]


def test_drilling_down_from_team_to_account(client, company):
    client.force_login(UserFactory(role=Role.GM))
    top = client.get(reverse("receivables:report"))
    team_row = next(r for r in top.context["rows"] if r["name"] == "华北组")
    assert team_row["aging"].over_90 == D("2000.00")
    kams = client.get(team_row["href"])
    assert [r["name"] for r in kams.context["rows"]] == ["经理1"]
    accounts = client.get(kams.context["rows"][0]["href"])
    assert [r["name"] for r in accounts.context["rows"]] == ["客户1有限公司"]
    assert accounts.context["rows"][0]["href"] == reverse(
        "receivables:account", args=[company["accounts"][1].pk]
    )
    assert [r["account__name"] for r in accounts.context["top"]] == ["客户1有限公司"]


def test_collection_rate_per_month(time_machine):
    """March: owed 0 at the start, 1,000 invoiced, 400 received → 40%. April: 600 owed at the
    start, 400 invoiced, 500 received → 50%. May: nothing owed beyond 500, nothing paid → 0%."""
    time_machine.move_to(dt.datetime(2026, 5, 20, 12, tzinfo=dt.UTC))
    account = AccountFactory()
    invoice(account, "F-1", "1000.00", dt.date(2026, 4, 10), dt.date(2026, 3, 10))
    invoice(account, "F-2", "400.00", dt.date(2026, 5, 10), dt.date(2026, 4, 10))
    pay(account, "400.00", dt.date(2026, 3, 25))
    pay(account, "500.00", dt.date(2026, 4, 25))
    spans = periods("month", dt.date(2026, 5, 20), 3)
    assert [p.label for p in spans] == ["2026-03", "2026-04", "2026-05"]
    series = collection_series(scoped_accounts(account.owner), spans)
    assert [(c.base, c.collected, c.rate) for c in series] == [
        (D("1000.00"), D("400.00"), D("40.0")),
        (D("1000.00"), D("500.00"), D("50.0")),
        (D("500.00"), D("0.00"), D("0.0")),
    ]


def test_quarters_run_back_from_the_current_one():
    spans = periods("quarter", dt.date(2026, 2, 14), 3)
    assert [(p.label, p.start, p.end) for p in spans] == [
        ("2025Q3", dt.date(2025, 7, 1), dt.date(2025, 10, 1)),
        ("2025Q4", dt.date(2025, 10, 1), dt.date(2026, 1, 1)),
        ("2026Q1", dt.date(2026, 1, 1), dt.date(2026, 4, 1)),
    ]


def test_invoices_total_in_the_view_matches_the_books(client, company):
    client.force_login(UserFactory(role=Role.ADMIN))
    response = client.get(reverse("receivables:report"))
    total = response.context["total"]
    expected = sum(
        (i.amount - i.paid for i in Invoice.objects.filter(is_cancelled=False)), D("0.00")
    )
    assert total.total == expected == D("3020.00")
    assert total.overdue == D("3000.00")
