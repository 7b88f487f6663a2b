"""What the complaints put on the home page's to-do list (registered in complaints/apps.py):
the open complaints past their deadline that the user handles. Two queries at most."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from complaints.models import Complaint
from complaints.selectors import overdue_q
from kam.models import User
from kam.registry import WorkItem


def items(user: User, today: dt.date) -> list[WorkItem]:
    late = Complaint.objects.filter(overdue_q(today), handler=user, account__is_archived=False)
    # One query: with a single complaint, its pk and account are the minimums.
    found = late.aggregate(
        n=Count("pk"), due_on=Min("due_on"), pk=Min("pk"), account=Min("account")
    )
    n = found["n"]
    if not n:
        return []
    one = reverse("complaints:detail", args=[found["account"], found["pk"]])
    return [
        WorkItem(
            key="complaints-overdue",
            label=_("Complaints you handle past their deadline"),
            count=n,
            url=one if n == 1 else f"{reverse('complaints:list')}?{urlencode({'show': 'overdue'})}",
            urgency="overdue",
            section="overdue",
            due_on=found["due_on"],  # the oldest: "overdue by N days"
            order=20,
        )
    ]
