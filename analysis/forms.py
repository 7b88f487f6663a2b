from django import forms
from django.utils.translation import gettext_lazy as _

from analysis.models import CRITERIA_FIELDS, AccountCriteria, ProposalStatus
from kam.inputs import InputRulesMixin


class PeriodForm(InputRulesMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            raise forms.ValidationError(_("The period must end after it starts."))
        return data


class CriteriaForm(InputRulesMixin, forms.ModelForm):
    class Meta:
        model = AccountCriteria
        fields = CRITERIA_FIELDS


class ProposalFilterForm(InputRulesMixin, forms.Form):
    """Which proposals of a tier review to list: the open ones unless asked otherwise;
    an empty or unknown status lists them all."""

    status = forms.ChoiceField(choices=[("", ""), *ProposalStatus.choices], required=False)

    @classmethod
    def status_of(cls, params) -> str:
        if "status" not in params:
            return ProposalStatus.PROPOSED
        form = cls(params)
        return form.cleaned_data["status"] if form.is_valid() else ""
