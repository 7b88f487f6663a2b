"""Complaints (投诉, §4): handled within a deadline set by severity, closed by a follow-up call.

The tables keep the names they had when these models lived in `accounts` (`accounts_complaint`…).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import KeyAccount
from kam.tones import ToneOf, toned


@toned(serious="danger", ordinary="warning", minor="light")
class Severity(models.TextChoices):
    SERIOUS = "serious", _("Serious")
    ORDINARY = "ordinary", _("Ordinary")
    MINOR = "minor", _("Minor")


# Days to resolve, counted in calendar days from receipt. Administrators change them on the
# deadlines page; these apply wherever no row has been saved.
DEFAULT_DEADLINE_DAYS = {Severity.SERIOUS: 3, Severity.ORDINARY: 7, Severity.MINOR: 15}


class ComplaintDeadline(models.Model):
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices, unique=True)
    days = models.PositiveSmallIntegerField(
        _("days to resolve"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    history = HistoricalRecords(table_name="accounts_historicalcomplaintdeadline")

    class Meta:
        db_table = "accounts_complaintdeadline"
        verbose_name = _("complaint deadline")
        verbose_name_plural = _("complaint deadlines")
        ordering = ["severity"]
        constraints = [
            models.CheckConstraint(
                condition=Q(days__gte=1) & Q(days__lte=365),
                name="complaint_deadline_range",
                violation_error_message=_("Between 1 and 365 days."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_severity_display()}: {self.days}"


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    VISIT = "visit", _("In person")
    LETTER = "letter", _("Letter or fax")
    WECHAT = "wechat", _("WeChat")
    OTHER = "other", _("Other")


@toned(open="primary", resolved="info", closed="secondary")
class ComplaintStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved, awaiting follow-up call")
    CLOSED = "closed", _("Closed")


class Satisfaction(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neutral")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


class Complaint(models.Model):
    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("account")
    )
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    severity_tone = ToneOf("severity", Severity)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="complaints_handled",
        verbose_name=_("handler"),
    )
    due_on = models.DateField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=20, choices=ComplaintStatus.choices, default=ComplaintStatus.OPEN
    )
    status_tone = ToneOf("status", ComplaintStatus)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow-up call on"), null=True, blank=True)
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("follow-up call by"),
    )
    follow_up_notes = models.TextField(_("what the customer said"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Satisfaction.choices, null=True, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords(table_name="accounts_historicalcomplaint")

    class Meta:
        db_table = "accounts_complaint"
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_on__gte=F("received_on")),
                name="complaint_due_after_receipt",
                violation_error_message=_(
                    "The deadline cannot be before the complaint was received."
                ),
            ),
            models.CheckConstraint(
                condition=Q(status="open") | (Q(resolved_on__isnull=False) & ~Q(resolution="")),
                name="complaint_resolved_has_resolution",
                violation_error_message=_("A resolved complaint needs its resolution and date."),
            ),
            models.CheckConstraint(
                condition=~Q(status="closed")
                | (Q(follow_up_on__isnull=False) & Q(satisfaction__isnull=False)),
                name="complaint_closed_after_follow_up",
                violation_error_message=_(
                    "A complaint closes after the follow-up call, with the satisfaction."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-received_on"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def resolved_late(self) -> bool:
        return self.resolved_on is not None and self.resolved_on > self.due_on

    @property
    def is_open(self) -> bool:
        return self.status == ComplaintStatus.OPEN

    @property
    def is_resolved(self) -> bool:
        """Resolved and waiting for the follow-up call."""
        return self.status == ComplaintStatus.RESOLVED

    @property
    def is_closed(self) -> bool:
        return self.status == ComplaintStatus.CLOSED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on < timezone.localdate()
