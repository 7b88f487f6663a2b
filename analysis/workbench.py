"""What the analysis puts on the home page (registered in analysis/apps.py): the tier
proposals waiting for the sales VP's decision (a to-do item), and a KAM's own accounts at risk
of loss, highest risk first (§6, a card)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from analysis.models import ProposalStatus, TierProposal
from analysis.selectors import accounts_at_risk, unreviewed_kam_proposals
from kam import roles
from kam.models import User
from kam.registry import WorkItem
from kam.roles import Role


def items(user: User, today: dt.date) -> list[WorkItem]:
    """One line per tier review with proposals still undecided: one grouped query."""
    if not roles.can_decide_tier(user):
        return []
    waiting = (
        TierProposal.objects.filter(status=ProposalStatus.PROPOSED)
        .values("review_id", "review__period_start", "review__period_end")
        .annotate(n=Count("pk"))
        .order_by("review__period_end", "review_id")
    )
    lines = [
        WorkItem(
            key=f"tier-review-{row['review_id']}",
            label=_("Tier proposals waiting for your decision"),
            detail=f"{row['review__period_start']:%Y-%m-%d} – {row['review__period_end']:%Y-%m-%d}",
            count=row["n"],
            url=f"{reverse('analysis:tiers')}?"
            + urlencode({"start": row["review__period_start"], "end": row["review__period_end"]}),
            urgency="soon",
            section="decide",
            order=50,
        )
        for row in waiting
    ]
    return lines + _kam_proposals(user)


def _kam_proposals(user: User) -> list[WorkItem]:
    """Tiers KAMs proposed for new accounts (§3) that no open review holds yet: preparing a
    review brings them in. One count."""
    if not roles.can_prepare_tier_review(user):
        return []
    count = unreviewed_kam_proposals().count()
    if not count:
        return []
    return [
        WorkItem(
            key="tier-kam-proposals",
            label=_("Tiers proposed by KAMs: prepare a tier review to decide them"),
            count=count,
            url=reverse("analysis:tiers"),
            urgency="normal",
            section="decide",
            order=51,
        )
    ]


def at_risk_panel(user: User, today: dt.date) -> dict | None:
    if user.role != Role.KAM:
        return None
    return {"at_risk": accounts_at_risk(user, today)[:5]}
