"""What the appraisal puts on the home page's to-do list (registered in appraisal/apps.py):
the sales VP's scored periods to finalise; the administrators' closed periods still to score
and the KAMs without targets for the current quarter. A query or two per role."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from appraisal.models import Period, PeriodKind, PeriodStatus, Target
from kam import roles
from kam.dues import urgency_for
from kam.models import User
from kam.registry import WorkAction, WorkItem
from kam.roles import Role


def items(user: User, today: dt.date) -> list[WorkItem]:
    if not user.is_active:
        return []
    found: list[WorkItem] = []
    if roles.can_finalise_appraisal(user):
        found += [_period_item(p, today, "finalise") for p in _periods(PeriodStatus.SCORED, today)]
    if roles.can_manage_appraisal(user):
        found += [_period_item(p, today, "score") for p in _periods(PeriodStatus.OPEN, today)]
        found += targets_missing(today)
    return found


def _periods(status: str, today: dt.date):
    # Only closed periods are scored; a scored one waits for the VP whenever it was scored.
    closed = Q(ends_on__lt=today) if status == PeriodStatus.OPEN else Q()
    return Period.objects.filter(closed, status=status).order_by("ends_on", "kind")


def _period_item(period: Period, today: dt.date, action: str) -> WorkItem:
    if action == "finalise":
        label = _("Finalise appraisal %(period)s") % {"period": period.label}
    else:
        label = _("Score appraisal %(period)s") % {"period": period.label}
    late = period.settle_by < today
    return WorkItem(
        key=f"{action}-{period.pk}",
        label=label,
        url=reverse("appraisal:overview", args=[period.pk]),
        urgency=urgency_for(period.settle_by, today),
        section="overdue" if late else ("decide" if action == "finalise" else "this_month"),
        due_on=period.settle_by,
        order=40,
    )


def targets_missing(today: dt.date) -> list[WorkItem]:
    """Active KAMs with no target figure for the current quarter (a row of empty figures
    counts as none). The page also imports targets from Excel."""
    quarter = (today.month - 1) // 3 + 1
    period = Period.objects.filter(
        kind=PeriodKind.QUARTER, year=today.year, quarter=quarter
    ).first()
    kams = User.objects.filter(role=Role.KAM, is_active=True)
    if period is not None:
        set_ = Target.objects.filter(period=period, kam=OuterRef("pk")).filter(
            Q(sales__isnull=False) | Q(new_accounts__isnull=False) | Q(collections__isnull=False)
        )
        kams = kams.exclude(Exists(set_))
    n = kams.count()
    if not n:
        return []
    if period is None:  # the rollup job makes the period; until then the list of periods
        url, actions = reverse("appraisal:periods"), ()
    else:
        url = reverse("appraisal:targets", args=[period.pk])
        actions = (WorkAction(_("Import from Excel"), f"{url}#targets-import", "import"),)
    return [
        WorkItem(
            key="targets-missing",
            label=_("Key account managers without targets for %(year)d Q%(quarter)d")
            % {"year": today.year, "quarter": quarter},
            count=n,
            url=url,
            section="this_month",
            order=50,
            actions=actions,
        )
    ]
