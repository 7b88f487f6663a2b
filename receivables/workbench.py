"""What the receivables put on the home page's to-do list (registered in receivables/apps.py):
for the sales VP, the accounts whose overdue receivables exceed a threshold (the setting
WORKBENCH_OVERDUE_THRESHOLD, in yuan). Two queries, whatever the number of invoices."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext as _

from kam import roles
from kam.models import User
from kam.money import money_sum, money_text
from kam.registry import WorkItem
from kam.roles import Role
from receivables.selectors.account import OUTSTANDING
from receivables.selectors.report import open_invoices_in, scoped_accounts
from receivables.services.common import receivables_url


def items(user: User, today: dt.date) -> list[WorkItem]:
    if not (roles.is_active_user(user) and user.role == Role.SALES_VP):
        return []
    threshold = settings.WORKBENCH_OVERDUE_THRESHOLD
    over = (
        open_invoices_in(scoped_accounts(user))
        .filter(due_on__lt=today)
        .values("account")
        .annotate(overdue=money_sum(OUTSTANDING))
        .filter(overdue__gt=threshold)
        .order_by()
    )
    # One query: the grouped rows counted; with a single account, it is the minimum.
    found = over.aggregate(n=Count("account"), first=Min("account"))
    n, first = found["n"], found["first"]
    if not n:
        return []
    many = f"{reverse('receivables:report')}#top-overdue"
    return [
        WorkItem(
            key="receivables-overdue",
            label=_("Accounts with more than %(amount)s yuan overdue")
            % {"amount": money_text(threshold)},
            count=n,
            url=receivables_url(first) if n == 1 else many,
            urgency="overdue",
            section="watch",
            order=20,
        )
    ]
