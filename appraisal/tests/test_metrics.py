"""appraisal/metrics/ against a small company whose right answers are worked out by hand.

The people, accounts, visits, plans, records and spot checks are visits/tests/compliance_data.py
(team 华东组: KAMs A and B, and D who has left; team 华北组: KAM C), whose compliance figures for
Q1 2026 seen on 15 April 2026 are worked out in visits/tests/test_compliance.py. On top of it,
`_money`, `_complaints`, `_archive` and `_loans` below add what the appraisal reads. The period
is Q1 2026 and the figures are taken on 15 April 2026 (a rollup run a fortnight late), so the
last day counted is 31 March.

Accounts: a1 strategic, a2 important, p2 potential with nothing (A); b1 strategic, r1 retired,
l1 potential lost on 20 February (B); c1 important, c2 important created 10 February, p1
potential, l2 potential lost in 2025 (C); d1 potential (D, who has left).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import ArchiveLoan, ArchiveReview, KeyAccount
from accounts.models.access import LoanStatus
from accounts.models.archive import Status, Tier
from appraisal.metrics import FIGURE_NAMES, account_figures, dashboard_period, kam_figures
from complaints.models import Complaint, ComplaintStatus
from kam.roles import Role
from kam.tests.factories import AccountFactory, TeamFactory, UserFactory
from receivables.models import Invoice, Payment, PaymentAllocation
from visits.models import Visit
from visits.tally import tally_catch_up
from visits.tests.compliance_data import SH, TODAY, build_company

pytestmark = pytest.mark.django_db

D = dt.date
START, END = D(2026, 1, 1), D(2026, 3, 31)
AS_OF = TODAY  # 15 April 2026


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SH)


def money(text: str) -> Decimal:
    return Decimal(text)


# Data ----------------------------------------------------------------------------------------


def _accounts(company) -> dict[str, KeyAccount]:
    kams, acc = company.kams, dict(company.accounts)
    specs = {
        "p2": (kams["A"], Tier.POTENTIAL, {}),
        "l1": (kams["B"], Tier.POTENTIAL, {"status": Status.LOST, "lost_on": D(2026, 2, 20)}),
        "l2": (kams["C"], Tier.POTENTIAL, {"status": Status.LOST, "lost_on": D(2025, 11, 1)}),
        "d1": (kams["D"], Tier.POTENTIAL, {}),
    }
    for key, (owner, tier, extra) in specs.items():
        acc[key] = AccountFactory(name=f"客户{key}", owner=owner, tier=tier, **extra)
    # Written with update(): neither field is one the frequency rollup reads.
    KeyAccount.objects.filter(pk=acc["a1"].pk).update(
        cooperation_since=D(2019, 5, 1),  # an old customer: not new
        address="无锡市新吴区长江路1号",
        postcode="214028",
        phone="0510-88880000",
        fax="0510-88880001",
        business_scope="精密机械",
        registered_capital=Decimal("50000000.00"),
        industry_position="行业前三",
    )
    KeyAccount.objects.filter(pk=acc["a2"].pk).update(
        cooperation_since=D(2026, 3, 1),  # a customer since March: new, whenever created
        address="无锡市滨湖区",
        registered_capital=Decimal("0.00"),  # zero is filled in
    )
    KeyAccount.objects.filter(pk=acc["b1"].pk).update(cooperation_since=D(2025, 12, 31))
    KeyAccount.objects.filter(pk=acc["c2"].pk).update(credit_code="")
    return acc


def _invoice(account, number, issued, due, amount, paid="0", cancelled=False) -> Invoice:
    return Invoice.objects.create(
        account=account,
        number=number,
        issued_on=issued,
        due_on=due,
        amount=Decimal(amount),
        paid=Decimal(paid),
        is_cancelled=cancelled,
        created_by=account.owner,
    )


def _payment(account, received, amount, parts=(), reversed_on=None) -> Payment:
    """`parts`: (invoice, amount); a reversed payment's parts are undone (void)."""
    applied = sum((Decimal(a) for _i, a in parts), Decimal(0))
    payment = Payment.objects.create(
        account=account,
        received_on=received,
        amount=Decimal(amount),
        applied=Decimal(0) if reversed_on else applied,
        recorded_by=account.owner,
        reversed_at=at(reversed_on) if reversed_on else None,
    )
    for invoice, part in parts:
        PaymentAllocation.objects.create(
            payment=payment, invoice=invoice, amount=Decimal(part), is_void=bool(reversed_on)
        )
    return payment


