"""Reads for the executive schedule (高层拜访日程): the year's items, whether each is done, the
load per visitor and month, and one person's own scheduled visits.

A scheduled item counts as done when its visitor has recorded a visit (not withdrawn) to its
account in its month. The match is a subquery on every item, so a page of items costs one
query however many visits exist; nothing is written when a visit is recorded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import (
    Count,
    DateField,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.expressions import RawSQL
from django.http import Http404

from accounts.models import KeyAccount
from accounts.models.archive import Status, Tier
from kam import roles
from kam.models import User
from kam.roles import SCHEDULED_VISITORS
from visits.models import ExecutiveSchedule, ScheduledVisit, Visit
from visits.models.choices import VisitKind
from visits.scheduling import SCHEDULE_ROLES

SCHEDULED_TIERS = (Tier.STRATEGIC, Tier.IMPORTANT)


def matching_visits() -> QuerySet[Visit]:
    """Visits that make an item (the outer row) done: same visitor, account and month."""
    return Visit.objects.filter(
        visitor=OuterRef("visitor"),
        account=OuterRef("account"),
        kind=VisitKind.VISIT,
        is_cancelled=False,
        visited_on__gte=OuterRef("month"),
        # The month's days as a range, so the (account, visited_on) index finds them: with
        # year and month alone PostgreSQL walked each executive's every later visit (67 s
        # for the 238,000 items of a year at --scale 20000).
        visited_on__lt=ExpressionWrapper(
            OuterRef("month") + dt.timedelta(days=31), output_field=DateField()
        ),
        visited_on__year=OuterRef("month__year"),
        visited_on__month=OuterRef("month__month"),
    )


def item_is_done(item: ScheduledVisit) -> bool:
    return Visit.objects.filter(
        visitor_id=item.visitor_id,
        account_id=item.account_id,
        kind=VisitKind.VISIT,
        is_cancelled=False,
        visited_on__year=item.month.year,
        visited_on__month=item.month.month,
    ).exists()


def with_done(items: QuerySet[ScheduledVisit]) -> QuerySet[ScheduledVisit]:
    """Annotate `done_visit_id` and `done_on` (the first matching visit) on each item."""
    first = matching_visits().order_by("visited_on", "pk")
    return items.annotate(
        done_visit_id=Subquery(first.values("pk")[:1]),
        done_on=Subquery(first.values("visited_on")[:1]),
    )


def schedule_of_year(year: int) -> ExecutiveSchedule | None:
    return (
        ExecutiveSchedule.objects.select_related("created_by", "published_by")
        .filter(year=year)
        .first()
    )


def live_items(schedule: ExecutiveSchedule) -> QuerySet[ScheduledVisit]:
    return schedule.items.filter(is_cancelled=False)


def scheduled_accounts() -> QuerySet[KeyAccount]:
    """The accounts the rules give executive visits: active strategic and important ones."""
    return KeyAccount.objects.filter(
        status=Status.ACTIVE, tier__in=SCHEDULED_TIERS, is_archived=False
    )


def accounts_to_schedule(name: str, limit: int = 20) -> list[KeyAccount]:
    """Accounts found by name for the GM office to add a visit to (any account in use)."""
    found = KeyAccount.objects.filter(is_archived=False, name__icontains=name)
    return list(found.order_by("name")[:limit])


def schedule_visitors() -> QuerySet[User]:
    """Everyone who may be scheduled to visit: sales managers and executives in office."""
    return User.objects.filter(is_active=True, role__in=SCHEDULED_VISITORS).order_by(
        "role", "name", "username"
    )


@dataclass
class LoadRow:
    """One visitor's scheduled visits per month (index 0 = January) and how many are done."""

    visitor: User
    months: list[int] = field(default_factory=lambda: [0] * 12)
    done: int = 0

    @property
    def total(self) -> int:
        return sum(self.months)


def schedule_load(schedule: ExecutiveSchedule) -> list[LoadRow]:
    """Per visitor and month, in two queries: the counts, then the visitors they name."""
    rows: dict[int, LoadRow] = {}
    raw = _load_counts(schedule)
    people = User.objects.in_bulk({visitor for visitor, _month, _n, _done in raw})
    for visitor, month, n, done in raw:
        row = rows.setdefault(visitor, LoadRow(people[visitor]))
        row.months[month.month - 1] += n
        row.done += done
    rank = {role: i for i, role in enumerate(SCHEDULE_ROLES)}
    return sorted(
        rows.values(), key=lambda r: (rank.get(r.visitor.role, 9), str(r.visitor), r.visitor.pk)
    )


def _load_counts(schedule: ExecutiveSchedule) -> list[tuple[int, dt.date, int, int]]:
    """(visitor, month, items, items done) for the schedule's live items, the visits joined by
    hash (_visited_months_sql) rather than probed once per item (matching_visits), which cost
    0.8 s for the 24,000 items of a year at 2,000 accounts against 0.1 s this way."""
    item = ScheduledVisit._meta.db_table
    visitors = (
        f"v.visitor_id IN (SELECT DISTINCT visitor_id FROM {item}"
        " WHERE schedule_id = %s AND NOT is_cancelled)"
    )
    sql = f"""
        SELECT i.visitor_id, i.month, count(*), count(d.visitor_id)
        FROM {item} i
        LEFT JOIN ({_visited_months_sql(visitors)}) d
          ON d.visitor_id = i.visitor_id AND d.account_id = i.account_id AND d.month = i.month
        WHERE i.schedule_id = %s AND NOT i.is_cancelled
        GROUP BY i.visitor_id, i.month
    """  # noqa: S608 -- table names from the models, values bound as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*_year_params(schedule.year), schedule.pk, schedule.pk])
        return cursor.fetchall()


