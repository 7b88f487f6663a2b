"""Who may open what: every URL of kam/urls.py and accounts/urls.py for every member of the
cast (kam/tests/cast.py) and an anonymous visitor, against SPEC §2 written out by hand.

Rules the table encodes:
- list (一览表): a KAM her own, a sales manager his team's, the sales VP, the GM and
  administrators all; anybody else is sent to the name lookup;
- archive (原始资料): owner, owner's sales manager, sales VP, GM, administrators, or an active
  loan (借阅); everyone else gets 404, like a guessed URL;
- edits: owner and administrators; reviews: the owner; loan decisions: the owner;
- access log and hand-over: sales VP and administrators; import: administrators.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import partial

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import (
    AccountEvent,
    ArchiveAccess,
    ArchiveLoan,
    FinancialReport,
    HandOver,
    KeyAccount,
)
from accounts.models.access import AccessAction, LoanStatus
from accounts.models.archive import EventKind
from kam.models import Notification
from kam.roles import Role
from kam.tests.cast import Cast
from kam.tests.factories import LoanFactory, UserFactory
from kam.tests.matrix import CAST_MEMBERS, LOG, Members, assert_cell, covers_every_url, parametrize

pytestmark = pytest.mark.django_db

# A cell is a status code, or a redirect (302) to a named page (LOG: the login page):
LKP = "302 lookup"
ARC = "302 detail"  # the archive itself: who can already read it needs no loan
LNS = "302 loans"
INB = "302 inbox"
HOM = "302 home"
ADM = "302 admin_login"

# Columns follow CAST_MEMBERS: owner KAM, KAM of another team, the owner's sales manager, another
# sales manager, sales VP, GM, administrator, staff without a loan, staff with an active loan,
# staff whose loan has expired, nobody signed in.
# fmt: off
MATRIX: dict[str, tuple] = {
    # columns:                   own  oKAM mgr  oMgr VP   GM   adm  stf  loan exp  anon
    # kam/urls.py
    "home":                      (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, LOG),
    "login":                     (HOM, HOM, HOM, HOM, HOM, HOM, HOM, HOM, HOM, HOM, 200),
    "logout":                    (LOG, LOG, LOG, LOG, LOG, LOG, LOG, LOG, LOG, LOG, LOG),
    "password_change":           (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, LOG),
    "password_change_done":      (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, LOG),
    "inbox":                     (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, LOG),
    "inbox_read_all":            (INB, INB, INB, INB, INB, INB, INB, INB, INB, INB, LOG),
    "notification_open":         (INB, 404, 404, 404, 404, 404, 404, 404, 404, 404, LOG),
    "admin:index":               (ADM, ADM, ADM, ADM, ADM, ADM, 200, ADM, ADM, ADM, ADM),
    # accounts/urls.py
    "accounts:list":             (200, 200, 200, 200, 200, 200, 200, LKP, LKP, LKP, LOG),
    "accounts:create":           (200, 200, 403, 403, 403, 403, 200, 403, 403, 403, LOG),
    "accounts:lookup":           (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, LOG),
    "accounts:detail":           (200, 404, 200, 404, 200, 200, 200, 404, 200, 404, LOG),
    "accounts:edit":             (200, 404, 403, 404, 403, 403, 200, 404, 403, 404, LOG),
    "accounts:retire":           (ARC, 404, 403, 404, 403, 403, ARC, 404, 403, 404, LOG),
    "accounts:export":           (200, 404, 200, 404, 200, 200, 200, 404, 200, 404, LOG),
    "accounts:contact_new":      (200, 404, 403, 404, 403, 403, 200, 404, 403, 404, LOG),
    "accounts:contact_edit":     (200, 404, 403, 404, 403, 403, 200, 404, 403, 404, LOG),
    "accounts:event_new":        (200, 404, 403, 404, 403, 403, 200, 404, 403, 404, LOG),
    "accounts:event_edit":       (200, 404, 403, 404, 403, 403, 200, 404, 403, 404, LOG),
    "accounts:report_new":       (200, 404, 403, 404, 403, 403, 200, 404, 403, 404, LOG),
    "accounts:report_file":      (200, 404, 200, 404, 200, 200, 200, 404, 200, 404, LOG),
    "accounts:review_new":       (200, 404, 403, 404, 403, 403, 403, 404, 403, 404, LOG),
    "accounts:major_matter_new": (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, LOG),
    "accounts:loan_new":         (ARC, 200, ARC, 200, ARC, ARC, ARC, 200, 200, 200, LOG),
    "accounts:loans":            (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, LOG),
    "accounts:loan_decide":      (LNS, 404, 404, 404, 404, 404, 404, 404, 404, 404, LOG),
    "accounts:loan_withdraw":    (404, 404, 404, 404, 404, 404, 404, LNS, 404, 404, LOG),
    "accounts:access_log":       (403, 403, 403, 403, 200, 403, 200, 403, 403, 403, LOG),
    "accounts:reviews_overdue":  (200, 200, 200, 200, 200, 200, 200, 403, 403, 403, LOG),
    "accounts:handover":         (403, 403, 403, 403, 200, 403, 200, 403, 403, 403, LOG),
    "accounts:handover_detail":  (403, 403, 403, 403, 200, 403, 200, 403, 403, 403, LOG),
    "accounts:import":           (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, LOG),
    "accounts:import_template":  (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, LOG),
}
# fmt: on

# Patterns the matrix leaves to Django itself: the language switch and the admin's own pages
# (the admin index row above stands for them).
# Exports belong to the person who started them: appraisal/tests/test_excel.py walks every
# role through them (test_only_the_owner_follows_and_downloads).
NOT_IN_MATRIX = {"set_language", "export_status", "export_download"}

ARCHIVE_READS = {
    "accounts:detail": AccessAction.VIEW,
    "accounts:edit": AccessAction.VIEW,  # the edit form shows the whole archive
    "accounts:export": AccessAction.EXPORT,
    "accounts:report_file": AccessAction.DOWNLOAD,
}


@dataclass
class World:
    """The cast plus one of everything a URL can point at, all on the cast's account."""

    cast: Cast
    event: AccountEvent
    report: FinancialReport
    pending_loan: ArchiveLoan  # asked by `staff`, waiting for the owner
    active_loan: ArchiveLoan  # staff_loan's
    handover: HandOver
    notification: Notification

    def user(self, member: str):
        return Members(self.cast).user(member)

    def request(self, name: str) -> tuple[str, str, dict]:
        """(method, url, data) for a URL name."""
        pk = self.cast.account.pk
        contact = self.cast.account.contacts.get()
        args = {
            "notification_open": [self.notification.pk],
            "accounts:detail": [pk],
            "accounts:edit": [pk],
            "accounts:retire": [pk],
            "accounts:export": [pk],
            "accounts:contact_new": [pk],
            "accounts:contact_edit": [pk, contact.pk],
            "accounts:event_new": [pk],
            "accounts:event_edit": [pk, self.event.pk],
            "accounts:report_new": [pk],
            "accounts:report_file": [pk, self.report.pk],
            "accounts:review_new": [pk],
            "accounts:major_matter_new": [pk],
            "accounts:loan_new": [pk],
            "accounts:loan_decide": [self.pending_loan.pk],
            "accounts:loan_withdraw": [self.pending_loan.pk],
            "accounts:handover_detail": [self.handover.pk],
        }.get(name, [])
        posts = {
            "logout": {},
            "inbox_read_all": {},
            "notification_open": {},
            "accounts:retire": {"retire": "1"},
            "accounts:loan_decide": {"approve": "1", "comment": "同意"},
            "accounts:loan_withdraw": {},
        }
        method = "post" if name in posts else "get"
        return method, reverse(name, args=args), posts.get(name, {})


