"""§10 借阅: a registered request, decided by the owner KAM, that ends by itself."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import selectors, services
from accounts.models import ArchiveAccess, ArchiveLoan, TimelineEntry
from accounts.models.access import LoanStatus
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 3, 9, 10, 0, tzinfo=SH)
TODAY = MONDAY.date()


@pytest.fixture
def frozen():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def detail(cast):
    return reverse("accounts:detail", args=[cast.account.pk])


def test_request_approve_read_then_expire_by_itself(client, cast, frozen):
    requester = cast.staff
    until = TODAY + dt.timedelta(days=10)
    client.force_login(requester)
    assert client.get(detail(cast)).status_code == 404

    response = client.post(
        reverse("accounts:loan_new", args=[cast.account.pk]),
        {"reason": "技术交流前了解客户", "until": until.isoformat()},
    )
    assert response.status_code == 302
    loan = ArchiveLoan.objects.get(requester=requester)
    assert (loan.status, loan.until) == (LoanStatus.PENDING, until)
    assert client.get(detail(cast)).status_code == 404  # pending is not approved

    client.force_login(cast.owner)
    response = client.post(
        reverse("accounts:loan_decide", args=[loan.pk]), {"approve": "1", "comment": "可以"}
    )
    assert response.status_code == 302
    loan.refresh_from_db()
    assert (loan.status, loan.decided_by, loan.comment) == (LoanStatus.APPROVED, cast.owner, "可以")

    client.force_login(requester)
    response = client.get(detail(cast))
    assert response.status_code == 200
    assert response.context["loan"] == loan
    access = ArchiveAccess.objects.get(user=requester)
    assert access.loan == loan  # the reading is logged, with its grounds

    # the last day of the loan still counts
    frozen.move_to(dt.datetime.combine(until, dt.time(23, 30), tzinfo=SH))
    client.force_login(requester)  # a new day, a new sign-in
    assert client.get(detail(cast)).status_code == 200

    # the day after, it is gone without anyone doing anything
    frozen.move_to(dt.datetime.combine(until + dt.timedelta(days=1), dt.time(8, 0), tzinfo=SH))
    client.force_login(requester)
    assert client.get(detail(cast)).status_code == 404
    assert client.get(reverse("accounts:export", args=[cast.account.pk])).status_code == 404
    assert not selectors.archives_readable_by(requester).filter(pk=cast.account.pk).exists()
    loan.refresh_from_db()
    assert loan.status == LoanStatus.APPROVED  # nothing was written; time alone ended it


def test_refusal_keeps_the_archive_closed(client, cast, frozen):
    loan = services.loan_request(
        account=cast.account, by=cast.staff, reason="看看", until=TODAY + dt.timedelta(days=3)
    )
    client.force_login(cast.owner)
    client.post(
        reverse("accounts:loan_decide", args=[loan.pk]), {"approve": "0", "comment": "不必"}
    )
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REFUSED
    client.force_login(cast.staff)
    assert client.get(detail(cast)).status_code == 404
    note = Notification.objects.get(recipient=cast.staff, kind="loan_refused")
    assert note.body == "不必"
    # Both reminders open the loan's own line on the loans page.
    assert note.url == f"{reverse('accounts:loans')}#loan-{loan.pk}"
    asked = Notification.objects.get(recipient=cast.owner, kind="loan_request")
    assert asked.url == note.url
    assert f'id="loan-{loan.pk}"' in client.get(reverse("accounts:loans")).content.decode()
    assert TimelineEntry.objects.filter(account=cast.account, kind="loan_refused").exists()


def test_a_decided_request_cannot_be_decided_again(cast, frozen):
    loan = services.loan_request(
        account=cast.account, by=cast.staff, reason="看看", until=TODAY + dt.timedelta(days=3)
    )
    services.loan_decide(loan=loan, by=cast.owner, approve=False)
    with pytest.raises(ValidationError):
        services.loan_decide(loan=loan, by=cast.owner, approve=True)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REFUSED


@pytest.mark.parametrize(
    "decider", ["manager", "sales_vp", "gm", "admin", "other_kam", "staff", "staff_loan"]
)
def test_only_the_owner_decides(cast, frozen, decider):
    loan = services.loan_request(
        account=cast.account, by=cast.staff, reason="看看", until=TODAY + dt.timedelta(days=3)
    )
    with pytest.raises(PermissionDenied):
        services.loan_decide(loan=loan, by=getattr(cast, decider), approve=True)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.PENDING


def test_decide_view_is_404_for_anyone_but_the_owner(client, cast, frozen):
    loan = services.loan_request(
        account=cast.account, by=cast.staff, reason="看看", until=TODAY + dt.timedelta(days=3)
    )
    for user in (cast.sales_vp, cast.manager, cast.staff):
        client.force_login(user)
        response = client.post(reverse("accounts:loan_decide", args=[loan.pk]), {"approve": "1"})
        assert response.status_code == 404
    loan.refresh_from_db()
    assert loan.status == LoanStatus.PENDING


def test_the_owner_must_still_be_active_to_decide(cast, frozen):
    loan = services.loan_request(
        account=cast.account, by=cast.staff, reason="看看", until=TODAY + dt.timedelta(days=3)
    )
    cast.owner.is_active = False
    cast.owner.save()
    with pytest.raises(PermissionDenied):
        services.loan_decide(loan=loan, by=cast.owner, approve=True)


def test_a_second_pending_request_is_refused(cast, frozen):
    until = TODAY + dt.timedelta(days=3)
    services.loan_request(account=cast.account, by=cast.staff, reason="一", until=until)
    with pytest.raises(ValidationError):
        services.loan_request(account=cast.account, by=cast.staff, reason="二", until=until)
    assert ArchiveLoan.objects.filter(requester=cast.staff).count() == 1


def test_a_new_request_is_fine_once_the_first_is_decided(cast, frozen):
    until = TODAY + dt.timedelta(days=3)
    first = services.loan_request(account=cast.account, by=cast.staff, reason="一", until=until)
    services.loan_decide(loan=first, by=cast.owner, approve=False)
    services.loan_request(account=cast.account, by=cast.staff, reason="二", until=until)
    assert ArchiveLoan.objects.filter(requester=cast.staff).count() == 2


@pytest.mark.parametrize(
    ("days", "ok"),
    [(-1, False), (0, True), (services.MAX_LOAN_DAYS, True), (services.MAX_LOAN_DAYS + 1, False)],
)
def test_end_date_bounds(cast, frozen, days, ok):
    until = TODAY + dt.timedelta(days=days)
    if ok:
        services.loan_request(account=cast.account, by=cast.staff, reason="看看", until=until)
        assert ArchiveLoan.objects.filter(requester=cast.staff).count() == 1
    else:
        with pytest.raises(ValidationError) as exc:
            services.loan_request(account=cast.account, by=cast.staff, reason="看看", until=until)
        assert "until" in exc.value.message_dict
        assert not ArchiveLoan.objects.filter(requester=cast.staff).exists()


def test_end_date_errors_are_shown_on_the_form(client, cast, frozen):
    client.force_login(cast.staff)
    response = client.post(
        reverse("accounts:loan_new", args=[cast.account.pk]),
        {"reason": "看看", "until": (TODAY + dt.timedelta(days=120)).isoformat()},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ArchiveLoan.objects.filter(requester=cast.staff).exists()


def test_a_reason_is_required(cast, frozen):
    with pytest.raises(ValidationError):
        services.loan_request(
            account=cast.account, by=cast.staff, reason="  ", until=TODAY + dt.timedelta(days=1)
        )


def test_those_who_read_by_position_do_not_borrow(cast, frozen):
    for user in (cast.owner, cast.manager, cast.sales_vp):
        with pytest.raises(ValidationError):
            services.loan_request(
                account=cast.account, by=user, reason="看看", until=TODAY + dt.timedelta(days=1)
            )


def test_an_expired_request_cannot_be_approved(cast, frozen):
    loan = services.loan_request(
        account=cast.account, by=cast.staff, reason="看看", until=TODAY + dt.timedelta(days=1)
    )
    frozen.move_to(MONDAY + dt.timedelta(days=3))
    with pytest.raises(ValidationError):
        services.loan_decide(loan=loan, by=cast.owner, approve=True)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.PENDING


def test_notifications_for_owner_and_requester(cast, frozen):
    loan = services.loan_request(
        account=cast.account, by=cast.staff, reason="准备投标", until=TODAY + dt.timedelta(days=5)
    )
    to_owner = Notification.objects.get(recipient=cast.owner, kind="loan_request")
    assert to_owner.body == "准备投标"
    assert to_owner.url == f"{reverse('accounts:loans')}#loan-{loan.pk}"  # the request itself
    assert not Notification.objects.filter(recipient=cast.staff).exists()

    services.loan_decide(loan=loan, by=cast.owner, approve=True)
    to_requester = Notification.objects.get(recipient=cast.staff, kind="loan_approved")
    assert to_requester.url == detail(cast)
    assert cast.account.name in to_requester.title
    assert TimelineEntry.objects.filter(account=cast.account, kind="loan_approved").exists()


def test_withdrawal_by_the_requester_only(cast, frozen):
    loan = services.loan_request(
        account=cast.account, by=cast.staff, reason="看看", until=TODAY + dt.timedelta(days=5)
    )
    with pytest.raises(PermissionDenied):
        services.loan_withdraw(loan=loan, by=cast.owner)
    services.loan_withdraw(loan=loan, by=cast.staff)
    loan.refresh_from_db()
    assert loan.status == LoanStatus.WITHDRAWN
    with pytest.raises(ValidationError):
        services.loan_decide(loan=loan, by=cast.owner, approve=True)


def test_loan_ends_with_the_requesters_departure(client, cast, frozen):
    """A deactivated borrower reads nothing, even with time left on the loan."""
    requester = UserFactory(role=Role.STAFF)
    loan = services.loan_request(
        account=cast.account, by=requester, reason="看看", until=TODAY + dt.timedelta(days=5)
    )
    services.loan_decide(loan=loan, by=cast.owner, approve=True)
    requester.is_active = False
    requester.save()
    assert not selectors.archives_readable_by(requester).exists()