def _money(acc) -> None:
    a1, a2, b1, c1 = acc["a1"], acc["a2"], acc["b1"], acc["c1"]
    a0 = _invoice(a1, "A0", D(2025, 11, 1), D(2026, 1, 31), "40000.00", paid="40000.00")
    ia1 = _invoice(a1, "A1", D(2026, 1, 10), D(2026, 2, 10), "100000.00", paid="50000.00")
    _invoice(a1, "A2", D(2026, 2, 15), D(2026, 4, 15), "50000.00")
    _invoice(a1, "A3", D(2026, 2, 1), D(2026, 3, 1), "30000.00", cancelled=True)
    _invoice(a2, "A4", D(2026, 3, 31), D(2026, 3, 31), "12345.67")
    _invoice(a2, "A5", D(2026, 4, 2), D(2026, 5, 2), "8000.00")  # after the period
    _payment(a1, D(2026, 2, 5), "60000.00", [(a0, "40000.00"), (ia1, "20000.00")])
    _payment(a1, D(2026, 3, 10), "10000.00", [(ia1, "10000.00")], reversed_on=D(2026, 3, 20))
    _payment(a1, D(2026, 4, 3), "30000.00", [(ia1, "30000.00")])  # after the period
    _payment(a1, D(2026, 3, 25), "5000.00", [(ia1, "5000.00")], reversed_on=D(2026, 4, 20))

    _invoice(b1, "B0", D(2025, 6, 1), D(2025, 7, 1), "3000.00")  # long overdue
    ib1 = _invoice(b1, "B1", D(2025, 12, 20), D(2026, 1, 20), "80000.00", paid="80000.00")
    _payment(b1, D(2026, 1, 25), "80000.00", [(ib1, "80000.00")])
    _invoice(acc["r1"], "R1", D(2026, 2, 1), D(2026, 2, 28), "9999.00")  # retired account

    ic1 = _invoice(c1, "C1", D(2026, 3, 1), D(2026, 3, 15), "20000.00", paid="20000.00")
    _payment(c1, D(2026, 3, 20), "25000.00", [(ic1, "20000.00")])  # 5,000 left as credit
    _invoice(acc["p1"], "P1", D(2026, 2, 1), D(2026, 5, 1), "7000.50")
    _invoice(acc["d1"], "D1", D(2026, 2, 1), D(2026, 3, 1), "1000.00")  # D has left


def _complaint(account, received, due, resolved=None, follow_up=None, satisfaction=None):
    status = ComplaintStatus.OPEN
    if resolved:
        status = ComplaintStatus.CLOSED if satisfaction else ComplaintStatus.RESOLVED
    return Complaint.objects.create(
        account=account,
        received_on=received,
        due_on=due,
        channel="phone",
        subject="交货延迟",
        content="第二批货晚到三天",
        severity="ordinary",
        handler=account.owner,
        created_by=account.owner,
        status=status,
        resolution="已补发" if resolved else "",
        resolved_on=resolved,
        follow_up_on=follow_up,
        satisfaction=satisfaction,
    )


