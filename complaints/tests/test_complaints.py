"""Complaints (投诉, §4): deadlines by severity (editable), resolution, the follow-up call,
the overdue list, history and timeline, and the hand-over of a leaver's complaints."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services as account_services
from accounts.models import HandOverItem, TimelineEntry
from complaints import selectors, services
from complaints.models import (
    Channel,
    Complaint,
    ComplaintDeadline,
    ComplaintStatus,
    Satisfaction,
    Severity,
)
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import AccountFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def new(account, *, severity=Severity.ORDINARY, received_on=None, handler=None, by=None):
    return services.complaint_create(
        account=account,
        by=by or account.owner,
        data={
            "received_on": received_on or timezone.localdate(),
            "channel": Channel.PHONE,
            "subject": "交货延迟",
            "content": "客户产线等料两小时",
            "severity": severity,
            "handler": handler or account.owner,
        },
    )


def rows() -> list:
    return list(
        Complaint.objects.values_list(
            "pk", "status", "severity", "due_on", "handler", "resolved_on", "satisfaction"
        ).order_by("pk")
    )


@pytest.mark.parametrize(
    ("severity", "days"), [(Severity.SERIOUS, 3), (Severity.ORDINARY, 7), (Severity.MINOR, 15)]
)
def test_deadline_follows_severity(severity, days):
    account = AccountFactory()
    received = timezone.localdate() - dt.timedelta(days=1)
    complaint = new(account, severity=severity, received_on=received)
    assert complaint.due_on == received + dt.timedelta(days=days)
    assert complaint.history.get().history_user == account.owner
    entry = TimelineEntry.objects.get(account=account, kind="complaint")
    assert entry.url == reverse("complaints:detail", args=[account.pk, complaint.pk])


def test_administrators_change_deadlines_for_new_complaints_only():
    account = AccountFactory()
    admin = UserFactory(role=Role.ADMIN)
    old = new(account, severity=Severity.SERIOUS)
    changed = services.deadlines_save(by=admin, days={"serious": 1, "ordinary": 7, "minor": 15})
    assert changed == ["serious"]
    assert ComplaintDeadline.objects.get(severity="serious").history.first().history_user == admin
    fresh = new(account, severity=Severity.SERIOUS)
    assert fresh.due_on == fresh.received_on + dt.timedelta(days=1)
    old.refresh_from_db()
    assert old.due_on == old.received_on + dt.timedelta(days=3)


@pytest.mark.parametrize("role", [Role.KAM, Role.SALES_VP, Role.GM, Role.SALES_MANAGER])
def test_only_administrators_change_deadlines(role):
    with pytest.raises(PermissionDenied):
        services.deadlines_save(by=UserFactory(role=role), days={"serious": 1})
    assert selectors.deadline_days()["serious"] == 3


def test_deadline_out_of_range_changes_nothing():
    admin = UserFactory(role=Role.ADMIN)
    with pytest.raises(ValidationError):
        services.deadlines_save(by=admin, days={"serious": 0, "minor": 400})
    assert selectors.deadline_days() == {"serious": 3, "ordinary": 7, "minor": 15}


def test_a_new_severity_moves_the_deadline():
    account = AccountFactory()
    complaint = new(account, severity=Severity.MINOR)
    services.complaint_update(
        complaint=complaint, by=account.owner, data={"severity": Severity.SERIOUS}
    )
    complaint.refresh_from_db()
    assert complaint.due_on == complaint.received_on + dt.timedelta(days=3)
    assert TimelineEntry.objects.filter(account=account, kind="complaint_changed").exists()


def test_resolve_then_follow_up_closes_it():
    account = AccountFactory()
    today = timezone.localdate()
    complaint = new(account, received_on=today - dt.timedelta(days=4))
    services.complaint_resolve(
        complaint=complaint,
        by=account.owner,
        resolution="补发合格品",
        resolved_on=today - dt.timedelta(days=2),
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED
    assert not complaint.resolved_late
    services.complaint_follow_up(
        complaint=complaint,
        by=account.owner,
        follow_up_on=today,
        satisfaction=Satisfaction.SATISFIED,
        notes="客户满意",
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.satisfaction, complaint.follow_up_by) == (
        ComplaintStatus.CLOSED,
        Satisfaction.SATISFIED,
        account.owner,
    )
    kinds = set(TimelineEntry.objects.filter(account=account).values_list("kind", flat=True))
    assert {"complaint", "complaint_resolved", "complaint_follow_up"} <= kinds
    assert complaint.history.count() == 3
    with pytest.raises(ValidationError):
        services.complaint_update(complaint=complaint, by=account.owner, data={"subject": "x"})


def test_an_unsatisfied_customer_reopens_it():
    account = AccountFactory()
    today = timezone.localdate()
    complaint = new(account, severity=Severity.SERIOUS, received_on=today - dt.timedelta(days=9))
    services.complaint_resolve(
        complaint=complaint, by=account.owner, resolution="解释", resolved_on=today
    )
    complaint.refresh_from_db()
    assert complaint.resolved_late
    with pytest.raises(ValidationError):  # reopening says why
        services.complaint_follow_up(
            complaint=complaint,
            by=account.owner,
            follow_up_on=today,
            satisfaction=Satisfaction.DISSATISFIED,
            reopen=True,
        )
    services.complaint_follow_up(
        complaint=complaint,
        by=account.owner,
        follow_up_on=today,
        satisfaction=Satisfaction.DISSATISFIED,
        notes="仍有缺陷",
        reopen=True,
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.resolved_on) == (ComplaintStatus.OPEN, None)
    assert (
        selectors.complaints_visible_to(account.owner).filter(selectors.overdue_q(today)).get()
        == complaint
    )


@pytest.mark.parametrize(
    "case", ["future receipt", "resolved before received", "empty resolution", "follow-up early"]
)
def test_bad_input_changes_nothing(case):
    account = AccountFactory()
    today = timezone.localdate()
    complaint = new(account, received_on=today - dt.timedelta(days=2))
    if case == "follow-up early":
        services.complaint_resolve(
            complaint=complaint, by=account.owner, resolution="好了", resolved_on=today
        )
    before = rows()
    timeline = TimelineEntry.objects.count()
    attempts = {
        "future receipt": lambda: new(account, received_on=today + dt.timedelta(days=1)),
        "resolved before received": lambda: services.complaint_resolve(
            complaint=complaint,
            by=account.owner,
            resolution="好了",
            resolved_on=today - dt.timedelta(days=3),
        ),
        "empty resolution": lambda: services.complaint_resolve(
            complaint=complaint, by=account.owner, resolution="  ", resolved_on=today
        ),
        "follow-up early": lambda: services.complaint_follow_up(
            complaint=complaint,
            by=account.owner,
            follow_up_on=today - dt.timedelta(days=1),
            satisfaction=3,
        ),
    }
    with pytest.raises(ValidationError):
        attempts[case]()
    assert rows() == before
    assert TimelineEntry.objects.count() == timeline


def test_only_the_owner_and_administrators_write():
    team = TeamFactory()
    owner = UserFactory(role=Role.KAM, team=team)
    account = AccountFactory(owner=owner)
    complaint = new(account)
    for user in (team.manager, UserFactory(role=Role.SALES_VP), UserFactory(role=Role.KAM)):
        with pytest.raises(PermissionDenied):
            new(account, by=user)
        with pytest.raises(PermissionDenied):
            services.complaint_resolve(
                complaint=complaint, by=user, resolution="x", resolved_on=timezone.localdate()
            )
    services.complaint_resolve(
        complaint=complaint,
        by=UserFactory(role=Role.ADMIN),
        resolution="x",
        resolved_on=timezone.localdate(),
    )


def test_the_handler_can_read_the_archive_and_is_told():
    team = TeamFactory()
    owner = UserFactory(role=Role.KAM, team=team)
    account = AccountFactory(owner=owner)
    outsider = UserFactory(role=Role.STAFF)
    with pytest.raises(ValidationError):
        new(account, handler=outsider)
    complaint = new(account, handler=team.manager)
    note = Notification.objects.get(recipient=team.manager, kind="complaint")
    assert note.url == reverse("complaints:detail", args=[account.pk, complaint.pk])
    # The deadline is worded when the reminder is shown, never frozen into its title.
    assert note.due_on == complaint.due_on and str(complaint.due_on) not in note.title
    assert not Notification.objects.filter(recipient=owner).exists()  # she entered it


def test_overdue_list_is_scoped_like_the_account_list(client):
    today = timezone.localdate()
    east, north = TeamFactory(), TeamFactory()
    mine = AccountFactory(owner=UserFactory(role=Role.KAM, team=east))
    theirs = AccountFactory(owner=UserFactory(role=Role.KAM, team=north))
    late = new(mine, severity=Severity.SERIOUS, received_on=today - dt.timedelta(days=4))
    new(mine, severity=Severity.SERIOUS, received_on=today - dt.timedelta(days=3))  # due today
    new(theirs, severity=Severity.SERIOUS, received_on=today - dt.timedelta(days=10))

    client.force_login(east.manager)
    response = client.get(reverse("complaints:list"))
    assert [c.pk for c in response.context["page"]] == [late.pk]
    tabs = {name: count for name, _label, count in response.context["tabs"]}
    assert tabs == {"overdue": 1, "open": 2, "follow_up": 0, "all": 2}

    client.force_login(UserFactory(role=Role.SALES_VP))
    response = client.get(reverse("complaints:list"))
    assert len(response.context["page"]) == 2

    client.force_login(UserFactory(role=Role.STAFF))
    assert client.get(reverse("complaints:list")).status_code == 403


def test_complaint_pages_in_the_browser_flow(client):
    """The owner records, resolves and follows up through the forms; the detail page shows the
    history of each change."""
    account = AccountFactory()
    today = f"{timezone.localdate():%Y-%m-%d}"
    client.force_login(account.owner)
    response = client.post(
        reverse("complaints:new", args=[account.pk]),
        {
            "received_on": today,
            "channel": "email",
            "severity": "ordinary",
            "handler": account.owner.pk,
            "subject": "包装破损",
            "content": "三箱外包装破损",
        },
    )
    complaint = Complaint.objects.get()
    assert response.url == reverse("complaints:detail", args=[account.pk, complaint.pk])
    response = client.post(
        reverse("complaints:edit", args=[account.pk, complaint.pk]),
        {
            "received_on": today,
            "channel": "email",
            "severity": "serious",
            "handler": account.owner.pk,
            "subject": "包装破损",
            "content": "三箱外包装破损",
        },
    )
    assert response.status_code == 302
    client.post(
        reverse("complaints:resolve", args=[account.pk, complaint.pk]),
        {"resolved_on": today, "resolution": "已换货"},
    )
    client.post(
        reverse("complaints:follow_up", args=[account.pk, complaint.pk]),
        {"follow_up_on": today, "satisfaction": "5", "notes": "很满意"},
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED
    page = client.get(
        reverse("complaints:detail", args=[account.pk, complaint.pk]),
        headers={"accept-language": "en"},
    )
    history = page.context["history"]
    assert len(history) == 4
    changed = {c.field for h in history for c in h.changes}
    assert {"severity", "deadline", "status", "satisfaction"} <= changed


def test_hand_over_moves_open_complaints_to_the_successor():
    team = TeamFactory()
    leaver = UserFactory(role=Role.KAM, team=team)
    heir = UserFactory(role=Role.KAM, team=team)
    other_kam = UserFactory(role=Role.KAM, team=team)
    mine = AccountFactory(owner=leaver)
    elsewhere = AccountFactory(owner=other_kam)
    open_ = new(mine)
    closed = new(mine)
    Complaint.objects.filter(pk=closed.pk).update(
        status=ComplaintStatus.CLOSED,
        resolution="x",
        resolved_on=timezone.localdate(),
        follow_up_on=timezone.localdate(),
        satisfaction=4,
    )
    # The leaver also handles a complaint on someone else's account.
    borrowed = new(elsewhere)
    Complaint.objects.filter(pk=borrowed.pk).update(handler=leaver)

    handover = account_services.accounts_hand_over(
        leaver=leaver, by=UserFactory(role=Role.SALES_VP), default_successor=heir
    )

    handlers = dict(Complaint.objects.values_list("pk", "handler"))
    assert handlers == {open_.pk: heir.pk, closed.pk: leaver.pk, borrowed.pk: other_kam.pk}
    items = set(handover.items.filter(kind="complaint").values_list("object_id", "successor"))
    assert items == {(open_.pk, heir.pk), (borrowed.pk, other_kam.pk)}
    row = Complaint.history.filter(id=open_.pk).order_by("-history_id").first()
    assert row.history_user == handover.performed_by
    assert HandOverItem(kind="complaint").get_kind_display() != "complaint"


def test_no_float_in_the_complaint_code():
    """The complaint pages show no money, but they sit beside it: no float creeps in here."""
    import importlib
    import pkgutil
    from pathlib import Path

    import complaints

    names = [
        m.name
        for m in pkgutil.walk_packages(complaints.__path__, "complaints.")
        if ".tests" not in m.name and ".migrations" not in m.name
    ]
    assert {"complaints.services", "complaints.selectors"} <= set(names)
    for name in names:
        source = Path(importlib.import_module(name).__file__).read_text()
        assert "float(" not in source and "FloatField" not in source, name
