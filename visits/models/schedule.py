"""高层拜访日程 (§14.1): every December the GM office sets next year's executive visits."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import KeyAccount
from kam.periods import month_label
from kam.roles import Role


class ExecutiveSchedule(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    # Set by every adjustment, so the page can tell that executives have an older version.
    revised_at = models.DateTimeField(_("last changed"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("executive visit schedule")
        verbose_name_plural = _("executive visit schedules")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def changed_since_published(self) -> bool:
        return bool(self.published_at and self.revised_at and self.revised_at > self.published_at)


class ScheduledVisit(models.Model):
    schedule = models.ForeignKey(ExecutiveSchedule, on_delete=models.PROTECT, related_name="items")
    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="+", verbose_name=_("account")
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="scheduled_visits",
        verbose_name=_("visitor"),
    )
    # The frequency rule the item serves (sales manager, a VP, the GM): kept apart from the
    # visitor's current role so a later promotion does not rewrite the year's plan.
    visitor_role = models.CharField(_("as"), max_length=20, blank=True)
    month = models.DateField(_("month"))
    visit = models.ForeignKey(
        "visits.Visit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("done by visit"),
    )
    is_cancelled = models.BooleanField(_("removed"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scheduled executive visit")
        verbose_name_plural = _("scheduled executive visits")
        ordering = ["month", "account"]
        constraints = [
            # One visit of a person to an account a month is what a visit record can match.
            models.UniqueConstraint(
                fields=["schedule", "account", "visitor", "month"],
                condition=Q(is_cancelled=False),
                name="one_scheduled_visit_per_visitor_month",
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="scheduled_month_is_first_day"),
        ]
        indexes = [
            models.Index(fields=["visitor", "month"]),
            models.Index(fields=["schedule", "month"]),
        ]

    def __str__(self) -> str:
        return f"{self.visitor} → {self.account} {month_label(self.month)}"

    @property
    def role_label(self) -> str:
        return str(Role(self.visitor_role).label) if self.visitor_role in Role.values else ""