def _complaints(acc) -> None:
    a1, a2, b1 = acc["a1"], acc["a2"], acc["b1"]
    _complaint(a1, D(2025, 12, 28), D(2026, 1, 4))  # received before the period
    _complaint(a1, D(2026, 1, 5), D(2026, 1, 12), D(2026, 1, 10), D(2026, 1, 15), 5)
    _complaint(a1, D(2026, 2, 1), D(2026, 2, 8), D(2026, 2, 12), D(2026, 2, 14), 2)  # late
    _complaint(a1, D(2026, 3, 28), D(2026, 4, 4))  # still open
    _complaint(a1, D(2026, 3, 25), D(2026, 4, 1), D(2026, 4, 1))  # on its deadline
    _complaint(a2, D(2026, 3, 20), D(2026, 3, 27), D(2026, 3, 26), D(2026, 4, 20), 4)
    _complaint(b1, D(2026, 3, 30), D(2026, 4, 20), D(2026, 4, 18))  # resolved after as_of


def _archive(acc) -> None:
    reviewer = acc["a1"].owner
    for key, day in (
        ("a1", D(2025, 10, 1)),
        ("a2", D(2025, 6, 1)),
        ("a2", D(2026, 4, 10)),  # after the period: not counted
        ("c1", D(2025, 9, 29)),  # exactly 183 days before 31 March
    ):
        ArchiveReview.objects.create(
            account=acc[key], reviewer=reviewer, reviewed_on=day, changed=False
        )


def _loans(acc) -> None:
    staff = UserFactory(username="reader", role=Role.STAFF)
    specs = [  # account, requested, decided, status
        ("a1", at(D(2026, 1, 10)), at(D(2026, 1, 12)), LoanStatus.APPROVED),
        ("a1", at(D(2026, 2, 1)), at(D(2026, 2, 6)), LoanStatus.REFUSED),
        ("a1", at(D(2026, 3, 1)), None, LoanStatus.WITHDRAWN),
        ("a1", at(D(2026, 3, 2)), None, LoanStatus.PENDING),
        ("a1", at(D(2025, 12, 30)), at(D(2025, 12, 31)), LoanStatus.APPROVED),
        ("a1", at(D(2026, 2, 14)), at(D(2026, 2, 20)), LoanStatus.APPROVED),
        ("a2", at(D(2026, 3, 31)), at(D(2026, 4, 2)), LoanStatus.APPROVED),
        ("a2", at(D(2026, 3, 5), 9), at(D(2026, 3, 8), 9), LoanStatus.APPROVED),
        ("b1", at(D(2026, 2, 10)), at(D(2026, 4, 20)), LoanStatus.APPROVED),
    ]
    for key, requested, decided, status in specs:
        loan = ArchiveLoan.objects.create(
            account=acc[key],
            requester=staff,
            reason="准备技术交流",
            until=D(2026, 6, 30),
            status=status,
            decided_by=None if decided is None else acc[key].owner,
            decided_at=decided,
        )
        ArchiveLoan.objects.filter(pk=loan.pk).update(created_at=requested)


@pytest.fixture
def company():
    company = build_company()
    company.accounts = _accounts(company)
    _money(company.accounts)
    _complaints(company.accounts)
    _archive(company.accounts)
    _loans(company.accounts)
    company.kams["E"] = UserFactory(username="kam_e", name="新人", role=Role.KAM)
    return company


# KAM figures ---------------------------------------------------------------------------------


def test_kam_money(company):
    k = company.kams
    f = kam_figures(start=START, end=END, as_of=AS_OF)
    assert set(f) == {k["A"].pk, k["B"].pk, k["C"].pk, k["E"].pk}  # D has left
    a, b, c = f[k["A"].pk], f[k["B"].pk], f[k["C"].pk]

    assert a["invoiced"] == money("162345.67")  # A1 100,000 + A2 50,000 + A4 12,345.67
    # A: P1 60,000 + P4 5,000 (reversed on 20 April, after as_of); P2 reversed in March,
    # P3 received in April.
    assert a["collected"] == money("65000.00")
    assert a["falling_due"] == money("152345.67")  # A0 40,000 + A1 100,000 + A4 12,345.67
    # A0 paid; A1 100,000 - P1 20,000 - P4 5,000 = 75,000; A2 50,000; A4 12,345.67.
    assert a["outstanding"] == money("137345.67")
    assert a["overdue"] == money("75000.00")  # A1 only (A4 falls due on 31 March itself)

    assert b["invoiced"] == money("0.00")  # B1 was issued in December; R1's account is retired
    assert b["collected"] == money("80000.00")  # the January payment of B1
    assert b["falling_due"] == money("80000.00")  # B1, due 20 January
    assert b["outstanding"] == money("3000.00")  # B0, unpaid since 2025
    assert b["overdue"] == money("3000.00")

    assert c["invoiced"] == money("27000.50")  # C1 20,000 + P1 7,000.50 (any tier)
    assert c["collected"] == money("25000.00")  # the whole payment, its credit included
    assert c["falling_due"] == money("20000.00")  # C1 (P1 is due in May)
    assert c["outstanding"] == money("7000.50")  # P1
    assert c["overdue"] == money("0.00")
    for figures in f.values():
        assert all(type(figures[n]) is Decimal for n in ("invoiced", "overdue"))


