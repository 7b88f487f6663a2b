from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from appraisal import scoring
from appraisal.models import Dimension, PeriodKind, Scheme
from kam.inputs import InputRulesMixin

SMALL = {"class": "form-control form-control-sm"}
SMALL_SELECT = {"class": "form-select form-select-sm"}
MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": Decimal(0), "required": False}


class AdjustForm(InputRulesMixin, forms.Form):
    score = forms.DecimalField(
        label=_("New score"), max_digits=4, decimal_places=1, min_value=0, max_value=100
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,  # clean_reason says what is missing in words of its own
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Write down why you change this score."))
        return reason


class RollupForm(InputRulesMixin, forms.Form):
    scheme = forms.ModelChoiceField(
        label=_("Scheme"),
        queryset=Scheme.objects.all(),
        required=False,
        empty_label=None,
        widget=forms.Select(attrs=SMALL_SELECT),
    )


class PeriodForm(InputRulesMixin, forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=PeriodKind.choices, widget=forms.Select(attrs=SMALL_SELECT)
    )
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, widget=forms.NumberInput(attrs=SMALL)
    )
    quarter = forms.IntegerField(
        label=_("Quarter"),
        min_value=1,
        max_value=4,
        required=False,
        widget=forms.NumberInput(attrs=SMALL),
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == PeriodKind.QUARTER and not data.get("quarter"):
            self.add_error("quarter", _("Which quarter (1–4)?"))
        return data


class TargetsForm(InputRulesMixin, forms.Form):
    """Three fields per KAM: sales_<id>, new_<id>, collections_<id>."""

    def __init__(self, *args, kams, initial_targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.kams = list(kams)
        for kam in self.kams:
            t = initial_targets.get(kam.pk)
            self.fields[f"sales_{kam.pk}"] = forms.DecimalField(
                label=_("Sales target (yuan)"), initial=t and t.sales, **MONEY
            )
            self.fields[f"new_{kam.pk}"] = forms.IntegerField(
                label=_("New key accounts"),
                min_value=0,
                max_value=1000,
                required=False,
                initial=t and t.new_accounts,
            )
            self.fields[f"collections_{kam.pk}"] = forms.DecimalField(
                label=_("Collections target (yuan)"), initial=t and t.collections, **MONEY
            )

    def rows(self):
        for kam in self.kams:
            yield kam, [self[f"{p}_{kam.pk}"] for p in ("sales", "new", "collections")]

    def values(self) -> dict[int, scoring.Targets]:
        data = self.cleaned_data
        return {
            kam.pk: scoring.Targets(
                data.get(f"sales_{kam.pk}"),
                data.get(f"new_{kam.pk}"),
                data.get(f"collections_{kam.pk}"),
            )
            for kam in self.kams
        }


class TargetsImportForm(InputRulesMixin, forms.Form):
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        help_text=_(
            "One row per KAM: user name, sales target, new key accounts, collections target; "
            "the first row is the header."
        ),
    )


class SchemeForm(InputRulesMixin, forms.Form):
    """Weight, full-score figure and zero-score figure for each of the seven dimensions."""

    def __init__(self, *args, rules: dict[int, scoring.Rule], **kwargs):
        super().__init__(*args, **kwargs)
        for d in Dimension:
            rule = rules.get(d)
            number = {"max_digits": 10, "decimal_places": 2}
            self.fields[f"weight_{d.value}"] = forms.DecimalField(
                label=_("Weight (%)"),
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                initial=rule and rule.weight,
            )
            self.fields[f"full_{d.value}"] = forms.DecimalField(
                label=_("Full score at"), initial=rule and rule.full_at, **number
            )
            self.fields[f"zero_{d.value}"] = forms.DecimalField(
                label=_("Zero score at"), initial=rule and rule.zero_at, **number
            )

    def rows(self):
        for d in Dimension:
            yield d, [self[f"{p}_{d.value}"] for p in ("weight", "full", "zero")]

    def rules(self) -> dict[int, scoring.Rule]:
        data = self.cleaned_data
        return {
            d.value: scoring.Rule(
                data[f"weight_{d.value}"], data[f"full_{d.value}"], data[f"zero_{d.value}"]
            )
            for d in Dimension
        }


class SchemeCopyForm(InputRulesMixin, forms.Form):
    name = forms.CharField(
        label=_("Name of the copy"),
        max_length=100,
        error_messages={"required": _("Give the new scheme a name.")},
    )
