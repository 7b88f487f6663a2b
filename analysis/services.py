"""Writes of the analysis app: prepare a tier review, accept or reject its proposals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import KeyAccount
from accounts.services import account_proposal_drop, account_set_tier
from analysis import pareto, selectors
from analysis.models import AccountCriteria, ProposalStatus, TierProposal, TierReview, TierRule
from kam import roles
from kam.models import User
from kam.services import save_with_history

THOUSANDTH = Decimal("0.001")


def thresholds(rule: TierRule) -> pareto.Thresholds:
    return pareto.Thresholds(
        a_share=rule.a_share,
        b_share=rule.b_share,
        growth_promote=rule.growth_promote,
        growth_demote=rule.growth_demote,
        strategic_criteria=rule.strategic_criteria,
    )


@transaction.atomic
def review_prepare(*, start: dt.date, end: dt.date, by: User | None) -> TierReview:
    """Rank the accounts over the period and (re)write the review's open proposals; those
    already decided stay as they are. `by` is None when the January job prepares it."""
    if by is not None and not roles.can_prepare_tier_review(by):
        raise PermissionDenied
    if end < start:
        raise ValidationError(_("The period must end after it starts."))
    rule = TierRule.current()
    t = thresholds(rule)
    ranked = pareto.rank(selectors.tier_figures(start, end), t)
    review, _created = TierReview.objects.select_for_update().get_or_create(
        period_start=start, period_end=end
    )
    review.prepared_by = by
    review.rule = {k: str(v) for k, v in t.__dict__.items()}
    review.save()
    review.proposals.filter(status=ProposalStatus.PROPOSED).delete()
    decided = set(review.proposals.values_list("account_id", flat=True))
    by_pk = {r.figure.pk: r for r in ranked}
    proposals = _with_kam_proposals(pareto.propose(ranked, t), by_pk)
    TierProposal.objects.bulk_create(
        [
            TierProposal(
                review=review,
                account_id=p.pk,
                from_tier=p.from_tier,
                to_tier=p.to_tier,
                abc_class=by_pk[p.pk].klass if p.pk in by_pk else pareto.C,
                revenue=by_pk[p.pk].figure.revenue if p.pk in by_pk else 0,
                share=by_pk[p.pk].share.quantize(THOUSANDTH) if p.pk in by_pk else 0,
                growth=by_pk[p.pk].growth if p.pk in by_pk else None,
                criteria=by_pk[p.pk].figure.criteria if p.pk in by_pk else 0,
                reasons=p.reasons,
            )
            for p in proposals
            if p.pk not in decided
        ],
        batch_size=1000,
    )
    return review


def _with_kam_proposals(proposals: list[pareto.Proposal], by_pk: dict) -> list[pareto.Proposal]:
    """The tiers KAMs proposed for their new accounts (§3) join the review: as a reason of the
    figures' own proposal for the account, or as a proposal of their own."""
    by_account = {p.pk: p for p in proposals}
    asked = selectors.kam_proposals()
    for pk, tier, proposed in asked:
        reason = {"code": "kam_proposal", "tier": proposed}
        if pk in by_account:
            by_account[pk].reasons.append(reason)
        else:
            by_account[pk] = pareto.Proposal(pk, tier, proposed, [reason])
    return list(by_account.values())


def _decidable(proposal: TierProposal, by: User) -> TierProposal:
    if not roles.can_decide_tier(by):
        raise PermissionDenied
    proposal = TierProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PROPOSED:
        raise ValidationError(_("This proposal has been decided already."))
    return proposal


@transaction.atomic
def proposal_accept(*, proposal: TierProposal, by: User) -> TierProposal:
    """Apply the new tier through the archive's own service: its history and timeline record
    the change, and the visit frequency rules follow the tier from now on."""
    proposal = _decidable(proposal, by)
    account = KeyAccount.objects.get(pk=proposal.account_id)
    if account.tier != proposal.from_tier:
        raise ValidationError(_("The account's tier has changed since the review was prepared."))
    reason = _("Tier review %(period)s") % {"period": proposal.review}
    account_set_tier(account=account, by=by, tier=proposal.to_tier, reason=reason)
    proposal.status = ProposalStatus.ACCEPTED
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    save_with_history(proposal, by)
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: TierProposal, by: User) -> TierProposal:
    """The account keeps its tier; the proposal records the decision, and a KAM's proposal
    for the account is answered (not asked again at the next review)."""
    proposal = _decidable(proposal, by)
    account_proposal_drop(account=proposal.account, by=by)
    proposal.status = ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    save_with_history(proposal, by)
    return proposal


@transaction.atomic
def criteria_save(*, account: KeyAccount, by: User, data: dict[str, bool]) -> AccountCriteria:
    if not roles.can_edit_criteria(by, account):
        raise PermissionDenied
    row = AccountCriteria.objects.select_for_update().filter(account=account).first()
    row = row or AccountCriteria(account=account)
    for name, value in data.items():
        setattr(row, name, bool(value))
    row.updated_by = by
    save_with_history(row, by)
    return row
