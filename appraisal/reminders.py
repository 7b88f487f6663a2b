"""The appraisal's jobs: the rollup at period close (§17), and its reminders."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy

from appraisal.models import Period, PeriodKind, PeriodStatus
from appraisal.periods import periods_ensure
from appraisal.rollup import period_rollup
from kam.messages import Quarter, Year, message
from kam.models import Notification, User
from kam.roles import Role
from kam.services import notify_many

FINALISE_NOTICE_DAYS = 3
QUARTER_WAIT = 7


def _named(period: Period) -> Quarter | Year:
    """The period as its label's parameter: named in each reader's language (Period.label)."""
    if period.kind == PeriodKind.YEAR:
        return Year(period.year)
    return Quarter(period.year, period.quarter)


def _people(*role_list) -> list[int]:
    return list(
        User.objects.filter(role__in=role_list, is_active=True).values_list("pk", flat=True)
    )


def appraisal_rollup(today: dt.date) -> int:
    """The day after a quarter or a year closes, score it and tell the sales VP, the
    administrators and the sales managers that it is ready for adjustments and finalisation."""
    periods_ensure(today)
    closed = Period.objects.filter(status=PeriodStatus.OPEN, ends_on__lt=today)
    created = 0
    people = _people(Role.SALES_VP, Role.ADMIN, Role.SALES_MANAGER)
    for period in closed:
        period_rollup(period=period, today=today)
        created += notify_many(
            [
                Notification(
                    recipient_id=pk,
                    kind="appraisal_scored",
                    key=f"appraisal_scored:{period.pk}",
                    title=message(
                        gettext_lazy("Appraisal %(period)s is scored"), period=_named(period)
                    ),
                    url=reverse("appraisal:overview", args=[period.pk]),
                )
                for pk in people
            ]
        )
    return created


def finalise_title(period: Period, today: dt.date):
    """Ahead of the settlement date the reminder asks to finalise (the inbox names the date
    from `due_on`); past it, it says the period is overdue, never a deadline already gone."""
    if period.settle_by < today:
        return message(
            gettext_lazy("Appraisal %(period)s is overdue for finalisation"),
            period=_named(period),
        )
    return message(gettext_lazy("Finalise appraisal %(period)s"), period=_named(period))


def finalise_reminders(today: dt.date) -> int:
    """Remind the sales VP to finalise: a year a few days before its settlement date (15
    January), a quarter once it has waited a week after its close (its settlement date is
    its last day, so that reminder says it is overdue)."""
    year_due = Q(
        kind=PeriodKind.YEAR,
        settle_by__gte=today,
        settle_by__lte=today + dt.timedelta(days=FINALISE_NOTICE_DAYS),
    )
    quarter_due = Q(kind=PeriodKind.QUARTER, ends_on__lte=today - dt.timedelta(days=QUARTER_WAIT))
    due = Period.objects.filter(year_due | quarter_due, status=PeriodStatus.SCORED)
    vps = _people(Role.SALES_VP)
    return notify_many(
        [
            Notification(
                recipient_id=pk,
                kind="appraisal_finalise",
                key=f"appraisal_finalise:{period.pk}",
                title=finalise_title(period, today),
                url=reverse("appraisal:overview", args=[period.pk]),
                due_on=period.settle_by,  # worded when shown, so never a past date as a deadline
            )
            for period in due
            for pk in vps
        ]
    )
