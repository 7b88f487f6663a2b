"""A plan's verdict per account (short, within, beyond what the rules ask) is judged once, in
visits.selectors.plans.AccountNeed: the page prints it and the form's script only looks it up
as lines come and go."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from lxml import html as lxml_html

from visits.selectors.plans import VERDICTS, AccountNeed
from visits.tests.plan_fixtures import JUNE, TODAY, make_office, make_plan

PLAN_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "plan.js"


def need(min_count: int, max_count: int | None, planned: int = 0, applies: bool = True):
    return AccountNeed(
        account=None, min_count=min_count, max_count=max_count, planned=planned, applies=applies
    )


@pytest.mark.parametrize(
    ("min_count", "max_count", "scale", "required"),
    [
        (1, 2, "gap met met over", "1–2"),
        (2, 2, "gap gap met over", "2"),
        (2, None, "gap gap met", "2"),
        (0, 1, "met met over", "0–1"),  # the month's visit already made: one more is fine
        (0, None, "met", "0"),
    ],
)
def test_the_verdict_for_every_count(min_count, max_count, scale, required):
    n = need(min_count, max_count)
    assert n.verdict_scale == scale
    assert n.required_text == required
    for planned, key in enumerate(scale.split()):
        assert n.verdict_for(planned).key == key
    beyond = len(scale.split()) + 3  # the last entry holds for any larger count
    assert n.verdict_for(beyond).key == scale.split()[-1]


def test_a_gap_is_the_verdict_that_says_so():
    assert need(2, 3, planned=1).is_gap and need(2, 3, planned=1).verdict == VERDICTS["gap"]
    assert need(2, 3, planned=4).is_over and not need(2, 3, planned=4).is_gap
    assert need(0, None, applies=False).required_text == "—"


@pytest.mark.django_db
def test_the_plan_page_prints_the_verdict_it_is_given(client, cast):
    with time_machine.travel(TODAY, tick=False):
        office = make_office(cast)
        plan = make_plan(office.owner, JUNE, days=[3, 4])  # lines for the first two accounts
        client.force_login(office.owner)
        response = client.get(reverse("visits:plan_detail", args=[plan.pk]))
    assert response.status_code == 200
    needs = {n.account.pk: n for n in response.context["needs"]}
    doc = lxml_html.fromstring(response.content)
    items = doc.xpath("//li[@data-need]")
    assert len(items) == len(needs) == 3
    for item in items:
        n = needs[int(item.get("data-need"))]
        assert item.get("data-verdicts") == n.verdict_scale
        assert item.get("data-required") == n.required_text
        assert item.xpath(".//*[@class='need-mark']")[0].text == n.verdict.mark
        count = item.xpath(".//*[contains(@class, 'need-planned')]")[0]
        assert f"text-{n.verdict.tone}" in count.get("class") and count.text == str(n.planned)
    assert {n.verdict.key for n in needs.values()} >= {"gap"}
    shown = json.loads(doc.xpath("//script[@id='plan-verdicts']")[0].text)
    assert shown == {k: v.as_json() for k, v in VERDICTS.items()}


def test_the_plan_script_holds_no_rule():
    """The script counts lines and looks verdicts up; it never compares a count with what the
    rules ask (no min, no max, no marks of its own)."""
    source = PLAN_JS.read_text(encoding="utf-8")
    assert "dataset.verdicts" in source and "plan-verdicts" in source
    for rule in ("dataset.min", "dataset.max", "dataset.applies", "⚠", "ℹ", "✓"):
        assert rule not in source
    assert not re.search(r"\bn\s*[<>]=?\s*(min|max)\b", source)
