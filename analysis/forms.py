from django import forms
from django.utils.translation import gettext_lazy as _

from analysis.models import CRITERIA_FIELDS, AccountCriteria
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
