"""Reads. Every list and every object view of an account goes through these scopes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, Exists, Max, OuterRef, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from accounts.models import (
    ArchiveAccess,
    ArchiveLoan,
    Contact,
    KeyAccount,
    TimelineEntry,
)
from accounts.models.access import LoanStatus
from accounts.models.archive import Tier
from kam.models import Team, User
from kam.roles import Role, in_scope, is_active_user, sees_archive_by_role

REVIEW_INTERVAL_DAYS = 183  # §11: twice a year


def today() -> dt.date:
    return timezone.localdate()


def accounts_visible_to(user: User) -> QuerySet[KeyAccount]:
    """The account list (一览表) a user may see: her own, his team's, or all."""
    return in_scope(KeyAccount.objects.select_related("owner", "owner__team"), user, "owner")


def active_kams() -> QuerySet[User]:
    return User.objects.filter(role=Role.KAM, is_active=True).order_by("name", "username")


def list_filter_choices(user: User) -> tuple[QuerySet[User], QuerySet[Team]]:
    """The owners and teams the account list may be narrowed to: those of the user's list."""
    owners = active_kams().filter(pk__in=accounts_visible_to(user).values("owner"))
    return owners, Team.objects.filter(members__in=owners).distinct()


# Strategic first: the stored codes would sort alphabetically.
TIER_RANK = Case(
    When(tier=Tier.STRATEGIC, then=Value(0)),
    When(tier=Tier.IMPORTANT, then=Value(1)),
    default=Value(2),
)
LIST_SORTS = {
    "name": "name",
    "-name": "-name",
    "tier": TIER_RANK,
    "owner": "owner__name",
    "status": "status",
    "updated": "-updated_at",
}


def accounts_filtered(user: User, filters: dict, sort: str = "name") -> QuerySet[KeyAccount]:
    """The account list narrowed by the filter form's cleaned values (an empty dict: the
    accounts still served), in the order asked for (an unknown order: by name)."""
    qs = accounts_visible_to(user)
    if text := (filters.get("q") or "").strip():
        qs = qs.filter(Q(name__icontains=text) | Q(credit_code__iexact=text))
    for field in ("tier", "status"):
        if filters.get(field):
            qs = qs.filter(**{field: filters[field]})
    if filters.get("owner"):
        qs = qs.filter(owner=filters["owner"])
    if filters.get("team"):
        qs = qs.filter(owner__team=filters["team"])
    if filters.get("industry"):
        qs = qs.filter(industry__icontains=filters["industry"])
    if not filters.get("archived"):
        qs = qs.filter(is_archived=False)
    return qs.order_by(LIST_SORTS.get(sort, "name"), "name", "pk")


def active_contact_counts(accounts) -> dict[int, int]:
    """Active contacts per account, for a page of the list only: an annotation would group
    the whole list."""
    return dict(
        Contact.objects.filter(account__in=[a.pk for a in accounts], is_active=True)
        .values_list("account")
        .annotate(n=Count("pk"))
    )


def active_loans(user: User) -> QuerySet[ArchiveLoan]:
    return ArchiveLoan.objects.filter(
        requester=user, status=LoanStatus.APPROVED, until__gte=today()
    )


def archives_readable_by(user: User) -> QuerySet[KeyAccount]:
    """Accounts whose full archive the user may read: by position or by an active loan."""
    if not is_active_user(user):
        return KeyAccount.objects.none()
    loaned = active_loans(user).filter(account=OuterRef("pk"))
    return KeyAccount.objects.select_related("owner", "owner__team").filter(
        Q(pk__in=accounts_visible_to(user).values("pk")) | Exists(loaned)
    )


@dataclass(frozen=True)
class ArchiveGrant:
    """Why a user may read an archive: by position, or through this loan."""

    account: KeyAccount
    loan: ArchiveLoan | None


def archive_for_user(user: User, pk: int) -> ArchiveGrant:
    """Read getter: 404 for anyone without the right, so a guessed id tells nothing."""
    account = KeyAccount.objects.select_related("owner", "owner__team").filter(pk=pk).first()
    if account is None or not is_active_user(user):
        raise Http404
    if sees_archive_by_role(user, account):
        return ArchiveGrant(account, None)
    loan = active_loans(user).filter(account=account).order_by("-until").first()
    if loan is None:
        raise Http404
    return ArchiveGrant(account, loan)


