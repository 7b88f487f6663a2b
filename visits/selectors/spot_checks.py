"""Reads for spot checks (抽查, §14.2): which visits a sales manager may phone about, and the
random sample the system proposes."""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Iterable

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Contact
from accounts.selectors import archives_readable_by
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
    if not roles.can_see_spot_checks(user):  # a KAM must not learn which visits are picked
        return qs.none()
    return roles.in_scope(qs, user, "checker")


CHECKS_PER_PAGE = 50


def spot_checks_page(user: User, month: dt.date, number) -> Page:
    """A page of the month's checks the user may see, in visit order. A sales manager of a
    large team has hundreds of checks in a month, each with its own little form. The month's
    ids are paged in Python: with LIMIT in the SQL, PostgreSQL walked every visit by date
    looking for the month's few checks (1 s at --scale 20000)."""
    visible = spot_checks_visible_to(user)
    ids = list(
        visible.filter(month=month).order_by("visit__visited_on", "pk").values_list("pk", flat=True)
    )
    page = Paginator(ids, CHECKS_PER_PAGE).get_page(number)
    by_pk = visible.in_bulk(list(page.object_list))
    page.object_list = [by_pk[pk] for pk in page.object_list]
    return page


def spot_check_for_user(user: User, pk: int) -> SpotCheck:
    check = spot_checks_visible_to(user).filter(pk=pk).first()
    if check is None:
        raise Http404
    return check


def proposed_visits(manager: User, month: dt.date) -> list[Visit]:
    """The sample the system proposes, as visits to show before the checks are started."""
    return list(
        Visit.objects.filter(pk__in=spot_check_sample(manager, month))
        .select_related("account", "visitor")
        .order_by("visited_on", "pk")
    )


def active_contacts(account_ids) -> dict[int, list[Contact]]:
    """The active contacts of each account, in one query."""
    out: dict[int, list[Contact]] = defaultdict(list)
    for contact in Contact.objects.filter(account__in=account_ids, is_active=True):
        out[contact.account_id].append(contact)
    return out


def account_contacts(account_id: int) -> list[Contact]:
    """Every contact of the account, former ones too: a call may have reached one who left."""
    return list(Contact.objects.filter(account=account_id))


def phones(user: User, checks, contacts: dict[int, list[Contact]]) -> dict[int, list[Contact]]:
    """Whom the checker may call, per account: contacts with a number, and only on accounts
    whose archive he may read (contacts are archive material, SPEC §2)."""
    readable = set(
        archives_readable_by(user)
        .filter(pk__in={c.visit.account_id for c in checks})
        .values_list("pk", flat=True)
    )
    return {
        account: [c for c in people if c.phone]
        for account, people in contacts.items()
        if account in readable
    }
