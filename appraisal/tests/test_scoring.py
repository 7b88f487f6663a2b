"""The pure scoring rules, on figures worked out by hand."""

from decimal import Decimal as D

from appraisal import scoring
from appraisal.models import Dimension
from appraisal.scoring import Rule, Targets

RAW = {
    "invoiced": D("180000.00"),
    "new_accounts": 1,
    "lost_accounts": 1,
    "collected": D("90000.00"),
    "falling_due": D("120000.00"),
    "outstanding": D("200000.00"),
    "overdue": D("50000.00"),
    "rules_due": 10,
    "rules_met": 8,
    "plans_due": 3,
    "plans_on_time": 3,
    "records_due": 2,
    "records_on_time": 1,
    "spot_checked": 0,
    "spot_confirmed": 0,
    "complaints": 4,
    "complaints_on_time": 3,
    "satisfaction_count": 2,
    "satisfaction_sum": 9,
    "accounts": 4,
    "completeness_sum": 340,
    "reviews_on_time": 3,
    "loans": 0,
    "loans_in_time": 0,
}


def test_dimension_figures_by_hand():
    figures = scoring.dimension_figures(RAW, Targets(D("200000"), 2, None))
    assert figures == {
        Dimension.SALES: D("90.00"),  # 180,000 / 200,000
        Dimension.NEW_ACCOUNTS: D("50.00"),  # 1 of 2
        Dimension.LOST_ACCOUNTS: D("1.00"),  # a count, not a share
        # collection rate 90,000 / 120,000 = 75; not overdue 100 − 25 = 75; mean 75
        Dimension.COLLECTIONS: D("75.00"),
        # rules 80, plans 100, records 50, no spot check called: mean of three = 76.67
        Dimension.RELATIONSHIP: D("76.67"),
        # on time 3 of 4 = 75; satisfaction 4.5 of 5 = 90; mean 82.5
        Dimension.COMPLAINTS: D("82.50"),
        # completeness 340 / 4 = 85; reviews 3 of 4 = 75; no loan request: mean 80
        Dimension.INFORMATION: D("80.00"),
    }


def test_collections_target_replaces_what_falls_due_and_rate_is_capped():
    figures = scoring.dimension_figures(RAW, Targets(collections=D("60000")))
    # 90,000 / 60,000 = 150, capped at 100; not overdue 75; mean 87.5
    assert figures[Dimension.COLLECTIONS] == D("87.50")


def test_nothing_to_measure_has_no_figure():
    figures = scoring.dimension_figures({}, Targets())
    assert figures[Dimension.SALES] is None  # no target
    assert figures[Dimension.NEW_ACCOUNTS] is None
    assert figures[Dimension.LOST_ACCOUNTS] == D("0.00")  # none lost is a figure
    assert figures[Dimension.COLLECTIONS] is None
    assert figures[Dimension.RELATIONSHIP] is None
    assert figures[Dimension.COMPLAINTS] is None
    assert figures[Dimension.INFORMATION] is None


def test_score_is_linear_and_clamped_both_ways():
    rule = Rule(D(30), D(100), D(50))
    assert scoring.score(D("90"), rule) == D("80.0")
    assert scoring.score(D("40"), rule) == D("0.0")
    assert scoring.score(D("130"), rule) == D("100.0")
    assert scoring.score(None, rule) is None
    lost = Rule(D(10), D(0), D(3))  # fewer is better
    assert scoring.score(D(0), lost) == D("100.0")
    assert scoring.score(D(1), lost) == D("66.7")
    assert scoring.score(D(5), lost) == D("0.0")


def test_total_is_weighted_over_the_scored_dimensions():
    assert scoring.total([(D("80.0"), D(30)), (D("50.0"), D(10)), (None, D(60))]) == D("72.50")
    assert scoring.total([(None, D(100))]) is None


def test_ranks_share_places_on_ties():
    assert scoring.ranks({1: D("90"), 2: D("75"), 3: D("90"), 4: None, 5: D("60")}) == {
        1: 1,
        3: 1,
        2: 3,
        5: 4,
        4: None,
    }


def test_default_weights_add_up_to_100():
    assert sum(r.weight for r in scoring.DEFAULT_RULES.values()) == 100
    assert set(scoring.DEFAULT_RULES) == set(Dimension.values)
