"""月拜访计划表 (§14.1): each KAM's plan for next month, reviewed (核阅) by the sales VP."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Contact, KeyAccount
from kam.periods import month_label
from kam.tones import ToneOf, toned


@toned(
    draft="secondary", submitted="warning", returned="danger", approved="success", closed="light"
)
class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")
    # Its KAM left before it was approved: its open lines went to the successors' plans.
    CLOSED = "closed", _("Closed at a hand-over")


class VisitPlan(models.Model):
    kam = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visit_plans",
        verbose_name=_("key account manager"),
    )
    month = models.DateField(_("month"), help_text=_("The first day of the planned month."))
    status = models.CharField(
        _("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    status_tone = ToneOf("status", PlanStatus)
    due_on = models.DateField(_("due on"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    # Set by the first submission only: a plan returned and resubmitted was still on time.
    is_late = models.BooleanField(_("late"), default=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    decided_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    comment = models.TextField(_("review comments"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monthly visit plan")
        verbose_name_plural = _("monthly visit plans")
        ordering = ["-month", "kam"]
        constraints = [
            models.UniqueConstraint(fields=["kam", "month"], name="one_plan_per_kam_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="plan_month_is_first_day"),
        ]
        indexes = [models.Index(fields=["month", "status"])]

    def __str__(self) -> str:
        return f"{self.kam} {month_label(self.month)}"

    @property
    def is_editable(self) -> bool:
        """A submitted plan waits for the VP; an approved one is the month's commitment."""
        return self.status in {PlanStatus.DRAFT, PlanStatus.RETURNED}

    @property
    def is_submitted(self) -> bool:
        return self.status == PlanStatus.SUBMITTED

    @property
    def is_returned(self) -> bool:
        return self.status == PlanStatus.RETURNED

    @property
    def is_approved(self) -> bool:
        return self.status == PlanStatus.APPROVED


@toned(pending="light", as_planned="success", rescheduled="warning", missed="danger")
class LineReview(models.TextChoices):
    """The sales manager's reading of a plan line against the record (§14.2)."""

    PENDING = "pending", _("Not reviewed")
    AS_PLANNED = "as_planned", _("Done as planned")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    MISSED = "missed", _("Missed")


class PlanLine(models.Model):
    plan = models.ForeignKey(VisitPlan, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="plan_lines", verbose_name=_("account")
    )
    planned_on = models.DateField(_("planned date"))
    contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    purposes = models.JSONField(_("purposes"), default=list)
    expected_hours = models.DecimalField(
        _("expected hours"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("1.0"),
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    is_cancelled = models.BooleanField(_("removed"), default=False)
    review = models.CharField(
        _("review"), max_length=20, choices=LineReview.choices, default=LineReview.PENDING
    )
    review_tone = ToneOf("review", LineReview)
    review_note = models.CharField(_("review note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")
        ordering = ["planned_on", "pk"]
        indexes = [models.Index(fields=["account", "planned_on"])]
        constraints = [
            # One visit to an account a day is what a plan can mean; lines taken out are kept
            # (no hard deletes) and do not count.
            models.UniqueConstraint(
                fields=["plan", "account", "planned_on"],
                condition=Q(is_cancelled=False),
                name="plan_line_one_live_per_account_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.planned_on}"


class PlanTransition(models.Model):
    """Every state change of a plan, kept: submitted, returned (with comments), approved."""

    plan = models.ForeignKey(VisitPlan, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=PlanStatus.choices)
    to_status = models.CharField(max_length=20, choices=PlanStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.plan}: {self.from_status} → {self.to_status}"


class ItineraryChange(models.Model):
    """行程变更 (§14.2): reported to the sales manager, written into both plan and record."""

    line = models.ForeignKey(PlanLine, on_delete=models.PROTECT, related_name="changes")
    visit = models.ForeignKey(
        "visits.Visit", on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    what_changed = models.CharField(_("what changed"), max_length=300)
    reason = models.CharField(_("why"), max_length=300)
    new_date = models.DateField(_("new date"), null=True, blank=True)
    hours = models.DecimalField(
        _("hours stayed"), max_digits=4, decimal_places=1, null=True, blank=True
    )

    class Meta:
        verbose_name = _("itinerary change")
        verbose_name_plural = _("itinerary changes")
        ordering = ["reported_at"]

    def __str__(self) -> str:
        return self.what_changed