def test_kam_accounts_complaints_and_archive(company):
    k = company.kams
    f = kam_figures(start=START, end=END, as_of=AS_OF)
    a, b, c = f[k["A"].pk], f[k["B"].pk], f[k["C"].pk]

    assert (a["new_accounts"], b["new_accounts"], c["new_accounts"]) == (1, 0, 1)  # a2, c2
    assert (a["lost_accounts"], b["lost_accounts"], c["lost_accounts"]) == (0, 1, 0)  # l1

    # A: five received in Q1 (not the one of December); on time: 5 January's, 25 March's
    # (resolved on its deadline) and a2's; satisfaction from two follow-ups by 15 April (5 + 2;
    # a2's call was on 20 April).
    assert (a["complaints"], a["complaints_on_time"]) == (5, 3)
    assert (a["satisfaction_count"], a["satisfaction_sum"]) == (2, 7)
    # B: one, resolved on 18 April, after as_of.
    assert (b["complaints"], b["complaints_on_time"], b["satisfaction_count"]) == (1, 0, 0)
    assert (c["complaints"], c["complaints_on_time"]) == (0, 0)

    # Key accounts: A a1 a2; B b1 (r1 retired, l1 potential); C c1 c2.
    assert (a["accounts"], b["accounts"], c["accounts"]) == (2, 1, 2)
    # a1 all ten fields 100 + a2 five 50; b1 three (name, code, legal rep.) 30; c1 30 + c2 20.
    assert (a["completeness_sum"], b["completeness_sum"], c["completeness_sum"]) == (150, 30, 50)
    # Reviewed since 29 September 2025: a1 yes, a2 no (April's review is after 31 March);
    # b1 never, created 2024; c1 on 29 September; c2 created 10 February.
    assert (a["reviews_on_time"], b["reviews_on_time"], c["reviews_on_time"]) == (1, 0, 2)

    # A: 10 Jan (2 days) ✓, 1 Feb (5 days) ✗, 2 Mar still waiting ✗, 14 Feb (6 days) ✗,
    # 31 Mar (2 days) ✓, 5 Mar (exactly 3 days) ✓; withdrawn and December ones left out.
    assert (a["loans"], a["loans_in_time"]) == (6, 3)
    assert (b["loans"], b["loans_in_time"]) == (1, 0)  # decided on 20 April, after as_of
    assert (c["loans"], c["loans_in_time"]) == (0, 0)


def test_kam_relationship(company):
    """As worked out in visits/tests/test_compliance.py (test_team_by_kam and, for C, the
    north team of test_company_by_team)."""
    k = company.kams
    f = kam_figures(start=START, end=END, as_of=AS_OF)
    names = ("rules_due", "rules_met", "plans_due", "plans_on_time", "records_due")
    names += ("records_on_time", "spot_checked", "spot_confirmed")
    assert [f[k["A"].pk][n] for n in names] == [13, 9, 3, 2, 3, 2, 2, 1]
    assert [f[k["B"].pk][n] for n in names] == [8, 5, 3, 1, 3, 2, 1, 0]
    assert [f[k["C"].pk][n] for n in names] == [7, 6, 3, 3, 3, 1, 2, 2]
    # E joined today: she owes the period's plans and records and has nothing else.
    e = f[k["E"].pk]
    assert (e["plans_due"], e["records_due"]) == (3, 3)
    others = set(FIGURE_NAMES) - {"plans_due", "records_due"}
    assert {e[n] for n in others} == {0}
    assert set(e) == set(FIGURE_NAMES)


