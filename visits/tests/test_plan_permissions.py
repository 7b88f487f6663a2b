"""Who may open what among the plan, record, visit and spot-check URLs: every URL for every
member of the cast (kam/tests/cast.py), a technical VP and an anonymous visitor, written out
by hand from SPEC §1–§3.

Rules the table encodes:
- plans and records: a KAM her own, a sales manager his team's (read-only), the sales VP,
  the GM and administrators all; a plan or record outside one's scope is 404, like a guessed
  URL; pages of a role one does not hold are 403;
- only the KAM writes her plan, submits it and her record; only the sales VP approves or
  returns a plan (核阅); only the KAM's own sales manager reviews her record;
- visits: recorded by KAMs, sales managers and executives for themselves; seen by the
  visitor, the account's line (owner, her manager) and the company-wide roles;
- spot checks: made by sales managers on their own team; read by the sales VP, GM, admins.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from functools import partial

import pytest
import time_machine
from django.urls import reverse

from kam.models import Export
from kam.roles import Role
from kam.tests.cast import Cast, make_cast
from kam.tests.matrix import (
    LOG,
    Members,
    assert_cell,
    client_for,
    covers_every_url,
    extra_members,
    parametrize,
)
from kam.tests.once import built_once
from visits.models import PlanLine, SpotCheck, Visit, VisitPlan, VisitRecord
from visits.models.plans import PlanStatus
from visits.models.records import RecordStatus, SpotResult
from visits.tests.plan_fixtures import at, make_office, make_plan

pytestmark = pytest.mark.django_db

MEMBERS = (
    "owner",
    "other_kam",
    "manager",
    "other_manager",
    "sales_vp",
    "gm",
    "admin",
    "tech_vp",
    "staff",
    "anonymous",
)

DRF = "302 draft"  # the owner's draft plan page
NEW = "302 new_plan"  # the user's own plan page, created by the request
SUB = "302 submitted"
MYR = "302 my_record"
REC = "302 record"
SPT = "302 spot_checks"
EXP = "302 export"  # the page of the export just started

# fmt: off
MATRIX: dict[str, tuple] = {
    # columns:                   own  oKAM mgr  oMgr VP   GM   adm  tech stf  anon
    "visits:plans":             (200, 200, 200, 200, 200, 200, 200, 403, 403, LOG),
    "visits:plan_start":        (DRF, NEW, 403, 403, 403, 403, 403, 403, 403, LOG),
    "visits:plan_detail":       (200, 404, 200, 404, 200, 200, 200, 404, 404, LOG),
    "visits:plan_copy":         (DRF, 404, 403, 404, 403, 403, 403, 404, 404, LOG),
    "visits:plan_submit":       (DRF, 404, 403, 404, 403, 403, 403, 404, 404, LOG),
    "visits:plan_review":       (403, 404, 403, 404, SUB, 403, 403, 404, 404, LOG),
    "visits:plan_export":       (200, 404, 200, 404, 200, 200, 200, 404, 404, LOG),
    "visits:itinerary_change":  (200, 404, 403, 404, 403, 403, 403, 404, 404, LOG),
    "visits:records":           (200, 200, 200, 200, 200, 200, 200, 403, 403, LOG),
    "visits:my_record":         (200, 200, 200, 200, 200, 200, 403, 200, 403, LOG),
    "visits:record_submit":     (MYR, MYR, 403, 403, 403, 403, 403, 403, 403, LOG),
    "visits:record_detail":     (200, 404, 200, 404, 200, 200, 200, 404, 404, LOG),
    "visits:record_review":     (403, 404, REC, 404, 403, 403, 403, 404, 404, LOG),
    "visits:record_return":     (403, 404, REC, 404, REC, 403, 403, 404, 404, LOG),
    "visits:record_export":     (EXP, 404, EXP, 404, EXP, EXP, EXP, 404, 404, LOG),
    "visits:visit_new":         (200, 404, 200, 404, 200, 200, 403, 200, 403, LOG),
    "visits:visit_detail":      (200, 404, 200, 404, 200, 200, 200, 404, 404, LOG),
    "visits:visit_edit":        (200, 404, 403, 404, 403, 403, 403, 404, 404, LOG),
    "visits:visit_withdraw":    (MYR, 404, 403, 404, 403, 403, 403, 404, 404, LOG),
    "visits:spot_checks":       (403, 403, 200, 200, 200, 200, 200, 403, 403, LOG),
    "visits:spot_checks_start": (403, 403, SPT, SPT, 403, 403, 403, 403, 403, LOG),
    "visits:spot_check_record": (403, 403, SPT, 404, 403, 403, 403, 403, 403, LOG),
}
# fmt: on

NOW = at(dt.date(2026, 6, 20))  # June: its plan is approved, July's is a draft


@dataclass
class World:
    cast: Cast
    tech_vp: object
    draft: VisitPlan  # the owner's July plan, a draft with one line
    submitted: VisitPlan  # the owner's May plan, waiting for the sales VP
    line: PlanLine  # a line of the owner's approved June plan
    visit: Visit  # the owner's visit on that line (June record still open)
    record: VisitRecord  # the owner's May record, submitted
    check: SpotCheck  # the manager's spot check of that visit

    def user(self, member: str):
        return Members(self.cast, tech_vp=self.tech_vp).user(member)

    def request(self, name: str) -> tuple[str, str, dict]:
        args = {
            "visits:plan_detail": [self.submitted.pk],
            "visits:plan_copy": [self.draft.pk],
            "visits:plan_submit": [self.draft.pk],
            "visits:plan_review": [self.submitted.pk],
            "visits:plan_export": [self.submitted.pk],
            "visits:itinerary_change": [self.line.pk],
            "visits:record_detail": [self.record.pk],
            "visits:record_review": [self.record.pk],
            "visits:record_return": [self.record.pk],
            "visits:record_export": [self.record.pk],
            "visits:visit_detail": [self.visit.pk],
            "visits:visit_edit": [self.visit.pk],
            "visits:visit_withdraw": [self.visit.pk],
            "visits:spot_check_record": [self.check.pk],
        }.get(name, [])
        posts = {
            "visits:plan_start": {"month": "2026-07"},
            "visits:plan_copy": {},
            "visits:plan_submit": {},
            "visits:plan_review": {"decision": "approved", "comment": "同意"},
            "visits:record_submit": {"month": "2026-04"},
            "visits:record_review": {
                f"review_{line.pk}": "missed" for line in self.submitted.lines.all()
            },
            "visits:visit_withdraw": {},
            "visits:record_return": {"comment": "请补充拜访结果。"},
            "visits:record_export": {},
            "visits:spot_checks_start": {"month": "2026-06"},
            "visits:spot_check_record": {
                f"c{self.check.pk}-result": "confirmed",
                f"c{self.check.pk}-called_contact": str(self.cast.account.contacts.get().pk),
            },
        }
        url = reverse(name, args=args)
        if name == "visits:visit_new":
            url += f"?account={self.cast.account.pk}"
        method = "post" if name in posts else "get"
        return method, url, posts.get(name, {})


def make_world() -> World:
    cast = make_cast()
    with time_machine.travel(NOW, tick=False):
        office = make_office(cast)
        owner = cast.owner
        make_plan(owner, dt.date(2026, 6, 1), status=PlanStatus.APPROVED, days=[3, 10, 17])
        june = VisitPlan.objects.get(kam=owner, month=dt.date(2026, 6, 1))
        line = june.lines.get(planned_on=dt.date(2026, 6, 3))
        draft = make_plan(owner, dt.date(2026, 7, 1), days=[6])
        submitted = make_plan(owner, dt.date(2026, 5, 1), status=PlanStatus.SUBMITTED, days=[5])
        record = VisitRecord.objects.create(
            kam=owner,
            month=dt.date(2026, 5, 1),
            due_on=dt.date(2026, 6, 5),
            status=RecordStatus.SUBMITTED,
        )
        june_record = VisitRecord.objects.create(
            kam=owner, month=dt.date(2026, 6, 1), due_on=dt.date(2026, 7, 6)
        )
        visit = Visit.objects.create(
            account=cast.account,
            visitor=owner,
            visitor_role=Role.KAM,
            visited_on=dt.date(2026, 6, 3),
            purposes=["relationship"],
            plan_line=line,
            record=june_record,
        )
        check = SpotCheck.objects.create(
            visit=visit, month=dt.date(2026, 6, 1), checker=cast.manager
        )
        assert office.accounts[0] == cast.account
        return World(
            cast,
            extra_members("tech_vp")["tech_vp"],
            draft,
            submitted,
            line,
            visit,
            record,
            check,
        )


# The cast and the world are built once for the module; each test gets its own copy of them,
# at NOW, and its writes are rolled back (kam/tests/once.py).
@pytest.fixture(scope="module")
def world_built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, make_world)


@pytest.fixture
def world(world_built, db):
    with time_machine.travel(NOW, tick=False):
        yield copy.deepcopy(world_built)


def _expected_location(world: World, target: str, *, user) -> str:
    if target == "export":
        return reverse("export_status", args=[Export.objects.get(owner=user).pk])
    if target == "new_plan":
        plan = VisitPlan.objects.get(kam=user, month=dt.date(2026, 7, 1))
        return reverse("visits:plan_detail", args=[plan.pk])
    return {
        "login": reverse("login"),
        "draft": reverse("visits:plan_detail", args=[world.draft.pk]),
        "submitted": reverse("visits:plan_detail", args=[world.submitted.pk]),
        "my_record": reverse("visits:my_record"),
        "record": reverse("visits:record_detail", args=[world.record.pk]),
        "spot_checks": reverse("visits:spot_checks"),
    }[target]


@parametrize(MATRIX, MEMBERS)
def test_matrix(world, name, member, expected):
    method, url, data = world.request(name)
    user = world.user(member)
    with time_machine.travel(NOW, tick=False):
        response = getattr(client_for(user), method)(url, data)
    where = partial(_expected_location, world, user=user)
    assert_cell(response, expected, where, f"{method.upper()} {url} as {member}")
    _check_effects(world, name, member, response.status_code)


def _check_effects(world: World, name: str, member: str, status: int) -> None:
    """Writes happen only where the row lets them; everything else is left as it was."""
    acted = status == 302 and member != "anonymous"
    draft = VisitPlan.objects.get(pk=world.draft.pk)
    submitted = VisitPlan.objects.get(pk=world.submitted.pk)
    assert draft.status == (
        PlanStatus.SUBMITTED if name == "visits:plan_submit" and acted else PlanStatus.DRAFT
    )
    copied = draft.lines.count() - 1
    assert copied == (3 if name == "visits:plan_copy" and acted else 0)
    assert submitted.status == (
        PlanStatus.APPROVED if name == "visits:plan_review" and acted else PlanStatus.SUBMITTED
    )
    record = VisitRecord.objects.get(pk=world.record.pk)
    assert record.status == (
        RecordStatus.REVIEWED
        if name == "visits:record_review" and acted
        else RecordStatus.RETURNED
        if name == "visits:record_return" and acted
        else RecordStatus.SUBMITTED
    )
    visit = Visit.objects.get(pk=world.visit.pk)
    assert visit.is_cancelled == (name == "visits:visit_withdraw" and acted)
    check = SpotCheck.objects.get(pk=world.check.pk)
    assert check.result == (
        SpotResult.CONFIRMED if name == "visits:spot_check_record" and acted else SpotResult.PENDING
    )
    april = VisitRecord.objects.filter(month=dt.date(2026, 4, 1))
    assert april.exists() == (name == "visits:record_submit" and acted)
    assert Export.objects.exists() == (name == "visits:record_export" and acted)
    new_plans = VisitPlan.objects.filter(month=dt.date(2026, 7, 1)).exclude(pk=world.draft.pk)
    assert new_plans.exists() == (name == "visits:plan_start" and acted and member == "other_kam")


OWN_VIEWS = ("visits.views.plans", "visits.views.records", "visits.views.spot_checks")


def test_matrix_covers_every_url_of_these_views():
    covers_every_url("visits", MATRIX, views=OWN_VIEWS)
