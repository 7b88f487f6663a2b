"""Forms of the executive schedule: the page's filter, moving or adding an item."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models.archive import Tier
from kam.inputs import InputRulesMixin
from kam.models import User
from kam.periods import month_label
from visits.selectors.schedule import SCHEDULED_TIERS, ScheduleFilter, schedule_visitors


class VisitorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj} · {obj.get_role_display()}"


def month_choices(year: int, first: int = 1) -> list[tuple[int, str]]:
    return [(m, month_label(dt.date(year, m, 1))) for m in range(first, 13)]


class ScheduleFilterForm(InputRulesMixin, forms.Form):
    q = forms.CharField(label=_("Customer name"), required=False, max_length=100)
    tier = forms.ChoiceField(
        label=_("Tier"),
        required=False,
        choices=[("", _("All tiers"))] + [(t, Tier(t).label) for t in SCHEDULED_TIERS],
    )
    visitor = VisitorChoiceField(
        label=_("Visitor"), required=False, queryset=User.objects.none(), empty_label=_("Everyone")
    )
    month = forms.TypedChoiceField(label=_("Month"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitor"].queryset = schedule_visitors()
        self.fields["month"].choices = [("", _("All months"))] + month_choices(year)

    def to_filter(self) -> ScheduleFilter:
        """The valid part of the query string; a bad value is dropped, not an error."""
        if not self.is_bound:
            return ScheduleFilter()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return ScheduleFilter(
            q=(data.get("q") or "").strip(),
            tier=data.get("tier") or "",
            visitor=data.get("visitor"),
            month=data.get("month"),
        )


class ScheduledVisitForm(InputRulesMixin, forms.Form):
    """Where and with whom an item sits: month and visitor. Validation of the slot itself
    (the month is open, no double booking) is the service's."""

    month = forms.TypedChoiceField(label=_("Month"), coerce=int)
    visitor = VisitorChoiceField(label=_("Visitor"), queryset=User.objects.none())

    def __init__(self, *args, year: int, first_month: int = 1, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["month"].choices = month_choices(year, first_month)
        self.fields["visitor"].queryset = schedule_visitors()

    def clean_month(self) -> dt.date:
        return dt.date(self.year, self.cleaned_data["month"], 1)
