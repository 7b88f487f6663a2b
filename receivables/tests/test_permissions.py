"""Who may open what among the contract and receivable URLs: every one of them for every
member of the cast (kam/tests/cast.py) and an anonymous visitor, written out by hand.

They are part of the archive (SPEC §2, §4):
- reads (the account's receivables, a contract): whoever reads the archive — owner, her sales
  manager, sales VP, GM, administrators, an active loan; anyone else 404, like a guessed URL;
- writes (contracts, invoices, payments, credit, collection actions, reconciliations): the
  owner KAM and administrators; readers without the right 403;
- the receivables view: scoped like the account list, so open to KAMs, sales managers, the
  sales VP, the GM and administrators; other departments 403.

accounts/tests/test_permissions.py leaves the receivables: namespace to this module, so every
URL is in exactly one matrix (complaints/tests/test_permissions.py has the complaints:).
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ArchiveAccess, KeyAccount
from kam.tests.cast import Cast, make_cast
from kam.tests.factories import AccountFactory, UserFactory
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
from receivables import services
from receivables.models import CollectionAction, Contract, Invoice, Payment, Reconciliation

pytestmark = pytest.mark.django_db

MEMBERS = CAST_MEMBERS
REC = "302 receivables"  # back to the account's receivables after a write

READ, WRITE, SCOPED = ARCHIVE_READ, ARCHIVE_WRITE, SCOPED_LIST
# columns: own  oKAM mgr  oMgr VP   GM   adm  stf  loan exp  anon
ACT = (REC, 404, 403, 404, 403, 403, REC, 404, 403, 404, LOG)

# fmt: off
MONEY_MATRIX: dict[str, tuple] = {
    # columns:                      own  oKAM mgr  oMgr VP   GM   adm  stf  loan exp  anon
    "receivables:report":              SCOPED,
    "receivables:account":             READ,
    "receivables:contract_detail":     READ,
    "receivables:contract_new":        WRITE,
    "receivables:contract_edit":       WRITE,
    "receivables:invoice_new":         WRITE,
    "receivables:invoice_edit":        WRITE,
    "receivables:invoice_cancel":      ACT,    # POST with a reason
    "receivables:payment_new":         WRITE,
    "receivables:payment_reverse":     ACT,    # POST with a reason
    "receivables:credit_apply":        WRITE,
    "receivables:collection_new":      WRITE,
    "receivables:reconciliation_new":  WRITE,
}
# fmt: on

# The per-account reads are archive material: each one is on the access log.
LOGGED_READS = {
    "receivables:account",
    "receivables:contract_detail",
}


@dataclass
class Books:
    """The cast with one of everything on the cast's account."""

    cast: Cast
    contract: Contract
    invoice: Invoice  # open, partly paid
    payment: Payment

    def user(self, member: str):
        return Members(self.cast).user(member)

    def request(self, name: str) -> tuple[str, str, dict]:
        pk = self.cast.account.pk
        args = {
            "receivables:contract_detail": [pk, self.contract.pk],
            "receivables:contract_edit": [pk, self.contract.pk],
            "receivables:invoice_edit": [pk, self.invoice.pk],
            "receivables:invoice_cancel": [pk, self.invoice.pk],
            "receivables:payment_reverse": [pk, self.payment.pk],
        }.get(name, [] if name == "receivables:report" else [pk])
        posts = {
            "receivables:invoice_cancel": {"reason": "开错抬头"},
            "receivables:payment_reverse": {"reason": "重复录入"},
        }
        method = "post" if name in posts else "get"
        return method, reverse(name, args=args), posts.get(name, {})


def make_books() -> Books:
    cast = make_cast()
    account, owner = cast.account, cast.owner
    today = timezone.localdate()
    contract = services.contract_save(
        account=account,
        by=owner,
        data={
            "number": "HT-2026-001",
            "signed_on": today - dt.timedelta(days=90),
            "ends_on": today + dt.timedelta(days=275),
            "amount": Decimal("500000.00"),
            "terms": "月结60天",
            "status": "performing",
        },
    )
    invoice = services.invoice_save(
        account=account,
        by=owner,
        data={
            "number": "FP-0001",
            "contract": contract,
            "issued_on": today - dt.timedelta(days=60),
            "due_on": today - dt.timedelta(days=10),
            "amount": Decimal("120000.00"),
            "notes": "",
        },
    )
    payment = services.payment_record(
        account=account,
        by=owner,
        received_on=today,
        amount=Decimal("50000.00"),
        method="transfer",
    )
    return Books(cast, contract, invoice, payment)


# The cast and the books are built once for the module; each test gets its own copy of them
# and its writes are rolled back (kam/tests/once.py).
@pytest.fixture(scope="module")
def books_built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, make_books)


@pytest.fixture
def books(books_built, db) -> Books:
    return copy.deepcopy(books_built)


@pytest.fixture
def cast(books) -> Cast:
    return books.cast


def _state(books: Books) -> dict:
    invoice = Invoice.objects.get(pk=books.invoice.pk)
    payment = Payment.objects.get(pk=books.payment.pk)
    return {"invoice": (invoice.paid, invoice.is_cancelled), "payment": payment.reversed_at}


