"""A month's record returned to its KAM with a comment (§14.2): by her sales manager or the
sales VP, only once submitted; she revises her visits and submits again, and the comment
stays in the record's history."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import UserFactory
from visits.models import RecordTransition, VisitRecord
from visits.models.plans import PlanStatus
from visits.models.records import RecordStatus
from visits.services import record_returns
from visits.services import records as services
from visits.services.records import VisitInput
from visits.tests.plan_fixtures import at, make_office, make_plan

pytestmark = pytest.mark.django_db

JUNE = dt.date(2026, 6, 1)
COMMENT = "6月12日的拜访没有写结果，请补充。"


@pytest.fixture
def office(cast):
    with time_machine.travel(at(dt.date(2026, 6, 20)), tick=False):
        office = make_office(cast)
        make_plan(cast.owner, JUNE, status=PlanStatus.APPROVED, days=[3])
        account = office.accounts[0]
        office.visit = services.visit_create(
            by=cast.owner,
            data=VisitInput(account=account, visited_on=dt.date(2026, 6, 12), purposes=["share"]),
        )
    # Due on Monday 6 July (the 5th is a Sunday): the 7th is a day late.
    with time_machine.travel(at(dt.date(2026, 7, 7)), tick=False):
        office.record = services.record_submit(kam=cast.owner, month=JUNE, by=cast.owner)
        yield office


def test_the_manager_returns_with_a_comment_and_the_kam_hears_of_it(office):
    first_submitted = office.record.submitted_at
    record = record_returns.record_return(
        record=office.record, by=office.cast.manager, comment=f"  {COMMENT} "
    )
    record.refresh_from_db()
    assert (record.status, record.comment) == (RecordStatus.RETURNED, COMMENT)
    assert record.submitted_at == first_submitted and record.is_late
    transition = record.transitions.last()
    assert (transition.from_status, transition.to_status, transition.by, transition.comment) == (
        RecordStatus.SUBMITTED,
        RecordStatus.RETURNED,
        office.cast.manager,
        COMMENT,
    )
    note = Notification.objects.get(kind="record_returned")
    assert (note.recipient, note.body) == (office.owner, COMMENT)
    assert note.url == reverse("visits:record_detail", args=[record.pk])


def test_the_kam_revises_and_submits_again(office):
    record_returns.record_return(record=office.record, by=office.cast.sales_vp, comment=COMMENT)
    visit = office.visit
    with time_machine.travel(at(dt.date(2026, 7, 8)), tick=False):
        data = VisitInput(
            account=visit.account,
            visited_on=visit.visited_on,
            purposes=["share"],
            outcome="确认了三季度订单。",
        )
        services.visit_update(visit=visit, by=office.owner, data=data)
        record = services.record_submit(kam=office.owner, month=JUNE, by=office.owner)
    visit.refresh_from_db()
    assert visit.outcome == "确认了三季度订单。"
    assert record.status == RecordStatus.SUBMITTED
    # Lateness is the first submission's: the 7th, a day after the due date.
    assert record.is_late and record.submitted_at.date() == dt.date(2026, 7, 7)
    assert list(record.transitions.values_list("to_status", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
    ]
    again = Notification.objects.filter(kind="record_submitted", recipient=office.cast.manager)
    assert again.count() == 2  # the first submission and the resubmission
    # Submitted again, it is closed again.
    with pytest.raises(ValidationError):
        services.visit_withdraw(visit=visit, by=office.owner)


def test_a_comment_is_required(office):
    with pytest.raises(ValidationError):
        record_returns.record_return(record=office.record, by=office.cast.manager, comment="  ")
    office.record.refresh_from_db()
    assert office.record.status == RecordStatus.SUBMITTED


@pytest.mark.parametrize("status", ["open", "returned", "reviewed"])
def test_only_a_submitted_record_is_returned(office, status):
    VisitRecord.objects.filter(pk=office.record.pk).update(status=status)
    with pytest.raises(ValidationError):
        record_returns.record_return(record=office.record, by=office.cast.manager, comment=COMMENT)
    assert not RecordTransition.objects.filter(to_status=RecordStatus.RETURNED).exists()


@pytest.mark.parametrize("who", ["owner", "other_kam", "other_manager", "gm", "admin", "staff"])
def test_nobody_else_returns_a_record(office, who):
    with pytest.raises(PermissionDenied):
        record_returns.record_return(
            record=office.record, by=getattr(office.cast, who), comment=COMMENT
        )


def test_a_returned_record_is_not_reviewed(office):
    record_returns.record_return(record=office.record, by=office.cast.manager, comment=COMMENT)
    with pytest.raises(ValidationError):
        services.record_review(record=office.record, by=office.cast.manager, reviews={})


# The pages, per role ---------------------------------------------------------------------------

# member: (status of POST return, whether the record page offers the return form)
ROLES = {
    "owner": (403, False),
    "other_kam": (404, None),
    "manager": (302, True),
    "other_manager": (404, None),
    "sales_vp": (302, True),
    "gm": (403, False),
    "admin": (403, False),
    "staff": (404, None),
    "tech_vp": (404, None),
}


@pytest.mark.parametrize(("who", "expected"), list(ROLES.items()))
def test_return_per_role(office, who, expected):
    status, offered = expected
    user = UserFactory(role=Role.TECH_VP) if who == "tech_vp" else getattr(office.cast, who)
    client = Client()
    client.force_login(user)
    page = client.get(reverse("visits:record_detail", args=[office.record.pk]))
    if offered is None:
        assert page.status_code == 404
    else:
        assert ('id="return-record"' in page.content.decode()) == offered
    response = client.post(
        reverse("visits:record_return", args=[office.record.pk]), {"comment": COMMENT}
    )
    assert response.status_code == status
    office.record.refresh_from_db()
    expected_status = RecordStatus.RETURNED if status == 302 else RecordStatus.SUBMITTED
    assert office.record.status == expected_status


def test_the_kam_reads_the_comment_and_the_history(office, client):
    record_returns.record_return(record=office.record, by=office.cast.manager, comment=COMMENT)
    client.force_login(office.owner)
    html = client.get(reverse("visits:record_detail", args=[office.record.pk])).content.decode()
    assert 'id="return-comment"' in html and COMMENT in html
    history = html[html.index('id="record-transitions"') :]
    assert COMMENT in history
    assert 'id="submit-record"' in html  # she may submit it again
    assert 'id="return-record"' not in html
    # Her visit is editable again.
    visit_page = client.get(reverse("visits:visit_detail", args=[office.visit.pk])).content
    assert reverse("visits:visit_edit", args=[office.visit.pk]).encode() in visit_page
