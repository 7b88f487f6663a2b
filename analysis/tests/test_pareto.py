"""Pareto shares, ABC classes and proposals on a hand-made set of five accounts (pure)."""

from decimal import Decimal as D

import pytest

from analysis.pareto import (
    Figure,
    Thresholds,
    classes,
    curve,
    growth,
    propose,
    rank,
)

# revenue 500, 300, 100, 60, 40 of 1,000: shares 50/30/10/6/4, cumulative 50/80/90/96/100.
FIGURES = [
    Figure(1, "important", D(500), previous=D(400), criteria=3),
    Figure(2, "strategic", D(300), previous=D(300), criteria=1),
    Figure(3, "important", D(100), previous=D(200), criteria=0),
    Figure(4, "potential", D(60), previous=D(30), criteria=0),
    Figure(5, "important", D(40), previous=D(0), criteria=0),
    Figure(6, "potential", D(0), previous=D(0), criteria=6),
]
T = Thresholds()


def test_shares_and_cumulative_shares():
    ranked = rank(FIGURES, T)
    assert [r.figure.pk for r in ranked] == [1, 2, 3, 4, 5, 6]
    assert [r.share for r in ranked] == [D(50), D(30), D(10), D(6), D(4), D(0)]
    assert [r.cumulative for r in ranked] == [D(50), D(80), D(90), D(96), D(100), D(100)]


def test_abc_classes_at_80_and_95():
    ranked = rank(FIGURES, T)
    # The account that crosses 80 % is still A; the one starting at 96 % is C; no revenue: C.
    assert [r.klass for r in ranked] == ["A", "A", "B", "B", "C", "C"]
    assert classes(ranked) == {"A": (2, D(80)), "B": (2, D(16)), "C": (2, D(4))}


def test_classes_move_with_the_thresholds():
    ranked = rank(FIGURES, Thresholds(a_share=D(50), b_share=D(90)))
    assert [r.klass for r in ranked] == ["A", "B", "B", "C", "C", "C"]


def test_growth():
    assert growth(D(150), D(100)) == D("50.0")
    assert growth(D(60), D(100)) == D("-40.0")
    assert growth(D(10), D(0)) is None


def test_pareto_curve_by_tenths_of_accounts():
    points = curve(rank(FIGURES, T), steps=2)
    # top half of six accounts = three: 90 %
    assert points == [D(0), D(90), D(100)]
    assert curve([], steps=2) == [D(0), D(0), D(0)]


def _moves(t):
    return {p.pk: (p.from_tier, p.to_tier) for p in propose(rank(FIGURES, t), t)}


def test_proposals_under_the_default_thresholds():
    assert _moves(T) == {
        1: ("important", "strategic"),  # class A with 3 criteria
        2: ("strategic", "important"),  # class A with only 1 criterion
        3: ("important", "potential"),  # class B, fell 50 % (at most -40 %)
        4: ("potential", "important"),  # class B
        5: ("important", "potential"),  # class C, growth unknown
    }


@pytest.mark.parametrize(
    ("demote", "expected"),
    [(D(-50), ("important", "potential")), (D("-50.1"), None)],
)
def test_fall_threshold_is_inclusive(demote, expected):
    assert _moves(Thresholds(growth_demote=demote)).get(3) == expected


@pytest.mark.parametrize(
    ("promote", "expected"),
    [(D(100), ("potential", "important")), (D("100.1"), ("potential", "important"))],
)
def test_class_b_account_is_important_whatever_its_growth(promote, expected):
    assert _moves(Thresholds(growth_promote=promote)).get(4) == expected


def test_growing_class_c_account_is_lifted():
    figures = [Figure(1, "important", D(900)), Figure(2, "potential", D(100), previous=D(50))]
    t = Thresholds(a_share=D(80), b_share=D(85), growth_promote=D(100))
    ranked = rank(figures, t)
    assert [r.klass for r in ranked] == ["A", "C"]
    assert {p.pk: p.to_tier for p in propose(ranked, t)} == {2: "important"}
    t = Thresholds(a_share=D(80), b_share=D(85), growth_promote=D("100.1"))
    assert propose(rank(figures, t), t) == []


def test_strategic_criteria_threshold():
    moves = _moves(Thresholds(strategic_criteria=1))
    assert 2 not in moves  # the strategic account keeps its tier with one criterion
    assert moves[1] == ("important", "strategic")
    moves = _moves(Thresholds(strategic_criteria=4))
    assert 1 not in moves  # three criteria no longer suffice


def test_reasons_explain_the_proposal():
    proposals = {p.pk: p for p in propose(rank(FIGURES, T), T)}
    assert proposals[1].reasons == [
        {"code": "class", "klass": "A", "share": "50.0"},
        {"code": "criteria", "n": 3},
    ]
    assert proposals[2].reasons[-1] == {"code": "few_criteria", "n": 1}


def test_no_revenue_at_all():
    ranked = rank([Figure(1, "potential", D(0)), Figure(2, "important", D(0))], T)
    assert [r.klass for r in ranked] == ["C", "C"]
    assert {p.pk: p.to_tier for p in propose(ranked, T)} == {2: "potential"}
