"""Copying last month's plan asks whether to add or replace, and a plan never visits an
account twice on one day (the service's rule, and the database's for live lines)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from visits.models import PlanLine, VisitPlan
from visits.services import plans as services
from visits.tests.plan_fixtures import JUNE, MAY, TODAY, at, line_input, make_office

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def office(cast):
    with time_machine.travel(TODAY, tick=False):
        yield make_office(cast)


def live(plan: VisitPlan) -> list[tuple[int, dt.date]]:
    return sorted(plan.lines.filter(is_cancelled=False).values_list("account_id", "planned_on"))


@pytest.fixture
def may_and_june(office):
    """May's plan with three lines; June's started with one line of its own, on a day May's
    copy would also fill (account a on the 6th) and one that it would not (c on the 20th)."""
    a, b, c = office.accounts
    with time_machine.travel(at(dt.date(2026, 4, 20)), tick=False):
        may = services.plan_start(kam=office.owner, month=MAY, by=office.owner)
        services.plan_lines_save(
            plan=may,
            by=office.owner,
            rows=[
                line_input(a, dt.date(2026, 5, 6)),
                line_input(a, dt.date(2026, 5, 20)),
                line_input(b, dt.date(2026, 5, 12)),
            ],
        )
    june = services.plan_start(kam=office.owner, month=JUNE, by=office.owner)
    services.plan_lines_save(
        plan=june,
        by=office.owner,
        rows=[line_input(a, dt.date(2026, 6, 6)), line_input(c, dt.date(2026, 6, 20))],
    )
    return may, june


def test_add_twice_creates_no_doubles(office, may_and_june):
    _may, june = may_and_june
    a, b, c = office.accounts
    assert services.plan_copy_previous(plan=june, by=office.owner, mode="add") == 2
    assert services.plan_copy_previous(plan=june, by=office.owner, mode="add") == 0
    assert live(june) == sorted(
        [
            (a.pk, dt.date(2026, 6, 6)),  # June's own, not doubled by May's 6th
            (a.pk, dt.date(2026, 6, 20)),
            (b.pk, dt.date(2026, 6, 12)),
            (c.pk, dt.date(2026, 6, 20)),  # June's own, kept
        ]
    )


def test_replace_leaves_exactly_last_months_accounts_moved_to_this_month(office, may_and_june):
    _may, june = may_and_june
    a, b, _c = office.accounts
    own = set(june.lines.values_list("pk", flat=True))
    assert services.plan_copy_previous(plan=june, by=office.owner, mode="replace") == 3
    assert live(june) == sorted(
        [(a.pk, dt.date(2026, 6, 6)), (a.pk, dt.date(2026, 6, 20)), (b.pk, dt.date(2026, 6, 12))]
    )
    # June's own lines are taken out, not deleted: the plan's history keeps them.
    assert set(PlanLine.objects.filter(pk__in=own).values_list("is_cancelled", flat=True)) == {True}
    # Replacing again gives the same plan.
    assert services.plan_copy_previous(plan=june, by=office.owner, mode="replace") == 3
    assert len(live(june)) == 3


def test_an_unknown_choice_is_refused(office, may_and_june):
    _may, june = may_and_june
    with pytest.raises(ValidationError):
        services.plan_copy_previous(plan=june, by=office.owner, mode="merge")
    assert len(live(june)) == 2


def test_an_account_twice_on_one_day_is_refused(office):
    a, b, _c = office.accounts
    plan = services.plan_start(kam=office.owner, month=JUNE, by=office.owner)
    with pytest.raises(ValidationError, match="twice on 2026-06-03"):
        services.plan_lines_save(
            plan=plan,
            by=office.owner,
            rows=[line_input(a, dt.date(2026, 6, 3)), line_input(a, dt.date(2026, 6, 3))],
        )
    assert not plan.lines.exists()
    services.plan_lines_save(plan=plan, by=office.owner, rows=[line_input(a, dt.date(2026, 6, 3))])
    first = plan.lines.get()
    # Moving another line onto the same day is refused too...
    services.plan_lines_save(plan=plan, by=office.owner, rows=[line_input(b, dt.date(2026, 6, 3))])
    second = plan.lines.get(account=b)
    with pytest.raises(ValidationError, match="twice"):
        services.plan_lines_save(
            plan=plan, by=office.owner, rows=[line_input(a, dt.date(2026, 6, 3), id=second.pk)]
        )
    # ...but taking a line out frees its day for a new one, in the same save.
    services.plan_lines_save(
        plan=plan,
        by=office.owner,
        rows=[
            line_input(a, dt.date(2026, 6, 3), id=first.pk, delete=True),
            line_input(a, dt.date(2026, 6, 3), notes="重新安排"),
        ],
    )
    assert live(plan) == sorted([(a.pk, dt.date(2026, 6, 3)), (b.pk, dt.date(2026, 6, 3))])


def test_the_database_keeps_one_live_line_per_account_and_day(office):
    a = office.accounts[0]
    plan = services.plan_start(kam=office.owner, month=JUNE, by=office.owner)
    day = dt.date(2026, 6, 3)
    PlanLine.objects.create(plan=plan, account=a, planned_on=day, is_cancelled=True)
    PlanLine.objects.create(plan=plan, account=a, planned_on=day)  # a removed one is no clash
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanLine.objects.create(plan=plan, account=a, planned_on=day)


# The page: a step with two choices ------------------------------------------------------------


def test_the_copy_button_opens_a_step_with_two_choices(client, office, may_and_june):
    _may, june = may_and_june
    client.force_login(office.owner)
    detail = client.get(reverse("visits:plan_detail", args=[june.pk])).content.decode()
    url = reverse("visits:plan_copy", args=[june.pk])
    assert f'href="{url}"' in detail and 'id="copy-previous"' in detail
    step = client.get(url)
    assert step.status_code == 200
    body = step.content.decode()
    assert 'name="mode" value="add"' in body and 'name="mode" value="replace"' in body
    assert len(live(june)) == 2  # looking at the step changes nothing
    response = client.post(url, {"mode": "replace"})
    assert response.status_code == 302
    assert len(live(june)) == 3


def test_the_step_is_only_for_the_plans_own_kam(client, office, may_and_june):
    _may, june = may_and_june
    for user, status in [(office.cast.manager, 403), (office.cast.other_kam, 404)]:
        client.force_login(user)
        assert client.get(reverse("visits:plan_copy", args=[june.pk])).status_code == status
