"""The yearly tier review (§6): prepared in January over the past calendar year; the sales VP
is told it waits for her decisions."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from analysis.models import ProposalStatus
from analysis.selectors import review_for
from analysis.services import review_prepare
from kam.messages import message
from kam.models import User
from kam.roles import Role
from kam.services import notify


def tier_review(today: dt.date) -> int:
    """Idempotent: a review already prepared for the year is left as the VP may have decided
    it; the notification carries a key per year."""
    if today.month != 1:
        return 0  # `run_jobs` runs every job on any day; this one belongs to January
    year = today.year - 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    review = review_for(start, end) or review_prepare(start=start, end=end, by=None)
    n = review.proposals.filter(status=ProposalStatus.PROPOSED).count()
    url = f"{reverse('analysis:tiers')}?{urlencode({'start': start, 'end': end})}"
    return notify(
        recipients=User.objects.filter(role=Role.SALES_VP, is_active=True),
        kind="tier_review",
        key=f"tier_review:{year}",
        title=message(gettext_lazy("Tier review %(year)s ready: %(n)d proposals"), year=year, n=n),
        url=url,
    )
