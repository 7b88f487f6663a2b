"""The compliance rollup is kept by the services alone: after every write that changes visits,
plans, plan lines, spot checks or accounts, the rollup caught up as a reader would find it is
exactly a rebuild from the raw rows. Each step also says whether the figures moved, so that a
write whose mark was forgotten cannot pass unseen (the last tests show one being caught). And
nothing listens to these models' signals: loading or saving a row runs no rollup code."""

from __future__ import annotations

import datetime as dt
import io
import sys
from contextlib import contextmanager

import pytest
import time_machine
from django.contrib.admin.sites import AdminSite
from django.db.models import signals
from django.forms.models import model_to_dict
from django.test import RequestFactory

from accounts.admin import KeyAccountAdmin
from accounts.imports import (
    ACCOUNT_COLUMNS,
    ACCOUNTS_SHEET,
    import_accounts,
    sheet_label,
    template_workbook,
)
from accounts.models import KeyAccount
from accounts.models.archive import Status, Tier
from accounts.services import (
    account_create,
    account_set_retired,
    account_set_tier,
    account_update,
    accounts_hand_over,
)
from kam.roles import Role
from kam.tests.factories import UserFactory, make_credit_code
from visits import tally
from visits.models import AccountTally, OwnerTally, PlanLine, SpotCheck, Visit, VisitPlan
from visits.models.choices import Purpose
from visits.models.records import SpotResult
from visits.services import records as record_services
from visits.services.plans import (
    plan_approve,
    plan_copy_previous,
    plan_lines_save,
    plan_return,
    plan_start,
    plan_submit,
)
from visits.services.records import (
    VisitInput,
    itinerary_change_report,
    record_review,
    record_submit,
    visit_create,
    visit_update,
    visit_withdraw,
)
from visits.services.schedule import schedule_propose, schedule_publish
from visits.services.spot_checks import spot_check_record, spot_checks_start
from visits.tally import tally_catch_up, tally_rebuild
from visits.tests.plan_fixtures import JUNE, MAY, TODAY, line_input, make_office

pytestmark = pytest.mark.django_db

DAY = TODAY.date()  # 20 May 2026
APRIL = dt.date(2026, 4, 1)
TALLIED = (KeyAccount, Visit, PlanLine, VisitPlan, SpotCheck)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def office(cast):
    return make_office(cast)


def snapshot() -> dict:
    """Both tables as {(table, key): {column: value}}, zeros left out to keep a diff short."""
    out = {}
    for model, key in (
        (AccountTally, ("account", "year")),
        (OwnerTally, ("owner", "tier", "year")),
    ):
        for row in model.objects.all():
            values = {k: v for k, v in model_to_dict(row).items() if k != "id" and v}
            out[(model.__name__, *(values.get(k) for k in key))] = values
    return out


@contextmanager
def tally_step(*, changes: bool = True):
    """The write inside leaves the rollup, once caught up, equal to a rebuild; `changes`:
    whether it moved the figures at all."""
    tally_rebuild(today=DAY)  # each step starts exact, whatever the one before did
    before = snapshot()
    yield
    tally_catch_up(today=DAY)
    caught_up = snapshot()
    tally_rebuild(today=DAY)
    rebuilt = snapshot()
    assert caught_up == rebuilt, "the caught-up rollup differs from a rebuild: a missing mark?"
    assert (rebuilt != before) is changes, "the step did not move the figures as it should"


def visit_input(account, day: dt.date, **kw) -> VisitInput:
    return VisitInput(account=account, visited_on=day, purposes=[Purpose.RELATIONSHIP], **kw)


# Accounts ------------------------------------------------------------------------------------


def test_account_services(office):
    owner, vp, admin = office.owner, office.cast.sales_vp, office.cast.admin
    strategic, important, other = office.accounts
    data = {"name": "常州新材料有限公司", "credit_code": make_credit_code(4242)}
    with tally_step():
        extra = {"tier": Tier.STRATEGIC, "status": "active", "owner": owner}
        new = account_create(by=admin, data=data | extra)
    with tally_step(changes=False):
        account_update(account=new, by=owner, data={"name": "常州新材料股份有限公司"})
    with tally_step():  # the sales VP accepts a tier review's proposal (analysis) this way
        account_set_tier(account=important, by=vp, tier=Tier.STRATEGIC, reason="层级评审")
    with tally_step():
        account_update(
            account=other, by=owner, data={"status": Status.LOST, "lost_on": dt.date(2026, 3, 10)}
        )
    with tally_step():
        account_update(account=strategic, by=admin, data={"owner": office.cast.other_kam})
    with tally_step():
        account_set_retired(account=new, by=owner, retired=True)
    with tally_step():
        account_set_retired(account=new, by=owner, retired=False)


