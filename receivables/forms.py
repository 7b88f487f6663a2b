"""Forms for contracts and receivables. They check what one form can see; the services check
everything again under lock."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import DATE
from kam.inputs import InputRulesMixin
from kam.models import Team, User
from kam.money import ZERO, money_text
from kam.widgets import FastSelect
from receivables.models import (
    CollectionAction,
    Contract,
    Invoice,
    PaymentMethod,
    Reconciliation,
)
from receivables.selectors.account import open_invoices

MONEY_LIMIT = Decimal("999999999999.99")  # what max_digits=14, decimal_places=2 can hold


class MoneyField(forms.DecimalField):
    """Yuan with at most two decimals, above zero. Accepts what people type and paste:
    1,234.50 / 1，234.50 / ¥1234.5 / 1 234.5."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        kwargs.setdefault("max_value", MONEY_LIMIT)
        kwargs.setdefault("localize", False)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("inputmode", "decimal")
        self.error_messages["min_value"] = _("The amount must be at least 0.01 yuan.")

    def to_python(self, value):
        if isinstance(value, str):
            for mark in (",", "，", " ", "\u00a0", "¥", "￥", "元"):
                value = value.replace(mark, "")
        return super().to_python(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)  # a text box: the browser must not round or refuse 1,234.50
        return attrs


class MoneyInput(forms.TextInput):
    input_type = "text"


def money(**kwargs) -> MoneyField:
    return MoneyField(widget=MoneyInput(attrs={"class": "text-end"}), **kwargs)


class ContractForm(InputRulesMixin, forms.ModelForm):
    amount = money(label=_("amount (yuan)"))

    class Meta:
        model = Contract
        fields = ["number", "signed_on", "ends_on", "amount", "status", "terms"]
        widgets = {
            "signed_on": DATE,
            "ends_on": DATE,
            "terms": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("signed_on") and data.get("ends_on") and data["ends_on"] < data["signed_on"]:
            self.add_error("ends_on", _("The end date cannot be before the signing date."))
        return data


class InvoiceForm(InputRulesMixin, forms.ModelForm):
    amount = money(label=_("amount (yuan)"))

    class Meta:
        model = Invoice
        fields = ["number", "contract", "issued_on", "due_on", "amount", "notes"]
        widgets = {
            "issued_on": DATE,
            "due_on": DATE,
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].queryset = account.contracts.order_by("-signed_on")
        self.fields["contract"].empty_label = _("(no contract)")
        self.fields["due_on"].help_text = _(
            "The invoice is not due up to and including this day; from the next day it is overdue."
        )

    def clean(self):
        data = super().clean()
        if data.get("issued_on") and data.get("due_on") and data["due_on"] < data["issued_on"]:
            self.add_error("due_on", _("The due date cannot be before the issue date."))
        return data


class ReasonForm(InputRulesMixin, forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))


OVERPAYMENT_HELP = _(
    "Apply the payment to one or more open invoices; partial amounts are fine. No invoice can "
    "receive more than its balance. Leave every invoice blank to apply the payment to the "
    "oldest due invoices first. Whatever is not applied is held as credit on the account and "
    "can be applied to later invoices."
)


class AllocationMixin:
    """One optional amount per open invoice, named invoice_<id>."""

    def add_invoice_fields(self, invoices) -> None:
        self.invoices = list(invoices)
        for invoice in self.invoices:
            self.fields[f"invoice_{invoice.pk}"] = money(
                label=invoice.number,
                required=False,
                help_text=_("balance ¥%(balance)s") % {"balance": money_text(invoice.balance)},
            )

    def invoice_rows(self):
        return [(i, self[f"invoice_{i.pk}"]) for i in self.invoices]

    def allocations(self) -> dict[int, Decimal] | None:
        """None when every box is blank: the service then applies oldest due first."""
        chosen = {
            i.pk: self.cleaned_data[f"invoice_{i.pk}"]
            for i in self.invoices
            if self.cleaned_data.get(f"invoice_{i.pk}")
        }
        return chosen or None

    def check_allocations(self, available: Decimal | None, too_much) -> None:
        total = ZERO
        for invoice in self.invoices:
            amount = self.cleaned_data.get(f"invoice_{invoice.pk}")
            if not amount:
                continue
            total += amount
            if amount > invoice.balance:
                self.add_error(
                    f"invoice_{invoice.pk}",
                    _(
                        "Invoice %(number)s has only ¥%(balance)s outstanding; no more can be "
                        "applied to it."
                    )
                    % {"number": invoice.number, "balance": money_text(invoice.balance)},
                )
        if available is not None and total > available:
            self.add_error(None, too_much(total, available))


