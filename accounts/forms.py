import datetime as dt

from django import forms
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
from accounts.selectors import accounts_named
from accounts.validators import normalise_credit_code
from kam.inputs import PAST_DATES, DateRange, InputRulesMixin, PhoneField
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


class AccountForm(InputRulesMixin, forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    # Shown only after a save was refused because another account has the name (查重).
    confirm_same_name = forms.BooleanField(
        label=_("This is another customer of the same name: save it anyway"),
        required=False,
        widget=forms.HiddenInput,
    )
    date_ranges = {
        "cooperation_since": DateRange(earliest=dt.date(1950, 1, 1), years_ahead=0),
        "lost_on": PAST_DATES,
    }

    class Meta:
        model = KeyAccount
        fields = ACCOUNT_FIELDS
        field_classes = {"phone": PhoneField, "fax": PhoneField}
        widgets = {
            "lost_on": DATE,
            "cooperation_since": DATE,
            "business_scope": forms.Textarea(attrs={"rows": 3}),
            "industry_position": forms.Textarea(attrs={"rows": 2}),
            "lost_reason": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, owner_choices=None, by: User | None = None, **kwargs):
        """`by`: the user filling it in, whose role decides the tier fields (§3). None for
        the import, whose rows an administrator sets."""
        super().__init__(*args, **kwargs)
        self.order_fields(["name", "confirm_same_name"])
        if owner_choices is not None:
            self.fields["owner"] = forms.ModelChoiceField(
                queryset=owner_choices,
                label=_("owner KAM"),
                initial=self.instance.owner_id if self.instance.pk else None,
            )
        if by is not None:
            self._tier_fields(by)

    def _tier_fields(self, by: User) -> None:
        """A KAM proposes the tier of a new account and reads it afterwards; the sales VP's
        tier review decides it. An administrator corrects it, saying why."""
        order = list(self.fields)
        if by.role != Role.ADMIN and self.instance.pk:
            self.fields["tier"].disabled = True
            self.fields["tier"].help_text = _("Decided by the sales VP in the tier review.")
        elif by.role != Role.ADMIN:
            del self.fields["tier"]
            self.fields["proposed_tier"] = forms.ChoiceField(
                label=_("proposed tier"),
                choices=Tier.choices,
                initial=Tier.POTENTIAL,
                help_text=_(
                    "The account starts as potential; the sales VP decides your proposal "
                    "in the tier review."
                ),
            )
            order[order.index("tier")] = "proposed_tier"
        elif self.instance.pk:
            self.fields["tier_reason"] = forms.CharField(
                label=_("reason for the change of tier"), max_length=100, required=False
            )
            order.insert(order.index("tier") + 1, "tier_reason")
        self.order_fields(order)

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

    def _check_same_name(self, data) -> None:
        """Refuse a name another account has unless the user confirms; name that account and
        its KAM, which the lookup page shows anyone anyway (SPEC §2, 查重)."""
        confirmed = data.pop("confirm_same_name", False)
        name = data.get("name")
        if not name or (self.instance.pk and "name" not in self.changed_data):
            return
        clash = accounts_named(name, exclude_pk=self.instance.pk)
        if not clash or confirmed:
            return
        other = clash[0]
        self.fields["confirm_same_name"].widget = forms.CheckboxInput()
        self.add_error(
            "name",
            _(
                "The account “%(name)s” of %(kam)s already has this name: check that it is "
                "not the same customer before saving a second account."
            )
            % {"name": other.name, "kam": other.owner},
        )

    def clean(self):
        data = super().clean()
        self._check_same_name(data)
        if data.get("status") == Status.LOST and not data.get("lost_on"):
            self.add_error("lost_on", _("A lost account needs the date it was lost."))
        retier = "tier_reason" in self.fields and data.get("tier") != self.initial.get("tier")
        if retier and not data.get("tier_reason", "").strip():
            self.add_error("tier_reason", _("Say why the tier changes."))
        return data


class AccountFilterForm(InputRulesMixin, forms.Form):
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


class ContactForm(InputRulesMixin, forms.ModelForm):
    class Meta:
        model = Contact
        field_classes = {"phone": PhoneField}
        fields = ["name", "title", "level", "phone", "email", "notes", "is_active"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}


class EventForm(InputRulesMixin, forms.ModelForm):
    class Meta:
        model = AccountEvent
        fields = ["kind", "title", "date", "yearly", "notes", "is_cancelled"]
        widgets = {"date": DATE, "notes": forms.Textarea(attrs={"rows": 2})}


class ReportForm(InputRulesMixin, forms.ModelForm):
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


class MajorMatterForm(InputRulesMixin, forms.ModelForm):
    class Meta:
        model = MajorMatter
        fields = ["occurred_on", "subject", "content"]
        widgets = {"occurred_on": DATE, "content": forms.Textarea(attrs={"rows": 4})}


class LoanRequestForm(InputRulesMixin, forms.ModelForm):
    class Meta:
        model = ArchiveLoan
        fields = ["reason", "until"]
        widgets = {"until": DATE, "reason": forms.Textarea(attrs={"rows": 3})}


class LoanDecisionForm(InputRulesMixin, forms.Form):
    approve = forms.TypedChoiceField(
        choices=[("1", _("Approve")), ("0", _("Refuse"))], coerce=lambda v: v == "1"
    )
    comment = forms.CharField(
        label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReviewForm(InputRulesMixin, forms.ModelForm):
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


class HandOverForm(InputRulesMixin, forms.Form):
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


class ImportForm(InputRulesMixin, forms.Form):
    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Please upload an .xlsx file."))
        return f


class SearchForm(InputRulesMixin, forms.Form):
    """A list's free-text search (the access log's, the name lookups'), trimmed."""

    q = forms.CharField(required=False, strip=True, max_length=200)

    @classmethod
    def text(cls, data) -> str:
        """The search text of a query string; a bad one searches for nothing."""
        form = cls(data)
        return form.cleaned_data["q"] if form.is_valid() else ""


class TimelineFilterForm(InputRulesMixin, forms.Form):
    """The archive timeline's kind filter; an unknown kind shows everything."""

    kind = forms.ChoiceField(required=False)

    def __init__(self, data=None, *, choices):
        super().__init__(data)
        self.fields["kind"].choices = [("", ""), *choices]

    def chosen(self) -> str:
        return self.cleaned_data["kind"] if self.is_valid() else ""
