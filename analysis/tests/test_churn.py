"""Each churn reason switches on at its threshold and off just below it."""

import datetime as dt
from decimal import Decimal

import pytest

from accounts.models import KeyAccount
from accounts.models.archive import ContactLevel, Status
from analysis import churn
from analysis.models import ChurnWeight, Reason
from complaints.models import Complaint
from kam.tests.factories import AccountFactory, ContactFactory, UserFactory
from receivables.models import Invoice
from visits.models import Visit
from visits.models.choices import VisitKind

pytestmark = pytest.mark.django_db
SEQ = [0]  # invoice numbers

TODAY = dt.date(2026, 6, 15)
REASONS = [r.value for r in Reason]


@pytest.fixture
def account():
    """An account with nothing wrong: a recent owner visit that met the decision maker."""
    account = AccountFactory()
    boss = ContactFactory(account=account, level=ContactLevel.DECISION_MAKER)
    _visit(account, TODAY - dt.timedelta(days=3), contacts=[boss])
    return account


def _visit(account, day, *, contacts=(), visitor=None, kind=VisitKind.VISIT, cancelled=False):
    visitor = visitor or account.owner
    visit = Visit.objects.create(
        account=account,
        visitor=visitor,
        visitor_role=visitor.role,
        kind=kind,
        visited_on=day,
        is_cancelled=cancelled,
    )
    visit.contacts.set(contacts)
    return visit


def _invoice(account, issued, amount, *, due=None, paid=Decimal(0)):
    SEQ[0] += 1
    return Invoice.objects.create(
        account=account,
        number=f"T{SEQ[0]:06d}",
        issued_on=issued,
        due_on=due or issued,
        amount=Decimal(amount),
        paid=paid,
        created_by=account.owner,
    )


def _complaint(account, received, due, status="open"):
    extra = {}
    if status != "open":
        extra = {"resolution": "已处理", "resolved_on": due}
    return Complaint.objects.create(
        account=account,
        received_on=received,
        channel="phone",
        subject="质量问题",
        content="内容",
        severity="ordinary",
        handler=account.owner,
        due_on=due,
        status=status,
        created_by=account.owner,
        **extra,
    )


def reasons(account, today=TODAY) -> set[str]:
    row = churn.at_risk(KeyAccount.objects.filter(pk=account.pk), today, churn.weights()).first()
    if row is None:
        return set()
    return {r for r in REASONS if getattr(row, f"r_{r}")}


def test_a_healthy_account_is_not_listed(account):
    assert reasons(account) == set()


def test_weights_are_seeded():
    assert dict(ChurnWeight.objects.values_list("reason", "weight")) == {
        r: w for r, (_t, w) in churn.DEFAULTS.items()
    }


@pytest.mark.parametrize(("now", "on"), [(700, True), (701, False)])
def test_revenue_drop_at_30_percent(account, now, on):
    year_ago = churn.year_before(TODAY)
    _invoice(account, year_ago - dt.timedelta(days=10), 1000, paid=Decimal(1000))
    _invoice(account, TODAY - dt.timedelta(days=10), now, paid=Decimal(now))
    assert (Reason.REVENUE_DROP in reasons(account)) is on


def test_revenue_drop_needs_revenue_last_year(account):
    _invoice(account, TODAY - dt.timedelta(days=200), 1000, paid=Decimal(1000))  # outside
    assert reasons(account) == set()


def test_cancelled_invoices_do_not_count(account):
    year_ago = churn.year_before(TODAY)
    _invoice(account, year_ago - dt.timedelta(days=10), 1000, paid=Decimal(1000))
    _invoice(account, TODAY - dt.timedelta(days=10), 1000, paid=Decimal(1000))
    assert reasons(account) == set()
    Invoice.objects.filter(issued_on__gt=year_ago).update(paid=0, is_cancelled=True)
    assert reasons(account) == {Reason.REVENUE_DROP}


@pytest.mark.parametrize(("days", "on"), [(60, True), (59, False)])
def test_receivables_overdue_at_60_days(account, days, on):
    due = TODAY - dt.timedelta(days=days)
    _invoice(account, due - dt.timedelta(days=30), 500, due=due, paid=Decimal(100))
    assert (Reason.RECEIVABLES_OVERDUE in reasons(account)) is on


