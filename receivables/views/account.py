"""Contracts and receivables of one account (part of its archive). Reads go through the
archive's read getter and are logged like the archive; writes go through its write getter
(owner KAM or administrator)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import selectors
from accounts.views.access import log_read, read_archive
from kam import roles
from kam.forms import add_service_error
from kam.money import money_text
from receivables import services
from receivables.forms import (
    OVERPAYMENT_HELP,
    CollectionForm,
    ContractForm,
    CreditForm,
    InvoiceForm,
    PaymentForm,
    ReasonForm,
    ReconciliationForm,
)
from receivables.models import Contract, Invoice, Payment
from receivables.selectors.account import (
    account_collections,
    account_contracts,
    account_invoices,
    account_money,
    account_payments,
    account_reconciliations,
    balance_on,
    fulfilment,
    open_invoices,
    with_aging,
)
from receivables.services.common import receivables_url


def _form_page(request, account, form, title, template="receivables/form.html", **extra):
    context = {"form": form, "account": account, "title": title, **extra}
    return render(request, template, context)


@login_required
def account_receivables(request, pk):
    grant = read_archive(request, pk, "receivables")
    account, today = grant.account, timezone.localdate()
    page = Paginator(account_invoices(account), 30).get_page(request.GET.get("page"))
    contracts = list(account_contracts(account))
    for contract in contracts:
        contract.fulfilment = fulfilment(contract)
    return render(
        request,
        "receivables/account.html",
        {
            "account": account,
            "loan": grant.loan,
            "money": account_money(account, today),
            "page": page,
            "invoices": with_aging(page, today),
            "contracts": contracts,
            "payments": account_payments(account),
            "collections": account_collections(account),
            "reconciliations": account_reconciliations(account),
            "can_edit": roles.can_edit_money(request.user, account),
            "today": today,
        },
    )


@login_required
def contract_detail(request, pk, contract_pk):
    grant = selectors.archive_for_user(request.user, pk)
    account, today = grant.account, timezone.localdate()
    contract = get_object_or_404(account_contracts(account), pk=contract_pk)
    log_read(request, grant, f"contract {contract.number}")
    contract.fulfilment = fulfilment(contract)
    history = selectors.diff_history(
        list(
            contract.history.select_related("history_user").order_by(
                "-history_date", "-history_id"
            )[:30]
        ),
        lambda r: r.number,
    )
    return render(
        request,
        "receivables/contract.html",
        {
            "account": account,
            "contract": contract,
            "invoices": with_aging(account_invoices(account, contract), today),
            "history": history,
            "can_edit": roles.can_edit_money(request.user, account),
        },
    )


def _model_form(request, pk, form_class, model, child_pk, save, title, initial=None):
    """A form for one record of the account; `save` calls the service and returns the URL to
    go to next."""
    account = selectors.account_for_owner(request.user, pk)
    instance = get_object_or_404(model, pk=child_pk, account=account) if child_pk else None
    initial = None if instance else initial
    form = form_class(request.POST or None, instance=instance, account=account, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        try:
            url = save(account, data, instance)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect(url)
    return _form_page(request, account, form, title)


@login_required
def contract_edit(request, pk, contract_pk=None):
    def save(account, data, instance):
        contract = services.contract_save(
            account=account, by=request.user, data=data, contract=instance
        )
        return reverse("receivables:contract_detail", args=[account.pk, contract.pk])

    title = _("Edit contract") if contract_pk else _("New contract")
    initial = {"signed_on": timezone.localdate()}
    return _model_form(request, pk, ContractForm, Contract, contract_pk, save, title, initial)


@login_required
def invoice_edit(request, pk, invoice_pk=None):
    def save(account, data, instance):
        invoice = services.invoice_save(
            account=account, by=request.user, data=data, invoice=instance
        )
        return receivables_url(account.pk, f"invoice-{invoice.pk}")

    title = _("Edit invoice") if invoice_pk else _("New invoice")
    initial = {"issued_on": timezone.localdate(), "contract": request.GET.get("contract")}
    return _model_form(request, pk, InvoiceForm, Invoice, invoice_pk, save, title, initial)


def _reason_page(request, pk, model, child_pk, act, title, warning):
    account = selectors.account_for_owner(request.user, pk)
    target = get_object_or_404(model, pk=child_pk, account=account)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            done = act(target, form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("receivables:account", pk=pk)
    return _form_page(request, account, form, title, warning=warning, target=target)


@login_required
def invoice_cancel(request, pk, invoice_pk):
    def act(invoice, reason):
        returned = services.invoice_cancel(invoice=invoice, by=request.user, reason=reason)
        if returned:
            return _(
                "Invoice %(number)s is cancelled; the ¥%(amount)s paid on it is held as credit."
            ) % {"number": invoice.number, "amount": money_text(returned)}
        return _("Invoice %(number)s is cancelled.") % {"number": invoice.number}

    warning = _(
        "A cancelled invoice stays on record but no longer counts as receivable. Anything "
        "paid on it returns to the account's credit."
    )
    return _reason_page(request, pk, Invoice, invoice_pk, act, _("Cancel invoice"), warning)


@login_required
def payment_reverse(request, pk, payment_pk):
    def act(payment, reason):
        services.payment_reverse(payment=payment, by=request.user, reason=reason)
        return _("The payment is reversed; the invoices it paid are open again.")

    warning = _(
        "Reverse a payment recorded by mistake. It stays on record, marked reversed; the "
        "invoices it paid owe that money again."
    )
    return _reason_page(request, pk, Payment, payment_pk, act, _("Reverse payment"), warning)


def _payment_message(payment: Payment) -> str:
    text = _("Payment of ¥%(amount)s recorded: ¥%(applied)s applied to invoices.") % {
        "amount": money_text(payment.amount),
        "applied": money_text(payment.applied),
    }
    if payment.credit:
        text += " " + _(
            "¥%(credit)s was more than the open invoices took and is held as credit on the account."
        ) % {"credit": money_text(payment.credit)}
    return text


@login_required
def payment_new(request, pk):
    account = selectors.account_for_owner(request.user, pk)
    invoices = open_invoices(account)
    form = PaymentForm(
        request.POST or None,
        invoices=invoices,
        initial={"received_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = services.payment_record(
                account=account,
                by=request.user,
                received_on=data["received_on"],
                amount=data["amount"],
                method=data["method"],
                reference=data["reference"],
                notes=data["notes"],
                allocations=form.allocations(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _payment_message(payment))
            return redirect("receivables:account", pk=pk)
    return _form_page(
        request,
        account,
        form,
        _("Record a payment"),
        template="receivables/allocate.html",
        help=OVERPAYMENT_HELP,
    )


@login_required
def credit_apply(request, pk):
    account = selectors.account_for_owner(request.user, pk)
    credit = account_money(account, timezone.localdate()).credit
    form = CreditForm(request.POST or None, invoices=open_invoices(account), credit=credit)
    if request.method == "POST" and form.is_valid():
        try:
            applied = services.credit_apply(
                account=account, by=request.user, allocations=form.allocations()
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("¥%(amount)s of credit applied.") % {"amount": money_text(applied)}
            )
            return redirect("receivables:account", pk=pk)
    help_text = _(
        "The account holds ¥%(credit)s of credit. Apply it to open invoices; leave every "
        "invoice blank to apply it to the oldest due first."
    ) % {"credit": money_text(credit)}
    return _form_page(
        request,
        account,
        form,
        _("Apply credit"),
        template="receivables/allocate.html",
        help=help_text,
        credit=credit,
    )


@login_required
def collection_new(request, pk):
    def save(account, data, instance):
        services.collection_record(account=account, by=request.user, data=data)
        return receivables_url(account.pk, "collections")

    title = _("Record a collection action")
    initial = {"acted_on": timezone.localdate()}
    return _model_form(request, pk, CollectionForm, None, None, save, title, initial)


@login_required
def reconciliation_new(request, pk):
    account = selectors.account_for_owner(request.user, pk)
    today = timezone.localdate()
    form = ReconciliationForm(request.POST or None, initial={"statement_date": today})
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ReconciliationForm.Meta.fields}
        try:
            services.reconciliation_record(account=account, by=request.user, data=data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The reconciliation has been recorded."))
            return redirect("receivables:account", pk=pk)
    help_text = _(
        "Our balance on the statement date is what was invoiced up to that day minus what "
        "was received up to that day (today: ¥%(balance)s)."
    ) % {"balance": money_text(balance_on(account, today))}
    return _form_page(request, account, form, _("Record a reconciliation"), help=help_text)


def archive_panel(request, account, can_edit: bool) -> dict:
    """The archive page's summary of receivables (an account panel, registered in
    receivables/apps.py): one query. Whoever reads the archive reads it."""
    return {
        "account": account,
        "money": account_money(account, timezone.localdate()),
        "can_edit": can_edit,
    }
