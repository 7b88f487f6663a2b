"""The compliance rollup (visits/tally.py) follows what the services write, and catching up
gives the same rows as rebuilding from scratch (every service: test_tally_services.py)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.forms.models import model_to_dict

from accounts.models import KeyAccount
from accounts.models.archive import Tier
from accounts.services import account_create, account_set_tier, account_update
from kam.roles import Role
from kam.tests.factories import UserFactory, make_credit_code
from visits import compliance as c
from visits.models import (
    AccountTally,
    FrequencyRule,
    OwnerTally,
    SpotCheck,
    TallyDirty,
    TallyState,
    Visit,
    VisitPlan,
    VisitRecord,
)
from visits.models.choices import Purpose
from visits.models.records import RecordStatus, SpotResult
from visits.reminders import compliance_tally
from visits.selectors.requirements import rules_in_force
from visits.services.plans import plan_approve, plan_submit
from visits.services.records import VisitInput, visit_create, visit_update
from visits.services.spot_checks import spot_check_record
from visits.tally import mark_changed, tally_catch_up, tally_rebuild
from visits.tests.compliance_data import SH, TODAY, build_company

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return build_company()


def dirty() -> set[int]:
    return set(TallyDirty.objects.exclude(account_id=0).values_list("account_id", flat=True))


def snapshot() -> tuple[list, list]:
    def rows(model, key):
        return sorted(
            ({k: v for k, v in model_to_dict(r).items() if k != "id"} for r in model.objects.all()),
            key=key,
        )

    accounts = rows(AccountTally, lambda r: (r["account"], r["year"]))
    owners = rows(OwnerTally, lambda r: (r["owner"], r["tier"], r["year"]))
    return accounts, owners


def visit(by, account, day: dt.date, **kw) -> Visit:
    data = VisitInput(account=account, visited_on=day, purposes=[Purpose.RELATIONSHIP], **kw)
    return visit_create(by=by, data=data)


def reopen_record(kam, month: dt.date) -> None:
    """The data set submitted most records; a KAM writes into an open one only."""
    VisitRecord.objects.filter(kam=kam, month=month).update(status=RecordStatus.OPEN)


def test_recording_a_visit_marks_its_account_and_catching_up_clears_it(company):
    b1, a1 = company.accounts["b1"], company.accounts["a1"]
    reopen_record(company.kams["B"], dt.date(2026, 2, 1))
    visit(company.kams["B"], b1, dt.date(2026, 2, 25))
    assert dirty() == {b1.pk}
    tally_catch_up(today=TODAY)
    assert dirty() == set()
    row = AccountTally.objects.get(account=b1, year=2026)
    assert row.met_kam & 0b010  # February's window is met now
    manager = company.managers["m1"]
    moved = visit(manager, b1, dt.date(2026, 2, 26))
    tally_catch_up(today=TODAY)
    data = VisitInput(account=a1, visited_on=moved.visited_on, purposes=moved.purposes)
    visit_update(visit=moved, by=manager, data=data)
    assert dirty() == {b1.pk, a1.pk}


def test_the_rollup_catches_up_once_the_change_commits(django_capture_on_commit_callbacks):
    kam = UserFactory(role=Role.KAM)
    data = {"name": "常州新材料有限公司", "credit_code": make_credit_code(991), "tier": "strategic"}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        admin = UserFactory(role=Role.ADMIN)  # only an administrator sets a key tier directly
        account = account_create(by=admin, data=data | {"status": "active", "owner": kam})
        for day in (24, 25, 26):  # four writes in one transaction, one catch-up after it
            visit(kam, account, dt.date(2026, 2, day))
    assert [f.__name__ for f in callbacks].count("_send_catch_up") == 1
    assert dirty() == set()
    assert AccountTally.objects.get(account=account, year=2026).visits_2 == 3


def test_catching_up_gives_the_same_rows_as_a_rebuild(company):
    a1, c1 = company.accounts["a1"], company.accounts["c1"]
    visit(company.execs[Role.TECH_VP], a1, dt.date(2026, 3, 30))
    admin = UserFactory(role=Role.ADMIN)
    account_update(
        account=c1,
        by=admin,
        data={"owner": company.kams["A"], "tier": Tier.STRATEGIC, "tier_reason": "纠正"},
    )
    tally_catch_up(today=TODAY)
    caught_up = snapshot()
    tally_rebuild(today=TODAY)
    assert snapshot() == caught_up
    assert OwnerTally.objects.filter(owner=company.kams["C"], tier="strategic").count() == 0


def test_what_marks_and_what_does_not(company):
    a1, b1 = company.accounts["a1"], company.accounts["b1"]
    kam_a, vp = company.kams["A"], company.execs[Role.SALES_VP]
    account_update(account=a1, by=kam_a, data={"name": "改个名字"})
    assert dirty() == set()  # a name does not change compliance
    account_set_tier(account=a1, by=vp, tier=Tier.IMPORTANT, reason="层级评审")
    assert dirty() == {a1.pk}
    TallyDirty.objects.all().delete()

    plan_approve(plan=VisitPlan.objects.get(kam=kam_a, month=dt.date(2026, 4, 1)), by=vp)
    plan_submit(plan=VisitPlan.objects.get(kam=kam_a, month=dt.date(2026, 3, 1)), by=kam_a)
    assert dirty() == set()  # approval and resubmission do not change which lines count
    b_march = VisitPlan.objects.get(kam=company.kams["B"], month=dt.date(2026, 3, 1))
    plan_submit(plan=b_march, by=company.kams["B"])  # the first submission: its lines count
    assert dirty() == {b1.pk}
    TallyDirty.objects.all().delete()

    check = SpotCheck.objects.filter(visit__account=a1).first()
    spot_check_record(
        check=check, by=company.managers["m1"], result=SpotResult.UNREACHABLE, contact=None
    )
    assert dirty() == {a1.pk}


def test_loading_accounts_with_deferred_fields_costs_no_queries(company, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = [a.name for a in KeyAccount.objects.only("pk", "name")]
    assert len(names) == 7


def test_a_change_of_rules_rebuilds(company):
    rule = FrequencyRule.objects.get(tier="important", kind="visit", visitor_role="kam")
    rule.min_count = 2
    rule.save()
    rule_list = rules_in_force()
    tally_catch_up(today=TODAY, rule_list=rule_list)
    q1 = c.Period("quarter", dt.date(2026, 1, 1))
    a2 = company.accounts["a2"]
    board = c.dashboard(c.accounts_scope([a2.pk]), "account", q1, today=TODAY, rule_list=rule_list)
    # a2 had one KAM visit a month: none of the three months is met with two required.
    assert board.rows[a2.pk].windows.overdue["kam"] == 1
    assert (board.rows[a2.pk].windows.due, board.rows[a2.pk].windows.met) == (5, 1)


def test_a_new_year_rebuilds(company):
    assert TallyState.objects.get().through_year == 2026
    with time_machine.travel(dt.datetime(2027, 1, 2, 9, tzinfo=SH), tick=False):
        tally_catch_up()
    assert TallyState.objects.get().through_year == 2027
    # The five key accounts, and the retired one (left out when read, kept for its history).
    assert AccountTally.objects.filter(year=2027).count() == 6


def test_the_dashboard_catches_up_before_it_reads(company, client):
    client.force_login(company.execs[Role.SALES_VP])
    b1 = company.accounts["b1"]
    url = "/visits/compliance/"
    with time_machine.travel(dt.datetime(2026, 4, 15, 10, tzinfo=SH), tick=False):
        before = client.get(url, {"p": "2026-Q1"}).context["total"]
        visit(UserFactory(role=Role.TECH_VP), b1, dt.date(2026, 2, 16), kind="festival")
        after = client.get(url, {"p": "2026-Q1"}).context["total"]
    assert after.windows.met == before.windows.met + 1
    assert after.windows.overdue["festival"] == before.windows.overdue["festival"] - 1


def test_catching_up_with_nothing_marked_costs_one_query(company, django_assert_num_queries):
    rule_list = rules_in_force()
    with django_assert_num_queries(1):
        assert tally_catch_up(today=TODAY, rule_list=rule_list) == 0


def test_the_nightly_job_sees_to_what_time_changes_only(company):
    a1 = company.accounts["a1"]
    mark_changed(account_ids=[a1.pk])
    assert compliance_tally(TODAY) == 0
    assert dirty() == {a1.pk}  # the readers' business, and the task's sent after the write
    assert compliance_tally(dt.date(2027, 1, 1)) == 6
    assert TallyState.objects.get().through_year == 2027
    assert dirty() == set()
