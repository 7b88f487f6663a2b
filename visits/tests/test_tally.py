"""The compliance rollup (visits/tally.py) follows every save, and catching up gives the same
rows as rebuilding from scratch."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.forms.models import model_to_dict

from accounts.models import KeyAccount
from accounts.models.archive import Tier
from kam.roles import Role
from kam.tests.factories import AccountFactory, UserFactory
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
)
from visits.models.records import SpotResult
from visits.selectors.requirements import rules_in_force
from visits.tally import tally_catch_up, tally_rebuild
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


def test_saving_a_visit_marks_its_account_and_catching_up_clears_it(company):
    b1 = company.accounts["b1"]
    visit = Visit.objects.create(
        account=b1, visitor=company.kams["B"], visitor_role="kam", visited_on=dt.date(2026, 2, 25)
    )
    assert dirty() == {b1.pk}
    tally_catch_up(today=TODAY)
    assert dirty() == set()
    row = AccountTally.objects.get(account=b1, year=2026)
    assert row.met_kam & 0b010  # February's window is met now
    visit.account = company.accounts["a1"]
    visit.save()
    assert dirty() == {b1.pk, company.accounts["a1"].pk}


def test_the_rollup_catches_up_once_the_change_commits(django_capture_on_commit_callbacks):
    kam = UserFactory(role=Role.KAM)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        account = AccountFactory(owner=kam, tier=Tier.STRATEGIC)
        for day in (24, 25, 26):  # four saves in one transaction, one catch-up after it
            Visit.objects.create(
                account=account, visitor=kam, visitor_role="kam", visited_on=dt.date(2026, 2, day)
            )
    assert [f.__name__ for f in callbacks].count("_send_catch_up") == 1
    assert dirty() == set()
    assert AccountTally.objects.get(account=account, year=2026).visits_2 == 3


def test_catching_up_gives_the_same_rows_as_a_rebuild(company):
    a1, c1 = company.accounts["a1"], company.accounts["c1"]
    kam_a = company.kams["A"]
    Visit.objects.create(
        account=a1, visitor=kam_a, visitor_role="kam", visited_on=dt.date(2026, 3, 30)
    )
    account = KeyAccount.objects.get(pk=c1.pk)
    account.owner, account.tier = company.kams["A"], Tier.STRATEGIC
    account.save()
    tally_catch_up(today=TODAY)
    caught_up = snapshot()
    tally_rebuild(today=TODAY)
    assert snapshot() == caught_up
    assert OwnerTally.objects.filter(owner=company.kams["C"], tier="strategic").count() == 0


def test_what_marks_and_what_does_not(company):
    a1 = company.accounts["a1"]
    account = KeyAccount.objects.get(pk=a1.pk)
    account.name = "改个名字"
    account.save()
    assert dirty() == set()  # a name does not change compliance
    account.tier = Tier.IMPORTANT
    account.save()
    assert dirty() == {a1.pk}
    TallyDirty.objects.all().delete()

    plan = VisitPlan.objects.get(kam=company.kams["A"], month=dt.date(2026, 3, 1))
    plan.status = "approved"
    plan.save()
    assert dirty() == set()  # approval does not change which lines count
    plan.submitted_at = None
    plan.save()
    assert dirty() == {a1.pk, company.accounts["a2"].pk}
    TallyDirty.objects.all().delete()

    check = SpotCheck.objects.select_related("visit").filter(visit__account=a1).first()
    check.result = SpotResult.NOT_CONFIRMED
    check.save()
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
        Visit.objects.create(
            account=b1,
            visitor=UserFactory(role=Role.TECH_VP),
            visitor_role="tech_vp",
            kind="festival",
            visited_on=dt.date(2026, 2, 16),
        )
        after = client.get(url, {"p": "2026-Q1"}).context["total"]
    assert after.windows.met == before.windows.met + 1
    assert after.windows.overdue["festival"] == before.windows.overdue["festival"] - 1
