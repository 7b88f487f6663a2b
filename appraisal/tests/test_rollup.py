"""The rollup on the hand-made company of test_metrics.py: Q1 2026 scored on 15 April 2026
under the standard scheme, every dimension of KAM A worked out by hand from the raw figures
written out there."""

from decimal import Decimal as D

import pytest

from appraisal import services
from appraisal.models import AccountLine, Adjustment, Dimension, PeriodKind, PeriodStatus, Target
from appraisal.periods import period_get_or_create
from appraisal.rollup import period_rollup
from appraisal.tests.test_metrics import company  # noqa: F401  (the hand-made data set)
from kam.roles import Role
from kam.tests.factories import UserFactory
from visits.tests.compliance_data import TODAY

pytestmark = pytest.mark.django_db

# KAM A, Q1 2026, targets: sales 200,000, two new key accounts, no collections target.
EXPECTED_A = {
    # invoiced 162,345.67 / 200,000 = 81.17 %; score (81.17 − 50) / (100 − 50) = 62.3
    Dimension.SALES: (D("81.17"), D("62.3")),
    # one new key account (a2) of two: 50 %; score 50 / 100 = 50.0
    Dimension.NEW_ACCOUNTS: (D("50.00"), D("50.0")),
    # none lost: 0; full score at 0
    Dimension.LOST_ACCOUNTS: (D("0.00"), D("100.0")),
    # collected 65,000 / falling due 152,345.67 = 42.67 %; overdue 75,000 / outstanding
    # 137,345.67 = 54.61 %, so 45.39 % not overdue; mean 44.03, below the zero mark of 50
    Dimension.COLLECTIONS: (D("44.03"), D("0.0")),
    # rules 9/13 = 69.23, plans 2/3 = 66.67, records 2/3 = 66.67, spot checks 1/2 = 50;
    # mean 63.14; score (63.14 − 50) / 50 = 26.3
    Dimension.RELATIONSHIP: (D("63.14"), D("26.3")),
    # on time 3/5 = 60; satisfaction (5 + 2) / 2 = 3.5 of 5 = 70; mean 65; score 30.0
    Dimension.COMPLAINTS: (D("65.00"), D("30.0")),
    # completeness 150 / 2 = 75; reviews 1/2 = 50; loans 3/6 = 50; mean 58.33; score 16.7
    Dimension.INFORMATION: (D("58.33"), D("16.7")),
}
# (62.3×30 + 50×15 + 100×10 + 0×15 + 26.3×15 + 30×5 + 16.7×10) / 100 = 43.305 → 43.31
TOTAL_A = D("43.31")


@pytest.fixture
def q1(company):  # noqa: F811
    period = period_get_or_create(kind=PeriodKind.QUARTER, year=2026, quarter=1)
    Target.objects.create(period=period, kam=company.kams["A"], sales=D("200000"), new_accounts=2)
    return period


def test_every_dimension_of_kam_a(company, q1):  # noqa: F811
    assert period_rollup(period=q1, today=TODAY) == 4  # A, B, C and E; D has left
    q1.refresh_from_db()
    assert q1.status == PeriodStatus.SCORED and q1.scored_as_of == TODAY
    row = q1.rows.get(kam=company.kams["A"])
    got = {s.dimension: (s.figure, s.score) for s in row.scores.all()}
    assert got == EXPECTED_A
    assert row.total == TOTAL_A
    weights = {s.dimension: s.weight for s in row.scores.all()}
    assert weights == {1: 30, 2: 15, 3: 10, 4: 15, 5: 15, 6: 5, 7: 10}
    assert row.figures["targets"]["sales"] == "200000.00"
    assert row.figures["invoiced"] == "162345.67"


def test_without_targets_sales_and_new_accounts_do_not_count(company, q1):  # noqa: F811
    period_rollup(period=q1, today=TODAY)
    b = q1.rows.get(kam=company.kams["B"])
    scores = {s.dimension: s.score for s in b.scores.all()}
    assert scores[Dimension.SALES] is None and scores[Dimension.NEW_ACCOUNTS] is None
    # B lost one account (l1): 1 of the 3 that score zero → 66.7
    assert scores[Dimension.LOST_ACCOUNTS] == D("66.7")


def test_ranking_and_account_lines(company, q1):  # noqa: F811
    period_rollup(period=q1, today=TODAY)
    rows = list(q1.rows.order_by("rank"))
    totals = [r.total for r in rows if r.total is not None]
    assert totals == sorted(totals, reverse=True)
    assert rows[0].rank == 1
    lines = AccountLine.objects.filter(period=q1, kam=company.kams["A"])
    assert sum(D(line.figures["invoiced"]) for line in lines) == D("162345.67")


def test_a_second_rollup_keeps_adjustments_and_their_reasons(company, q1):  # noqa: F811
    period_rollup(period=q1, today=TODAY)
    a = company.kams["A"]
    score = q1.rows.get(kam=a).scores.get(dimension=Dimension.COLLECTIONS)
    manager = a.team.manager
    services.score_adjust(score=score, by=manager, value=D(40), reason="大额回款次月初到账")
    period_rollup(period=q1, today=TODAY)
    score.refresh_from_db()
    assert (score.score, score.adjusted) == (D("0.0"), D("40.0"))
    row = q1.rows.get(kam=a)
    # the total counts the adjusted 40 instead of 0: 43.305 + 40 × 15 / 100 = 49.305 → 49.31
    assert row.total == D("49.31")
    assert Adjustment.objects.get().reason == "大额回款次月初到账"


def test_a_period_keeps_its_scheme(company, q1):  # noqa: F811
    standard = services.scheme_default()
    period_rollup(period=q1, today=TODAY)
    other = services.scheme_copy(scheme=standard, by=_admin(), name="新方案")
    services.scheme_make_default(scheme=other, by=_admin())
    period_rollup(period=q1, today=TODAY)
    q1.refresh_from_db()
    assert q1.scheme == standard


def _admin():
    return UserFactory(role=Role.ADMIN)
