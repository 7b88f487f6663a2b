"""How a churn-risk score is coloured is decided in analysis.churn, not in the templates."""

import pytest
from django.template import Context, Template

from analysis.churn import HIGH_RISK, MEDIUM_RISK, risk_tone


@pytest.mark.parametrize(
    ("score", "tone"),
    [
        (HIGH_RISK + 4, "danger"),
        (HIGH_RISK, "danger"),
        (HIGH_RISK - 1, "warning"),
        (MEDIUM_RISK, "warning"),
        (MEDIUM_RISK - 1, "secondary"),
        (1, "secondary"),
    ],
)
def test_a_score_has_one_tone(score, tone):
    assert risk_tone(score) == tone
    page = Template("{% load analysis_tags %}text-bg-{{ s|risk_tone }}")
    assert page.render(Context({"s": score})) == f"text-bg-{tone}"


def test_the_thresholds_are_those_the_pages_always_showed():
    assert (HIGH_RISK, MEDIUM_RISK) == (6, 3)
