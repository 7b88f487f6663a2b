"""Frequency rules as data: administrators edit them in the admin, everyone in sales reads them,
and the dashboard's rollup follows a change."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kam.roles import Role
from kam.tests.factories import UserFactory
from visits.models import FrequencyRule, TallyState
from visits.selectors.requirements import rules_in_force
from visits.tally import rules_key

pytestmark = pytest.mark.django_db


def form_data(rule: FrequencyRule, **changes) -> dict:
    data = {
        "tier": rule.tier,
        "kind": rule.kind,
        "visitor_role": rule.visitor_role,
        "period": rule.period,
        "min_count": rule.min_count,
        "max_count": rule.max_count or "",
        "contact_levels": rule.contact_levels,
        "is_active": "on" if rule.is_active else "",
        "notes": rule.notes,
    }
    return data | changes


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role=Role.ADMIN))
    return client


def test_an_administrator_changes_a_rule_and_the_rollup_is_rebuilt(
    admin_client, django_capture_on_commit_callbacks
):
    rule = FrequencyRule.objects.get(tier="important", kind="visit", visitor_role="gm")
    url = reverse("admin:visits_frequencyrule_change", args=[rule.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, form_data(rule, period="half_year"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.period == "half_year"
    assert TallyState.objects.get().rules == rules_key(rules_in_force())


@pytest.mark.parametrize(
    ("kind", "changes", "field"),
    [
        ("festival", {"visitor_role": "kam"}, "visitor_role"),
        ("festival", {"period": "quarter"}, "period"),
        ("visit", {"period": "festivals"}, "period"),
        ("year_end_card", {"visitor_role": "gm"}, "visitor_role"),
        ("visit", {"min_count": 0}, "min_count"),
    ],
)
def test_rules_the_engine_cannot_count_are_refused(admin_client, kind, changes, field):
    rule = FrequencyRule.objects.filter(kind=kind).first()
    url = reverse("admin:visits_frequencyrule_change", args=[rule.pk])
    response = admin_client.post(url, form_data(rule, **changes))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    rule.refresh_from_db()
    assert getattr(rule, field) != changes[field]


def test_rules_cannot_be_deleted(admin_client):
    rule = FrequencyRule.objects.first()
    response = admin_client.post(
        reverse("admin:visits_frequencyrule_delete", args=[rule.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert FrequencyRule.objects.filter(pk=rule.pk).exists()


def test_the_rules_page_lists_the_rules_in_force(client):
    FrequencyRule.objects.filter(tier="important", visitor_role="gm").update(is_active=False)
    client.force_login(UserFactory(role=Role.KAM))
    response = client.get(reverse("visits:frequency_rules"))
    rows = response.context["rules"]
    assert len(rows) == 15
    assert [r.tier for r in rows[:8]] == ["strategic"] * 8  # strategic first, then important
    assert rows[0].visitor_role == "kam" and rows[0].kind == "visit"
    assert not response.context["can_edit"]
    assert "1–2" in response.content.decode()
