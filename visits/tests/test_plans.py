"""The monthly plan (月拜访计划表, §14.1): filling, the 核阅 workflow and who may do what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from accounts.models.archive import Status, Tier
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import AccountFactory, UserFactory
from visits.models import PlanLine, PlanTransition, VisitPlan
from visits.models.choices import Purpose
from visits.models.plans import PlanStatus
from visits.services import plans as services
from visits.tests.plan_fixtures import JUNE, MAY, TODAY, at, line_input, make_office, make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_messages():
    """The assertions below read the services' English messages; the UI default is Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def office(cast):
    with time_machine.travel(TODAY, tick=False):
        yield make_office(cast)


def started(office) -> VisitPlan:
    return services.plan_start(kam=office.owner, month=JUNE, by=office.owner)


def filled(office) -> VisitPlan:
    plan = started(office)
    a, b, c = office.accounts
    services.plan_lines_save(
        plan=plan,
        by=office.owner,
        rows=[
            line_input(a, dt.date(2026, 6, 3), office.contacts[a.pk]),
            line_input(a, dt.date(2026, 6, 17), office.contacts[a.pk]),
            line_input(b, dt.date(2026, 6, 10), purposes=[Purpose.NEW_PRODUCT, Purpose.SHARE]),
            line_input(c, dt.date(2026, 6, 24), expected_hours=Decimal("2.5")),
        ],
    )
    return plan


# Filling ------------------------------------------------------------------------------------


def test_start_creates_one_draft_due_on_the_25th(office):
    plan = started(office)
    again = started(office)
    assert plan.pk == again.pk
    assert (plan.status, plan.month, plan.due_on) == (
        PlanStatus.DRAFT,
        JUNE,
        dt.date(2026, 5, 25),
    )
    assert VisitPlan.objects.count() == 1


@pytest.mark.parametrize("month", [dt.date(2026, 4, 1), dt.date(2026, 7, 1)])
def test_plans_are_for_this_month_or_next(office, month):
    with pytest.raises(ValidationError):
        services.plan_start(kam=office.owner, month=month, by=office.owner)


@pytest.mark.parametrize("who", ["manager", "sales_vp", "admin", "other_kam"])
def test_nobody_starts_a_plan_for_a_kam(office, who):
    with pytest.raises(PermissionDenied):
        services.plan_start(kam=office.owner, month=JUNE, by=getattr(office.cast, who))


def test_lines_are_saved_changed_and_removed_without_deleting(office):
    plan = filled(office)
    lines = list(plan.lines.order_by("planned_on"))
    assert [(line.account_id, line.planned_on.day) for line in lines] == [
        (office.accounts[0].pk, 3),
        (office.accounts[1].pk, 10),
        (office.accounts[0].pk, 17),
        (office.accounts[2].pk, 24),
    ]
    assert lines[1].purposes == [Purpose.NEW_PRODUCT, Purpose.SHARE]
    assert lines[3].expected_hours == Decimal("2.5")
    first, second = lines[0], lines[1]
    changed = services.plan_lines_save(
        plan=plan,
        by=office.owner,
        rows=[
            line_input(first.account, dt.date(2026, 6, 5), id=first.pk, notes="改到周五"),
            line_input(second.account, second.planned_on, id=second.pk, delete=True),
        ],
    )
    assert changed == 2
    first.refresh_from_db()
    assert (first.planned_on, first.notes) == (dt.date(2026, 6, 5), "改到周五")
    assert PlanLine.objects.filter(pk=second.pk, is_cancelled=True).exists()
    assert plan.lines.filter(is_cancelled=False).count() == 3
    row = first.history.order_by("-history_date").first()
    assert row.history_user == office.owner


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"planned_on": dt.date(2026, 7, 1)}, "2026-06"),
        ({"planned_on": dt.date(2026, 5, 31)}, "2026-06"),
        ({"purposes": []}, "purpose"),
        ({"purposes": ["gossip"]}, "purpose"),
        ({"expected_hours": Decimal("0.2")}, "0.5"),
        ({"expected_hours": Decimal("25")}, "24"),
    ],
)
def test_bad_lines_are_refused_and_nothing_changes(office, change, message):
    plan = started(office)
    a = office.accounts[0]
    fields = {"planned_on": dt.date(2026, 6, 3), **change}
    good = line_input(office.accounts[1], dt.date(2026, 6, 4))
    with pytest.raises(ValidationError) as exc:
        services.plan_lines_save(
            plan=plan,
            by=office.owner,
            rows=[good, line_input(a, fields.pop("planned_on"), **fields)],
        )
    assert message in str(exc.value)
    assert not plan.lines.exists()