@pytest.fixture
def world(cast) -> World:
    account = cast.account
    event = AccountEvent.objects.create(
        account=account, kind=EventKind.ANNIVERSARY, title="建厂三十周年", date=dt.date(2026, 5, 1)
    )
    report = FinancialReport.objects.create(
        account=account,
        period="2025",
        uploaded_by=cast.owner,
        file=ContentFile(b"%PDF-1.4 annual report", name="annual-2025.pdf"),
    )
    pending = LoanFactory(account=account, requester=cast.staff, status=LoanStatus.PENDING)
    leaver = UserFactory(role=Role.KAM, is_active=False)
    handover = HandOver.objects.create(leaver=leaver, performed_by=cast.admin, note="离职")
    notification = Notification.objects.create(
        recipient=cast.owner, kind="test", key="test:1", title="测试提醒"
    )
    active = ArchiveLoan.objects.get(requester=cast.staff_loan, account=account)
    return World(cast, event, report, pending, active, handover, notification)


def _expected_location(world: World, target: str) -> str:
    return {
        "login": reverse("login"),
        "lookup": reverse("accounts:lookup"),
        "detail": reverse("accounts:detail", args=[world.cast.account.pk]),
        "loans": reverse("accounts:loans"),
        "inbox": reverse("inbox"),
        "home": reverse("home"),
        "admin_login": reverse("admin:login"),
    }[target]