def _visited_months_sql(visitors: str) -> str:
    """SQL of the distinct (visitor, account, month) that a year's visits by `visitors` (a
    condition on v.visitor_id) fall on: what makes a scheduled item done, as matching_visits
    says, reduced once so that the items are joined to it by hash. Its parameters:
    _year_params, then those of `visitors`."""
    visit = Visit._meta.db_table
    return f"""
        SELECT DISTINCT v.visitor_id, v.account_id,
               date_trunc('month', v.visited_on)::date AS month
        FROM {visit} v
        WHERE v.kind = %s AND NOT v.is_cancelled
          AND v.visited_on >= %s AND v.visited_on < %s AND {visitors}
    """  # noqa: S608 -- table names from the models, values bound as parameters


def _year_params(year: int) -> list:
    return [VisitKind.VISIT, dt.date(year, 1, 1), dt.date(year + 1, 1, 1)]


@dataclass
class ScheduleFilter:
    q: str = ""
    tier: str = ""
    visitor: User | None = None
    month: int | None = None


def filtered_items(schedule: ExecutiveSchedule, f: ScheduleFilter) -> QuerySet[ScheduledVisit]:
    items = live_items(schedule)
    if f.visitor is not None:
        items = items.filter(visitor=f.visitor)
    if f.month:
        items = items.filter(month=dt.date(schedule.year, f.month, 1))
    if f.tier:
        items = items.filter(account__tier=f.tier)
    if f.q:
        items = items.filter(account__name__icontains=f.q)
    return items


def schedule_accounts(schedule: ExecutiveSchedule, f: ScheduleFilter) -> QuerySet[KeyAccount]:
    """The accounts (rows of the grid) that have items passing the filter, by name."""
    ids = filtered_items(schedule, f).values("account_id")
    return (
        KeyAccount.objects.filter(pk__in=ids)
        .select_related("owner", "owner__team")
        .only("pk", "name", "tier", "status", "owner__name", "owner__username", "owner__team")
        .order_by("name", "pk")
    )


@dataclass
class GridRow:
    account: KeyAccount
    months: list[list[ScheduledVisit]] = field(default_factory=lambda: [[] for _ in range(12)])


def schedule_grid(
    schedule: ExecutiveSchedule, f: ScheduleFilter, accounts: list[KeyAccount]
) -> list[GridRow]:
    """A row per account of the page, a cell per month holding its items: one query."""
    rows = {a.pk: GridRow(a) for a in accounts}
    items = (
        with_done(filtered_items(schedule, f).filter(account_id__in=list(rows)))
        .select_related("visitor")
        .order_by("month", "visitor_role", "pk")
    )
    rank = {role: i for i, role in enumerate(SCHEDULE_ROLES)}
    for item in items:
        rows[item.account_id].months[item.month.month - 1].append(item)
    for row in rows.values():
        for cell in row.months:
            cell.sort(key=lambda i: rank.get(i.visitor_role, 9))
    return list(rows.values())


def _my_items(user: User, year: int) -> QuerySet[ScheduledVisit]:
    """The user's own items in a published schedule: a draft is not yet anyone's plan."""
    return ScheduledVisit.objects.filter(
        visitor=user,
        is_cancelled=False,
        schedule__year=year,
        schedule__published_at__isnull=False,
    )


def my_scheduled_visits(user: User, year: int) -> QuerySet[ScheduledVisit]:
    items = with_done(_my_items(user, year))
    return items.select_related("account").order_by("month", "account__name", "pk")


def my_schedule_counts(user: User, year: int) -> dict[dt.date, tuple[int, int]]:
    """Per month of the user's year: (scheduled, done), counted by the database."""
    done = Q(pk__in=_my_done_ids(user, year))
    rows = (
        _my_items(user, year)
        .order_by()
        .values("month")
        .annotate(n=Count("pk"), done=Count("pk", filter=done))
    )
    return {r["month"]: (r["n"], r["done"]) for r in rows}


def my_visits_to_do(user: User, year: int, until: dt.date) -> QuerySet[ScheduledVisit]:
    """The user's items not yet done, up to the month `until`, oldest first."""
    items = my_scheduled_visits(user, year).filter(month__lte=until)
    return items.exclude(pk__in=_my_done_ids(user, year))


def _my_done_ids(user: User, year: int) -> RawSQL:
    """The ids of the user's items of the year that a visit of hers made done, her visits
    joined by hash (_visited_months_sql) rather than probed once per item: an executive has
    40,000 items a year at 20,000 accounts, 0.3 s of probes per page."""
    item, schedule = ScheduledVisit._meta.db_table, ExecutiveSchedule._meta.db_table
    sql = f"""
        SELECT i.id FROM {item} i
        JOIN {schedule} s ON s.id = i.schedule_id
        JOIN ({_visited_months_sql("v.visitor_id = %s")}) d
          ON d.account_id = i.account_id AND d.month = i.month
        WHERE i.visitor_id = %s AND s.year = %s
    """  # noqa: S608 -- table names from the models, values bound as parameters
    return RawSQL(sql, (*_year_params(year), user.pk, user.pk, year))


def my_schedule_years(user: User) -> list[int]:
    return list(
        ExecutiveSchedule.objects.filter(
            published_at__isnull=False, items__visitor=user, items__is_cancelled=False
        )
        .values_list("year", flat=True)
        .distinct()
        .order_by("year")
    )


def item_for_editor(user: User, pk: int) -> ScheduledVisit:
    """Write getter for the GM office, the GM and administrators; everyone else gets 403."""
    if not roles.can_edit_schedule(user):
        raise PermissionDenied
    item = (
        with_done(ScheduledVisit.objects.filter(pk=pk, is_cancelled=False))
        .select_related("schedule", "account", "visitor")
        .first()
    )
    if item is None:
        raise Http404
    return item