class PaymentForm(InputRulesMixin, AllocationMixin, forms.Form):
    received_on = forms.DateField(label=_("received on"), widget=DATE)
    amount = money(label=_("amount (yuan)"))
    method = forms.ChoiceField(label=_("method"))
    reference = forms.CharField(label=_("bank reference"), max_length=100, required=False)
    notes = forms.CharField(
        label=_("notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, invoices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = PaymentMethod.choices
        self.add_invoice_fields(invoices)

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("A payment cannot be dated in the future."))
        return day

    def clean(self):
        data = super().clean()
        self.check_allocations(
            data.get("amount"),
            lambda total, amount: (
                _("You applied ¥%(applied)s in total, more than the payment of ¥%(amount)s.")
                % {"applied": money_text(total), "amount": money_text(amount)}
            ),
        )
        return data


class CreditForm(InputRulesMixin, AllocationMixin, forms.Form):
    def __init__(self, *args, invoices, credit: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.credit = credit
        self.add_invoice_fields(invoices)

    def clean(self):
        data = super().clean()
        self.check_allocations(
            self.credit,
            lambda total, credit: (
                _("You applied ¥%(applied)s, but the account holds only ¥%(credit)s of credit.")
                % {"applied": money_text(total), "credit": money_text(credit)}
            ),
        )
        return data


class CollectionForm(InputRulesMixin, forms.ModelForm):
    promised_amount = money(label=_("promised amount (yuan)"), required=False)

    class Meta:
        model = CollectionAction
        fields = [
            "acted_on",
            "method",
            "invoice",
            "contact_name",
            "result",
            "promised_on",
            "promised_amount",
        ]
        widgets = {
            "acted_on": DATE,
            "promised_on": DATE,
            "result": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invoice"].queryset = open_invoices(account)
        self.fields["invoice"].empty_label = _("(the account as a whole)")

    def clean(self):
        data = super().clean()
        acted, promised = data.get("acted_on"), data.get("promised_on")
        if acted and promised and promised < acted:
            self.add_error("promised_on", _("The promised date cannot be before the action."))
        return data


class ReconciliationForm(InputRulesMixin, forms.ModelForm):
    # A customer may owe nothing or hold credit: any sign.
    customer_balance = money(
        label=_("customer's balance (yuan)"),
        required=False,
        min_value=None,
        help_text=_(
            "The balance the customer's statement shows. Leave it blank when the customer "
            "confirms ours."
        ),
    )

    class Meta:
        model = Reconciliation
        fields = ["statement_date", "status", "customer_balance", "contact_name", "notes"]
        widgets = {"statement_date": DATE, "notes": forms.Textarea(attrs={"rows": 3})}

    def _post_clean(self):
        # The service computes our balance and fills the customer's figure when confirmed;
        # the model's own validation of an instance without them would only confuse.
        pass


LEVEL_CHOICES = [("team", _("per team")), ("kam", _("per KAM")), ("account", _("per account"))]
PERIOD_CHOICES = [("month", _("by month")), ("quarter", _("by quarter"))]


class ReceivablesFilterForm(InputRulesMixin, forms.Form):
    team = forms.ModelChoiceField(
        label=_("team"),
        required=False,
        queryset=Team.objects.none(),
        empty_label=_("All teams"),
        widget=FastSelect(attrs={"class": "form-select form-select-sm"}),
    )
    owner = forms.ModelChoiceField(
        label=_("owner KAM"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("All KAMs"),
        widget=FastSelect(attrs={"class": "form-select form-select-sm"}),
    )
    by = forms.ChoiceField(
        label=_("rows"),
        required=False,
        choices=LEVEL_CHOICES,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    period = forms.ChoiceField(
        label=_("collection rate"),
        required=False,
        choices=PERIOD_CHOICES,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, teams, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["owner"].queryset = owners