def test_the_accounts_admin(office):
    admin = office.cast.admin
    request = RequestFactory().post("/admin/")
    request.user = admin
    account = KeyAccount.objects.get(pk=office.accounts[1].pk)
    account.owner, account.tier = office.cast.other_kam, Tier.STRATEGIC
    with tally_step():
        KeyAccountAdmin(KeyAccount, AdminSite()).save_model(request, account, None, True)


def test_the_accounts_import(office):
    wb = template_workbook()
    row = {
        "name": "南京汇通电子有限公司",
        "credit_code": make_credit_code(4343),
        "tier": "strategic",
        "status": "active",
        "owner": office.owner.username,
        "legal_representative": "张三",
        "industry": "电子",
    }
    wb[sheet_label(ACCOUNTS_SHEET)].append([row.get(field) for field, _label in ACCOUNT_COLUMNS])
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    with tally_step():
        result = import_accounts(buffer, by=office.cast.admin)
    assert (result.errors, result.accounts) == ([], 1)


def test_the_hand_over(office):
    """The accounts move to the successor, and so do the leaver's open plan lines, into the
    successor's plan, not yet submitted: those lines count no longer. One line is for an
    account the leaver no longer owns, so only the plan step can tell of it."""
    owner, admin = office.owner, office.cast.admin
    strategic, important, _other = office.accounts
    plan = plan_start(kam=owner, month=JUNE, by=owner)
    rows = [line_input(strategic, JUNE.replace(day=4)), line_input(important, JUNE.replace(day=5))]
    plan_lines_save(plan=plan, by=owner, rows=rows)
    plan_submit(plan=plan, by=owner)
    account_update(account=strategic, by=admin, data={"owner": office.cast.other_kam})
    successor = UserFactory(role=Role.KAM, team=owner.team)
    with tally_step():
        accounts_hand_over(leaver=owner, by=admin, default_successor=successor)
    assert not PlanLine.objects.filter(plan__kam=owner).exists()


# Visits and records --------------------------------------------------------------------------


def test_visit_services(office):
    owner, gm = office.owner, office.cast.gm
    strategic, important, _other = office.accounts
    with tally_step():
        visit = visit_create(by=owner, data=visit_input(strategic, dt.date(2026, 5, 11)))
    with tally_step():  # another month
        visit = visit_update(visit=visit, by=owner, data=visit_input(strategic, APRIL))
    with tally_step():  # another account
        visit = visit_update(visit=visit, by=owner, data=visit_input(important, APRIL))
    with tally_step():
        visit_withdraw(visit=visit, by=owner)
    with tally_step():  # an executive's, kept in no monthly record
        visit_create(by=gm, data=visit_input(strategic, dt.date(2026, 5, 6)))
    with tally_step(changes=False):
        record = record_submit(kam=owner, month=APRIL, by=owner)
    with tally_step(changes=False):
        record_review(record=record, by=office.cast.manager, reviews={})


# Plans, plan lines and itinerary changes -----------------------------------------------------


def test_plan_services(office):
    owner, vp = office.owner, office.cast.sales_vp
    strategic, important, other = office.accounts
    may = plan_start(kam=owner, month=MAY, by=owner)
    rows = [line_input(strategic, MAY.replace(day=12)), line_input(important, MAY.replace(day=20))]
    with tally_step(changes=False):  # a draft's lines count nowhere yet
        plan_lines_save(plan=may, by=owner, rows=rows)
    with tally_step():
        plan_submit(plan=may, by=owner)
    with tally_step(changes=False):
        plan_return(plan=may, by=vp, comment="月底再安排一次")
    first, second = may.lines.order_by("pk")
    edits = [
        line_input(other, first.planned_on, id=first.pk),  # another account
        line_input(important, second.planned_on, id=second.pk, delete=True),
        line_input(important, MAY.replace(day=28)),
    ]
    with tally_step():  # a returned plan was submitted once: its lines count
        plan_lines_save(plan=may, by=owner, rows=edits)
    with tally_step(changes=False):  # resubmitted: nothing new counts
        plan_submit(plan=may, by=owner)
    with tally_step(changes=False):
        plan_approve(plan=may, by=vp)

    june = plan_start(kam=owner, month=JUNE, by=owner)
    plan_lines_save(plan=june, by=owner, rows=[line_input(strategic, JUNE.replace(day=3))])
    plan_submit(plan=june, by=owner)
    plan_return(plan=june, by=vp, comment="照上月补齐")
    with tally_step():
        assert plan_copy_previous(plan=june, by=owner) == 2


