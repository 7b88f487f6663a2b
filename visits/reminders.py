"""Periodic jobs of the visits app (registered in visits/apps.py, run by kam/jobs.py).

Every reminder here fires on one day, worked out from the policy's own dates (the frequency
rules' windows, the plan's 25th, the record's 5th, the lunar festivals, December); a run on
any other day creates nothing. A day the beat missed is replayed by the next run
(kam.tasks.run_job_now keeps each job's last day), or by hand with `manage.py run_jobs --date
YYYY-MM-DD`; the keys make a replay or a second run harmless.
Each job reads in a few grouped queries, whatever the number of accounts.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext_lazy, ngettext_lazy

from accounts.models import KeyAccount
from accounts.models.archive import Status
from kam.messages import Message, Month, joined, message
from kam.models import Notification, User
from kam.roles import Role
from kam.services import notify_many
from visits import rules
from visits.compliance.windows import overdue_counts
from visits.models import ExecutiveSchedule, VisitPlan, VisitRecord
from visits.models.records import RecordStatus
from visits.months import add_months, month_end, month_of
from visits.selectors.requirements import KEY_TIERS, rules_in_force
from visits.services.plans import plan_due_on
from visits.services.records import record_due_on
from visits.tally import tally_catch_up, tally_roll_over

# "Due soon" goes out a week before the month's visits are judged: time to fit a visit in.
VISIT_NOTICE_DAYS = 7
# Plans and records: three days ahead, and again on the due day if still missing.
PLAN_NOTICE_DAYS = 3
RECORD_NOTICE_DAYS = 3
# The GM office is reminded on these days of December while next year's schedule is unpublished.
SCHEDULE_DAYS = (1, 15)


def compliance_tally(today: dt.date) -> int:
    """What time changes, overnight so that no morning reader pays for it: the whole rollup
    on 1 January (or after rules changed where no one asked for a rebuild). Writes are the
    writers' and readers' business (visits/tally.py)."""
    return tally_roll_over(today=today)


def _kams() -> Q:
    return Q(role=Role.KAM, is_active=True)


def _served(tiers) -> QuerySet[KeyAccount]:
    """Accounts a KAM serves under the rules: live, active, of a tier the rules cover."""
    return KeyAccount.objects.filter(is_archived=False, status=Status.ACTIVE, tier__in=tiers)


def _compliance_url(kam_id: int, month: dt.date) -> str:
    return f"{reverse('visits:compliance_kam', args=[kam_id])}?p={month:%Y-%m}"


# Visits due and overdue under the frequency rules ----------------------------------------------


def _deadline(month: dt.date) -> dt.date:
    """When the visit windows ending in `month` are judged: the month's last working day
    (every calendar window — month, two months, quarter, half, year — ends on a month end)."""
    return rules.working_day_on_or_before(month_end(month))


def _missing_by_kam(month: dt.date, as_of: dt.date, today: dt.date) -> dict[int, dict[str, int]]:
    """{KAM: {"accounts": n, <slot>: n}}: her accounts with a visit window ending in `month`
    that is owed and not met, judged as on `as_of`. From the rollup, brought up to date
    first: one grouped query."""
    rule_list = rules_in_force()
    visit_rules = [r for r in rule_list if r.kind == rules.VISIT]
    if not visit_rules:
        return {}
    tally_catch_up(today=today, rule_list=rule_list)
    last = month_end(month)
    lookups = {
        "account__tier__in": KEY_TIERS,
        "account__is_archived": False,
        "account__owner__role": Role.KAM,
        "account__owner__is_active": True,
    }
    figures = overdue_counts(lookups, visit_rules, group="kam", start=last, end=last, today=as_of)
    return {
        kam: {"accounts": f.overdue_accounts, **{s: n for s, n in f.overdue.items() if n}}
        for kam, f in figures.items()
        if f.overdue_accounts
    }


def _by_role(counts: dict[str, int]) -> Message:
    """ "Accounts short of a visit, by visitor: Key account manager 2 · Sales manager 1"."""
    parts = [
        joined([Role(slot).label, n], " ") for slot, n in counts.items() if slot in Role.values
    ]
    return message(
        gettext_lazy("Accounts short of a visit, by visitor: %(parts)s"),
        parts=joined(parts, " · "),
    )


def visits_due(today: dt.date) -> int:
    """A week before this month's visit windows close, one reminder per KAM: how many of her
    accounts still lack a visit the rules ask for (hers, her manager's, the executives'),
    linking to her compliance page, which lists them worst first. One row per KAM and
    month, not per account or window: at 20,000 accounts a KAM with 60 of them gets one line
    to act on, and the inbox stays readable."""
    month = month_of(today)
    deadline = _deadline(month)
    if today != deadline - dt.timedelta(days=VISIT_NOTICE_DAYS):
        return 0
    # Judged as on the day after the deadline: what would be missed if nothing more is done.
    missing = _missing_by_kam(month, deadline + dt.timedelta(days=1), today)
    rows = [
        Notification(
            recipient_id=kam,
            kind="visits_due",
            key=f"visits_due:{month:%Y-%m}",
            title=message(
                ngettext_lazy(
                    "%(n)d of your accounts still needs a visit in %(month)s",
                    "%(n)d of your accounts still need a visit in %(month)s",
                    "n",
                ),
                n=counts["accounts"],
                month=Month(month),
            ),
            body=_by_role(counts),
            url=_compliance_url(kam, month),
            due_on=deadline,
        )
        for kam, counts in missing.items()
    ]
    return notify_many(rows)


def visits_overdue(today: dt.date) -> int:
    """On the 1st, one reminder per KAM: how many of her accounts missed a visit window that
    closed last month, linking to last month on her compliance page. Grouped like
    `visits_due`, for the same reason."""
    if today.day != 1:
        return 0
    month = add_months(month_of(today), -1)
    rows = [
        Notification(
            recipient_id=kam,
            kind="visits_overdue",
            key=f"visits_overdue:{month:%Y-%m}",
            title=message(
                ngettext_lazy(
                    "%(n)d of your accounts missed a required visit in %(month)s",
                    "%(n)d of your accounts missed required visits in %(month)s",
                    "n",
                ),
                n=counts["accounts"],
                month=Month(month),
            ),
            body=_by_role(counts),
            url=_compliance_url(kam, month),
        )
        for kam, counts in _missing_by_kam(month, today, today).items()
    ]
    return notify_many(rows)


# Next month's plan, last month's record ------------------------------------------------------


def _stage(today: dt.date, due: dt.date, notice_days: int) -> str:
    """ "ahead" a few days before the due day, "due" on it, "" on any other day."""
    if today == due:
        return "due"
    return "ahead" if today == due - dt.timedelta(days=notice_days) else ""


def plan_due(today: dt.date) -> int:
    """Next month's plan (§14.1) is due on the 25th (`plan_due_on`: a calendar day, no
    working-day shift): KAMs with plannable accounts and no submitted plan hear of it three
    days ahead and again on the day. Links to the draft when there is one."""
    month = add_months(month_of(today), 1)
    due = plan_due_on(month)
    stage = _stage(today, due, PLAN_NOTICE_DAYS)
    if not stage:
        return 0
    plans = VisitPlan.objects.filter(kam=OuterRef("pk"), month=month)
    kams = (
        User.objects.filter(_kams())
        .filter(Exists(_served(KEY_TIERS).filter(owner=OuterRef("pk"))))
        .exclude(Exists(plans.filter(submitted_at__isnull=False)))
        .annotate(draft=Subquery(plans.values("pk")[:1]))
        .values_list("pk", "draft")
    )
    # The deadline goes in `due_on`, worded when shown: read late, "due today" would be false.
    title = message(gettext_lazy("Submit your visit plan for %(month)s"), month=Month(month))
    rows = [
        Notification(
            recipient_id=kam,
            kind="plan_due",
            key=f"plan_due:{month:%Y-%m}:{stage}",
            title=title,
            url=reverse("visits:plan_detail", args=[draft]) if draft else reverse("visits:plans"),
            due_on=due,
        )
        for kam, draft in kams
    ]
    return notify_many(rows)


def record_due(today: dt.date) -> int:
    """Last month's visit record (§14.2) is due by the 5th, moved to the next working day when
    the 5th is a holiday (`record_due_on`, the same date the record itself carries): KAMs who
    have not submitted it hear of it three days ahead and again on the due day."""
    month = add_months(month_of(today), -1)
    due = record_due_on(month)
    stage = _stage(today, due, RECORD_NOTICE_DAYS)
    if not stage:
        return 0
    records = VisitRecord.objects.filter(kam=OuterRef("pk"), month=month)
    kams = (
        User.objects.filter(_kams())
        .filter(
            Exists(_served(KEY_TIERS).filter(owner=OuterRef("pk")))
            | Exists(records.filter(status=RecordStatus.OPEN))
        )
        .exclude(Exists(records.exclude(status=RecordStatus.OPEN)))
        .values_list("pk", flat=True)
    )
    title = message(gettext_lazy("Submit your visit record for %(month)s"), month=Month(month))
    url = f"{reverse('visits:my_record')}?month={month:%Y-%m}"
    rows = [
        Notification(
            recipient_id=kam,
            kind="record_due",
            key=f"record_due:{month:%Y-%m}:{stage}",
            title=title,
            url=url,
            due_on=due,
        )
        for kam in kams
    ]
    return notify_many(rows)


# Year-end cards and festivals ----------------------------------------------------------------


def _accounts_by_kam(kind: str) -> dict[int, int]:
    """{KAM: accounts she serves of a tier with a rule of `kind`}: one grouped query."""
    tiers = {r.tier for r in rules_in_force() if r.kind == kind}
    if not tiers:
        return {}
    rows = (
        _served(tiers)
        .filter(owner__role=Role.KAM, owner__is_active=True)
        .values("owner_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["owner_id"]: row["n"] for row in rows}


def year_end_cards(today: dt.date) -> int:
    """On 1 December, each KAM: send the year-end calendar and card (年终贺卡) to the contacts
    of her key accounts (§13), linking to December on her compliance page. Once a year."""
    if (today.month, today.day) != (12, 1):
        return 0
    rows = [
        Notification(
            recipient_id=kam,
            kind="year_end_cards",
            key=f"year_end_cards:{today.year}",
            title=message(
                ngettext_lazy(
                    "Year-end cards: send them to the contacts of your %(n)d key account",
                    "Year-end cards: send them to the contacts of your %(n)d key accounts",
                    "n",
                ),
                n=n,
            ),
            url=_compliance_url(kam, today),
        )
        for kam, n in _accounts_by_kam(rules.YEAR_END_CARD).items()
    ]
    return notify_many(rows)


def festivals_ahead(today: dt.date) -> list[rules.Festival]:
    """The festivals (春节, 中秋; solar dates from the lunar calendar) whose communication window
    opens today: FESTIVAL_LEAD_DAYS before the festival."""
    ahead = today + dt.timedelta(days=rules.FESTIVAL_LEAD_DAYS)
    return [f for f in rules.festival_days(ahead.year) if f.day == ahead]


def festival_label(name: str):
    """Lazy: translated in the language of whoever reads the reminder."""
    if name == rules.SPRING_FESTIVAL:
        return gettext_lazy("Spring Festival")
    return gettext_lazy("Mid-Autumn Festival")


def festival_reminders(today: dt.date) -> int:
    """A week before the Spring Festival and the Mid-Autumn Festival, each KAM: arrange the
    festival communication with her key accounts' decision makers (§13, done by an
    executive). Once per KAM, festival and year."""
    rows = [
        Notification(
            recipient_id=kam,
            kind="festival",
            key=f"festival:{festival.name}:{festival.day.year}",
            title=message(
                ngettext_lazy(
                    "%(festival)s: arrange greetings for your %(n)d key account",
                    "%(festival)s: arrange greetings for your %(n)d key accounts",
                    "n",
                ),
                festival=festival_label(festival.name),
                n=n,
            ),
            url=_compliance_url(kam, festival.day),
            # The window's deadline: the last working day up to the festival.
            due_on=rules.working_day_on_or_before(festival.day),
        )
        for festival in festivals_ahead(today)
        for kam, n in _accounts_by_kam(rules.FESTIVAL).items()
    ]
    return notify_many(rows)


# The executive schedule ---------------------------------------------------------------------


def schedule_deadline(year: int) -> dt.date:
    """Next year's executive schedule is set in December (§14.1): by its last working day."""
    return rules.working_day_on_or_before(dt.date(year - 1, 12, 31))


