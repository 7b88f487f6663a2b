"""The filters of the plan, record and spot-check lists. A bad value in the query string is
not an error: that filter is left off and the list shows as if it were not given."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from kam.inputs import InputRulesMixin
from kam.models import Team
from visits.months import parse_month


class MonthField(forms.CharField):
    """'2026-05' → 2026-05-01; anything else → the field's default."""

    def __init__(self, *, default: dt.date | None = None, **kwargs):
        self.default = default
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        return parse_month(super().clean(value), default=self.default)


class DayField(forms.CharField):
    """'2026-06-03' → that day, within 2000–2100; anything else → the field's default."""

    def __init__(self, *, default: dt.date | None = None, **kwargs):
        self.default = default
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        try:
            day = dt.date.fromisoformat(super().clean(value) or "")
        except ValueError:
            return self.default
        return day if 2000 <= day.year <= 2100 else self.default


class ListFilterForm(InputRulesMixin, forms.Form):
    """Parsed, never rejected: `values()` holds what was valid, and for anything else the
    field's fallback (a month field's default, no team, an empty status)."""

    def values(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name, _fallback(f)) for name, f in self.fields.items()}


def _fallback(field: forms.Field):
    if isinstance(field, (MonthField, DayField)):
        return field.default
    if isinstance(field, forms.ModelChoiceField):
        return None
    return ""


class MonthlyListFilterForm(ListFilterForm):
    """The plan and record lists: a month, a status, and for the company-wide roles a team."""

    month = MonthField(label=_("Month"))
    status = forms.ChoiceField(label=_("Status"), required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)

    def __init__(self, data=None, *, statuses, teams):
        super().__init__(data)
        self.fields["status"].choices = [("", "")] + [(s, s) for s in statuses]
        self.fields["team"].queryset = teams


class MonthFilterForm(ListFilterForm):
    """The spot-check list: one month, by default the one before this."""

    month = MonthField(label=_("Month"))

    def __init__(self, data=None, *, default: dt.date):
        super().__init__(data)
        self.fields["month"].default = default


class CalendarFilterForm(ListFilterForm):
    """The calendar: a month (by default this one) or, with view=week, the week of a day."""

    view = forms.ChoiceField(choices=[("month", _("Month")), ("week", _("Week"))], required=False)
    month = MonthField(label=_("Month"))
    date = DayField(label=_("Date"))

    def __init__(self, data=None, *, today: dt.date):
        super().__init__(data)
        self.fields["month"].default = today.replace(day=1)
        self.fields["date"].default = today


class YearFilterForm(ListFilterForm):
    """A year's page (my scheduled visits): the year, by default this one, and what to show."""

    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
    show = forms.ChoiceField(choices=[("", ""), ("all", "all")], required=False)

    def __init__(self, data=None, *, this_year: int):
        super().__init__(data)
        self.this_year = this_year

    def values(self) -> dict:
        found = super().values()
        found["year"] = found["year"] or self.this_year
        return found


class PeriodFilterForm(ListFilterForm):
    """The compliance pages' period: '2026', '2026-Q1' or '2026-03'; else this month."""

    p = forms.CharField(required=False)

    def __init__(self, data=None, *, today: dt.date):
        super().__init__(data)
        self.today = today

    def period(self):
        from visits.compliance import parse_period

        return parse_period(self.values()["p"], self.today)
