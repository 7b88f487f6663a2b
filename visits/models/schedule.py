"""高层拜访日程 (§14.1): every December the GM office sets next year's executive visits."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import KeyAccount


class ExecutiveSchedule(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("executive visit schedule")
        verbose_name_plural = _("executive visit schedules")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


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

    class Meta:
        verbose_name = _("scheduled executive visit")
        verbose_name_plural = _("scheduled executive visits")
        ordering = ["month", "account"]
        indexes = [models.Index(fields=["visitor", "month"])]

    def __str__(self) -> str:
        return f"{self.visitor} → {self.account} {self.month:%Y-%m}"