def schedule_due(today: dt.date) -> int:
    """§14.1: the GM office sets next year's executive visits in December. On 1 and 15
    December, while next year's schedule is not published, every GM office user is told."""
    if today.month != 12 or today.day not in SCHEDULE_DAYS:
        return 0
    year = today.year + 1
    if ExecutiveSchedule.objects.filter(year=year, published_at__isnull=False).exists():
        return 0
    office = User.objects.filter(role=Role.GM_OFFICE, is_active=True).values_list("pk", flat=True)
    rows = [
        Notification(
            recipient_id=pk,
            kind="schedule_due",
            key=f"schedule_due:{year}:{today.day}",
            title=message(
                gettext_lazy("The executive visit schedule for %(year)d is not published yet"),
                year=year,
            ),
            url=reverse("visits:schedule_year", args=[year]),
            due_on=schedule_deadline(year),
        )
        for pk in office
    ]
    return notify_many(rows)


# Deadlines that follow the working calendar -------------------------------------------------

# The kinds whose `due_on` moves with the holidays (plan_due's 25th is a calendar day).
CALENDAR_KINDS = ("record_due", "visits_due", "festival", "schedule_due")


def reminder_due_on(kind: str, key: str) -> dt.date | None:
    """The deadline a reminder of `kind` with `key` carries, worked out again from the working
    calendar as it is now (visits.working_calendar recomputes stored ones after a change).
    None for a key it does not read."""
    parts = key.split(":")
    try:
        if kind == "record_due":
            return record_due_on(dt.date.fromisoformat(f"{parts[1]}-01"))
        if kind == "visits_due":
            return _deadline(dt.date.fromisoformat(f"{parts[1]}-01"))
        if kind == "festival":
            day = dict(rules.festival_days(int(parts[2]))).get(parts[1])
            return rules.working_day_on_or_before(day) if day else None
        if kind == "schedule_due":
            return schedule_deadline(int(parts[1]))
    except (IndexError, ValueError):
        return None
    return None