def test_visits_made_against_plan_lines(office):
    owner = office.owner
    strategic, important, _other = office.accounts
    may = plan_start(kam=owner, month=MAY, by=owner)
    rows = [line_input(strategic, MAY.replace(day=12)), line_input(important, MAY.replace(day=15))]
    plan_lines_save(plan=may, by=owner, rows=rows)
    plan_submit(plan=may, by=owner)
    on_the_day, moved = may.lines.order_by("planned_on")
    with tally_step():  # done as planned
        visit_create(
            by=owner, data=visit_input(strategic, on_the_day.planned_on, plan_line=on_the_day)
        )
    with tally_step():  # made a day late, not yet linked to its line
        late = visit_create(by=owner, data=visit_input(important, dt.date(2026, 5, 16)))
    with tally_step():  # the itinerary change links it: the line is done
        itinerary_change_report(
            line=moved,
            by=owner,
            what_changed="改期一天",
            reason="客户临时开会",
            new_date=late.visited_on,
            visit=late,
        )


# Spot checks and the executive schedule ------------------------------------------------------


def test_spot_check_services(office):
    owner, manager = office.owner, office.cast.manager
    for account in office.accounts:
        visit_create(by=owner, data=visit_input(account, dt.date(2026, 5, 8)))
    with tally_step(changes=False):  # drawn, not called: they count nowhere yet
        checks = spot_checks_start(manager=manager, month=MAY, by=manager)
    check = checks[0]
    contact = office.contacts[check.visit.account_id]
    with tally_step():
        spot_check_record(check=check, by=manager, result=SpotResult.CONFIRMED, contact=contact)
    with tally_step():  # called again: the customer would not confirm it after all
        spot_check_record(check=check, by=manager, result=SpotResult.NOT_CONFIRMED, contact=contact)


def test_the_executive_schedule_does_not_feed_the_rollup(office):
    gm_office = UserFactory(role=Role.GM_OFFICE)
    with tally_step(changes=False):
        schedule = schedule_propose(year=2027, by=gm_office).schedule
        schedule_publish(schedule=schedule, by=gm_office)


# The check can fail --------------------------------------------------------------------------


def test_a_forgotten_mark_is_caught(office, monkeypatch):
    monkeypatch.setattr(record_services, "mark_changed", lambda **kwargs: None)
    with pytest.raises(AssertionError, match="missing mark"), tally_step():
        visit_create(by=office.owner, data=visit_input(office.accounts[0], dt.date(2026, 5, 11)))


def test_a_forgotten_account_hook_is_caught(office, monkeypatch):
    monkeypatch.setattr(tally, "mark_changed", lambda **kwargs: None)
    with pytest.raises(AssertionError, match="missing mark"), tally_step():
        account_set_tier(
            account=office.accounts[1], by=office.cast.sales_vp, tier="strategic", reason="评审"
        )


# No signals ----------------------------------------------------------------------------------

OUR_APPS = ("kam", "accounts", "visits", "receivables", "complaints", "appraisal", "analysis")
MODEL_SIGNALS = (
    signals.pre_init,
    signals.post_init,
    signals.pre_save,
    signals.post_save,
    signals.pre_delete,
    signals.post_delete,
)


@pytest.mark.parametrize("model", TALLIED, ids=lambda m: m.__name__)
def test_no_receiver_of_ours_listens_to_the_tallied_models(model):
    assert not signals.post_init.has_listeners(model)  # nothing runs per row loaded
    for signal in MODEL_SIGNALS:
        sync, asynchronous = signal._live_receivers(model)
        modules = {getattr(r, "__module__", "") for r in (*sync, *asynchronous)}
        assert not {m for m in modules if m.split(".")[0] in OUR_APPS}, (signal, modules)


def test_loading_and_saving_accounts_runs_no_rollup_code(office):
    ran = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_filename == tally.__file__:
            ran.append(frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        accounts = list(KeyAccount.objects.all())
        accounts[0].save()  # a direct save (a script's) tells no one, and costs nothing
        list(Visit.objects.all())
    finally:
        sys.setprofile(None)
    assert len(accounts) == 4
    assert ran == []
