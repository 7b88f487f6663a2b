"""Forms for complaints. They check what one form can see; the services check everything
again under lock."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DATE
from complaints.models import Complaint, Satisfaction, Severity
from kam.inputs import InputRulesMixin
from kam.widgets import FastSelect


class ComplaintForm(InputRulesMixin, forms.ModelForm):
    class Meta:
        model = Complaint
        fields = ["received_on", "channel", "severity", "handler", "subject", "content"]
        widgets = {
            "received_on": DATE,
            "content": forms.Textarea(attrs={"rows": 4}),
            "handler": FastSelect(attrs={"class": "form-select"}),
        }

    def __init__(self, *args, handlers, deadlines: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers
        self.fields["severity"].help_text = _("Days to resolve: %(days)s.") % {
            "days": ", ".join(f"{Severity(s).label} {d}" for s, d in deadlines.items())
        }

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


class ResolveForm(InputRulesMixin, forms.Form):
    resolved_on = forms.DateField(label=_("resolved on"), widget=DATE)
    resolution = forms.CharField(label=_("resolution"), widget=forms.Textarea(attrs={"rows": 4}))


class FollowUpForm(InputRulesMixin, forms.Form):
    follow_up_on = forms.DateField(label=_("follow-up call on"), widget=DATE)
    satisfaction = forms.TypedChoiceField(
        label=_("satisfaction"), choices=Satisfaction.choices, coerce=int
    )
    notes = forms.CharField(
        label=_("what the customer said"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reopen = forms.BooleanField(
        label=_("The customer is not satisfied: reopen the complaint"), required=False
    )


class DeadlinesForm(InputRulesMixin, forms.Form):
    def __init__(self, *args, current: dict[str, int], **kwargs):
        super().__init__(*args, **kwargs)
        for severity in Severity:
            self.fields[severity.value] = forms.IntegerField(
                label=severity.label,
                min_value=1,
                max_value=365,
                initial=current[severity.value],
                help_text=_("days"),
            )


class ComplaintFilterForm(InputRulesMixin, forms.Form):
    """The complaint list's tab and severity. A bad value is not an error: the overdue tab,
    every severity."""

    show = forms.ChoiceField(required=False)
    severity = forms.ChoiceField(choices=[("", ""), *Severity.choices], required=False)

    def __init__(self, data=None, *, tabs):
        super().__init__(data)
        self.fields["show"].choices = [(name, name) for name in tabs]

    def values(self) -> tuple[str, str]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return cleaned.get("show") or "overdue", cleaned.get("severity") or ""
