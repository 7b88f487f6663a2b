"""Reads for visits and monthly records (月度客户拜访记录表): scopes, getters, the record page."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.http import Http404

from accounts.models import KeyAccount
from accounts.selectors import accounts_visible_to
from kam import roles
from kam.models import User
from visits.models import (
    ItineraryChange,
    PlanLine,
    RecordTransition,
    Visit,
    VisitPlan,
    VisitRecord,
)
from visits.models.plans import LineReview
from visits.months import month_end
from visits.selectors.documents import monthly_list, row_count


def recordable_accounts(user: User) -> QuerySet[KeyAccount]:
    """Accounts a user may record a visit to: a KAM her own, a sales manager his team's,
    executives any (§13 sends the VPs and the GM to every key account)."""
    if not roles.can_record_visits(user):
        return KeyAccount.objects.none()
    if roles.has_scope(user):
        qs = accounts_visible_to(user)
    else:  # the technical and executive VPs keep no list, and visit any account
        qs = KeyAccount.objects.select_related("owner")
    return qs.filter(is_archived=False)


def visits_visible_to(user: User) -> QuerySet[Visit]:
    """Her own visits and every visit to her accounts for a KAM; his team's and his own for
    a sales manager; the whole company for the sales VP, GM and administrators."""
    qs = Visit.objects.select_related("account", "visitor", "plan_line", "record")
    if not roles.is_active_user(user):
        return qs.none()
    if not roles.has_scope(user):  # an executive without a list: the visits she made
        return qs.filter(visitor=user)
    return roles.in_scope(qs, user, "visitor", "account__owner")


def visit_for_user(user: User, pk: int) -> Visit:
    visit = (
        visits_visible_to(user)
        .select_related("account__owner", "spot_check", "spot_check__called_contact", "checkin")
        .prefetch_related("contacts", _changes())
        .filter(pk=pk)
        .first()
    )
    if visit is None:
        raise Http404
    return visit


def visit_for_visitor(user: User, pk: int) -> Visit:
    visit = visit_for_user(user, pk)
    if visit.visitor_id != user.pk:
        raise PermissionDenied
    return visit


def records_visible_to(user: User) -> QuerySet[VisitRecord]:
    qs = VisitRecord.objects.select_related("kam", "kam__team", "reviewed_by")
    return roles.in_scope(qs, user, "kam")


def record_transitions(record: VisitRecord) -> QuerySet[RecordTransition]:
    return record.transitions.select_related("by")


def record_for_user(user: User, pk: int) -> VisitRecord:
    record = records_visible_to(user).filter(pk=pk).first()
    if record is None:
        raise Http404
    return record


RECORD_FILTER_STATUSES = ("open", "submitted", "returned", "reviewed")


def records_list(user: User, *, month: dt.date | None, status: str, team: int | None):
    visits = row_count(Visit.objects.filter(is_cancelled=False), "record")
    qs = records_visible_to(user).annotate(visit_count=visits)
    return monthly_list(qs, month=month, status=status, statuses=RECORD_FILTER_STATUSES, team=team)


def _changes() -> Prefetch:
    return Prefetch(
        "changes",
        queryset=ItineraryChange.objects.select_related("reported_by", "line").order_by(
            "reported_at", "pk"
        ),
    )


def record_lines(kam: User, month: dt.date) -> QuerySet[PlanLine]:
    """The plan lines a month's record is read against: the KAM's plan for that month."""
    return (
        PlanLine.objects.filter(plan__kam=kam, plan__month=month, is_cancelled=False)
        .select_related("account", "contact")
        .order_by("planned_on", "account__name", "pk")
    )


def _month_visits(visitor: User, month: dt.date) -> QuerySet[Visit]:
    return Visit.objects.filter(
        visitor=visitor,
        visited_on__gte=month,
        visited_on__lte=month_end(month),
        is_cancelled=False,
    )


def month_visits(visitor: User, month: dt.date) -> list[Visit]:
    """The visitor's visits of the month, each with `met` (contacts) and `change_list`.
    Grouped by hand rather than prefetched: a prefetch builds a related manager per visit,
    which costs more than the query on a busy month."""
    visits = list(
        _month_visits(visitor, month)
        .select_related("account", "plan_line", "spot_check", "checkin")
        .order_by("visited_on", "time_in", "pk")
    )
    return _with_contacts_and_changes(visits)


class Change(NamedTuple):
    what_changed: str
    reason: str
    hours: Decimal | None


class VisitRow(NamedTuple):
    """A visit as the record export writes it: plain values, no model instances."""

    pk: int
    visited_on: dt.date
    account_name: str
    time_in: dt.time | None
    time_out: dt.time | None
    hours: Decimal | None
    purposes: list[str]
    outcome: str
    competitor_news: str
    next_steps: str
    planned_on: dt.date | None
    spot_result: str | None
    met: list[str]
    changes: list[Change]


def month_visit_rows(visitor: User, month: dt.date, chunk: int = 5000) -> Iterator[VisitRow]:
    """month_visits as plain rows, a chunk at a time in the same order: an export of any
    length in constant memory, without building a model instance per visit and relation
    (which cost more than writing the row)."""
    rows = (
        _month_visits(visitor, month)
        .order_by("visited_on", "time_in", "pk")
        .values_list(
            "pk",
            "visited_on",
            "account__name",
            "time_in",
            "time_out",
            "hours",
            "purposes",
            "outcome",
            "competitor_news",
            "next_steps",
            "plan_line__planned_on",
            "spot_check__result",
        )
        .iterator(chunk_size=chunk)
    )
    while batch := list(islice(rows, chunk)):
        ids = [row[0] for row in batch]
        met: dict[int, list[str]] = defaultdict(list)
        # The chunk's ids as one array parameter: Django would bind 5,000 of them one by one.
        chunk_ids = RawSQL("SELECT unnest(%s::bigint[])", (ids,))
        through = Visit.contacts.through.objects.filter(visit_id__in=chunk_ids)
        for visit_id, name in through.order_by("contact__name", "pk").values_list(
            "visit_id", "contact__name"
        ):
            met[visit_id].append(name)
        changes: dict[int, list[Change]] = defaultdict(list)
        found = ItineraryChange.objects.filter(visit_id__in=chunk_ids)
        found = found.order_by("reported_at", "pk")
        for visit_id, *change in found.values_list("visit_id", "what_changed", "reason", "hours"):
            changes[visit_id].append(Change(*change))
        for row in batch:
            yield VisitRow(*row, met=met[row[0]], changes=changes[row[0]])


def month_visit_totals(visitor: User, month: dt.date) -> tuple[int, Decimal]:
    totals = _month_visits(visitor, month).aggregate(n=Count("pk"), hours=Sum("hours"))
    return totals["n"], totals["hours"] or Decimal(0)


def unvisited_lines(visitor: User, month: dt.date) -> QuerySet[PlanLine]:
    """The lines of the month's plan that no visit of the month was recorded against."""
    visited = _month_visits(visitor, month).filter(plan_line=OuterRef("pk"))
    return record_lines(visitor, month).filter(~Exists(visited))