def test_before_the_period_ends(company):
    """A rollup on 15 February counts the quarter up to that day."""
    k = company.kams
    a = kam_figures(start=START, end=END, as_of=D(2026, 2, 15))[k["A"].pk]
    assert a["invoiced"] == money("150000.00")  # A1 and A2 (issued on 15 February itself)
    assert a["collected"] == money("60000.00")  # P1
    assert a["falling_due"] == money("140000.00")  # A0 and A1
    assert a["outstanding"] == money("130000.00")  # A1 100,000 - 20,000; A2 50,000
    assert a["overdue"] == money("80000.00")  # A1
    assert a["new_accounts"] == 0  # a2 became a customer in March
    # 5 January's on time, 1 February's late; both followed up by 14 February.
    assert (a["complaints"], a["complaints_on_time"]) == (2, 1)
    assert (a["satisfaction_count"], a["satisfaction_sum"]) == (2, 7)
    # Since 16 August 2025: a1 (1 October) yes, a2 (1 June) no.
    assert a["reviews_on_time"] == 1
    # 10 January ✓, 1 February ✗; 14 February's is still within its three days: left out.
    assert (a["loans"], a["loans_in_time"]) == (2, 1)
    # Plans of January and February were due (25 December, 25 January), A's February plan
    # late; January's record was due on 5 February, on time.
    assert (a["plans_due"], a["plans_on_time"], a["records_due"], a["records_on_time"]) == (
        2,
        1,
        1,
        1,
    )


# Account figures -----------------------------------------------------------------------------


def test_account_figures(company):
    acc, k = company.accounts, company.kams
    f = account_figures(start=START, end=END, as_of=AS_OF)
    # Key accounts, p1 (an invoice, a visit) and l1 (lost); not r1 (retired), p2 (nothing),
    # l2 (lost in 2025), d1 (D has left).
    assert set(f) == {acc[n].pk for n in ("a1", "a2", "b1", "c1", "c2", "p1", "l1")}
    assert f[acc["a1"].pk] == {
        "kam_id": k["A"].pk,
        "invoiced": money("150000.00"),  # A1 + A2
        "collected": money("65000.00"),  # P1 + P4
        "falling_due": money("140000.00"),  # A0 + A1
        "outstanding": money("125000.00"),  # A1 75,000 + A2 50,000
        "overdue": money("75000.00"),  # A1
        "is_new": False,  # a customer since 2019
        "is_lost": False,
        "visits": 6,  # compliance_data.VISITS
        "complaints": 4,  # January, February, two in March
        "complaints_on_time": 2,  # January's and the one resolved on its deadline
        "completeness": 100,
        "review_on_time": True,  # 1 October 2025
    }
    a2 = f[acc["a2"].pk]
    assert (a2["invoiced"], a2["outstanding"], a2["overdue"]) == (
        money("12345.67"),  # A4 (A5 is April's)
        money("12345.67"),
        money("0.00"),  # due on 31 March: not overdue that day
    )
    assert (a2["is_new"], a2["visits"], a2["completeness"], a2["review_on_time"]) == (
        True,  # customer since 1 March
        4,
        50,  # name, code, legal representative, address, capital 0.00
        False,  # June 2025's review is too old, April 2026's too late
    )
    b1 = f[acc["b1"].pk]
    assert (b1["collected"], b1["outstanding"], b1["visits"], b1["complaints"]) == (
        money("80000.00"),
        money("3000.00"),  # B0
        8,  # nine visits, one withdrawn
        1,
    )
    c2 = f[acc["c2"].pk]
    assert (c2["is_new"], c2["completeness"], c2["review_on_time"], c2["kam_id"]) == (
        True,  # created 10 February
        20,  # the credit code emptied
        True,
        k["C"].pk,
    )
    p1, l1 = f[acc["p1"].pk], f[acc["l1"].pk]
    assert (p1["invoiced"], p1["visits"], p1["is_new"]) == (money("7000.50"), 1, False)
    assert (l1["is_lost"], l1["kam_id"], l1["invoiced"]) == (True, k["B"].pk, money("0.00"))