def test_lines_only_for_her_own_active_key_accounts(office):
    plan = started(office)
    lost = AccountFactory(
        owner=office.owner, tier=Tier.STRATEGIC, status=Status.LOST, lost_on=dt.date(2026, 1, 1)
    )
    potential = AccountFactory(owner=office.owner, tier=Tier.POTENTIAL)
    retired = AccountFactory(owner=office.owner, tier=Tier.IMPORTANT, is_archived=True)
    for account in (office.other_account, lost, potential, retired):
        with pytest.raises(ValidationError):
            services.plan_lines_save(
                plan=plan, by=office.owner, rows=[line_input(account, dt.date(2026, 6, 3))]
            )
    assert not plan.lines.exists()


def test_contact_must_belong_to_the_account(office):
    plan = started(office)
    a, b = office.accounts[:2]
    with pytest.raises(ValidationError):
        services.plan_lines_save(
            plan=plan,
            by=office.owner,
            rows=[line_input(a, dt.date(2026, 6, 3), office.contacts[b.pk])],
        )


def test_copy_last_month_on_the_same_days(office):
    a, b, c = office.accounts
    with time_machine.travel(at(dt.date(2026, 4, 20)), tick=False):
        may = services.plan_start(kam=office.owner, month=MAY, by=office.owner)
        services.plan_lines_save(
            plan=may,
            by=office.owner,
            rows=[
                line_input(a, dt.date(2026, 5, 6), office.contacts[a.pk], notes="例行拜访"),
                line_input(b, dt.date(2026, 5, 31)),  # June has 30 days: copied to the 30th
                line_input(c, dt.date(2026, 5, 12)),
            ],
        )
    c.status, c.lost_on = Status.LOST, dt.date(2026, 5, 15)
    c.save()  # no longer served: not copied
    plan = started(office)
    assert services.plan_copy_previous(plan=plan, by=office.owner) == 2
    copied = {
        (line.account_id, line.planned_on, line.contact_id, line.notes) for line in plan.lines.all()
    }
    assert copied == {
        (a.pk, dt.date(2026, 6, 6), office.contacts[a.pk].pk, "例行拜访"),
        (b.pk, dt.date(2026, 6, 30), None, ""),
    }
    assert services.plan_copy_previous(plan=plan, by=office.owner) == 0  # nothing doubled


def test_copy_without_a_previous_plan_says_so(office):
    with pytest.raises(ValidationError):
        services.plan_copy_previous(plan=started(office), by=office.owner)


# The workflow -------------------------------------------------------------------------------


def test_submit_goes_to_the_sales_vp_and_locks_the_plan(office):
    plan = filled(office)
    with time_machine.travel(at(dt.date(2026, 5, 24)), tick=False):
        services.plan_submit(plan=plan, by=office.owner)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    assert plan.is_late is False
    note = Notification.objects.get(kind="plan_submitted")
    assert note.recipient == office.cast.sales_vp
    assert note.url == reverse("visits:plan_detail", args=[plan.pk])
    line = plan.lines.first()
    for attempt in (
        lambda: services.plan_lines_save(
            plan=plan,
            by=office.owner,
            rows=[line_input(line.account, line.planned_on, id=line.pk, notes="x")],
        ),
        lambda: services.plan_copy_previous(plan=plan, by=office.owner),
        lambda: services.plan_submit(plan=plan, by=office.owner),
    ):
        with pytest.raises(ValidationError):
            attempt()
    line.refresh_from_db()
    assert line.notes == ""