def test_paid_invoice_is_not_overdue(account):
    due = TODAY - dt.timedelta(days=200)
    _invoice(account, due, 500, due=due, paid=Decimal(500))
    assert Reason.RECEIVABLES_OVERDUE not in reasons(account)


@pytest.mark.parametrize(("days", "on"), [(45, True), (44, False)])
def test_visits_missed_after_45_days(days, on):
    account = AccountFactory()
    boss = ContactFactory(account=account, level=ContactLevel.DECISION_MAKER)
    _visit(account, TODAY - dt.timedelta(days=days), contacts=[boss])
    assert (Reason.VISITS_MISSED in reasons(account)) is on


def test_only_the_owners_real_visits_count():
    account = AccountFactory()
    boss = ContactFactory(account=account, level=ContactLevel.DECISION_MAKER)
    _visit(account, TODAY, contacts=[boss], visitor=UserFactory(role="sales_manager"))
    _visit(account, TODAY, kind=VisitKind.YEAR_END_CARD)
    _visit(account, TODAY, cancelled=True)
    assert reasons(account) == {Reason.VISITS_MISSED}


@pytest.mark.parametrize(("n", "on"), [(2, True), (1, False)])
def test_open_complaints_from_two(account, n, on):
    for _ in range(n):
        _complaint(account, TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=5))
    _complaint(account, TODAY - dt.timedelta(days=9), TODAY - dt.timedelta(days=2), "resolved")
    assert (Reason.COMPLAINTS_OPEN in reasons(account)) is on
    assert Reason.COMPLAINTS_OVERDUE not in reasons(account)


@pytest.mark.parametrize(("due", "on"), [(TODAY - dt.timedelta(days=1), True), (TODAY, False)])
def test_complaint_past_its_deadline(account, due, on):
    _complaint(account, TODAY - dt.timedelta(days=10), due)
    assert (Reason.COMPLAINTS_OVERDUE in reasons(account)) is on


def test_complaint_threshold_counts_days_past_the_deadline(account):
    ChurnWeight.objects.filter(reason=Reason.COMPLAINTS_OVERDUE).update(threshold=5)
    _complaint(account, TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=5))
    assert Reason.COMPLAINTS_OVERDUE not in reasons(account)
    _complaint(account, TODAY - dt.timedelta(days=20), TODAY - dt.timedelta(days=6))
    assert Reason.COMPLAINTS_OVERDUE in reasons(account)


@pytest.mark.parametrize(("days", "on"), [(180, True), (179, False)])
def test_decision_maker_not_met_for_180_days(days, on):
    account = AccountFactory()
    boss = ContactFactory(account=account, level=ContactLevel.DECISION_MAKER)
    _visit(account, TODAY - dt.timedelta(days=days), contacts=[boss])
    _visit(account, TODAY - dt.timedelta(days=1))  # the KAM keeps visiting others
    assert (Reason.DECISION_MAKER in reasons(account)) is on


def test_no_decision_maker_on_record(account):
    other = AccountFactory(owner=account.owner)
    _visit(other, TODAY - dt.timedelta(days=1))
    assert reasons(other) == {Reason.DECISION_MAKER}


def test_score_is_the_sum_of_weights_and_weight_zero_switches_off(account):
    ChurnWeight.objects.filter(reason=Reason.VISITS_MISSED).update(weight=5)
    lonely = AccountFactory(owner=account.owner)  # no visit, no decision maker
    rows = churn.at_risk(KeyAccount.objects.all(), TODAY, churn.weights())
    assert [(a.pk, a.risk) for a in rows] == [(lonely.pk, 5 + 2)]
    ChurnWeight.objects.update(weight=0)
    assert not churn.at_risk(KeyAccount.objects.all(), TODAY, churn.weights()).exists()


def test_only_active_unretired_accounts(account):
    lonely = AccountFactory(owner=account.owner, status=Status.DEVELOPING)
    retired = AccountFactory(owner=account.owner, is_archived=True)
    assert reasons(lonely) == reasons(retired) == set()