def test_account_lines_add_up_to_the_kam(company):
    kams = kam_figures(start=START, end=END, as_of=AS_OF)
    lines = account_figures(start=START, end=END, as_of=AS_OF)
    for kam_id, figures in kams.items():
        mine = [line for line in lines.values() if line["kam_id"] == kam_id]
        for name in ("invoiced", "collected", "falling_due", "outstanding", "overdue"):
            assert sum((line[name] for line in mine), Decimal("0.00")) == figures[name]
        assert sum(line["complaints"] for line in mine) == figures["complaints"]
        assert sum(line["is_new"] for line in mine) == figures["new_accounts"]
        assert sum(line["is_lost"] for line in mine) == figures["lost_accounts"]


def test_period_kinds():
    assert dashboard_period(D(2026, 1, 1), D(2026, 3, 31)).kind == "quarter"
    assert dashboard_period(D(2026, 1, 1), D(2026, 12, 31)).kind == "year"
    with pytest.raises(ValueError):
        dashboard_period(D(2026, 1, 1), D(2026, 2, 15))


# Queries -------------------------------------------------------------------------------------


def _more(n: int) -> None:
    """n more KAMs in a new team, each with three key accounts and a potential one, and on each
    an invoice, a payment, a complaint, a review, a loan and a visit."""
    team = TeamFactory()
    staff = UserFactory(role=Role.STAFF)
    for i in range(n):
        kam = UserFactory(role=Role.KAM, team=team)
        for j, tier in enumerate((Tier.STRATEGIC, Tier.IMPORTANT, Tier.IMPORTANT, Tier.POTENTIAL)):
            account = AccountFactory(owner=kam, tier=tier)
            invoice = _invoice(account, f"X{i}-{j}", D(2026, 2, 1), D(2026, 3, 1), "100.00")
            _payment(account, D(2026, 3, 5), "60.00", [(invoice, "60.00")])
            _complaint(account, D(2026, 2, 2), D(2026, 2, 9), D(2026, 2, 8), D(2026, 2, 10), 4)
            ArchiveReview.objects.create(
                account=account, reviewer=kam, reviewed_on=D(2026, 1, 5), changed=False
            )
            ArchiveLoan.objects.create(
                account=account, requester=staff, reason="查阅", until=D(2026, 6, 30)
            )
            Visit.objects.create(
                account=account, visitor=kam, visitor_role="kam", visited_on=D(2026, 2, 3)
            )


def _count(func) -> int:
    with CaptureQueriesContext(connection) as queries:
        func(start=START, end=END, as_of=AS_OF)
    return len(queries)


def test_queries_do_not_grow_with_the_data(company, django_assert_max_num_queries):
    tally_catch_up()  # the rollup up to date, as it is before and after _more()
    kams, accounts = _count(kam_figures), _count(account_figures)
    assert accounts == 7  # the accounts, four for money, visits, complaints
    _more(8)
    tally_catch_up()
    assert len(kam_figures(start=START, end=END, as_of=AS_OF)) == 4 + 8
    assert len(account_figures(start=START, end=END, as_of=AS_OF)) == 7 + 8 * 4
    with django_assert_max_num_queries(kams):
        kam_figures(start=START, end=END, as_of=AS_OF)
    with django_assert_max_num_queries(accounts):
        account_figures(start=START, end=END, as_of=AS_OF)
    # The accounts, four for money, complaints, loans, the rules, the rollup's check (four, in a
    # savepoint), the dashboard's five, the KAMs.
    assert kams <= 18