def test_an_empty_plan_cannot_be_submitted(office):
    with pytest.raises(ValidationError):
        services.plan_submit(plan=started(office), by=office.owner)


def test_submission_after_the_25th_is_flagged_late_once(office):
    plan = filled(office)
    with time_machine.travel(at(dt.date(2026, 5, 26)), tick=False):
        services.plan_submit(plan=plan, by=office.owner)
    services.plan_return(plan=plan, by=office.cast.sales_vp, comment="补充客户C")
    plan.refresh_from_db()
    first_submitted = plan.submitted_at
    with time_machine.travel(at(dt.date(2026, 5, 28)), tick=False):
        services.plan_submit(plan=plan, by=office.owner)
    plan.refresh_from_db()
    assert plan.is_late is True
    assert plan.submitted_at == first_submitted


def test_on_the_due_day_is_on_time(office):
    plan = filled(office)
    with time_machine.travel(at(dt.date(2026, 5, 25), hour=23), tick=False):
        services.plan_submit(plan=plan, by=office.owner)
    plan.refresh_from_db()
    assert plan.is_late is False


def test_return_revise_resubmit_approve_keeps_every_step(office):
    plan = filled(office)
    vp, owner = office.cast.sales_vp, office.owner
    services.plan_submit(plan=plan, by=owner)
    with pytest.raises(ValidationError):
        services.plan_return(plan=plan, by=vp, comment="  ")  # a return says what to change
    services.plan_return(plan=plan, by=vp, comment="宜兴紫砂请安排两次")
    plan.refresh_from_db()
    assert (plan.status, plan.comment, plan.decided_by) == (
        PlanStatus.RETURNED,
        "宜兴紫砂请安排两次",
        vp,
    )
    returned = Notification.objects.get(kind="plan_returned")
    assert (returned.recipient, returned.body) == (owner, "宜兴紫砂请安排两次")
    services.plan_lines_save(
        plan=plan, by=owner, rows=[line_input(office.accounts[2], dt.date(2026, 6, 8))]
    )
    services.plan_submit(plan=plan, by=owner)
    services.plan_approve(plan=plan, by=vp, comment="同意")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    steps = list(
        PlanTransition.objects.filter(plan=plan).values_list("from_status", "to_status", "by")
    )
    assert steps == [
        ("draft", "submitted", owner.pk),
        ("submitted", "returned", vp.pk),
        ("returned", "submitted", owner.pk),
        ("submitted", "approved", vp.pk),
    ]
    assert Notification.objects.filter(kind="plan_submitted", recipient=vp).count() == 2
    assert Notification.objects.filter(kind="plan_approved", recipient=owner).count() == 1
    with pytest.raises(ValidationError):  # an approved plan is the month's commitment
        services.plan_lines_save(
            plan=plan, by=owner, rows=[line_input(office.accounts[2], dt.date(2026, 6, 9))]
        )


@pytest.mark.parametrize("who", ["owner", "manager", "other_manager", "gm", "admin"])
def test_only_the_sales_vp_approves_or_returns(office, who):
    plan = filled(office)
    services.plan_submit(plan=plan, by=office.owner)
    user = getattr(office.cast, who)
    with pytest.raises(PermissionDenied):
        services.plan_approve(plan=plan, by=user)
    with pytest.raises(PermissionDenied):
        services.plan_return(plan=plan, by=user, comment="不行")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED


def test_a_draft_cannot_be_approved(office):
    with pytest.raises(ValidationError):
        services.plan_approve(plan=filled(office), by=office.cast.sales_vp)


def test_another_sales_vp_may_review_too(office):
    plan = filled(office)
    second_vp = UserFactory(role=Role.SALES_VP)
    services.plan_submit(plan=plan, by=office.owner)
    services.plan_approve(plan=plan, by=second_vp)
    assert Notification.objects.filter(kind="plan_submitted").count() == 2  # both VPs told


# Through the pages --------------------------------------------------------------------------


