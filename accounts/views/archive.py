"""The account list (一览表) and the archive (原始资料) pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.exports import archive_workbook
from accounts.forms import (
    AccountFilterForm,
    AccountForm,
    ContactForm,
    EventForm,
    ReportForm,
    TimelineFilterForm,
    active_kams,
)
from accounts.models import AccountEvent, Contact, FinancialReport
from accounts.models.access import AccessAction
from kam import roles
from kam.exporting import attachment, file_name
from kam.forms import add_service_error
from kam.registry import registry


def _filtered_accounts(user, params):
    owners, teams = selectors.list_filter_choices(user)
    form = AccountFilterForm(params or None, owners=owners, teams=teams)
    filters = form.cleaned_data if form.is_valid() else {}
    sort = params.get("sort", "name")
    return form, selectors.accounts_filtered(user, filters, sort), sort


@login_required
def account_list(request):
    if not roles.can_use_list(request.user):
        return redirect("accounts:lookup")
    form, qs, sort = _filtered_accounts(request.user, request.GET)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    counts = selectors.active_contact_counts(page)
    for account in page:
        account.contact_count = counts.get(account.pk, 0)
    query = request.GET.copy()
    query.pop("page", None)
    sort_query = query.copy()
    sort_query.pop("sort", None)
    return render(
        request,
        "accounts/list.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "query": query.urlencode(),
            "sort_query": sort_query.urlencode(),
            "can_create": roles.can_create_account(request.user),
        },
    )


def _page_number(request, param: str) -> int:
    """A page number from the query string; anything else (text, "²", a 5,000-digit number
    that int() refuses) is page 1."""
    value = request.GET.get(param, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 6 else 1


@login_required
def account_detail(request, pk):
    grant = selectors.archive_for_user(request.user, pk)
    account = grant.account
    services.access_record(
        user=request.user, account=account, action=AccessAction.VIEW, loan=grant.loan
    )
    can_edit = roles.can_edit_archive(request.user, account)
    # Sections other apps contribute (sales figures, receivables): kam.registry. "main"
    # panels join the overview, "side" panels (receivables, complaints) have their own tab.
    panels = registry.panels_for(request, account, can_edit)
    return render(
        request,
        "accounts/detail.html",
        {
            "account": account,
            "main_panels": [(p, d) for p, d in panels if p.column == "main"],
            "side_panels": [(p, d) for p, d in panels if p.column != "main"],
            "loan": grant.loan,
            "contacts": selectors.account_contacts(account),
            "events": account.events.all(),
            "reports": account.reports.select_related("uploaded_by"),
            "timeline": selectors.account_timeline_page(
                account,
                kind=TimelineFilterForm(
                    request.GET, choices=selectors.timeline_filter_choices()
                ).chosen(),
                page=_page_number(request, "tl_page"),
            ),
            "timeline_kinds": selectors.timeline_filter_choices(),
            "history": selectors.account_history(account),
            "reviews": account.reviews.select_related("reviewer")[:6],
            "can_edit": can_edit,
            "can_review": roles.can_review(request.user, account),
        },
    )


def _owner_choices(user):
    return active_kams() if roles.is_admin(user) else None


@login_required
def account_create(request):
    if not roles.can_create_account(request.user):
        raise PermissionDenied
    form = AccountForm(
        request.POST or None, owner_choices=_owner_choices(request.user), by=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_create(by=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The account has been created."))
            return redirect("accounts:detail", pk=account.pk)
    return render(request, "accounts/form.html", {"form": form, "title": _("New key account")})


@login_required
def account_edit(request, pk):
    account = selectors.account_for_owner(request.user, pk)
    if request.method == "GET":  # the form shows the whole archive: a read like any other
        services.access_record(user=request.user, account=account, action=AccessAction.VIEW)
    form = AccountForm(
        request.POST or None,
        instance=account,
        owner_choices=_owner_choices(request.user),
        by=request.user,
    )
    if request.method == "POST" and form.is_valid():
        fresh = selectors.account_for_owner(request.user, pk)
        try:
            changed = services.account_update(
                account=fresh, by=request.user, data=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            if changed:
                messages.success(request, _("Your changes have been saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("accounts:detail", pk=pk)
    return render(
        request,
        "accounts/form.html",
        {"form": form, "account": account, "title": _("Edit %(name)s") % {"name": account.name}},
    )


@login_required
@require_POST
def account_retire(request, pk):
    account = selectors.account_for_owner(request.user, pk)
    retire = request.POST.get("retire") == "1"
    services.account_set_retired(account=account, by=request.user, retired=retire)
    messages.success(
        request, _("The account has been retired.") if retire else _("The account is active again.")
    )
    return redirect("accounts:detail", pk=pk)


def _detail_section(pk, section: str):
    """Back to the archive page, on the tab (or at the anchor) of what was just saved."""
    return redirect(reverse("accounts:detail", args=[pk]) + f"#{section}")


def _child_form(request, pk, form_class, model, child_pk, save, title, section):
    account = selectors.account_for_owner(request.user, pk)
    instance = selectors.archive_child(model, account, child_pk) if child_pk else None
    form = form_class(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in form.Meta.fields}
        # The bound form has already written the new values onto `instance`; the service
        # compares against the stored row, so it gets a fresh copy.
        stored = selectors.archive_child(model, account, instance.pk) if instance else None
        try:
            save(account, data, stored)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return _detail_section(pk, section)
    return render(
        request, "accounts/child_form.html", {"form": form, "account": account, "title": title}
    )


@login_required
def contact_edit(request, pk, contact_pk=None):
    def save(account, data, instance):
        services.contact_save(account=account, by=request.user, data=data, contact=instance)

    title = _("Edit contact") if contact_pk else _("New contact")
    return _child_form(request, pk, ContactForm, Contact, contact_pk, save, title, "contacts")


@login_required
def event_edit(request, pk, event_pk=None):
    def save(account, data, instance):
        services.event_save(account=account, by=request.user, data=data, event=instance)

    title = _("Edit event") if event_pk else _("New event")
    return _child_form(request, pk, EventForm, AccountEvent, event_pk, save, title, "timeline")


@login_required
def report_add(request, pk):
    def save(account, data, instance):
        services.report_add(account=account, by=request.user, data=data)

    return _child_form(
        request, pk, ReportForm, FinancialReport, None, save, _("New report"), "reports"
    )


@login_required
def report_file(request, pk, report_pk):
    grant = selectors.archive_for_user(request.user, pk)
    report = selectors.archive_child(FinancialReport, grant.account, report_pk)
    if not report.file:
        raise Http404
    services.access_record(
        user=request.user,
        account=grant.account,
        action=AccessAction.DOWNLOAD,
        loan=grant.loan,
        detail=report.file.name,
    )
    return FileResponse(report.file.open("rb"), as_attachment=True)


@login_required
def account_export(request, pk):
    grant = selectors.archive_for_user(request.user, pk)
    services.access_record(
        user=request.user, account=grant.account, action=AccessAction.EXPORT, loan=grant.loan
    )
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = attachment(
        file_name(_("Archive of %(account)s") % {"account": grant.account.name})
    )
    archive_workbook(grant.account).save(response)
    return response