def _body(response) -> bytes:
    if response.streaming:
        # The test client closes the response (and the file) once the stream is drained.
        return b"".join(response.streaming_content)
    return response.content


@parametrize(MATRIX, CAST_MEMBERS)
def test_matrix(world, name, member, expected):
    method, url, data = world.request(name)
    response = getattr(Members(world.cast).client(member), method)(url, data)
    _body(response)

    where = partial(_expected_location, world)
    assert_cell(response, expected, where, f"{method.upper()} {url} as {member}")
    _check_effects(world, name, member, response.status_code)


def _check_effects(world: World, name: str, member: str, status: int) -> None:
    acted = status == 302 and member != "anonymous"  # anonymous POSTs bounce to the login
    """Reads of the archive are logged; writes happen only when the row says they may."""
    account = KeyAccount.objects.get(pk=world.cast.account.pk)
    user = world.user(member)
    log = list(ArchiveAccess.objects.filter(account=account).values_list("user", "action", "loan"))
    if name in ARCHIVE_READS and status == 200:
        loan = world.active_loan.pk if member == "staff_loan" else None
        assert log == [(user.pk, ARCHIVE_READS[name], loan)]
    else:
        assert log == []
    assert account.is_archived == (name == "accounts:retire" and acted)
    pending = ArchiveLoan.objects.get(pk=world.pending_loan.pk)
    if name == "accounts:loan_decide" and acted:
        assert (pending.status, pending.decided_by) == (LoanStatus.APPROVED, world.cast.owner)
    elif name == "accounts:loan_withdraw" and acted:
        assert pending.status == LoanStatus.WITHDRAWN
    else:
        assert pending.status == LoanStatus.PENDING


def test_matrix_covers_every_url():
    """The project's own URLs and accounts'; every other namespace has a matrix of its own
    (kam/tests/test_matrix_coverage.py says which)."""
    covers_every_url("", MATRIX, leave=NOT_IN_MATRIX)
    covers_every_url("accounts", MATRIX)