def _post_lines(client, plan, rows, action="save", initial=0):
    data = {
        "line-TOTAL_FORMS": str(len(rows)),
        "line-INITIAL_FORMS": str(initial),
        "line-MIN_NUM_FORMS": "0",
        "line-MAX_NUM_FORMS": "1000",
        "action": action,
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"line-{i}-{key}"] = value
    return client.post(reverse("visits:plan_detail", args=[plan.pk]), data)


def test_the_kam_fills_and_submits_through_the_form(office, client):
    client.force_login(office.owner)
    with time_machine.travel(TODAY, tick=False):
        response = client.post(reverse("visits:plan_start"), {"month": "2026-06"})
        plan = VisitPlan.objects.get(kam=office.owner)
        assert response.url == reverse("visits:plan_detail", args=[plan.pk])
        page = client.get(response.url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "江阴华润纺织有限公司" in body
        assert page.context["gaps"] and len(page.context["gaps"]) == 3

        a, b = office.accounts[:2]
        rows = [
            {
                "account": a.pk,
                "planned_on": "2026-06-03",
                "contact": office.contacts[a.pk].pk,
                "purposes": ["relationship", "market_research"],
                "expected_hours": "1.5",
                "notes": "",
            },
            {
                "account": b.pk,
                "planned_on": "2026-06-09",
                "purposes": "share",
                "expected_hours": "2",
            },
            {"account": "", "planned_on": "2026-06-09", "purposes": "relationship"},  # blank row
        ]
        response = _post_lines(client, plan, rows, action="submit")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    lines = list(plan.lines.order_by("planned_on"))
    assert [(line.account_id, line.contact_id) for line in lines] == [
        (a.pk, office.contacts[a.pk].pk),
        (b.pk, None),
    ]
    assert lines[0].purposes == ["relationship", "market_research"]
    assert lines[1].expected_hours == Decimal("2.0")


def test_form_errors_are_shown_and_nothing_is_saved(office, client):
    client.force_login(office.owner)
    with time_machine.travel(TODAY, tick=False):
        plan = started(office)
        a, b = office.accounts[:2]
        rows = [
            {
                "account": a.pk,
                "planned_on": "2026-07-03",
                "purposes": "share",
                "expected_hours": "1",
            },
            {
                "account": b.pk,
                "planned_on": "2026-06-09",
                "contact": office.contacts[a.pk].pk,  # not b's contact
                "purposes": "share",
                "expected_hours": "1",
            },
            {"account": office.other_account.pk, "planned_on": "2026-06-09", "purposes": "share"},
        ]
        response = _post_lines(client, plan, rows)
    assert response.status_code == 200
    forms = response.context["formset"].forms
    assert "planned_on" in forms[0].errors
    assert "contact" in forms[1].errors
    assert "account" in forms[2].errors
    assert not plan.lines.exists()


def test_a_submitted_plan_shows_read_only_and_refuses_posts(office, client):
    plan = filled(office)
    services.plan_submit(plan=plan, by=office.owner)
    client.force_login(office.owner)
    page = client.get(reverse("visits:plan_detail", args=[plan.pk]))
    assert page.context["formset"] is None
    assert 'id="plan-form"' not in page.content.decode()
    line = plan.lines.first()
    response = _post_lines(
        client,
        plan,
        [
            {
                "id": line.pk,
                "account": line.account_id,
                "planned_on": "2026-06-30",
                "purposes": "share",
            }
        ],
        initial=1,
    )
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.planned_on != dt.date(2026, 6, 30)


def test_the_vp_sees_gaps_and_returns_from_the_page(office, client):
    plan = make_plan(office.owner, JUNE, status=PlanStatus.SUBMITTED, days=[3])
    client.force_login(office.cast.sales_vp)
    page = client.get(reverse("visits:plan_detail", args=[plan.pk]))
    assert page.context["review_form"] is not None
    assert len(page.context["gaps"]) == 2
    url = reverse("visits:plan_review", args=[plan.pk])
    client.post(url, {"decision": "returned", "comment": ""})  # refused: no comment
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    client.post(url, {"decision": "returned", "comment": "两个重要客户没有安排"})
    plan.refresh_from_db()
    assert (plan.status, plan.comment) == (PlanStatus.RETURNED, "两个重要客户没有安排")


def test_the_waiting_for_review_filter(office, client):
    submitted = make_plan(office.owner, JUNE, status=PlanStatus.SUBMITTED, days=[3])
    make_plan(office.owner, MAY, status=PlanStatus.APPROVED, days=[3])
    make_plan(office.cast.other_kam, JUNE, status=PlanStatus.DRAFT)
    client.force_login(office.cast.sales_vp)
    everything = client.get(reverse("visits:plans"))
    assert everything.context["page"].paginator.count == 3
    queue = client.get(reverse("visits:plans"), {"status": "submitted"})
    assert [p.pk for p in queue.context["page"]] == [submitted.pk]


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        ("owner", {"own"}),
        ("other_kam", {"other"}),
        ("manager", {"own"}),
        ("other_manager", {"other"}),
        ("sales_vp", {"own", "other"}),
        ("gm", {"own", "other"}),
        ("admin", {"own", "other"}),
    ],
)
def test_plan_list_is_scoped(office, client, who, sees):
    plans = {
        "own": make_plan(office.owner, JUNE, days=[3]),
        "other": make_plan(office.cast.other_kam, JUNE),
    }
    client.force_login(getattr(office.cast, who))
    page = client.get(reverse("visits:plans"))
    assert {p.pk for p in page.context["page"]} == {plans[k].pk for k in sees}
    for key, plan in plans.items():
        response = client.get(reverse("visits:plan_detail", args=[plan.pk]))
        assert response.status_code == (200 if key in sees else 404)


