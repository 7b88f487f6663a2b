"""Reminders about complaints (§4, §7): a complaint on the first day past its deadline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from complaints.models import Complaint, ComplaintStatus
from complaints.reminders import complaint_reminders
from kam.models import Notification

pytestmark = pytest.mark.django_db

D = dt.date
DUE = D(2026, 9, 30)


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def sent(kind: str) -> set[tuple[int, str]]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", "key"))


def complaint(account, handler, due_on=DUE, **kw) -> Complaint:
    return Complaint.objects.create(
        account=account,
        received_on=due_on - dt.timedelta(days=7),
        channel="phone",
        subject=kw.pop("subject", "交货延误"),
        content="第二批货晚到三天",
        severity="ordinary",
        handler=handler,
        due_on=due_on,
        created_by=account.owner,
        **kw,
    )


@pytest.mark.parametrize(
    ("today", "fires"),
    [
        (DUE, False),  # the deadline day itself: still in time
        (DUE + dt.timedelta(days=1), True),
        (DUE + dt.timedelta(days=2), False),
    ],
)
def test_a_complaint_past_its_deadline_reaches_handler_and_owners_manager(cast, today, fires):
    late = complaint(cast.account, handler=cast.sales_vp)
    expected = (
        {
            (cast.sales_vp.pk, f"complaint_overdue:{late.pk}"),
            (cast.manager.pk, f"complaint_overdue:{late.pk}"),
        }
        if fires
        else set()
    )
    assert complaint_reminders(today) == len(expected)
    assert sent("complaint_overdue") == expected
    if fires:
        note = Notification.objects.filter(recipient=cast.manager).get()
        assert note.title == f"Complaint past its deadline: 交货延误 ({cast.account.name})"
        assert note.url == reverse("complaints:detail", args=[cast.account.pk, late.pk])
        assert note.due_on == late.due_on  # the inbox says how long overdue, when it is read
    assert complaint_reminders(today) == 0


def test_resolved_complaints_and_other_teams_are_left_alone(cast):
    complaint(
        cast.account,
        handler=cast.owner,
        subject="已解决",
        status=ComplaintStatus.RESOLVED,
        resolution="补发",
        resolved_on=DUE,
    )
    mine = complaint(cast.account, handler=cast.owner)
    assert complaint_reminders(DUE + dt.timedelta(days=1)) == 2
    assert sent("complaint_overdue") == {
        (cast.owner.pk, f"complaint_overdue:{mine.pk}"),
        (cast.manager.pk, f"complaint_overdue:{mine.pk}"),
    }
