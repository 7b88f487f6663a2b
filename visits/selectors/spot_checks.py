"""Reads for spot checks (抽查, §14.2): which visits a sales manager may phone about, and the
random sample the system proposes."""

from __future__ import annotations

import datetime as dt
import math
import random

from django.db.models import QuerySet

from kam import roles
from kam.models import User
from kam.roles import Role
from visits.models import SpotCheck, Visit
from visits.models.choices import VisitKind
from visits.models.records import SpotResult
from visits.months import month_end

SAMPLE_SHARE = 0.10
SAMPLE_MIN = 3


def spot_check_population(manager: User, month: dt.date) -> QuerySet[Visit]:
    """The month's visits by the KAMs of the manager's team (as KAMs at the time)."""
    return Visit.objects.filter(
        visitor__in=roles.team_of(manager).values("pk"),
        visitor_role=Role.KAM,
        kind=VisitKind.VISIT,
        is_cancelled=False,
        visited_on__gte=month,
        visited_on__lte=month_end(month),
    )


def sample_size(population: int) -> int:
    return min(population, max(SAMPLE_MIN, math.ceil(population * SAMPLE_SHARE)))


def spot_check_sample(manager: User, month: dt.date) -> list[int]:
    """Visit ids to phone about: 10 %, at least 3. Seeded with the manager and the month, so
    a reload proposes the same visits and another manager or month draws differently."""
    ids = sorted(spot_check_population(manager, month).values_list("pk", flat=True))
    rng = random.Random(f"spot-check:{manager.pk}:{month:%Y-%m}")
    return sorted(rng.sample(ids, sample_size(len(ids))))


def spot_check_shown(user: User, visit: Visit) -> SpotCheck | None:
    """The visit's spot check as this user may know of it. Until the call is recorded only
    those who make or oversee the checks know which visits are picked: a KAM who knew could
    warn the customer, and the check would prove nothing. Once recorded, the result is a fact
    about the visit that its readers see."""
    check = getattr(visit, "spot_check", None)  # no check: RelatedObjectDoesNotExist
    if check is None:
        return None
    if check.result != SpotResult.PENDING or roles.can_see_spot_checks(user):
        return check
    return None


def spot_checks_visible_to(user: User) -> QuerySet[SpotCheck]:
    qs = SpotCheck.objects.select_related(
        "visit", "visit__account", "visit__visitor", "visit__checkin", "checker", "called_contact"
    )
    if not roles.can_see_spot_checks(user):  # a KAM must not learn which visits are picked
        return qs.none()
    return roles.in_scope(qs, user, "checker")