def account_for_owner(user: User, pk: int) -> KeyAccount:
    """Write getter: the owner KAM, or an administrator. Those who may only read get 403,
    those who may not even read get 404."""
    account = archive_for_user(user, pk).account
    if not (account.owner_id == user.pk or user.role == Role.ADMIN):
        raise PermissionDenied
    return account


def archive_child(model, account: KeyAccount, pk: int):
    """A contact, event or report of an archive the caller already holds a grant to; 404
    for one of another account, so a guessed id tells nothing."""
    child = model._default_manager.filter(pk=pk, account=account).first()
    if child is None:
        raise Http404
    return child


def accounts_lookup(query: str, limit: int = 20) -> QuerySet[KeyAccount]:
    """查重 by name for anyone: returns rows that callers must only show name and owner of."""
    query = query.strip()
    if len(query) < 2:
        return KeyAccount.objects.none()
    return (
        KeyAccount.objects.filter(name__icontains=query)
        .select_related("owner")
        .only("pk", "name", "is_archived", "owner__name", "owner__username")
        .order_by("name")[:limit]
    )


def name_variants(name: str) -> set[str]:
    """The ways one customer name is typed: half- or full-width brackets, spaces."""
    name = " ".join(name.split())
    half = name.replace("（", "(").replace("）", ")")
    full = name.replace("(", "（").replace(")", "）")
    return {name, half, full}


def accounts_named(name: str, *, exclude_pk: int | None = None) -> list[KeyAccount]:
    """查重 at the point of entry: accounts (retired too) already called `name`. Like
    `accounts_lookup`, callers show only the name and the owner of what it returns."""
    query = Q()
    for variant in name_variants(name):
        query |= Q(name__iexact=variant)
    if not name.strip():
        return []
    return list(
        KeyAccount.objects.filter(query)
        .exclude(pk=exclude_pk)
        .select_related("owner")
        .only("pk", "name", "is_archived", "owner__name", "owner__username")
        .order_by("pk")[:3]
    )


def account_contacts(account: KeyAccount) -> QuerySet[Contact]:
    return account.contacts.all()


# The archive page's timeline filter: what a reader asks for ("the visits", "the payments"),
# each the set of `TimelineEntry.kind` codes the services write for it. Codes of other apps
# are plain strings here, as in templates/accounts/timeline_label.html: accounts imports no
# app above it.
TIMELINE_FILTERS: dict[str, tuple[Any, tuple[str, ...]]] = {
    "visit": (
        pgettext_lazy("timeline kind", "Visits"),
        ("visit", "visit_withdrawn", "itinerary_change", "location_set"),
    ),
    "contract": (
        pgettext_lazy("timeline kind", "Contracts"),
        ("contract", "contract_changed", "contract_status"),
    ),
    "invoice": (
        pgettext_lazy("timeline kind", "Invoices"),
        ("invoice", "invoice_changed", "invoice_cancelled"),
    ),
    "payment": (
        pgettext_lazy("timeline kind", "Payments and collection"),
        ("payment", "payment_reversed", "credit_applied", "collection", "reconciliation"),
    ),
    "complaint": (
        pgettext_lazy("timeline kind", "Complaints"),
        (
            "complaint",
            "complaint_changed",
            "complaint_resolved",
            "complaint_follow_up",
            "complaint_reopened",
        ),
    ),
    "major_matter": (pgettext_lazy("timeline kind", "Major matters"), ("major_matter",)),
    "review": (pgettext_lazy("timeline kind", "Semiannual reviews"), ("review",)),
    "handover": (pgettext_lazy("timeline kind", "Hand-overs"), ("handover",)),
    "archive": (
        pgettext_lazy("timeline kind", "Archive, contacts and events"),
        (
            "created",
            "imported",
            "updated",
            "tier_changed",
            "retired",
            "restored",
            "contact_added",
            "contact_changed",
            "event",
            "report",
        ),
    ),
    "loan": (pgettext_lazy("timeline kind", "Loans"), ("loan_approved", "loan_refused")),
}
TIMELINE_PAGE_SIZE = 20
TIMELINE_MAX_PAGE = 1000  # a guessed ?tl_page=10**9 must not make the database skip a billion rows


@dataclass(frozen=True)
class TimelinePage:
    """One page of an account's timeline, newest first. Whether an older page exists is
    known from one row more than the page holds: no COUNT over a long timeline."""

    entries: list[TimelineEntry]
    number: int
    has_next: bool
    kind: str  # a TIMELINE_FILTERS key, or "" for everything

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1


