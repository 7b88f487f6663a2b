"""Adjustments, finalisation, targets and schemes — and a final appraisal refusing every change
through the services."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from appraisal import scoring, services
from appraisal.models import Adjustment, Dimension, PeriodStatus, Score, Target
from appraisal.rollup import period_rollup
from appraisal.tests.factories import scored_period

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(cast):
    return scored_period([cast.owner, cast.other_kam])


def _score(period, kam, dimension=Dimension.RELATIONSHIP):
    return Score.objects.get(row__period=period, row__kam=kam, dimension=dimension)


def test_manager_adjusts_her_team_with_a_reason_and_the_ranking_follows(cast, period):
    # other_kam scores 80 everywhere, owner 90; the owner's manager lowers one dimension hard.
    for d in Dimension.values:
        services.score_adjust(
            score=_score(period, cast.owner, d), by=cast.manager, value=D(0), reason="复核不实"
        )
    owner_row = period.rows.get(kam=cast.owner)
    other_row = period.rows.get(kam=cast.other_kam)
    assert owner_row.total == D("0.00")
    assert (owner_row.rank, other_row.rank) == (2, 1)
    first = Adjustment.objects.filter(score__row=owner_row).first()
    assert (first.before, first.after, first.reason, first.by) == (
        D("90.0"),
        D("0.0"),
        "复核不实",
        cast.manager,
    )


def test_adjustments_are_kept_one_after_another(cast, period):
    score = _score(period, cast.owner)
    services.score_adjust(score=score, by=cast.manager, value=D(70), reason="一")
    services.score_adjust(score=score, by=cast.manager, value=D(75), reason="二")
    steps = list(score.adjustments.values_list("before", "after", "reason"))
    assert steps == [(D("90.0"), D("70.0"), "一"), (D("70.0"), D("75.0"), "二")]


@pytest.mark.parametrize("who", ["other_manager", "owner", "sales_vp", "admin", "gm"])
def test_only_the_kams_own_manager_adjusts(cast, period, who):
    with pytest.raises(PermissionDenied):
        services.score_adjust(
            score=_score(period, cast.owner), by=getattr(cast, who), value=D(50), reason="x"
        )
    assert not Adjustment.objects.exists()


def test_an_adjustment_needs_a_reason_and_a_score_within_0_to_100(cast, period):
    score = _score(period, cast.owner)
    with pytest.raises(ValidationError):
        services.score_adjust(score=score, by=cast.manager, value=D(50), reason="   ")
    with pytest.raises(ValidationError):
        services.score_adjust(score=score, by=cast.manager, value=D(101), reason="x")
    score.refresh_from_db()
    assert score.adjusted is None and not Adjustment.objects.exists()


def test_only_the_sales_vp_finalises_and_only_a_scored_period(cast, period):
    for who in (cast.admin, cast.manager, cast.gm):
        with pytest.raises(PermissionDenied):
            services.period_finalise(period=period, by=who)
    services.period_finalise(period=period, by=cast.sales_vp)
    period.refresh_from_db()
    assert period.status == PeriodStatus.FINAL and period.finalised_by == cast.sales_vp
    with pytest.raises(ValidationError):
        services.period_finalise(period=period, by=cast.sales_vp)


def test_a_final_appraisal_refuses_every_change_through_the_services(cast, period):
    services.period_finalise(period=period, by=cast.sales_vp)
    before = list(Score.objects.values_list("pk", "score", "adjusted"))
    with pytest.raises(ValidationError):
        services.score_adjust(
            score=_score(period, cast.owner), by=cast.manager, value=D(1), reason="x"
        )
    with pytest.raises(ValidationError):
        period_rollup(period=period, by=cast.admin, today=period.ends_on)
    with pytest.raises(ValidationError):
        period_rollup(period=period, today=period.ends_on)  # the job too
    with pytest.raises(ValidationError):
        services.targets_save(
            period=period, by=cast.admin, values={cast.owner.pk: scoring.Targets(D(1), 1, D(1))}
        )
    with pytest.raises(ValidationError):
        services.scheme_update(
            scheme=period.scheme, by=cast.admin, rules=dict(scoring.DEFAULT_RULES)
        )
    assert list(Score.objects.values_list("pk", "score", "adjusted")) == before
    assert not Target.objects.exists() and not Adjustment.objects.exists()


def test_targets_save_sets_changes_and_keeps_history(cast, period):
    values = {cast.owner.pk: scoring.Targets(D("500000"), 2, D("400000"))}
    assert services.targets_save(period=period, by=cast.admin, values=values) == 1
    assert services.targets_save(period=period, by=cast.admin, values=values) == 0
    values = {cast.owner.pk: scoring.Targets(D("600000"), 2, D("400000"))}
    services.targets_save(period=period, by=cast.admin, values=values)
    target = Target.objects.get(period=period, kam=cast.owner)
    assert target.sales == D("600000")
    assert [h.sales for h in target.history.order_by("history_date")] == [
        D("500000"),
        D("600000"),
    ]
    with pytest.raises(PermissionDenied):
        services.targets_save(period=period, by=cast.sales_vp, values=values)


def test_scheme_rules_are_checked(cast):
    scheme = services.scheme_default()
    bad = dict(scoring.DEFAULT_RULES)
    bad[Dimension.SALES] = scoring.Rule(D(40), D(100), D(50))  # weights add to 110
    with pytest.raises(ValidationError):
        services.scheme_update(scheme=scheme, by=cast.admin, rules=bad)
    flat = dict(scoring.DEFAULT_RULES)
    flat[Dimension.SALES] = scoring.Rule(D(30), D(80), D(80))
    with pytest.raises(ValidationError):
        services.scheme_update(scheme=scheme, by=cast.admin, rules=flat)
    good = dict(scoring.DEFAULT_RULES)
    good[Dimension.SALES] = scoring.Rule(D(30), D(110), D(60))
    services.scheme_update(scheme=scheme, by=cast.admin, rules=good)
    assert services.scheme_rules(scheme)[Dimension.SALES] == good[Dimension.SALES]


def test_a_copy_of_a_frozen_scheme_can_change(cast, period):
    services.period_finalise(period=period, by=cast.sales_vp)
    copy = services.scheme_copy(scheme=period.scheme, by=cast.admin, name="2027 方案")
    rules = dict(scoring.DEFAULT_RULES)
    rules[Dimension.SALES] = scoring.Rule(D(30), D(120), D(60))
    services.scheme_update(scheme=copy, by=cast.admin, rules=rules)
    assert services.scheme_rules(period.scheme)[Dimension.SALES].full_at == D(100)
