from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import selectors
from accounts.models import (
    AccountEvent,
    ArchiveLoan,
    ArchiveReview,
    Contact,
    FinancialReport,
    KeyAccount,
    MajorMatter,
)
from accounts.models.archive import Status, Tier
from accounts.validators import normalise_credit_code
from kam.models import Team, User
from kam.roles import Role
from kam.widgets import FastSelect

REPORT_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

ACCOUNT_FIELDS = [
    "name",
    "credit_code",
    "tier",
    "status",
    "lost_on",
    "lost_reason",
    "legal_representative",
    "registered_capital",
    "industry",
    "industry_position",
    "business_scope",
    "address",
    "postcode",
    "phone",
    "fax",
    "website",
    "cooperation_since",
    "notes",
]


class AccountForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = KeyAccount
        fields = ACCOUNT_FIELDS
        widgets = {
            "lost_on": DATE,
            "cooperation_since": DATE,
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "industry_position": forms.Textarea(attrs={"rows": 2}),
            "lost_reason": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, owner_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owner_choices is not None:
            self.fields["owner"] = forms.ModelChoiceField(
                queryset=owner_choices,
                label=_("owner KAM"),
                initial=self.instance.owner_id if self.instance.pk else None,
            )

    def clean_credit_code(self):
        code = normalise_credit_code(self.cleaned_data.get("credit_code", ""))
        if code:
            clash = KeyAccount.objects.filter(credit_code=code).exclude(pk=self.instance.pk)
            if clash.exists():
                raise forms.ValidationError(
                    _("Another account already has this code: it may be a duplicate.")
                )
        return code

    def clean_postcode(self):
        code = self.cleaned_data.get("postcode", "").strip()
        if code and not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("A postcode has six digits."))
        return code

    def clean(self):
        data = super().clean()
        if data.get("status") == Status.LOST and not data.get("lost_on"):
            self.add_error("lost_on", _("A lost account needs the date it was lost."))
        if data.get("lost_on") and data["lost_on"] > timezone.localdate():
            self.add_error("lost_on", _("The date cannot be in the future."))
        return data


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False)
    tier = forms.ChoiceField(
        label=_("tier"), required=False, choices=[("", _("All tiers")), *Tier.choices]
    )
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("All statuses")), *Status.choices]
    )
    owner = forms.ModelChoiceField(
        label=_("owner KAM"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("All owners"),
        widget=FastSelect(attrs={"class": "form-select"}),
    )
    team = forms.ModelChoiceField(
        label=_("team"),
        required=False,
        queryset=Team.objects.none(),
        empty_label=_("All teams"),
        widget=FastSelect(attrs={"class": "form-select"}),
    )
    industry = forms.CharField(label=_("industry"), required=False)
    archived = forms.BooleanField(label=_("Show retired"), required=False)

    def __init__(self, *args, owners=None, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else User.objects.none()
        self.fields["team"].queryset = teams if teams is not None else Team.objects.none()


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "level", "phone", "email", "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class EventForm(forms.ModelForm):
    class Meta:
        model = AccountEvent
        fields = ["kind", "title", "date", "yearly", "notes", "is_cancelled"]
        widgets = {"date": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class ReportForm(forms.ModelForm):
    class Meta:
        model = FinancialReport
        fields = ["period", "revenue", "net_profit", "summary", "file"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if not f:
            return f
        if f.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        if f.name.rsplit(".", 1)[-1].lower() not in REPORT_EXTENSIONS:
            raise forms.ValidationError(
                _("Upload a PDF, Word, Excel or image file (%(types)s).")
                % {"types": ", ".join(REPORT_EXTENSIONS)}
            )
        return f


class MajorMatterForm(forms.ModelForm):
    class Meta:
        model = MajorMatter
        fields = ["occurred_on", "subject", "content"]
        widgets = {"occurred_on": DATE, "content": forms.Textarea(attrs={"rows": 4})}


class LoanRequestForm(forms.ModelForm):
    class Meta:
        model = ArchiveLoan
        fields = ["reason", "until"]
        widgets = {"until": DATE, "reason": forms.Textarea(attrs={"rows": 3})}


class LoanDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1"
    )
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(forms.ModelForm):
    class Meta:
        model = ArchiveReview
        fields = ["reviewed_on", "changed", "notes"]
        widgets = {"reviewed_on": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def clean(self):
        data = super().clean()
        if data.get("changed") and not (data.get("notes") or "").strip():
            self.add_error("notes", _("Describe what changed."))
        return data


active_kams = selectors.active_kams  # the owners a form may offer


class HandOverForm(forms.Form):
    leaver = forms.ModelChoiceField(
        label=_("Leaving employee"),
        queryset=User.objects.filter(is_active=True, role__in=[Role.KAM, Role.SALES_MANAGER]),
    )
    successor = forms.ModelChoiceField(label=_("Successor"), queryset=active_kams())
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("leaver") and data.get("leaver") == data.get("successor"):
            self.add_error("successor", _("The successor cannot be the leaver."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Please upload an .xlsx file."))
        return f


class SearchForm(forms.Form):
    """A list's free-text search (the access log's), trimmed."""

    q = forms.CharField(required=False, strip=True)