def account_timeline_page(
    account: KeyAccount, *, kind: str = "", page: int = 1, per_page: int = TIMELINE_PAGE_SIZE
) -> TimelinePage:
    """A page of the timeline, optionally of one kind (an unknown kind shows everything):
    one query, served by the (account, -at) index."""
    qs = account.timeline.select_related("actor")
    if kind in TIMELINE_FILTERS:
        qs = qs.filter(kind__in=TIMELINE_FILTERS[kind][1])
    else:
        kind = ""
    page = min(max(page, 1), TIMELINE_MAX_PAGE)
    start = (page - 1) * per_page
    rows = list(qs[start : start + per_page + 1])
    return TimelinePage(rows[:per_page], page, len(rows) > per_page, kind)


def timeline_filter_choices() -> list[tuple[str, Any]]:
    return [(key, label) for key, (label, _kinds) in TIMELINE_FILTERS.items()]


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    user: User | None
    kind: str  # "+" created, "~" changed, "-" deleted
    subject: str
    changes: list[FieldChange]

    @property
    def action(self) -> str:
        """The word for the kind of change, as the change-history partial shows it."""
        return str(HISTORY_ACTIONS.get(self.kind, HISTORY_ACTIONS["~"]))


HISTORY_ACTIONS = {
    "+": gettext_lazy("created"),
    "~": gettext_lazy("changed"),
    "-": gettext_lazy("deleted"),
}


def _related_names(records: list) -> dict:
    """One query per related model for every foreign key value seen in the rows."""
    if not records:
        return {}
    names: dict = {}
    for field in records[0].instance_type._meta.concrete_fields:
        if not field.is_relation:
            continue
        pks = {getattr(r, field.attname) for r in records} - {None}
        for obj in field.related_model._default_manager.filter(pk__in=pks):
            names[(field.related_model, obj.pk)] = str(obj)
    return names


def diff_history(records: list, subject_of) -> list[HistoryEntry]:
    """Turn history rows (newest first, each followed by its predecessor when present)
    into field-level changes without touching the database again."""
    names = _related_names(records)
    previous_by_object: dict[int, object] = {}
    entries: list[HistoryEntry] = []
    for record in reversed(records):
        prev = previous_by_object.get(record.id)
        changes: list[FieldChange] = []
        if prev is not None and record.history_type == "~":
            delta = record.diff_against(prev, foreign_keys_are_objs=False)
            for change in delta.changes:
                field = record.instance_type._meta.get_field(change.field)
                changes.append(
                    FieldChange(
                        str(field.verbose_name),
                        _display(field, change.old, names),
                        _display(field, change.new, names),
                    )
                )
        previous_by_object[record.id] = record
        if record.history_type != "~" or changes:
            entries.append(
                HistoryEntry(
                    record.history_date,
                    record.history_user,
                    record.history_type,
                    subject_of(record),
                    changes,
                )
            )
    entries.reverse()
    return entries


def _display(field, value, names: dict) -> str:
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if field.is_relation:
        return names.get((field.related_model, value), str(value))
    return str(value)


def account_history(account: KeyAccount, limit: int = 60) -> list[HistoryEntry]:
    """Field-level history of the archive and its contacts, newest first."""
    account_rows = list(
        account.history.select_related("history_user").order_by("-history_date", "-history_id")[
            : limit + 1
        ]
    )
    contact_rows = list(
        Contact.history.filter(account_id=account.pk)
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    entries = diff_history(account_rows, lambda r: r.name) + diff_history(
        contact_rows, lambda r: r.name
    )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries[:limit]


def reviews_overdue(user: User, on: dt.date | None = None) -> QuerySet[KeyAccount]:
    """Accounts in the user's list whose last semiannual review (or creation) is over
    half a year old."""
    on = on or today()
    cutoff = on - dt.timedelta(days=REVIEW_INTERVAL_DAYS)
    return (
        accounts_visible_to(user)
        .filter(is_archived=False)
        .exclude(status="lost")
        .annotate(
            last_reviewed=Max("reviews__reviewed_on"),
            since=Coalesce(Max("reviews__reviewed_on"), TruncDate("created_at")),
        )
        .filter(since__lt=cutoff)
        .order_by("since", "name")
    )


def access_log(q: str = "") -> QuerySet[ArchiveAccess]:
    """The archive access log, narrowed to an account or a user by name (or login) when `q`
    is given."""
    qs = ArchiveAccess.objects.select_related("user", "account", "loan")
    if q:
        qs = qs.filter(
            Q(account__name__icontains=q) | Q(user__name__icontains=q) | Q(user__username=q)
        )
    return qs
