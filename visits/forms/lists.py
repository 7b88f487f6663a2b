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


class ListFilterForm(InputRulesMixin, forms.Form):
    """Parsed, never rejected: `values()` holds what was valid, and for anything else the
    field's fallback (a month field's default, no team, an empty status)."""

    def values(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned.get(name, _fallback(f)) for name, f in self.fields.items()}


def _fallback(field: forms.Field):
    if isinstance(field, MonthField):
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
