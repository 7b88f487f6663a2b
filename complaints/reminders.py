"""Reminders about complaints (§4): an open complaint past its deadline."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy

from complaints.models import Complaint
from complaints.selectors import overdue_q
from kam.messages import message
from kam.models import Notification
from kam.services import notify_many


def complaint_reminders(today: dt.date) -> int:
    """On the first day past its deadline, an open complaint is reminded once to its handler
    and to the sales manager of the account's owner."""
    late = (
        Complaint.objects.filter(overdue_q(today), due_on=today - dt.timedelta(days=1))
        .filter(account__is_archived=False)
        .values_list(
            "pk",
            "subject",
            "due_on",
            "account_id",
            "account__name",
            "handler_id",
            "handler__is_active",
            "account__owner__team__manager_id",
            "account__owner__team__manager__is_active",
        )
    )
    rows = []
    for pk, subject, due_on, account, name, handler, h_active, manager, m_active in late:
        recipients = {r for r, active in ((handler, h_active), (manager, m_active)) if r and active}
        rows += [
            Notification(
                recipient_id=recipient,
                kind="complaint_overdue",
                key=f"complaint_overdue:{pk}",
                title=message(
                    gettext_lazy("Complaint past its deadline: %(subject)s (%(account)s)"),
                    subject=subject,
                    account=name,
                ),
                body=message(gettext_lazy("The deadline was %(date)s."), date=due_on.isoformat()),
                url=reverse("complaints:detail", args=[account, pk]),
                due_on=due_on,
            )
            for recipient in recipients
        ]
    return notify_many(rows)
