"""The State Council's holiday arrangement as administrators keep it: holidays and make-up
working days (调休) by date. It overrides `chinese-calendar` day by day, and covers the years
the package does not know yet (visits.rules, visits.working_calendar)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    WORKDAY = "workday", _("Make-up working day")


class OfficialDay(models.Model):
    day = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("e.g. 春节"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("holiday or make-up working day")
        verbose_name_plural = _("holidays and make-up working days")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.get_kind_display()} {self.name}".strip()

    @property
    def is_working(self) -> bool:
        return self.kind == DayKind.WORKDAY

    def clean(self):
        # A make-up working day is a Saturday or Sunday worked; a weekday is one already.
        if self.kind == DayKind.WORKDAY and self.day and self.day.weekday() < 5:
            raise ValidationError({"day": _("A make-up working day is a Saturday or a Sunday.")})
