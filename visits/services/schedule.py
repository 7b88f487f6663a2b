"""Writes on the executive schedule (高层拜访日程, §14.1): the GM office proposes next year's
visits from the frequency rules in December, adjusts them, and publishes them to the people
who will make them. Items are never deleted: a removed item is kept, marked removed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.models import KeyAccount
from kam import roles
from kam.messages import Message, message
from kam.models import User
from kam.periods import month_label
from kam.roles import SCHEDULED_VISITORS, Role
from kam.services import notify, save_with_history
from visits.models import ExecutiveSchedule, FrequencyRule, ScheduledVisit
from visits.models.choices import RuleKind
from visits.scheduling import SCHEDULE_ROLES, AccountNeed, Rule, Slot, propose
from visits.selectors.schedule import item_is_done, live_items, scheduled_accounts


@dataclass
class ProposeResult:
    schedule: ExecutiveSchedule
    added: int
    unstaffed: list[tuple[int, str]] = field(default_factory=list)


def editable_years(today: dt.date | None = None) -> tuple[int, int]:
    """This year's schedule may still be adjusted; next year's is the one set in December."""
    year = (today or timezone.localdate()).year
    return year, year + 1


def _check_editor(by: User) -> None:
    if not roles.can_edit_schedule(by):
        raise PermissionDenied


def _check_year(year: int) -> None:
    first, last = editable_years()
    if not first <= year <= last:
        raise ValidationError(
            _("Only this year's and next year's schedules can be changed (%(first)s–%(last)s).")
            % {"first": first, "last": last}
        )


def first_open_month(year: int) -> int:
    """Months already over are not planned any more."""
    today = timezone.localdate()
    return today.month if year == today.year else 1


def _mark_revised(schedule: ExecutiveSchedule) -> None:
    # An update, not a save: the item's own history says what changed; a schedule history
    # row per click would bury the publications.
    ExecutiveSchedule.objects.filter(pk=schedule.pk).update(revised_at=timezone.now())


def proposal_inputs(schedule: ExecutiveSchedule):
    """What the engine needs, read from the database: accounts, rules, holders, items."""
    accounts = [
        AccountNeed(pk, tier, manager if manager_active else None)
        for pk, tier, manager, manager_active in scheduled_accounts()
        .order_by("pk")
        .values_list("pk", "tier", "owner__team__manager_id", "owner__team__manager__is_active")
    ]
    rules = [
        Rule(r.tier, r.visitor_role, r.period, r.min_count)
        for r in FrequencyRule.objects.filter(
            is_active=True, kind=RuleKind.VISIT, visitor_role__in=SCHEDULE_ROLES
        )
    ]
    executives: dict[str, list[int]] = {}
    for pk, role in (
        User.objects.filter(is_active=True, role__in=SCHEDULE_ROLES)
        .order_by("pk")
        .values_list("pk", "role")
    ):
        executives.setdefault(role, []).append(pk)
    existing = [
        Slot(account, role, visitor, month.month)
        for account, role, visitor, month in live_items(schedule).values_list(
            "account_id", "visitor_role", "visitor_id", "month"
        )
    ]
    return accounts, rules, executives, existing


@transaction.atomic
def schedule_propose(*, year: int, by: User) -> ProposeResult:
    """Create the year's schedule if needed and add every visit the rules still ask for.
    Run again, it adds only what is missing (a new strategic account, a removed item's
    window left empty); what the GM office moved stays where it was put."""
    _check_editor(by)
    _check_year(year)
    schedule = ExecutiveSchedule.objects.select_for_update().filter(year=year).first()
    if schedule is None:
        schedule = ExecutiveSchedule(year=year, created_by=by)
        save_with_history(schedule, by)
    accounts, rules, executives, existing = proposal_inputs(schedule)
    proposal = propose(
        accounts=accounts,
        rules=rules,
        executives=executives,
        existing=existing,
        first_month=first_open_month(year),
    )
    items = [
        ScheduledVisit(
            schedule=schedule,
            account_id=s.account_id,
            visitor_id=s.visitor_id,
            visitor_role=s.visitor_role,
            month=dt.date(year, s.month, 1),
        )
        for s in proposal.slots
    ]
    ScheduledVisit.objects.bulk_create(items, batch_size=5000)
    ScheduledVisit.history.bulk_history_create(items, default_user=by, batch_size=5000)
    if items:
        _mark_revised(schedule)
    return ProposeResult(schedule, len(items), proposal.unstaffed)


def _check_slot(
    schedule: ExecutiveSchedule,
    *,
    account: KeyAccount,
    visitor: User,
    month: dt.date,
    exclude: int | None = None,
) -> None:
    if month.year != schedule.year or month.day != 1:
        raise ValidationError(_("Choose a month of %(year)s.") % {"year": schedule.year})
    today = timezone.localdate()
    if (month.year, month.month) < (today.year, today.month):
        raise ValidationError(_("That month is over; choose this month or a later one."))
    if not (visitor.is_active and visitor.role in SCHEDULED_VISITORS):
        raise ValidationError(_("Visits are scheduled for sales managers and executives only."))
    if account.is_archived:
        raise ValidationError(_("This account is retired."))
    if visitor.role == Role.SALES_MANAGER and not roles.manages(visitor, account.owner):
        # He records visits to his own team's accounts only (visits.selectors.records).
        raise ValidationError(
            _("%(visitor)s is not the sales manager of %(account)s's account manager.")
            % {"visitor": visitor, "account": account}
        )
    clash = live_items(schedule).filter(account=account, visitor=visitor, month=month)
    if clash.exclude(pk=exclude).exists():
        raise ValidationError(
            _("%(visitor)s already visits %(account)s in %(month)s.")
            % {"visitor": visitor, "account": account, "month": month_label(month)}
        )


def _locked_item(item: ScheduledVisit, by: User) -> ScheduledVisit:
    _check_editor(by)
    item = (
        ScheduledVisit.objects.select_for_update()
        .select_related("schedule", "account", "visitor")
        .get(pk=item.pk)
    )
    _check_year(item.schedule.year)
    if item.is_cancelled:
        raise ValidationError(_("This visit has been removed from the schedule."))
    if item_is_done(item):
        raise ValidationError(_("This visit has been made; it stays as it was done."))
    return item


@transaction.atomic
def scheduled_visit_move(
    *, item: ScheduledVisit, by: User, month: dt.date, visitor: User
) -> ScheduledVisit:
    """Another month or another visitor; the item then serves the new visitor's role."""
    item = _locked_item(item, by)
    _check_slot(item.schedule, account=item.account, visitor=visitor, month=month, exclude=item.pk)
    item.month, item.visitor, item.visitor_role = month, visitor, visitor.role
    save_with_history(item, by, update_fields=["month", "visitor", "visitor_role"])
    _mark_revised(item.schedule)
    return item


