from django.urls import path

from accounts.views import access, archive, imports

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
]