# The list (一览表) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("member", "listed"),
    [
        ("owner", True),
        ("manager", True),
        ("sales_vp", True),
        ("gm", True),
        ("admin", True),
        ("other_kam", False),
        ("other_manager", False),
    ],
)
def test_list_shows_account_only_to_its_line(cast, client, member, listed):
    client.force_login(getattr(cast, member))
    response = client.get(reverse("accounts:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert (cast.account.name in body) is listed
    assert (reverse("accounts:detail", args=[cast.account.pk]) in body) is listed
    # The owner filter offers only owners in the user's scope: no name leaks through it either.
    assert (f'<option value="{cast.owner.pk}"' in body) is listed


# The lookup (查重) -------------------------------------------------------------------------


def test_lookup_shows_name_and_owner_but_no_archive_field(cast, client):
    client.force_login(cast.staff)
    response = client.get(reverse("accounts:lookup"), {"q": "恒达精密"})
    body = response.content.decode()
    assert cast.account.name in body
    assert str(cast.owner) in body
    for secret in (cast.account.credit_code, cast.account.legal_representative, "李采购"):
        assert secret not in body
    assert f'href="{reverse("accounts:detail", args=[cast.account.pk])}"' not in body
    assert f'href="{reverse("accounts:loan_new", args=[cast.account.pk])}"' in body


@pytest.mark.parametrize("field", ["credit_code", "legal_representative", "contact"])
def test_lookup_cannot_be_searched_by_archive_fields(cast, client, field):
    """Search must not tell an outsider which account a code or a person belongs to."""
    query = "李采购" if field == "contact" else getattr(cast.account, field)
    client.force_login(cast.staff)
    body = client.get(reverse("accounts:lookup"), {"q": query}).content.decode()
    assert cast.account.name not in body


def test_lookup_links_to_the_archive_for_a_loanee(cast, client):
    client.force_login(cast.staff_loan)
    body = client.get(reverse("accounts:lookup"), {"q": "恒达精密"}).content.decode()
    assert f'href="{reverse("accounts:detail", args=[cast.account.pk])}"' in body


# The archive (原始资料) and its log -------------------------------------------------------


def _unmasked(response) -> str:
    """The page, less what differs by design: the forms' CSRF tokens (masked afresh on each
    page) and the address asked for (the language switch returns to it)."""
    html = response.content.decode().replace(response.request["PATH_INFO"], "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_guessed_archive_url_tells_nothing(cast, client):
    client.force_login(cast.staff)
    existing = client.get(reverse("accounts:detail", args=[cast.account.pk]))
    missing = client.get(reverse("accounts:detail", args=[cast.account.pk + 10_000]))
    assert existing.status_code == missing.status_code == 404
    assert _unmasked(existing) == _unmasked(missing)
    assert cast.account.name not in existing.content.decode()
    export = client.get(reverse("accounts:export", args=[cast.account.pk]))
    assert export.status_code == 404
    assert not ArchiveAccess.objects.exists()


@pytest.mark.parametrize("member", ["owner", "manager", "sales_vp", "gm", "admin", "staff_loan"])
def test_every_view_and_export_is_logged(cast, client, member):
    user = getattr(cast, member)
    client.force_login(user)
    pk = cast.account.pk
    assert client.get(reverse("accounts:detail", args=[pk])).status_code == 200
    assert client.get(reverse("accounts:detail", args=[pk])).status_code == 200
    assert client.get(reverse("accounts:export", args=[pk])).status_code == 200
    loan = (
        ArchiveLoan.objects.get(requester=user, account=cast.account)
        if member == "staff_loan"
        else None
    )
    rows = list(
        ArchiveAccess.objects.filter(account=cast.account)
        .order_by("pk")
        .values_list("user", "action", "loan")
    )
    loan_pk = loan.pk if loan else None
    assert rows == [
        (user.pk, AccessAction.VIEW, loan_pk),
        (user.pk, AccessAction.VIEW, loan_pk),
        (user.pk, AccessAction.EXPORT, loan_pk),
    ]


def test_loanee_sees_the_loan_banner(cast, client):
    client.force_login(cast.staff_loan)
    body = client.get(reverse("accounts:detail", args=[cast.account.pk])).content.decode()
    assert "李采购" in body  # the full archive, contacts included
    assert 'class="alert alert-warning"' in body


def test_loan_ends_by_itself_when_it_expires(cast, client, time_machine):
    reader = UserFactory(role=Role.STAFF)
    LoanFactory(
        account=cast.account,
        requester=reader,
        status=LoanStatus.APPROVED,
        until=timezone.localdate(),
    )
    client.force_login(reader)
    url = reverse("accounts:detail", args=[cast.account.pk])
    assert client.get(url).status_code == 200  # the last day still counts
    time_machine.move_to(timezone.now() + dt.timedelta(days=1))
    client.force_login(reader)  # the idle session has ended overnight; sign in again
    assert client.get(url).status_code == 404
    assert client.get(reverse("accounts:export", args=[cast.account.pk])).status_code == 404
    assert ArchiveAccess.objects.filter(user=reader).count() == 1


@pytest.mark.parametrize("status", [LoanStatus.PENDING, LoanStatus.REFUSED, LoanStatus.WITHDRAWN])
def test_only_an_approved_loan_opens_the_archive(cast, client, status):
    reader = UserFactory(role=Role.STAFF)
    LoanFactory(account=cast.account, requester=reader, status=status)
    client.force_login(reader)
    assert client.get(reverse("accounts:detail", args=[cast.account.pk])).status_code == 404


def test_loan_opens_only_its_own_account(cast, client):
    other = KeyAccount.objects.create(name="别家客户有限公司", owner=cast.owner)
    client.force_login(cast.staff_loan)
    assert client.get(reverse("accounts:detail", args=[other.pk])).status_code == 404


def test_leaver_loses_access_at_once(cast, client):
    client.force_login(cast.owner)
    url = reverse("accounts:detail", args=[cast.account.pk])
    assert client.get(url).status_code == 200
    cast.owner.is_active = False
    cast.owner.save()
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))


def test_child_ids_of_another_account_give_404(cast, client):
    """An owner cannot reach another archive's contacts, events or files through her own."""
    foreign = KeyAccount.objects.create(name="别家客户有限公司", owner=UserFactory(role=Role.KAM))
    contact = foreign.contacts.create(name="外人", level="operational")
    event = AccountEvent.objects.create(
        account=foreign, kind=EventKind.OTHER, title="外事", date=dt.date(2026, 1, 1)
    )
    report = FinancialReport.objects.create(
        account=foreign,
        period="2025",
        uploaded_by=foreign.owner,
        file=ContentFile(b"secret", name="foreign.pdf"),
    )
    client.force_login(cast.owner)
    pk = cast.account.pk
    for url in (
        reverse("accounts:contact_edit", args=[pk, contact.pk]),
        reverse("accounts:event_edit", args=[pk, event.pk]),
        reverse("accounts:report_file", args=[pk, report.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert not ArchiveAccess.objects.exists()