@transaction.atomic
def scheduled_visit_remove(*, item: ScheduledVisit, by: User) -> None:
    item = _locked_item(item, by)
    item.is_cancelled = True
    save_with_history(item, by, update_fields=["is_cancelled"])
    _mark_revised(item.schedule)


@transaction.atomic
def scheduled_visit_add(
    *, schedule: ExecutiveSchedule, by: User, account: KeyAccount, visitor: User, month: dt.date
) -> ScheduledVisit:
    _check_editor(by)
    _check_year(schedule.year)
    schedule = ExecutiveSchedule.objects.select_for_update().get(pk=schedule.pk)
    _check_slot(schedule, account=account, visitor=visitor, month=month)
    item = ScheduledVisit(
        schedule=schedule, account=account, visitor=visitor, visitor_role=visitor.role, month=month
    )
    save_with_history(item, by)
    _mark_revised(schedule)
    return item


def published_title(year: int) -> Message:
    """The executives' notice of a published schedule: one wording for the service and the
    demo data, worded in each reader's language."""
    return message(gettext_lazy("Executive visit schedule %(year)s published"), year=year)


def published_body(year: int, n: int) -> Message:
    return message(
        ngettext_lazy(
            "You have %(n)s scheduled visit to key accounts in %(year)s.",
            "You have %(n)s scheduled visits to key accounts in %(year)s.",
            "n",
        ),
        n=n,
        year=year,
    )


@transaction.atomic
def schedule_publish(*, schedule: ExecutiveSchedule, by: User) -> int:
    """Tell every visitor on the schedule how many visits they have; returns how many people
    were told. Publishing again after changes tells them again."""
    _check_editor(by)
    _check_year(schedule.year)
    schedule = ExecutiveSchedule.objects.select_for_update().get(pk=schedule.pk)
    counts: dict[int, int] = {}
    for visitor_id in live_items(schedule).values_list("visitor_id", flat=True):
        counts[visitor_id] = counts.get(visitor_id, 0) + 1
    if not counts:
        raise ValidationError(_("The schedule is empty: propose it from the rules first."))
    schedule.published_at, schedule.published_by = timezone.now(), by
    save_with_history(schedule, by, update_fields=["published_at", "published_by"])
    url = reverse("visits:my_schedule") + f"?year={schedule.year}"
    key = f"schedule:{schedule.year}:{schedule.published_at:%Y%m%d%H%M%S%f}"
    told = 0
    for visitor in User.objects.filter(pk__in=counts, is_active=True):
        n = counts[visitor.pk]
        told += notify(
            recipients=[visitor],
            kind="executive_schedule",
            key=key,
            title=published_title(schedule.year),
            body=published_body(schedule.year, n),
            url=url,
        )
    return told
