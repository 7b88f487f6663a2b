"""Who may open what among the complaint URLs: every one of them for every member of the cast
(kam/tests/cast.py) and an anonymous visitor, written out by hand.

Complaints are part of the archive (SPEC §2, §4):
- reads (the account's complaints, a complaint): whoever reads the archive — owner, her sales
  manager, sales VP, GM, administrators, an active loan; anyone else 404, like a guessed URL;
- writes: the owner KAM and administrators; readers without the right 403;
- the complaint list: scoped like the account list, so open to KAMs, sales managers, the
  sales VP, the GM and administrators; other departments 403;
- complaint deadlines: administrators.

accounts/tests/test_permissions.py leaves the complaints: namespace to this module, so every
URL is in exactly one matrix.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ArchiveAccess, KeyAccount
from complaints import services
from complaints.models import Channel, Complaint, ComplaintStatus, Severity
from kam.tests.cast import Cast, make_cast
from kam.tests.factories import UserFactory
from kam.tests.matrix import (
    ARCHIVE_READ,
    ARCHIVE_WRITE,
    CAST_MEMBERS,
    LOG,
    SCOPED_LIST,
    Members,
    assert_cell,
    client_for,
    covers_every_url,
    parametrize,
)
from kam.tests.once import built_once

pytestmark = pytest.mark.django_db

MEMBERS = CAST_MEMBERS
READ, WRITE, SCOPED = ARCHIVE_READ, ARCHIVE_WRITE, SCOPED_LIST

# fmt: off
COMPLAINTS_MATRIX: dict[str, tuple] = {
    # columns:             own  oKAM mgr  oMgr VP   GM   adm  stf  loan exp  anon
    "complaints:list":      SCOPED,
    "complaints:deadlines": (403, 403, 403, 403, 403, 403, 200, 403, 403, 403, LOG),
    "complaints:account":   READ,
    "complaints:detail":    READ,
    "complaints:new":       WRITE,
    "complaints:edit":      WRITE,
    "complaints:resolve":   WRITE,
    "complaints:follow_up": WRITE,
}
# fmt: on

# The per-account reads are archive material: each one is on the access log.
LOGGED_READS = {"complaints:account", "complaints:detail"}


@dataclass
class Book:
    """The cast with a complaint on the cast's account."""

    cast: Cast
    complaint: Complaint

    def user(self, member: str):
        return Members(self.cast).user(member)

    def request(self, name: str) -> str:
        pk = self.cast.account.pk
        if name in {"complaints:list", "complaints:deadlines"}:
            return reverse(name)
        if name == "complaints:account" or name == "complaints:new":
            return reverse(name, args=[pk])
        return reverse(name, args=[pk, self.complaint.pk])


def make_book() -> Book:
    cast = make_cast()
    complaint = services.complaint_create(
        account=cast.account,
        by=cast.owner,
        data={
            "received_on": timezone.localdate(),
            "channel": Channel.PHONE,
            "subject": "交货延迟",
            "content": "客户产线停线两小时",
            "severity": Severity.SERIOUS,
            "handler": cast.owner,
        },
    )
    return Book(cast, complaint)


# The cast and the book are built once for the module; each test gets its own copy of them
# and its writes are rolled back (kam/tests/once.py).
@pytest.fixture(scope="module")
def book_built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, make_book)


@pytest.fixture
def book(book_built, db) -> Book:
    return copy.deepcopy(book_built)


@pytest.fixture
def cast(book) -> Cast:
    return book.cast


def _snapshot() -> dict:
    return {
        "count": Complaint.objects.count(),
        "complaint": tuple(
            Complaint.objects.values_list("status", "subject", "handler").order_by("pk")
        ),
    }


@parametrize(COMPLAINTS_MATRIX, MEMBERS)
def test_matrix(book, name, member, expected):
    before = _snapshot()
    url = book.request(name)
    response = client_for(book.user(member)).get(url)

    where = {"login": reverse("login")}.__getitem__
    assert_cell(response, expected, where, f"GET {url} as {member}")
    assert _snapshot() == before

    log = ArchiveAccess.objects.filter(account=book.cast.account)
    if name in LOGGED_READS and response.status_code == 200:
        assert list(log.values_list("user", flat=True)) == [book.user(member).pk]
    else:
        assert not log.exists()


def test_every_complaint_url_is_in_the_matrix():
    covers_every_url("complaints", COMPLAINTS_MATRIX)


# Writes by POST: only the owner and administrators change anything ------------------------


def _posts(book: Book) -> dict[str, dict]:
    today = f"{timezone.localdate():%Y-%m-%d}"
    owner = book.cast.owner.pk
    return {
        "complaints:new": {
            "received_on": today,
            "channel": "phone",
            "severity": "minor",
            "handler": owner,
            "subject": "新投诉",
            "content": "x",
        },
        "complaints:edit": {
            "received_on": today,
            "channel": "phone",
            "severity": "minor",
            "handler": owner,
            "subject": "改过的",
            "content": "x",
        },
        "complaints:resolve": {"resolved_on": today, "resolution": "已补货"},
    }


@pytest.mark.parametrize("name", ["complaints:new", "complaints:edit", "complaints:resolve"])
@pytest.mark.parametrize("member", MEMBERS)
def test_posting_a_write(book, name, member):
    before = _snapshot()
    response = client_for(book.user(member)).post(book.request(name), _posts(book)[name])
    if member in {"owner", "admin"}:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert _snapshot() != before
    else:
        assert response.status_code in {302, 403, 404}
        assert _snapshot() == before


def test_complaint_list_is_scoped(book, client):
    """A KAM of another team and her manager see none of this account's complaints."""
    for member in ("other_kam", "other_manager"):
        client.force_login(getattr(book.cast, member))
        body = client.get(reverse("complaints:list"), {"show": "all"}).content.decode()
        assert "交货延迟" not in body
    for member in ("owner", "manager", "sales_vp", "gm", "admin"):
        client.force_login(getattr(book.cast, member))
        body = client.get(reverse("complaints:list"), {"show": "all"}).content.decode()
        assert "交货延迟" in body


def test_complaint_of_another_account_gives_404(book, client):
    foreign = KeyAccount.objects.create(name="别家客户有限公司", owner=UserFactory(role="kam"))
    complaint = Complaint.objects.create(
        account=foreign,
        received_on=timezone.localdate(),
        channel=Channel.PHONE,
        subject="外",
        content="外",
        severity=Severity.MINOR,
        handler=foreign.owner,
        due_on=timezone.localdate(),
        created_by=foreign.owner,
        status=ComplaintStatus.OPEN,
    )
    client.force_login(book.cast.owner)
    pk = book.cast.account.pk
    for name in ("complaints:detail", "complaints:edit"):
        url = reverse(name, args=[pk, complaint.pk])
        assert client.get(url).status_code == 404, url
