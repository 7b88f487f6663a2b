"""Included under accounts/ (kam/urls.py): the paths are those these pages had when they lived
in the accounts app, so bookmarks, reminders and timeline links keep working."""

from django.urls import path

from receivables.views import account, report

app_name = "receivables"

urlpatterns = [
    path("receivables/", report.receivables, name="report"),
    path("<int:pk>/receivables/", account.account_receivables, name="account"),
    path("<int:pk>/contracts/new/", account.contract_edit, name="contract_new"),
    path("<int:pk>/contracts/<int:contract_pk>/", account.contract_detail, name="contract_detail"),
    path("<int:pk>/contracts/<int:contract_pk>/edit/", account.contract_edit, name="contract_edit"),
    path("<int:pk>/invoices/new/", account.invoice_edit, name="invoice_new"),
    path("<int:pk>/invoices/<int:invoice_pk>/edit/", account.invoice_edit, name="invoice_edit"),
    path(
        "<int:pk>/invoices/<int:invoice_pk>/cancel/", account.invoice_cancel, name="invoice_cancel"
    ),
    path("<int:pk>/payments/new/", account.payment_new, name="payment_new"),
    path(
        "<int:pk>/payments/<int:payment_pk>/reverse/",
        account.payment_reverse,
        name="payment_reverse",
    ),
    path("<int:pk>/credit/", account.credit_apply, name="credit_apply"),
    path("<int:pk>/collections/new/", account.collection_new, name="collection_new"),
    path("<int:pk>/reconciliations/new/", account.reconciliation_new, name="reconciliation_new"),
]
