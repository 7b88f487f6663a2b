"""月度客户拜访记录表 (§14.2): visits as they happened, the month's record and spot checks."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Contact, KeyAccount
from kam.periods import month_label
from kam.tones import ToneOf, toned
from visits.models.choices import VisitKind
from visits.models.plans import PlanLine


@toned(open="secondary", submitted="warning", returned="danger", reviewed="success")
class RecordStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted")
    # The sales manager or the sales VP sent it back with a comment: the KAM revises and
    # submits again.
    RETURNED = "returned", _("Returned for revision")
    REVIEWED = "reviewed", _("Reviewed")


class VisitRecord(models.Model):
    """One KAM's record for one month, submitted by the 5th of the next month."""

    kam = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visit_records",
        verbose_name=_("key account manager"),
    )
    month = models.DateField(_("month"))
    status = models.CharField(
        _("status"), max_length=20, choices=RecordStatus.choices, default=RecordStatus.OPEN
    )
    status_tone = ToneOf("status", RecordStatus)
    due_on = models.DateField(_("due on"))
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    # The latest return's comment, what the KAM acts on; every return is kept as a transition.
    comment = models.TextField(_("return comment"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("monthly visit record")
        verbose_name_plural = _("monthly visit records")
        ordering = ["-month", "kam"]
        constraints = [
            models.UniqueConstraint(fields=["kam", "month"], name="one_record_per_kam_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="record_month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.kam} {month_label(self.month)}"

    @property
    def is_open(self) -> bool:
        """Her visits of the month may change: not yet submitted, or returned to her."""
        return self.status in {RecordStatus.OPEN, RecordStatus.RETURNED}

    @property
    def is_returned(self) -> bool:
        return self.status == RecordStatus.RETURNED

    @property
    def is_reviewed(self) -> bool:
        return self.status == RecordStatus.REVIEWED

    @property
    def is_overdue(self) -> bool:
        """Still not submitted after its deadline (a returned record has its own message)."""
        return self.status == RecordStatus.OPEN and self.due_on < timezone.localdate()


class RecordTransition(models.Model):
    """Every state change of a month's record once submitted: submitted, returned (with the
    comment), resubmitted. The record's history page and the KAM read them."""

    record = models.ForeignKey(VisitRecord, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=RecordStatus.choices)
    to_status = models.CharField(max_length=20, choices=RecordStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.record}: {self.from_status} → {self.to_status}"


class Visit(models.Model):
    """One visit (or card, or festival call) by anyone: KAM, manager or executive."""

    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="visits", verbose_name=_("account")
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("visitor"),
    )
    # The role at the time of the visit: a promotion later must not rewrite compliance.
    visitor_role = models.CharField(_("visitor role"), max_length=20)
    kind = models.CharField(
        _("kind"), max_length=20, choices=VisitKind.choices, default=VisitKind.VISIT
    )
    visited_on = models.DateField(_("date"))
    time_in = models.TimeField(_("time in"), null=True, blank=True)
    time_out = models.TimeField(_("time out"), null=True, blank=True)
    hours = models.DecimalField(
        _("hours stayed"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="visits", verbose_name=_("met")
    )
    purposes = models.JSONField(_("purposes"), default=list)
    outcome = models.TextField(_("outcome"), blank=True)
    competitor_news = models.TextField(_("competitor news"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    plan_line = models.ForeignKey(
        PlanLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("plan line"),
    )
    record = models.ForeignKey(
        VisitRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    is_cancelled = models.BooleanField(_("withdrawn"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(time_in__isnull=True)
                | Q(time_out__isnull=True)
                | Q(time_out__gt=F("time_in")),
                name="visit_out_after_in",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "visited_on"]),
            models.Index(fields=["visitor", "visited_on"]),
            models.Index(fields=["visited_on", "visitor_role"]),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.visited_on}"

    @property
    def is_unplanned(self) -> bool:
        return self.plan_line_id is None


@toned(pending="light", confirmed="success", not_confirmed="danger", unreachable="secondary")
class SpotResult(models.TextChoices):
    PENDING = "pending", _("To be called")
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")
    UNREACHABLE = "unreachable", _("Unreachable")


class SpotCheck(models.Model):
    """抽查 (§14.2): the sales manager phones the customer to confirm a sampled visit."""

    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, related_name="spot_check")
    month = models.DateField(_("month"))
    checker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked by"),
    )
    result = models.CharField(
        _("result"), max_length=20, choices=SpotResult.choices, default=SpotResult.PENDING
    )
    result_tone = ToneOf("result", SpotResult)
    called_contact = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact called"),
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["-month", "pk"]
        indexes = [models.Index(fields=["month", "result"])]

    def __str__(self) -> str:
        return f"{self.visit} {self.result}"
