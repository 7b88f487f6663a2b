"""The dashboard's figures against a small company whose right answers are worked out by hand
(visits/tests/compliance_data.py), and the SQL of the frequency rules against the pure engine.

The period is Q1 2026 and today 15 April 2026, so every window of January–March has closed
except the strategic sales manager's March–April, the GM's half-year (strategic) and year
(important), and the VPs' half-years (important). The Spring Festival window is 10–17 February.

Closed windows per account in Q1: strategic 8 (KAM ×3, sales manager Jan–Feb, three VPs' Q1,
Spring Festival); important 5 (KAM ×3, sales manager Q1, Spring Festival).
- a1 (strategic): KAM Jan ✓ Feb ✓ Mar ✗; manager Jan–Feb ✓; sales VP ✓, tech VP ✗, exec VP ✗;
  festival ✓ (GM, 15 Feb). Open: manager Mar–Apr ✗ so far, GM H1 ✓ (20 Mar).  → 5 of 8.
- a2 (important): KAM ✓✓✓, manager Q1 ✓, festival ✗. Open: three VPs, GM: none.   → 4 of 5.
- b1 (strategic): KAM Jan ✓ (two), Feb ✗ (the one visit was withdrawn), Mar ✓; manager ✗;
  three VPs ✓; festival ✗ (the exec VP called on 9 Feb, a day early; the sales manager's call
  does not count). Open: manager Mar–Apr, GM H1: none.                              → 5 of 8.
- c1 (important): everything ✓. Open: sales VP H1 ✓ (2 April), the others not yet.  → 5 of 5.
- c2 (important, key account since 10 Feb): only March's KAM window (✓) and the festival
  window (from 10 Feb: ✗) apply.                                                     → 1 of 2.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from accounts.models import KeyAccount
from accounts.models.archive import Tier
from accounts.services import account_set_tier, account_update
from kam.roles import Role
from kam.tests.factories import AccountFactory, UserFactory
from visits import compliance as c
from visits import rules
from visits.compliance.windows import SLOTS
from visits.models import Visit, VisitRecord
from visits.models.records import RecordStatus
from visits.selectors.requirements import rules_in_force, with_key_dates
from visits.services.records import VisitInput, visit_create
from visits.tally import tally_catch_up
from visits.tests.compliance_data import SH, TODAY, build_company

pytestmark = pytest.mark.django_db

Q1 = c.Period("quarter", dt.date(2026, 1, 1))
NONE = dict.fromkeys(SLOTS, 0)


@pytest.fixture
def company():
    return build_company()


def overdue(**counts) -> dict[str, int]:
    return {**NONE, **counts}


def board(scope, group, period=Q1, today=TODAY, **kwargs) -> c.Dashboard:
    rule_list = rules_in_force()
    tally_catch_up(today=today, rule_list=rule_list)
    return c.dashboard(scope, group, period, today=today, rule_list=rule_list, **kwargs)


def windows(f: c.Figures) -> tuple:
    w = f.windows
    return (w.due, w.met, w.open, w.open_met, w.accounts, w.overdue_accounts)


def test_company_by_team(company):
    east, north = company.teams["east"], company.teams["north"]
    figures = board(c.company_scope(), "team").rows
    assert set(figures) == {east.pk, north.pk}

    e = figures[east.pk]
    assert (e.plans_due, e.plans_on_time, e.plans_approved) == (6, 3, 3)
    assert (e.records_due, e.records_on_time) == (6, 4)
    assert (e.lines_due, e.lines_done) == (9, 7)
    assert (e.spot_checked, e.spot_confirmed) == (3, 1)
    assert e.visits == 18
    assert windows(e) == (21, 14, 8, 1, 3, 3)
    assert e.windows.overdue == overdue(kam=2, sales_manager=1, tech_vp=1, exec_vp=1, festival=2)

    n = figures[north.pk]
    assert (n.plans_due, n.plans_on_time, n.plans_approved) == (3, 3, 3)
    assert (n.records_due, n.records_on_time) == (3, 1)
    assert (n.lines_due, n.lines_done) == (6, 4)
    assert (n.spot_checked, n.spot_confirmed) == (2, 2)
    assert n.visits == 6
    assert windows(n) == (7, 6, 4, 1, 2, 1)
    assert n.windows.overdue == overdue(festival=1)

    total = board(c.company_scope(), "team").total
    assert (total.plans_on_time_pct, total.plans_approved_pct) == (67, 67)  # 6 of 9
    assert total.records_on_time_pct == 56  # 5 of 9
    assert total.lines_done_pct == 73  # 11 of 15
    assert total.rules_met_pct == 71  # 20 of 28
    assert total.spot_confirmed_pct == 60  # 3 of 5
    assert total.windows.overdue_accounts == 4


def test_team_by_kam(company):
    a, b = company.kams["A"], company.kams["B"]
    figures = board(c.team_scope(company.teams["east"].pk), "kam").rows
    assert set(figures) == {a.pk, b.pk}  # D has left: no plans owed, no accounts
    fa, fb = figures[a.pk], figures[b.pk]
    assert (fa.plans_due, fa.plans_on_time, fa.plans_approved) == (3, 2, 2)
    assert (fb.plans_due, fb.plans_on_time, fb.plans_approved) == (3, 1, 1)
    assert (fa.records_on_time, fb.records_on_time) == (2, 2)
    assert (fa.lines_due, fa.lines_done, fb.lines_due, fb.lines_done) == (7, 5, 2, 2)
    assert (fa.spot_checked, fa.spot_confirmed, fb.spot_checked, fb.spot_confirmed) == (2, 1, 1, 0)
    assert (fa.windows.due, fa.windows.met, fb.windows.due, fb.windows.met) == (13, 9, 8, 5)
    assert (fa.visits, fb.visits) == (10, 8)


def test_kam_by_account(company):
    acc, a = company.accounts, company.kams["A"]
    result = board(c.kam_scope(a), "account", documents_group="kam")
    a1, a2 = result.rows[acc["a1"].pk], result.rows[acc["a2"].pk]
    assert windows(a1) == (8, 5, 2, 1, 1, 1)
    assert a1.windows.overdue == overdue(kam=1, tech_vp=1, exec_vp=1)
    assert windows(a2) == (5, 4, 4, 0, 1, 1)
    assert a2.windows.overdue == overdue(festival=1)
    assert (a1.lines_due, a1.lines_done, a2.lines_due, a2.lines_done) == (3, 2, 4, 3)
    assert (a1.visits, a2.visits) == (6, 4)
    # The KAM's own line: her accounts added up, and her plans and records.
    assert (result.total.windows.due, result.total.windows.met) == (13, 9)
    assert (result.total.plans_due, result.total.plans_on_time) == (3, 2)
    assert (result.total.records_due, result.total.records_on_time) == (3, 2)


def test_account_created_mid_period(company):
    c2 = company.accounts["c2"]
    figures = board(c.accounts_scope([c2.pk]), "account").rows[c2.pk]
    assert windows(figures) == (2, 1, 0, 0, 1, 1)
    assert figures.windows.overdue == overdue(festival=1)


def test_a_month_and_a_year(company):
    total = board(c.company_scope(), "team", c.Period("month", dt.date(2026, 2, 1))).total
    # KAM: a1 ✓ a2 ✓ b1 ✗ c1 ✓ (c2 not yet owed); festival: a1 ✓ a2 ✗ b1 ✗ c1 ✓ c2 ✗;
    # the February windows of the sales manager (Jan–Feb, strategic) and Q1 (important):
    # a1 ✓ a2 ✓ b1 ✗ c1 ✓; the VPs' Q1 (strategic): a1 1 of 3, b1 3 of 3.
    assert (total.windows.due, total.windows.met) == (19, 12)
    # February's plans: A's was late, B wrote none, C's was on time.
    assert (total.plans_due, total.plans_on_time, total.records_due) == (3, 1, 3)
    year = board(c.company_scope(), "team", c.Period("year", dt.date(2026, 1, 1))).total
    # By 15 April only Q1's windows have closed.
    assert (year.windows.due, year.windows.met) == (28, 20)
    assert year.plans_due == 3 * 4  # January to April were due (April's on 25 March)
    assert year.records_due == 3 * 3


def test_handed_over_accounts_move_with_their_figures(company):
    a1 = company.accounts["a1"]
    admin = UserFactory(role=Role.ADMIN)
    account_update(account=a1, by=admin, data={"owner": company.kams["C"]})
    figures = board(c.company_scope(), "team").rows
    north, east = figures[company.teams["north"].pk], figures[company.teams["east"].pk]
    assert (north.windows.due, north.windows.met) == (15, 11)  # c1, c2 and now a1
    assert (east.windows.due, east.windows.met) == (13, 9)
    assert (north.visits, east.visits) == (12, 12)
    # Plans and records stay with the KAM who wrote them.
    assert north.plans_on_time == 3


def test_a_visit_recorded_shows_at_once(company):
    b1 = company.accounts["b1"]
    before = board(c.company_scope(), "team").rows[company.teams["east"].pk]
    # B's February record is reopened: a KAM records into an open one only.
    VisitRecord.objects.filter(kam=company.kams["B"], month=dt.date(2026, 2, 1)).update(
        status=RecordStatus.OPEN
    )
    data = VisitInput(account=b1, visited_on=dt.date(2026, 2, 25), purposes=["relationship"])
    visit_create(by=company.kams["B"], data=data)
    after = board(c.company_scope(), "team").rows[company.teams["east"].pk]
    assert (after.windows.met, after.visits) == (before.windows.met + 1, before.visits + 1)
    assert after.windows.overdue["kam"] == before.windows.overdue["kam"] - 1


def test_trend(company):
    points = board(c.company_scope(), "team").trend
    assert [p.month for p in points][-3:] == [
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
        dt.date(2026, 3, 1),
    ]
    jan, feb, mar = points[-3:]
    # Plans on time of the three active KAMs: Jan A B C; Feb A late, B none, C; Mar A C.
    assert (jan.plans_on_time, feb.plans_on_time, mar.plans_on_time) == (100, 33, 67)
    assert (jan.records_on_time, feb.records_on_time, mar.records_on_time) == (67, 67, 33)
    # Windows closing in January: KAM a1 ✓ a2 ✓ b1 ✓ c1 ✓ → 100 %.
    assert jan.rules_met == 100
    # Closing in March: KAM a1 ✗ a2 ✓ b1 ✓ c1 ✓ c2 ✓; manager Q1 a2 ✓ c1 ✓;
    # VPs' Q1 for a1 (1 of 3) and b1 (3 of 3) → 10 of 13.
    assert mar.rules_met == 77
    # Planned visits done by month: Jan 5 of 6; Feb 3 of 4 (C's visit was withdrawn, A's
    # removed line does not count); Mar 3 of 5 (B's plan was never submitted).
    assert (jan.lines_done, feb.lines_done, mar.lines_done) == (83, 75, 60)
    # April 2025: the four accounts were key accounts already, and nobody visited them.
    assert (points[0].month, points[0].rules_met, points[0].plans_on_time) == (
        dt.date(2025, 4, 1),
        0,
        0,
    )


# The SQL against the engine ---------------------------------------------------------------


def engine_figures(accounts, rule_list, start, end, today):
    """The same figures, account by account, from visits/rules.py."""
    facts = with_key_dates(accounts).values_list("pk", "tier", "key_since", "key_until")
    out = {}
    for pk, tier, since, until in facts:
        done = [
            rules.Done(v.visited_on, v.visitor_role, v.kind)
            for v in Visit.objects.filter(account_id=pk, is_cancelled=False)
        ]
        counts = {"due": 0, "met": 0, "open": 0, "open_met": 0, "overdue": set()}
        for rule in (r for r in rule_list if r.tier == tier):
            for window in rules.windows_between(rule.period, start, end):
                need = rules.assess(rule, window, done, key_since=since, key_until=until)
                state = need.state(today)
                if state == rules.NOT_APPLICABLE:
                    continue
                closed = today > window.due
                counts["due" if closed else "open"] += 1
                counts["met" if closed else "open_met"] += need.met
                if state == rules.MISSED:
                    counts["overdue"].add(rule.visitor_role if rule.kind == "visit" else rule.kind)
        if counts["due"] or counts["open"]:
            out[pk] = counts
    return out


PERIODS = [
    (c.Period("quarter", dt.date(2026, 1, 1)), TODAY),
    (c.Period("month", dt.date(2026, 2, 1)), dt.date(2026, 2, 14)),
    (c.Period("year", dt.date(2026, 1, 1)), TODAY),
    (c.Period("year", dt.date(2025, 1, 1)), dt.date(2026, 2, 18)),
    (c.Period("quarter", dt.date(2025, 10, 1)), dt.date(2025, 12, 31)),
]


def assert_agree(accounts, period, today):
    rule_list = rules_in_force()
    scope = c.accounts_scope(list(accounts.values_list("pk", flat=True)))
    rows = board(scope, "account", period, today).rows
    engine = engine_figures(accounts, rule_list, period.start, period.end, today)
    assert {pk for pk, f in rows.items() if f.windows.due or f.windows.open} == set(engine)
    for pk, e in engine.items():
        w = rows[pk].windows
        assert (w.due, w.met, w.open, w.open_met) == (e["due"], e["met"], e["open"], e["open_met"])
        assert {slot for slot, n in w.overdue.items() if n} == e["overdue"]
        assert w.overdue_accounts == (1 if e["overdue"] else 0)


@pytest.mark.parametrize(("period", "today"), PERIODS, ids=lambda x: str(x))
def test_sql_agrees_with_the_engine(company, period, today):
    assert_agree(c.key_accounts(), period, today)


def test_sql_agrees_with_the_engine_on_a_re_tiered_account(db):
    """tier_since decides key_since: important since 2025, strategic from 15 February 2026
    by the sales VP's decision; a later edit of another field moves nothing."""
    kam, vp = UserFactory(role="kam"), UserFactory(role="sales_vp")
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, tzinfo=SH), tick=False):
        account = AccountFactory(owner=kam, tier=Tier.IMPORTANT)
    with time_machine.travel(dt.datetime(2026, 2, 15, 9, tzinfo=SH), tick=False):
        account_set_tier(account=account, by=vp, tier=Tier.STRATEGIC, reason="层级评审")
    with time_machine.travel(dt.datetime(2026, 2, 20, 9, tzinfo=SH), tick=False):
        account_update(account=account, by=kam, data={"name": "改名不改层级"})
    one = KeyAccount.objects.filter(pk=account.pk)
    since = with_key_dates(one).values_list("key_since", flat=True)
    assert since.get() == dt.date(2026, 2, 15)
    Visit.objects.create(
        account=account, visitor=kam, visitor_role="kam", visited_on=dt.date(2026, 3, 2)
    )
    assert_agree(one, c.Period("year", dt.date(2026, 1, 1)), TODAY)
    year = c.Period("year", dt.date(2026, 1, 1))
    figures = board(c.accounts_scope([account.pk]), "account", year).rows[account.pk]
    # Closed by 15 April: only the KAM's March window (Feb is not owed, Q1 not for the VPs).
    assert (figures.windows.due, figures.windows.met) == (1, 1)


