"""Reads for spot checks (抽查, §14.2): which visits a sales manager may phone about, and the
random sample the system proposes."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Iterable

from django.db.models import QuerySet

from kam import roles
from kam.models import User
from kam.roles import COMPANY_WIDE, Role
from visits.models import SpotCheck, Visit
from visits.models.choices import VisitKind
from visits.models.records import SpotResult
from visits.months import month_end

SAMPLE_SHARE = 0.10
SAMPLE_MIN = 3


def spot_check_population(manager: User, month: dt.date) -> QuerySet[Visit]:
    """The month's visits by the KAMs of the manager's team (as KAMs at the time)."""
    return Visit.objects.filter(
        visitor__team__manager=manager,
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


def mark_spot_checks(user: User, visits: Iterable[Visit]) -> list[Visit]:
    """Each visit with `shown_check`, its spot check as `user` may see it (spot_check_shown):
    the view decides, the template only prints. The visits come with `spot_check` selected."""
    visits = list(visits)
    for visit in visits:
        visit.shown_check = spot_check_shown(user, visit)
    return visits


def spot_checks_visible_to(user: User) -> QuerySet[SpotCheck]:
    qs = SpotCheck.objects.select_related(
        "visit", "visit__account", "visit__visitor", "visit__checkin", "checker", "called_contact"
    )
    if not (user.is_authenticated and user.is_active):
        return qs.none()
    if user.role in COMPANY_WIDE:
        return qs
    if user.role == Role.SALES_MANAGER:
        return qs.filter(checker=user)
    return qs.none()