@parametrize(MONEY_MATRIX, MEMBERS)
def test_matrix(books, name, member, expected):
    before = _state(books)
    method, url, data = books.request(name)
    response = getattr(client_for(books.user(member)), method)(url, data)

    where = {
        "login": reverse("login"),
        "receivables": reverse("receivables:account", args=[books.cast.account.pk]),
    }
    label = f"{method.upper()} {url} as {member}"
    assert_cell(response, expected, where.__getitem__, label, ignore_fragment=True)

    acted = method == "post" and response.status_code == 302 and member != "anonymous"
    after = _state(books)
    if name == "receivables:invoice_cancel" and acted:
        assert after["invoice"] == (Decimal("0.00"), True)
    elif name == "receivables:payment_reverse" and acted:
        assert after["payment"] is not None
    else:
        assert after == before

    log = ArchiveAccess.objects.filter(account=books.cast.account)
    if name in LOGGED_READS and response.status_code == 200:
        assert list(log.values_list("user", flat=True)) == [books.user(member).pk]
    else:
        assert not log.exists()


def test_every_money_url_is_in_the_matrix():
    covers_every_url("receivables", MONEY_MATRIX)


# Writes by POST: only the owner and administrators change anything ------------------------


def _snapshot() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Contract, Invoice, Payment, CollectionAction, Reconciliation)
    } | {
        "invoices": tuple(
            Invoice.objects.values_list("number", "due_on", "amount", "paid", "notes").order_by(
                "pk"
            )
        ),
        "contracts": tuple(
            Contract.objects.values_list("number", "amount", "terms").order_by("pk")
        ),
    }


def _posts(books: Books) -> dict[str, dict]:
    today = f"{timezone.localdate():%Y-%m-%d}"
    return {
        "receivables:contract_new": {
            "number": "HT-NEW",
            "signed_on": today,
            "ends_on": today,
            "amount": "1000",
            "status": "performing",
            "terms": "",
        },
        "receivables:contract_edit": {
            "number": "HT-2026-001",
            "signed_on": f"{books.contract.signed_on:%Y-%m-%d}",
            "ends_on": f"{books.contract.ends_on:%Y-%m-%d}",
            "amount": "600000",
            "status": "performing",
            "terms": "改",
        },
        "receivables:invoice_new": {
            "number": "FP-NEW",
            "issued_on": today,
            "due_on": today,
            "amount": "10",
            "notes": "",
        },
        "receivables:invoice_edit": {
            "number": "FP-0001",
            "issued_on": f"{books.invoice.issued_on:%Y-%m-%d}",
            "due_on": today,
            "amount": "120000",
            "notes": "改",
        },
        "receivables:payment_new": {
            "received_on": today,
            "amount": "100",
            "method": "transfer",
            f"invoice_{books.invoice.pk}": "100",
        },
        "receivables:collection_new": {"acted_on": today, "method": "phone", "result": "答应付款"},
        "receivables:reconciliation_new": {"statement_date": today, "status": "confirmed"},
    }


WRITE_NAMES = [
    "receivables:contract_new",
    "receivables:contract_edit",
    "receivables:invoice_new",
    "receivables:invoice_edit",
    "receivables:payment_new",
    "receivables:collection_new",
    "receivables:reconciliation_new",
]


@pytest.mark.parametrize("name", WRITE_NAMES)
@pytest.mark.parametrize("member", MEMBERS)
def test_posting_a_write(books, name, member):
    before = _snapshot()
    _method, url, _data = books.request(name)
    response = client_for(books.user(member)).post(url, _posts(books)[name])
    allowed = member in {"owner", "admin"}
    if allowed:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert _snapshot() != before
    else:
        assert response.status_code in {302, 403, 404}
        assert _snapshot() == before


def test_receivables_are_scoped(books, client):
    """A KAM of another team and her manager see none of this account's money."""
    for member in ("other_kam", "other_manager"):
        client.force_login(getattr(books.cast, member))
        body = client.get(reverse("receivables:report"), {"by": "account"}).content.decode()
        assert books.cast.account.name not in body
        assert "120,000.00" not in body
    for member in ("owner", "manager", "sales_vp", "gm", "admin"):
        client.force_login(getattr(books.cast, member))
        body = client.get(reverse("receivables:report"), {"by": "account"}).content.decode()
        assert books.cast.account.name in body


def test_filters_cannot_widen_the_scope(books, client):
    """A manager asking for another team's KAM gets his own scope, not hers."""
    outsider = AccountFactory(owner=books.cast.other_kam, name="别组客户有限公司")
    services.invoice_save(
        account=outsider,
        by=books.cast.other_kam,
        data={
            "number": "FP-OTHER",
            "contract": None,
            "issued_on": timezone.localdate(),
            "due_on": timezone.localdate(),
            "amount": Decimal("777.00"),
            "notes": "",
        },
    )
    client.force_login(books.cast.manager)
    response = client.get(
        reverse("receivables:report"), {"owner": books.cast.other_kam.pk, "by": "account"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "别组客户有限公司" not in body
    assert "777.00" not in body


def test_child_ids_of_another_account_give_404(books, client):
    foreign = KeyAccount.objects.create(name="别家客户有限公司", owner=UserFactory(role="kam"))
    invoice = Invoice.objects.create(
        account=foreign,
        number="FP-X",
        issued_on=timezone.localdate(),
        due_on=timezone.localdate(),
        amount=Decimal("1.00"),
        created_by=foreign.owner,
    )
    client.force_login(books.cast.owner)
    pk = books.cast.account.pk
    for url in (
        reverse("receivables:invoice_edit", args=[pk, invoice.pk]),
        reverse("receivables:invoice_cancel", args=[pk, invoice.pk]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("receivables:payment_new", args=[pk]),
        {
            "received_on": f"{timezone.localdate():%Y-%m-%d}",
            "amount": "1",
            "method": "transfer",
            f"invoice_{invoice.pk}": "1",
        },
    )
    # The foreign invoice is no field of this form: the payment goes to her own invoice.
    assert response.status_code == 302
    assert Invoice.objects.get(pk=invoice.pk).paid == 0
    assert Invoice.objects.get(pk=books.invoice.pk).paid == Decimal("50001.00")