def _with_contacts_and_changes(visits: list[Visit]) -> list[Visit]:
    ids = [v.pk for v in visits]
    met: dict[int, list] = defaultdict(list)
    through = Visit.contacts.through.objects.filter(visit_id__in=ids).select_related("contact")
    for row in through.order_by("contact__name", "pk"):
        met[row.visit_id].append(row.contact)
    changes: dict[int, list] = defaultdict(list)
    for change in ItineraryChange.objects.filter(visit_id__in=ids).order_by("reported_at", "pk"):
        changes[change.visit_id].append(change)
    for visit in visits:
        visit.met, visit.change_list = met[visit.pk], changes[visit.pk]
    return visits


def suggested_review(line: PlanLine, visits: list[Visit]) -> str:
    """What the record says happened to a line, for the manager to confirm or correct:
    a visit on the planned day is as planned, a visit on another day or a reported change
    is rescheduled, nothing is missed."""
    if any(v.visited_on == line.planned_on for v in visits):
        return LineReview.AS_PLANNED
    if visits or list(line.changes.all()):
        return LineReview.RESCHEDULED
    return LineReview.MISSED


@dataclass
class LineRow:
    line: PlanLine
    visits: list[Visit]
    suggestion: str

    @property
    def review(self) -> str:
        return self.line.review if self.line.review != LineReview.PENDING else self.suggestion


@dataclass
class MonthRecord:
    """What the record page shows for one visitor and month."""

    visitor: User
    month: dt.date
    record: VisitRecord | None
    plan: VisitPlan | None
    rows: list[LineRow]
    visits: list[Visit]

    @property
    def unplanned(self) -> list[Visit]:
        return [v for v in self.visits if v.plan_line_id is None]

    @property
    def total_hours(self):
        return sum((v.hours for v in self.visits if v.hours is not None), start=0)


def month_record(visitor: User, month: dt.date, record: VisitRecord | None) -> MonthRecord:
    visits = month_visits(visitor, month)
    plan = VisitPlan.objects.filter(kam=visitor, month=month).first()
    by_line: dict[int, list[Visit]] = {}
    for visit in visits:
        if visit.plan_line_id:
            by_line.setdefault(visit.plan_line_id, []).append(visit)
    lines = (
        list(record_lines(visitor, month).prefetch_related(_changes())) if plan is not None else []
    )
    rows = [
        LineRow(line, by_line.get(line.pk, []), suggested_review(line, by_line.get(line.pk, [])))
        for line in lines
    ]
    return MonthRecord(visitor, month, record, plan, rows, visits)
