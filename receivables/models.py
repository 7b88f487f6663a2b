"""Contracts and receivables (§4, policy §2.1.2): what the KAM must check and collect.

The tables keep the names they had when these models lived in `accounts` (`accounts_invoice`…):
the move to this app changed where the code lives, not where the rows are.

Money is `DecimalField(max_digits=14, decimal_places=2)`, yuan, everywhere. `Invoice.paid` and
`Payment.applied` are kept by the services beside the allocation rows that explain them, so the
database itself can refuse an over-paid invoice or an over-applied payment (check constraints),
and aging sums stay one indexed scan over invoices.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import KeyAccount
from kam.money import MONEY, money_text
from kam.tones import ToneOf, toned

POSITIVE = [MinValueValidator(Decimal("0.01"), _("The amount must be at least 0.01 yuan."))]


class ContractStatus(models.TextChoices):
    PERFORMING = "performing", _("Performing")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


class Contract(models.Model):
    """销售合同. Its fulfilment (invoiced, collected) is read from its invoices."""

    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("account")
    )
    number = models.CharField(_("contract number"), max_length=50, unique=True)
    signed_on = models.DateField(_("signed on"))
    ends_on = models.DateField(_("ends on"))
    amount = models.DecimalField(_("amount (yuan)"), validators=POSITIVE, **MONEY)
    terms = models.TextField(_("terms"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ContractStatus.choices,
        default=ContractStatus.PERFORMING,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(table_name="accounts_historicalcontract")

    class Meta:
        db_table = "accounts_contract"
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="contract_amount_positive",
                violation_error_message=_("The amount must be at least 0.01 yuan."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("signed_on")),
                name="contract_ends_after_signing",
                violation_error_message=_("The end date cannot be before the signing date."),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Invoice(models.Model):
    """发票 / 应收账款: one amount due on a date. `paid` is the sum of its live allocations."""

    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("account")
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("contract"),
    )
    number = models.CharField(_("invoice number"), max_length=50, unique=True)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    amount = models.DecimalField(_("amount (yuan)"), validators=POSITIVE, **MONEY)
    paid = models.DecimalField(_("paid (yuan)"), default=0, editable=False, **MONEY)
    notes = models.TextField(_("notes"), blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords(table_name="accounts_historicalinvoice")

    class Meta:
        db_table = "accounts_invoice"
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="invoice_amount_positive",
                violation_error_message=_("The amount must be at least 0.01 yuan."),
            ),
            models.CheckConstraint(
                condition=Q(paid__gte=0) & Q(paid__lte=F("amount")),
                name="invoice_never_overpaid",
                violation_error_message=_("An invoice cannot be paid more than its amount."),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("issued_on")),
                name="invoice_due_after_issue",
                violation_error_message=_("The due date cannot be before the issue date."),
            ),
            models.CheckConstraint(
                condition=Q(is_cancelled=False) | Q(paid=0),
                name="invoice_cancelled_unpaid",
                violation_error_message=_("A cancelled invoice cannot keep payments."),
            ),
        ]
        indexes = [models.Index(fields=["account", "is_cancelled", "due_on"])]

    def __str__(self) -> str:
        return self.number

    @property
    def balance(self):
        return self.amount - self.paid


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    ACCEPTANCE = "acceptance", _("Bank acceptance bill")
    CHEQUE = "cheque", _("Cheque")
    CASH = "cash", _("Cash")
    OTHER = "other", _("Other")


class Payment(models.Model):
    """回款. What is not applied to invoices (`amount - applied`) is the account's credit."""

    account = models.ForeignKey(
        KeyAccount, on_delete=models.PROTECT, related_name="payments", verbose_name=_("account")
    )
    received_on = models.DateField(_("received on"))
    amount = models.DecimalField(_("amount (yuan)"), validators=POSITIVE, **MONEY)
    applied = models.DecimalField(_("applied (yuan)"), default=0, editable=False, **MONEY)
    method = models.CharField(
        _("method"), max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    reference = models.CharField(_("bank reference"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    reversed_at = models.DateTimeField(_("reversed at"), null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reversed by"),
    )
    reversal_reason = models.TextField(_("reason for reversing"), blank=True)
    history = HistoricalRecords(table_name="accounts_historicalpayment")

    class Meta:
        db_table = "accounts_payment"
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("The amount must be at least 0.01 yuan."),
            ),
            models.CheckConstraint(
                condition=Q(applied__gte=0) & Q(applied__lte=F("amount")),
                name="payment_never_overapplied",
                violation_error_message=_("A payment cannot be applied beyond its amount."),
            ),
            models.CheckConstraint(
                condition=Q(reversed_at__isnull=True) | Q(applied=0),
                name="payment_reversed_unapplied",
                violation_error_message=_("A reversed payment cannot stay applied to invoices."),
            ),
        ]
        indexes = [models.Index(fields=["account", "received_on"])]

    def __str__(self) -> str:
        return f"{self.received_on:%Y-%m-%d} ¥{money_text(self.amount)}"

    @property
    def credit(self):
        return Decimal("0.00") if self.reversed_at else self.amount - self.applied


class PaymentAllocation(models.Model):
    """One part of a payment applied to one invoice. Undone (never deleted) when the payment
    is reversed or the invoice cancelled, so the record of what happened stays."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="allocations")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="allocations")
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    is_void = models.BooleanField(_("undone"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(table_name="accounts_historicalpaymentallocation")

    class Meta:
        db_table = "accounts_paymentallocation"
        verbose_name = _("payment allocation")
        verbose_name_plural = _("payment allocations")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="allocation_amount_positive",
                violation_error_message=_("The amount must be at least 0.01 yuan."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.payment_id} → {self.invoice} {self.amount}"


class CollectionMethod(models.TextChoices):
    PHONE = "phone", _("Phone call")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter or fax")
    EMAIL = "email", _("Email")
    WECHAT = "wechat", _("WeChat")
    LAWYER = "lawyer", _("Lawyer's letter")
    OTHER = "other", _("Other")


class CollectionAction(models.Model):
    """催讨: who chased which amount, how, with what result and promise. A promise is followed
    up by `follow_up_by`, who changes at a hand-over."""

    account = models.ForeignKey(
        KeyAccount,
        on_delete=models.PROTECT,
        related_name="collection_actions",
        verbose_name=_("account"),
    )
    invoice = models.ForeignKey(
        Invoice,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collection_actions",
        verbose_name=_("invoice"),
    )
    acted_on = models.DateField(_("date"))
    method = models.CharField(_("method"), max_length=20, choices=CollectionMethod.choices)
    contact_name = models.CharField(_("spoke with"), max_length=100, blank=True)
    result = models.TextField(_("result"))
    promised_on = models.DateField(_("promised payment date"), null=True, blank=True)
    promised_amount = models.DecimalField(
        _("promised amount (yuan)"), null=True, blank=True, validators=POSITIVE, **MONEY
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    follow_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collection_follow_ups",
        verbose_name=_("follows up the promise"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords(table_name="accounts_historicalcollectionaction")

    class Meta:
        db_table = "accounts_collectionaction"
        verbose_name = _("collection action")
        verbose_name_plural = _("collection actions")
        ordering = ["-acted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(promised_amount__isnull=True) | Q(promised_amount__gt=0),
                name="collection_promise_positive",
                violation_error_message=_("The amount must be at least 0.01 yuan."),
            ),
            models.CheckConstraint(
                condition=Q(promised_on__isnull=True) | Q(promised_on__gte=F("acted_on")),
                name="collection_promise_after_action",
                violation_error_message=_("The promised date cannot be before the action."),
            ),
        ]
        indexes = [models.Index(fields=["account", "-acted_on"])]

    def __str__(self) -> str:
        return f"{self.account} {self.acted_on:%Y-%m-%d}"


@toned(confirmed="success", disputed="danger")
class ReconciliationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed by the customer")
    DISPUTED = "disputed", _("Disputed")


class Reconciliation(models.Model):
    """按期核对: our balance on a statement date against the customer's figure."""

    account = models.ForeignKey(
        KeyAccount,
        on_delete=models.PROTECT,
        related_name="reconciliations",
        verbose_name=_("account"),
    )
    statement_date = models.DateField(_("statement date"))
    our_balance = models.DecimalField(_("our balance (yuan)"), **MONEY)
    customer_balance = models.DecimalField(_("customer's balance (yuan)"), **MONEY)
    status = models.CharField(_("result"), max_length=20, choices=ReconciliationStatus.choices)
    status_tone = ToneOf("status", ReconciliationStatus)
    contact_name = models.CharField(_("confirmed by (customer)"), max_length=100, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords(table_name="accounts_historicalreconciliation")

    class Meta:
        db_table = "accounts_reconciliation"
        verbose_name = _("reconciliation")
        verbose_name_plural = _("reconciliations")
        ordering = ["-statement_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(customer_balance=F("our_balance")),
                name="reconciliation_confirmed_agrees",
                violation_error_message=_("A confirmed statement agrees with our balance."),
            ),
            models.CheckConstraint(
                condition=~Q(status="disputed") | ~Q(customer_balance=F("our_balance")),
                name="reconciliation_disputed_differs",
                violation_error_message=_("A disputed statement differs from our balance."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.statement_date:%Y-%m-%d}"

    @property
    def difference(self):
        """Ours minus theirs: positive when the customer acknowledges less than we claim."""
        return self.our_balance - self.customer_balance
