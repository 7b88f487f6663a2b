"""Visit records (月度客户拜访记录表, §14.2): visits, hours stayed, the record due by the 5th,
itinerary changes (行程变更) and the sales manager's review against the plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import TimelineEntry
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import ContactFactory, UserFactory
from visits.models import ItineraryChange, PlanLine, Visit, VisitRecord
from visits.models.plans import LineReview, PlanStatus
from visits.models.records import RecordStatus
from visits.services import records as services
from visits.services.records import VisitInput, hours_between, record_due_on
from visits.tests.plan_fixtures import at, make_office, make_plan

pytestmark = pytest.mark.django_db

JUNE = dt.date(2026, 6, 1)


@pytest.fixture
def office(cast):
    with time_machine.travel(at(dt.date(2026, 6, 20)), tick=False):
        office = make_office(cast)
        office.plan = make_plan(cast.owner, JUNE, status=PlanStatus.APPROVED, days=[3, 10, 17])
        yield office


def line_on(office, day: int) -> PlanLine:
    return office.plan.lines.get(planned_on=JUNE.replace(day=day))


def visit_data(office, line=None, day=3, **kw) -> VisitInput:
    account = line.account if line else kw.pop("account", office.accounts[0])
    return VisitInput(
        account=account,
        visited_on=kw.pop("visited_on", JUNE.replace(day=day)),
        time_in=kw.pop("time_in", dt.time(9, 30)),
        time_out=kw.pop("time_out", dt.time(11, 10)),
        contacts=kw.pop("contacts") if "contacts" in kw else [office.contacts[account.pk]],
        purposes=kw.pop("purposes", ["relationship"]),
        outcome=kw.pop("outcome", "确认了三季度订单"),
        plan_line=line,
        **kw,
    )


@pytest.mark.parametrize(
    ("time_in", "time_out", "hours"),
    [
        (dt.time(9, 0), dt.time(10, 0), "1.0"),
        (dt.time(9, 0), dt.time(10, 20), "1.3"),
        (dt.time(9, 0), dt.time(9, 3), "0.1"),  # 0.05 h rounds half up
        (dt.time(14, 10), dt.time(16, 55), "2.8"),  # 2.75 h
        (dt.time(8, 0), dt.time(17, 59), "10.0"),
    ],
)
def test_hours_stayed_to_a_tenth(time_in, time_out, hours):
    assert hours_between(time_in, time_out) == Decimal(hours)


def test_a_planned_visit_goes_into_the_record_and_the_timeline(office):
    line = line_on(office, 3)
    visit = services.visit_create(by=office.owner, data=visit_data(office, line, day=3))
    visit.refresh_from_db()
    assert (visit.hours, visit.visitor_role, visit.plan_line) == (Decimal("1.7"), Role.KAM, line)
    assert not visit.is_unplanned
    assert list(visit.contacts.all()) == [office.contacts[line.account_id]]
    record = VisitRecord.objects.get(kam=office.owner, month=JUNE)
    assert (visit.record, record.status, record.due_on) == (
        record,
        RecordStatus.OPEN,
        dt.date(2026, 7, 6),  # 5 July 2026 is a Sunday
    )
    entry = TimelineEntry.objects.get(account=line.account, kind="visit")
    assert entry.url == reverse("visits:visit_detail", args=[visit.pk])
    assert entry.actor == office.owner
    assert "2026-06-03" in entry.summary and "李采购" in entry.summary
    assert visit.history.first().history_user == office.owner
    assert not ItineraryChange.objects.exists()


def test_an_unplanned_visit_is_marked_so(office):
    visit = services.visit_create(by=office.owner, data=visit_data(office, day=5))
    assert visit.is_unplanned


def test_a_planned_visit_on_another_day_is_an_itinerary_change(office):
    line = line_on(office, 10)
    with pytest.raises(ValidationError) as exc:
        services.visit_create(by=office.owner, data=visit_data(office, line, day=12))
    assert "change_reason" in exc.value.error_dict
    assert not Visit.objects.exists()

    data = visit_data(office, line, day=12, change_reason="客户临时出差，推迟两天")
    visit = services.visit_create(by=office.owner, data=data)
    change = ItineraryChange.objects.get()
    assert (change.line, change.visit, change.new_date, change.hours) == (
        line,
        visit,
        dt.date(2026, 6, 12),
        Decimal("1.7"),
    )
    assert change.reason == "客户临时出差，推迟两天"
    assert "2026-06-10" in change.what_changed and "2026-06-12" in change.what_changed
    note = Notification.objects.get(kind="itinerary_change")
    assert note.recipient == office.cast.manager
    assert TimelineEntry.objects.filter(account=line.account, kind="itinerary_change").exists()


def test_one_visit_per_plan_line(office):
    line = line_on(office, 3)
    services.visit_create(by=office.owner, data=visit_data(office, line, day=3))
    with pytest.raises(ValidationError):
        services.visit_create(by=office.owner, data=visit_data(office, line, day=3))


@pytest.mark.parametrize(
    "bad",
    [
        {"visited_on": dt.date(2026, 6, 21)},  # tomorrow
        {"time_out": dt.time(9, 0)},  # before the time in
        {"time_out": None},  # in without out
        {"purposes": []},
    ],
)
def test_bad_visits_are_refused(office, bad):
    with pytest.raises(ValidationError):
        services.visit_create(by=office.owner, data=visit_data(office, day=5, **bad))
    assert not Visit.objects.exists()


def test_met_contacts_must_be_of_the_account(office):
    a, b = office.accounts[:2]
    data = visit_data(office, account=a, contacts=[office.contacts[b.pk]])
    with pytest.raises(ValidationError):
        services.visit_create(by=office.owner, data=data)


def test_a_kam_records_only_her_own_accounts(office):
    data = visit_data(office, account=office.other_account, contacts=[])
    with pytest.raises(PermissionDenied):
        services.visit_create(by=office.owner, data=data)


def test_a_kam_cannot_use_another_kams_plan_line(office):
    other = make_plan(office.cast.other_kam, JUNE, status=PlanStatus.APPROVED, days=[4])
    data = visit_data(office, account=office.accounts[0])
    data.plan_line = other.lines.get()
    with pytest.raises(ValidationError):
        services.visit_create(by=office.owner, data=data)


@pytest.mark.parametrize(
    ("who", "role"),
    [("manager", Role.SALES_MANAGER), ("sales_vp", Role.SALES_VP), ("gm", Role.GM)],
)
def test_managers_and_executives_record_visits_under_their_role(office, who, role):
    user = getattr(office.cast, who)
    visit = services.visit_create(by=user, data=visit_data(office, day=8))
    assert (visit.visitor_role, visit.record) == (role, None)
    user.role = Role.GM if role != Role.GM else Role.SALES_VP
    user.save()  # a promotion later does not rewrite whose visit it was
    visit.refresh_from_db()
    assert visit.visitor_role == role


def test_technical_vp_visits_any_account(office):
    tech_vp = UserFactory(role=Role.TECH_VP)
    visit = services.visit_create(
        by=tech_vp, data=visit_data(office, account=office.other_account, contacts=[])
    )
    assert visit.visitor_role == Role.TECH_VP


@pytest.mark.parametrize("who", ["other_manager", "staff", "admin"])
def test_others_record_no_visits_here(office, who):
    with pytest.raises(PermissionDenied):
        services.visit_create(by=getattr(office.cast, who), data=visit_data(office, day=8))


# The month's record, due by the 5th ---------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "due"),
    [
        (dt.date(2026, 5, 1), dt.date(2026, 6, 5)),  # a Friday
        (dt.date(2026, 6, 1), dt.date(2026, 7, 6)),  # Sunday 5 July → Monday
        (dt.date(2026, 9, 1), dt.date(2026, 10, 8)),  # National Day holidays run to 7 October
        (dt.date(2026, 3, 1), dt.date(2026, 4, 7)),  # Qingming: 4–6 April off
        (dt.date(2026, 12, 1), dt.date(2027, 1, 5)),
    ],
)
def test_the_record_is_due_on_the_5th_or_the_next_working_day(month, due):
    assert record_due_on(month) == due


def _submit_on(office, month: dt.date, day: dt.date) -> VisitRecord:
    with time_machine.travel(at(day, hour=17), tick=False):
        return services.record_submit(kam=office.owner, month=month, by=office.owner)


@pytest.mark.parametrize(
    ("month", "day", "late"),
    [
        (dt.date(2026, 5, 1), dt.date(2026, 6, 5), False),
        (dt.date(2026, 5, 1), dt.date(2026, 6, 6), True),
        (dt.date(2026, 5, 1), dt.date(2026, 5, 31), False),  # on the month's last day
        (dt.date(2026, 9, 1), dt.date(2026, 10, 8), False),  # holiday roll-over
        (dt.date(2026, 9, 1), dt.date(2026, 10, 9), True),
    ],
)
def test_late_records_are_flagged(office, month, day, late):
    record = _submit_on(office, month, day)
    assert (record.status, record.is_late) == (RecordStatus.SUBMITTED, late)
    recipients = set(
        Notification.objects.filter(kind="record_submitted").values_list("recipient", flat=True)
    )
    assert recipients == {office.cast.manager.pk, office.cast.sales_vp.pk}


def test_a_record_is_submitted_once_the_month_is_over(office):
    with pytest.raises(ValidationError):
        _submit_on(office, JUNE, dt.date(2026, 6, 29))
    record = _submit_on(office, JUNE, dt.date(2026, 6, 30))
    with pytest.raises(ValidationError):
        _submit_on(office, JUNE, dt.date(2026, 7, 1))
    assert record.status == RecordStatus.SUBMITTED


@pytest.mark.parametrize("who", ["manager", "sales_vp", "other_kam"])
def test_only_the_kam_submits_her_record(office, who):
    with time_machine.travel(at(dt.date(2026, 7, 2)), tick=False), pytest.raises(PermissionDenied):
        services.record_submit(kam=office.owner, month=JUNE, by=getattr(office.cast, who))


def test_a_submitted_record_no_longer_changes(office):
    visit = services.visit_create(by=office.owner, data=visit_data(office, line_on(office, 3)))
    _submit_on(office, JUNE, dt.date(2026, 7, 1))
    with time_machine.travel(at(dt.date(2026, 7, 2)), tick=False):
        with pytest.raises(ValidationError):
            services.visit_create(by=office.owner, data=visit_data(office, day=20))
        with pytest.raises(ValidationError):
            services.visit_update(visit=visit, by=office.owner, data=visit_data(office, day=4))
        with pytest.raises(ValidationError):
            services.visit_withdraw(visit=visit, by=office.owner)
        services.visit_create(
            by=office.owner, data=visit_data(office, day=2, visited_on=dt.date(2026, 7, 1))
        )
    visit.refresh_from_db()
    assert (visit.visited_on, visit.is_cancelled) == (dt.date(2026, 6, 3), False)


def test_a_visit_is_corrected_or_withdrawn_while_open(office):
    visit = services.visit_create(by=office.owner, data=visit_data(office, day=5))
    services.visit_update(
        visit=visit, by=office.owner, data=visit_data(office, day=6, time_out=dt.time(10, 0))
    )
    visit.refresh_from_db()
    assert (visit.visited_on, visit.hours) == (dt.date(2026, 6, 6), Decimal("0.5"))
    with pytest.raises(PermissionDenied):
        services.visit_withdraw(visit=visit, by=office.cast.manager)
    services.visit_withdraw(visit=visit, by=office.owner)
    visit.refresh_from_db()
    assert visit.is_cancelled
    assert TimelineEntry.objects.filter(kind="visit_withdrawn").count() == 1


# Itinerary changes reported on their own -----------------------------------------------------


def test_a_change_reported_before_the_visit_then_linked_to_it(office):
    line = line_on(office, 17)
    change = services.itinerary_change_report(
        line=line,
        by=office.owner,
        what_changed="改为6月19日拜访",
        reason="客户要求改期",
        new_date=dt.date(2026, 6, 19),
    )
    assert change.visit is None
    assert Notification.objects.get(kind="itinerary_change").recipient == office.cast.manager
    with time_machine.travel(at(dt.date(2026, 6, 19), hour=18), tick=False):
        visit = services.visit_create(
            by=office.owner,
            data=visit_data(office, account=line.account, day=19, time_in=None, time_out=None),
        )
        services.itinerary_change_report(
            line=line,
            by=office.owner,
            what_changed="实际6月19日拜访",
            reason="客户要求改期",
            new_date=dt.date(2026, 6, 19),
            hours=Decimal("2.5"),
            visit=visit,
        )
    visit.refresh_from_db()
    assert (visit.plan_line, visit.hours) == (line, Decimal("2.5"))
    assert list(line.changes.order_by("pk").values_list("visit", flat=True)) == [None, visit.pk]


def test_changes_need_what_and_why_and_the_owner(office):
    line = line_on(office, 17)
    with pytest.raises(ValidationError):
        services.itinerary_change_report(
            line=line, by=office.owner, what_changed="改期", reason=" "
        )
    with pytest.raises(PermissionDenied):
        services.itinerary_change_report(
            line=line, by=office.cast.other_kam, what_changed="改期", reason="出差"
        )
    assert not ItineraryChange.objects.exists()


# The sales manager's review -------------------------------------------------------------------


def _june_done(office):
    """3rd: visited as planned; 10th: visited on the 12th; 17th: missed; plus an unplanned."""
    services.visit_create(by=office.owner, data=visit_data(office, line_on(office, 3), day=3))
    services.visit_create(
        by=office.owner,
        data=visit_data(office, line_on(office, 10), day=12, change_reason="对方开会"),
    )
    services.visit_create(
        by=office.owner, data=visit_data(office, account=office.accounts[2], day=15)
    )
    return _submit_on(office, JUNE, dt.date(2026, 7, 3))


def test_the_record_page_reads_the_record_against_the_plan(office, client):
    record = _june_done(office)
    client.force_login(office.cast.manager)
    response = client.get(reverse("visits:record_detail", args=[record.pk]))
    data = response.context["data"]
    assert [(r.line.planned_on.day, r.suggestion) for r in data.rows] == [
        (3, LineReview.AS_PLANNED),
        (10, LineReview.RESCHEDULED),
        (17, LineReview.MISSED),
    ]
    assert [v.visited_on.day for v in data.unplanned] == [15]
    assert response.context["review_form"] is not None


def test_the_manager_classifies_every_line(office, client):
    record = _june_done(office)
    lines = {line.planned_on.day: line.pk for line in office.plan.lines.all()}
    manager = office.cast.manager
    with pytest.raises(ValidationError):  # one line left unclassified
        services.record_review(
            record=record, by=manager, reviews={lines[3]: (LineReview.AS_PLANNED, "")}
        )
    client.force_login(manager)
    response = client.post(
        reverse("visits:record_review", args=[record.pk]),
        {
            f"review_{lines[3]}": "as_planned",
            f"review_{lines[10]}": "rescheduled",
            f"review_{lines[17]}": "missed",
            f"note_{lines[17]}": "未说明原因",
        },
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.status, record.reviewed_by) == (RecordStatus.REVIEWED, manager)
    reviews = dict(PlanLine.objects.filter(pk__in=lines.values()).values_list("pk", "review"))
    assert reviews == {lines[3]: "as_planned", lines[10]: "rescheduled", lines[17]: "missed"}
    assert PlanLine.objects.get(pk=lines[17]).review_note == "未说明原因"
    assert Notification.objects.get(kind="record_reviewed").recipient == office.owner


@pytest.mark.parametrize("who", ["other_manager", "sales_vp", "owner", "gm"])
def test_only_the_kams_manager_reviews(office, who):
    record = _june_done(office)
    reviews = {line.pk: (LineReview.MISSED, "") for line in office.plan.lines.all()}
    with pytest.raises(PermissionDenied):
        services.record_review(record=record, by=getattr(office.cast, who), reviews=reviews)


def test_an_open_record_is_not_reviewed(office):
    services.visit_create(by=office.owner, data=visit_data(office, day=5))
    record = VisitRecord.objects.get()
    with pytest.raises(ValidationError):
        services.record_review(record=record, by=office.cast.manager, reviews={})


def test_records_list_is_scoped(office, client):
    mine = _june_done(office)
    other_contact = ContactFactory(account=office.other_account)
    services.visit_create(
        by=office.cast.other_kam,
        data=visit_data(office, account=office.other_account, contacts=[other_contact], day=4),
    )
    theirs = VisitRecord.objects.get(kam=office.cast.other_kam)
    expected = {
        "owner": {mine.pk},
        "manager": {mine.pk},
        "other_manager": {theirs.pk},
        "sales_vp": {mine.pk, theirs.pk},
    }
    for who, pks in expected.items():
        client.force_login(getattr(office.cast, who))
        page = client.get(reverse("visits:records"))
        assert {r.pk for r in page.context["page"]} == pks, who