def test_requirements_follow_the_frequency_rules(office):
    from visits.models import FrequencyRule

    FrequencyRule.objects.filter(tier=Tier.IMPORTANT, visitor_role=Role.KAM, kind="visit").update(
        min_count=2, max_count=3
    )
    plan = make_plan(office.owner, JUNE, days=[3, 4, 5])  # one line per account
    from visits.selectors.plans import plan_lines, plan_requirements_for, plannable_accounts

    needs = plan_requirements_for(
        office.owner, JUNE, list(plannable_accounts(office.owner)), list(plan_lines(plan))
    )
    by_account = {n.account.pk: (n.min_count, n.max_count, n.planned, n.is_gap) for n in needs}
    a, b, c = office.accounts
    assert by_account == {
        a.pk: (1, 2, 1, False),
        b.pk: (2, 3, 1, True),
        c.pk: (2, 3, 1, True),
    }
    # Beside each account, the visits of others still open in the windows June belongs to:
    # for a strategic account the sales manager's May–June visit, the VPs' second quarter and
    # the GM's first half-year; for an important one the manager's quarter and the rest.
    notes = {n.account.pk: " | ".join(n.notes) for n in needs}
    assert "May–June 2026" in notes[a.pk] and "Q2 2026" in notes[a.pk]
    assert "H1 2026" in notes[a.pk]
    assert "Q2 2026" in notes[b.pk] and "H1 2026" in notes[b.pk] and "2026:" in notes[b.pk]
    assert len(needs[0].notes) == 5  # manager, three VPs, GM


def test_visits_already_made_count_against_the_month(office):
    from visits.models import Visit
    from visits.selectors.plans import plan_lines, plan_requirements_for, plannable_accounts

    a = office.accounts[0]
    with time_machine.travel(at(dt.date(2026, 6, 10)), tick=False):
        Visit.objects.create(
            account=a, visitor=office.owner, visitor_role=Role.KAM, visited_on=dt.date(2026, 6, 5)
        )
        plan = make_plan(office.owner, JUNE)
        needs = plan_requirements_for(
            office.owner, JUNE, list(plannable_accounts(office.owner)), list(plan_lines(plan))
        )
    need = next(n for n in needs if n.account == a)
    assert (need.done, need.min_count, need.max_count, need.is_gap) == (1, 0, 1, False)
