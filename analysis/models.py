"""Analysis (SPEC §6): dynamic tiers (Pareto / ABC) and churn warning.

The rules are data, not code: administrators edit the tier thresholds (`TierRule`, one row)
and the churn reasons' thresholds and weights (`ChurnWeight`, one row per reason); the KAM
ticks the policy's qualitative criteria of a strategic account (§3) per account.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import KeyAccount
from accounts.models.archive import Tier

PERCENT = {"max_digits": 5, "decimal_places": 1}


class TierRule(models.Model):
    """The thresholds of the tier review. One row (pk=1), seeded by a migration."""

    a_share = models.DecimalField(
        _("class A: cumulative share of revenue up to (%)"),
        default=Decimal("80"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        **PERCENT,
    )
    b_share = models.DecimalField(
        _("class B: cumulative share of revenue up to (%)"),
        default=Decimal("95"),
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        **PERCENT,
    )
    growth_promote = models.DecimalField(
        _("growth that lifts a class C account to important (%)"),
        default=Decimal("50"),
        **PERCENT,
    )
    growth_demote = models.DecimalField(
        _("fall that drops a class B account to potential (%)"),
        default=Decimal("-40"),
        help_text=_("Negative: a fall of revenue against the previous period."),
        **PERCENT,
    )
    strategic_criteria = models.PositiveSmallIntegerField(
        _("qualitative criteria needed for strategic"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(6)],
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tier review rule")
        verbose_name_plural = _("tier review rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(a_share__lte=F("b_share")),
                name="tier_rule_a_within_b",
                violation_error_message=_("Class A cannot reach further than class B."),
            ),
            models.CheckConstraint(
                condition=Q(growth_demote__lt=F("growth_promote")),
                name="tier_rule_demote_below_promote",
                violation_error_message=_("The fall must be below the growth."),
            ),
        ]

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> "TierRule":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


# The policy's words for a strategic account (§3), in the order it gives them.
CRITERIA = (
    ("leads_business", _("Leads our business")),
    ("decides_future", _("Decides our future")),
    ("influential", _("Influential")),
    ("high_potential", _("High potential")),
    ("competitor_target", _("A target for competitors")),
    ("strategic_ally", _("A possible strategic ally")),
)
CRITERIA_FIELDS = tuple(name for name, _label in CRITERIA)


class AccountCriteria(models.Model):
    """The qualitative criteria the owner KAM ticks for her account."""

    account = models.OneToOneField(
        KeyAccount, on_delete=models.PROTECT, related_name="criteria", verbose_name=_("account")
    )
    leads_business = models.BooleanField(_("Leads our business"), default=False)
    decides_future = models.BooleanField(_("Decides our future"), default=False)
    influential = models.BooleanField(_("Influential"), default=False)
    high_potential = models.BooleanField(_("High potential"), default=False)
    competitor_target = models.BooleanField(_("A target for competitors"), default=False)
    strategic_ally = models.BooleanField(_("A possible strategic ally"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("strategic criteria")
        verbose_name_plural = _("strategic criteria")

    def __str__(self) -> str:
        return str(self.account)

    @property
    def ticked(self) -> list:
        return [label for name, label in CRITERIA if getattr(self, name)]


class TierReview(models.Model):
    """One review of the tiers over a period; its proposals wait for the sales VP."""

    period_start = models.DateField(_("from"))
    period_end = models.DateField(_("to"))
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("prepared by"),
    )
    prepared_at = models.DateTimeField(_("prepared"), auto_now=True)
    rule = models.JSONField(_("thresholds used"), default=dict)

    class Meta:
        verbose_name = _("tier review")
        verbose_name_plural = _("tier reviews")
        ordering = ["-period_end", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["period_start", "period_end"], name="review_period"),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")), name="review_period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class TierProposal(models.Model):
    review = models.ForeignKey(
        TierReview, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("review")
    )
    account = models.ForeignKey(
        KeyAccount,
        on_delete=models.PROTECT,
        related_name="tier_proposals",
        verbose_name=_("account"),
    )
    from_tier = models.CharField(_("from"), max_length=20, choices=Tier.choices)
    to_tier = models.CharField(_("to"), max_length=20, choices=Tier.choices)
    abc_class = models.CharField(_("class"), max_length=1)
    revenue = models.DecimalField(_("revenue (yuan)"), max_digits=14, decimal_places=2)
    share = models.DecimalField(_("share of revenue (%)"), max_digits=7, decimal_places=3)
    growth = models.DecimalField(_("growth (%)"), max_digits=9, decimal_places=1, null=True)
    criteria = models.PositiveSmallIntegerField(_("qualitative criteria"), default=0)
    reasons = models.JSONField(_("reasons"), default=list)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PROPOSED,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tier proposal")
        verbose_name_plural = _("tier proposals")
        ordering = ["review", "-revenue", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "account"], name="proposal_once_per_review"),
            models.CheckConstraint(condition=~Q(from_tier=F("to_tier")), name="proposal_moves"),
            models.CheckConstraint(
                condition=Q(status="proposed") | Q(decided_at__isnull=False),
                name="proposal_decided_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account}: {self.from_tier} → {self.to_tier}"

    @property
    def is_promotion(self) -> bool:
        order = [Tier.POTENTIAL, Tier.IMPORTANT, Tier.STRATEGIC]
        return order.index(self.to_tier) > order.index(self.from_tier)

    @property
    def is_proposed(self) -> bool:
        """Still waiting for the sales VP's decision."""
        return self.status == ProposalStatus.PROPOSED


class Reason(models.TextChoices):
    REVENUE_DROP = "revenue_drop", _("Invoiced revenue falling against last year")
    RECEIVABLES_OVERDUE = "receivables_overdue", _("Receivables overdue")
    VISITS_MISSED = "visits_missed", _("Visits missed")
    COMPLAINTS_OPEN = "complaints_open", _("Open complaints")
    COMPLAINTS_OVERDUE = "complaints_overdue", _("Complaints past their deadline")
    DECISION_MAKER = "decision_maker", _("No contact with the key decision maker")


# The unit each threshold is read in, for the admin's help and the risk page.
THRESHOLD_UNITS = {
    Reason.REVENUE_DROP: _("% fall over the last 6 months against the same months last year"),
    Reason.RECEIVABLES_OVERDUE: _("days an unpaid invoice is past its due date"),
    Reason.VISITS_MISSED: _("days without a visit by the owner KAM"),
    Reason.COMPLAINTS_OPEN: _("open complaints at least"),
    Reason.COMPLAINTS_OVERDUE: _("days an open complaint is past its deadline"),
    Reason.DECISION_MAKER: _("days since a visit met the key decision maker"),
}


class ChurnWeight(models.Model):
    """One churn reason: when it switches on (threshold) and what it weighs in the score."""

    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices, unique=True)
    threshold = models.PositiveIntegerField(_("threshold"))
    weight = models.PositiveSmallIntegerField(
        _("weight"), validators=[MaxValueValidator(100)], help_text=_("0 switches it off.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("churn reason")
        verbose_name_plural = _("churn reasons")
        ordering = ["reason"]

    def __str__(self) -> str:
        return self.get_reason_display()

    @property
    def unit(self) -> str:
        return str(THRESHOLD_UNITS.get(self.reason, ""))