def test_a_lost_account_is_owed_nothing_after_it_was_lost(company):
    b1 = company.accounts["b1"]
    account_update(
        account=b1, by=company.kams["B"], data={"status": "lost", "lost_on": dt.date(2026, 2, 10)}
    )
    figures = board(c.accounts_scope([b1.pk]), "account").rows
    # Lost accounts leave the list? No: they stay key accounts of their tier, owed nothing
    # after the loss. Only January's KAM window (✓) ended before 10 February.
    w = figures[b1.pk].windows
    assert (w.due, w.met, w.open) == (1, 1, 0)


def test_periods():
    today = dt.date(2026, 4, 15)
    assert c.parse_period("2026-Q2", today) == c.Period("quarter", dt.date(2026, 4, 1))
    assert c.parse_period("2025", today).end == dt.date(2025, 12, 31)
    assert c.parse_period("2026-02", today).end == dt.date(2026, 2, 28)
    assert c.parse_period("nonsense", today) == c.Period("month", dt.date(2026, 4, 1))
    assert c.parse_period("2026-13", today) == c.Period("month", dt.date(2026, 4, 1))
    q4 = c.Period("quarter", dt.date(2025, 10, 1))
    assert q4.shift(1).param == "2026-Q1"
    assert q4.as_kind("month").param == "2025-10"
    assert c.Period("month", dt.date(2026, 8, 1)).as_kind("quarter").param == "2026-Q3"
    # A year's trend is its own months; a month's or a quarter's the twelve up to it (or today).
    assert c.trend_months(c.Period("year", dt.date(2025, 1, 1)), today)[0] == dt.date(2025, 1, 1)
    july = c.trend_months(c.Period("month", dt.date(2026, 7, 1)), today)
    assert (july[0], july[-1]) == (dt.date(2025, 5, 1), dt.date(2026, 4, 1))
    q1 = c.trend_months(c.Period("quarter", dt.date(2026, 1, 1)), today)
    assert (q1[0], q1[-1]) == (dt.date(2025, 4, 1), dt.date(2026, 3, 1))
