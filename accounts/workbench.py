"""What the archives put on the home page (registered in accounts/apps.py): the to-do items
(loans waiting for the owner's decision, semiannual reviews overdue) and the cards below the
list. Each function reads in one or two queries, whatever the number of accounts."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import selectors
from accounts.models import ArchiveLoan, MajorMatter
from accounts.models.access import LoanStatus
from accounts.models.archive import Tier
from kam import roles
from kam.models import User
from kam.registry import WorkItem
from kam.roles import Role


def items(user: User, today: dt.date) -> list[WorkItem]:
    found = []
    waiting = ArchiveLoan.objects.filter(account__owner=user, status=LoanStatus.PENDING).count()
    if waiting:
        found.append(
            WorkItem(
                key="loans-to-decide",
                label=_("Loan requests waiting for you"),
                url=reverse("accounts:loans"),
                count=waiting,
                urgency="soon",
                section="decide",
                order=30,
            )
        )
    if user.role == Role.STAFF:
        found += staff_items(user)
    if roles.can_use_list(user):
        due = selectors.reviews_overdue(user, today).count()
        if due:
            # Her own archives are hers to review; above her they are to keep an eye on.
            own = roles.reach(user) is roles.Reach.OWN
            found.append(
                WorkItem(
                    key="reviews-overdue",
                    label=_("Semiannual reviews overdue"),
                    url=reverse("accounts:reviews_overdue"),
                    count=due,
                    urgency="overdue" if own else "info",
                    section="overdue" if own else "watch",
                    order=40,
                )
            )
    return found


def staff_items(user: User) -> list[WorkItem]:
    """Other departments (§6): report major contacts with key accounts; follow their loans."""
    found = [
        WorkItem(
            key="report-matter",
            label=_("Report a major matter"),
            detail=_("Find the account, then report the contact"),
            url=reverse("accounts:lookup"),
            urgency="info",
            order=90,
        )
    ]
    asked = ArchiveLoan.objects.filter(requester=user, status=LoanStatus.PENDING).count()
    if asked:
        found.append(
            WorkItem(
                key="my-loan-requests",
                label=_("Your loan requests waiting for the owner's decision"),
                count=asked,
                url=f"{reverse('accounts:loans')}#my-loans",
                urgency="info",
                section="watch",
                order=30,
            )
        )
    return found


# Home panels: `context(user, today)` -> the template's context, or None -----------------------


def summary_panel(user: User, today: dt.date) -> dict | None:
    if not roles.can_use_list(user):
        return None
    visible = selectors.accounts_visible_to(user).filter(is_archived=False)
    by_tier = dict(visible.order_by().values_list("tier").annotate(n=Count("pk")))
    return {
        "account_count": sum(by_tier.values()),
        "by_tier": [(label, by_tier.get(code, 0)) for code, label in Tier.choices],
    }


def team_panel(user: User, today: dt.date) -> dict | None:
    if roles.reach(user) is not roles.Reach.TEAM:
        return None
    team = (
        roles.team_of(user)
        .filter(role=Role.KAM, is_active=True)
        .annotate(n=Count("accounts", filter=Q(accounts__is_archived=False)))
        .order_by("name")
    )
    return {"team": team}


def matters_panel(user: User, today: dt.date) -> dict | None:
    if not roles.is_company_wide(user):
        return None
    return {"matters": MajorMatter.objects.select_related("account", "reported_by")[:5]}


def loans_panel(user: User, today: dt.date) -> dict | None:
    """Archives lent to the user; no card when there are none."""
    loans = list(selectors.active_loans(user).select_related("account")[:10])
    return {"loans": loans} if loans else None
