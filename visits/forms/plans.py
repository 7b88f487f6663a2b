"""Forms of the monthly plan page: one row per planned visit, many rows at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Contact, KeyAccount
from accounts.models.archive import Tier
from kam.inputs import InputRulesMixin
from kam.periods import month_label
from visits.forms.widgets import (
    DirectDateInput,
    DirectHiddenInput,
    DirectNumberInput,
    DirectTextInput,
    PrebuiltSelect,
    PurposeChips,
    options_html,
)
from visits.models.choices import Purpose
from visits.models.plans import PlanStatus
from visits.months import month_end
from visits.services.plans import MAX_HOURS, LineInput


class PurposeField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=Purpose.choices, label=_("purposes"), **kwargs)


@dataclass
class LineChoices:
    """The page's accounts and contacts, built once for every row of the form."""

    accounts: dict[str, KeyAccount]
    contacts: dict[str, Contact]
    account_options: str
    contact_options: dict[str, str]

    @classmethod
    def build(cls, accounts, contacts: dict[int, list[Contact]]) -> LineChoices:
        tiers = dict(Tier.choices)
        blank = [("", "—")]
        return cls(
            accounts={str(a.pk): a for a in accounts},
            contacts={str(c.pk): c for cs in contacts.values() for c in cs},
            account_options=options_html(
                blank + [(str(a.pk), f"{a.name}（{tiers.get(a.tier, a.tier)}）") for a in accounts]
            ),
            contact_options={
                str(account_id): options_html(
                    blank
                    + [(str(c.pk), f"{c.name} · {c.title}" if c.title else c.name) for c in cs]
                )
                for account_id, cs in contacts.items()
            },
        )


def _attrs(role: str, label, css: str = "form-control form-control-sm", **more) -> dict:
    return {"class": css, "data-role": role, "aria-label": label, **more}


SELECT = "form-select form-select-sm"


class PlanLineForm(InputRulesMixin, forms.Form):
    """Choices come from the page (the KAM's accounts and their contacts, read once), not
    from a queryset per row: thirty rows must not mean thirty queries."""

    id = forms.IntegerField(required=False, widget=DirectHiddenInput)
    account = forms.CharField(
        label=_("account"), widget=PrebuiltSelect(attrs=_attrs("account", _("account"), SELECT))
    )
    planned_on = forms.DateField(
        label=_("planned date"),
        widget=DirectDateInput(
            attrs=_attrs("date", _("planned date"), type="date"), format="%Y-%m-%d"
        ),
    )
    contact = forms.CharField(
        label=_("contact"),
        required=False,
        widget=PrebuiltSelect(attrs=_attrs("contact", _("contact"), SELECT)),
    )
    purposes = PurposeField(widget=PurposeChips(attrs={"aria-label": _("purposes")}))
    expected_hours = forms.DecimalField(
        label=_("expected hours"),
        max_digits=4,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=MAX_HOURS,
        initial=Decimal("1.0"),
        widget=DirectNumberInput(
            attrs=_attrs("hours", _("expected hours"), step="0.5", min="0.5", max="24")
        ),
    )
    notes = forms.CharField(
        label=_("notes"),
        max_length=300,
        required=False,
        widget=DirectTextInput(attrs=_attrs("notes", _("notes"))),
    )

    def __init__(self, *args, choices: LineChoices, month: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.accounts, self.contacts = choices.accounts, choices.contacts
        self.fields["account"].widget.options = choices.account_options
        own = choices.contact_options.get(self._bound_account())
        if own is not None:
            self.fields["contact"].widget.options = own
        self.fields["planned_on"].widget.attrs.update(
            min=month.isoformat(), max=month_end(month).isoformat()
        )
        self.month = month

    def has_changed(self) -> bool:
        # A row added with Enter and left without an account is blank, whatever defaults
        # (date, purpose, hours) it was given: it is skipped, not an error.
        if self.is_bound and not self._bound_account() and not self.data.get(self.add_prefix("id")):
            return False
        return super().has_changed()

    def _bound_account(self) -> str:
        if self.is_bound:
            return str(self.data.get(self.add_prefix("account"), ""))
        return str(self.initial.get("account", ""))

    def clean_account(self):
        value = self.cleaned_data["account"]
        if value not in self.accounts:
            raise forms.ValidationError(_("Choose one of your active key accounts."))
        return value

    def clean_contact(self):
        value = self.cleaned_data["contact"]
        if value and value not in self.contacts:
            raise forms.ValidationError(_("Choose a contact of this account."))
        return value

    def clean_planned_on(self):
        day = self.cleaned_data["planned_on"]
        if not self.month <= day <= month_end(self.month):
            raise forms.ValidationError(
                _("Choose a day in %(month)s."), params={"month": month_label(self.month)}
            )
        return day

    def clean(self):
        data = super().clean()
        account = self.accounts.get(data.get("account", ""))
        contact = self.contacts.get(data.get("contact") or "")
        if contact is not None and account is not None and contact.account_id != account.pk:
            self.add_error("contact", _("Choose a contact of this account."))
        data["account_obj"], data["contact_obj"] = account, contact
        return data

    def to_input(self) -> LineInput:
        data = self.cleaned_data
        return LineInput(
            id=data.get("id"),
            account=data.get("account_obj"),
            planned_on=data.get("planned_on"),
            contact=data.get("contact_obj"),
            purposes=list(data.get("purposes") or []),
            expected_hours=data.get("expected_hours") or Decimal("1.0"),
            notes=data.get("notes") or "",
            delete=bool(data.get("DELETE")),
        )


class BasePlanLineFormSet(forms.BaseFormSet):
    def __init__(self, *args, choices: LineChoices, month, **kwargs):
        self.line_kwargs = {"choices": choices, "month": month}
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return dict(self.line_kwargs)

    @property
    def empty_form(self):
        form = PlanLineForm(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            initial={"purposes": [Purpose.RELATIONSHIP], "expected_hours": Decimal("1.0")},
            **self.line_kwargs,
        )
        self.add_fields(form, None)
        return form

    def inputs(self) -> list[LineInput]:
        """Rows the KAM filled or took out; blank new rows are ignored."""
        out = []
        for form in self.forms:
            if not form.has_changed() and not form.cleaned_data.get("id"):
                continue
            if form.cleaned_data.get("DELETE") and not form.cleaned_data.get("id"):
                continue
            out.append(form.to_input())
        return out


PlanLineFormSet = forms.formset_factory(
    PlanLineForm, formset=BasePlanLineFormSet, extra=0, can_delete=True
)


def line_initial(line) -> dict:
    return {
        "id": line.pk,
        "account": str(line.account_id),
        "planned_on": line.planned_on,
        "contact": str(line.contact_id or ""),
        "purposes": list(line.purposes),
        "expected_hours": line.expected_hours,
        "notes": line.notes,
    }


class ReviewForm(InputRulesMixin, forms.Form):
    """核阅: the sales VP approves, or returns with what to change."""

    decision = forms.ChoiceField(
        choices=[(PlanStatus.APPROVED, _("Approve")), (PlanStatus.RETURNED, _("Return"))]
    )
    comment = forms.CharField(
        label=_("review comments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == PlanStatus.RETURNED and not data.get("comment", "").strip():
            self.add_error("comment", _("Say what should be changed."))
        return data
