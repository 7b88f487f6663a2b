from django.urls import path

from accounts.views import access, archive, imports, receivables_report
from accounts.views import complaints as complaint_views
from accounts.views import receivables as money

app_name = "accounts"

urlpatterns = [
    path("", archive.account_list, name="list"),
    path("new/", archive.account_create, name="create"),
    path("lookup/", access.account_lookup, name="lookup"),
    path("<int:pk>/", archive.account_detail, name="detail"),
    path("<int:pk>/edit/", archive.account_edit, name="edit"),
    path("<int:pk>/retire/", archive.account_retire, name="retire"),
    path("<int:pk>/export/", archive.account_export, name="export"),
    path("<int:pk>/contacts/new/", archive.contact_edit, name="contact_new"),
    path("<int:pk>/contacts/<int:contact_pk>/", archive.contact_edit, name="contact_edit"),
    path("<int:pk>/events/new/", archive.event_edit, name="event_new"),
    path("<int:pk>/events/<int:event_pk>/", archive.event_edit, name="event_edit"),
    path("<int:pk>/reports/new/", archive.report_add, name="report_new"),
    path("<int:pk>/reports/<int:report_pk>/file/", archive.report_file, name="report_file"),
    path("<int:pk>/review/", access.review_new, name="review_new"),
    path("<int:pk>/major-matter/", access.major_matter_new, name="major_matter_new"),
    path("<int:pk>/loan/", access.loan_new, name="loan_new"),
    path("loans/", access.loan_list, name="loans"),
    path("loans/<int:loan_pk>/decide/", access.loan_decide, name="loan_decide"),
    path("loans/<int:loan_pk>/withdraw/", access.loan_withdraw, name="loan_withdraw"),
    path("access-log/", access.access_log, name="access_log"),
    path("reviews/overdue/", access.reviews_overdue, name="reviews_overdue"),
    path("handover/", access.hand_over, name="handover"),
    path("handover/<int:pk>/", access.handover_detail, name="handover_detail"),
    path("import/", imports.import_accounts, name="import"),
    path("import/template/", imports.import_template, name="import_template"),
    # Contracts, receivables and complaints (§4) ----------------------------------------------
    path("receivables/", receivables_report.receivables, name="receivables"),
    path("<int:pk>/receivables/", money.account_receivables, name="account_receivables"),
    path("<int:pk>/contracts/new/", money.contract_edit, name="contract_new"),
    path("<int:pk>/contracts/<int:contract_pk>/", money.contract_detail, name="contract_detail"),
    path("<int:pk>/contracts/<int:contract_pk>/edit/", money.contract_edit, name="contract_edit"),
    path("<int:pk>/invoices/new/", money.invoice_edit, name="invoice_new"),
    path("<int:pk>/invoices/<int:invoice_pk>/edit/", money.invoice_edit, name="invoice_edit"),
    path("<int:pk>/invoices/<int:invoice_pk>/cancel/", money.invoice_cancel, name="invoice_cancel"),
    path("<int:pk>/payments/new/", money.payment_new, name="payment_new"),
    path(
        "<int:pk>/payments/<int:payment_pk>/reverse/",
        money.payment_reverse,
        name="payment_reverse",
    ),
    path("<int:pk>/credit/", money.credit_apply, name="credit_apply"),
    path("<int:pk>/collections/new/", money.collection_new, name="collection_new"),
    path("<int:pk>/reconciliations/new/", money.reconciliation_new, name="reconciliation_new"),
    path("complaints/", complaint_views.complaint_list, name="complaints"),
    path("complaints/deadlines/", complaint_views.complaint_deadlines, name="complaint_deadlines"),
    path("<int:pk>/complaints/", complaint_views.account_complaints, name="account_complaints"),
    path("<int:pk>/complaints/new/", complaint_views.complaint_edit, name="complaint_new"),
    path(
        "<int:pk>/complaints/<int:complaint_pk>/",
        complaint_views.complaint_detail,
        name="complaint_detail",
    ),
    path(
        "<int:pk>/complaints/<int:complaint_pk>/edit/",
        complaint_views.complaint_edit,
        name="complaint_edit",
    ),
    path(
        "<int:pk>/complaints/<int:complaint_pk>/resolve/",
        complaint_views.complaint_resolve,
        name="complaint_resolve",
    ),
    path(
        "<int:pk>/complaints/<int:complaint_pk>/follow-up/",
        complaint_views.complaint_follow_up,
        name="complaint_follow_up",
    ),
]
