"""Lookup (查重), loans (借阅), the access log, major matters, reviews and hand-overs."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors, services
from accounts.forms import (
    HandOverForm,
    LoanDecisionForm,
    LoanRequestForm,
    MajorMatterForm,
    ReviewForm,
    SearchForm,
    active_kams,
)
from accounts.models import ArchiveLoan, HandOver, KeyAccount
from accounts.models.access import AccessAction
from kam import roles
from kam.forms import add_service_error
from kam.models import User


def log_read(request, grant, detail: str) -> None:
    """Pages of other apps that are archive material (contracts, receivables, complaints)
    log each read like the archive page does."""
    services.access_record(
        user=request.user,
        account=grant.account,
        action=AccessAction.VIEW,
        loan=grant.loan,
        detail=detail,
    )


def read_archive(request, pk, detail: str):
    """The archive's read getter (404 for whoever may not read it), with the read logged."""
    grant = selectors.archive_for_user(request.user, pk)
    log_read(request, grant, detail)
    return grant


@login_required
def account_lookup(request):
    """Name-only lookup for everyone: enough to report a matter or to check for duplicates."""
    query = SearchForm.text(request.GET)
    results = list(selectors.accounts_lookup(query))
    readable = set(
        selectors.archives_readable_by(request.user)
        .filter(pk__in=[a.pk for a in results])
        .values_list("pk", flat=True)
    )
    return render(
        request,
        "accounts/lookup.html",
        {
            "query": query,
            "results": results,
            "readable": readable,
            "too_short": 0 < len(query.strip()) < 2,
        },
    )


def _account_by_lookup(pk):
    """Accounts reachable by name lookup: anyone may report on or ask for them."""
    return get_object_or_404(KeyAccount.objects.select_related("owner"), pk=pk, is_archived=False)


@login_required
def major_matter_new(request, pk):
    account = _account_by_lookup(pk)
    form = MajorMatterForm(request.POST or None, initial={"occurred_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.major_matter_report(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Your report has been sent to the account manager and the sales VP.")
            )
            return redirect("home")
    return render(
        request,
        "accounts/simple_form.html",
        {"form": form, "account": account, "title": _("Report a major matter")},
    )


@login_required
def loan_new(request, pk):
    account = _account_by_lookup(pk)
    if roles.sees_archive_by_role(request.user, account):
        return redirect("accounts:detail", pk=pk)
    initial = {"until": timezone.localdate() + dt.timedelta(days=7)}
    form = LoanRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.loan_request(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your request has been sent to the account manager."))
            return redirect("accounts:loans")
    return render(
        request,
        "accounts/simple_form.html",
        {"form": form, "account": account, "title": _("Ask to borrow the archive")},
    )


@login_required
def loan_list(request):
    user = request.user
    base = ArchiveLoan.objects.select_related("account", "requester", "decided_by")
    to_decide = base.filter(account__owner=user).order_by("status", "-created_at")
    mine = base.filter(requester=user)
    return render(
        request,
        "accounts/loans.html",
        {
            "to_decide": Paginator(to_decide, 20).get_page(request.GET.get("page")),
            "mine": mine[:50],
            "today": timezone.localdate(),
            "decision_form": LoanDecisionForm(),
        },
    )


@login_required
@require_POST
def loan_decide(request, loan_pk):
    loan = get_object_or_404(
        ArchiveLoan.objects.select_related("account"), pk=loan_pk, account__owner=request.user
    )
    form = LoanDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or refuse."))
        return redirect("accounts:loans")
    try:
        services.loan_decide(
            loan=loan,
            by=request.user,
            approve=form.cleaned_data["approve"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Your decision has been recorded."))
    return redirect("accounts:loans")


@login_required
@require_POST
def loan_withdraw(request, loan_pk):
    loan = get_object_or_404(ArchiveLoan, pk=loan_pk, requester=request.user)
    try:
        services.loan_withdraw(loan=loan, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("accounts:loans")


@login_required
def access_log(request):
    if not roles.can_read_access_log(request.user):
        raise PermissionDenied
    form = SearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    qs = selectors.access_log(q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/access_log.html", {"page": page, "q": q})


@login_required
def review_new(request, pk):
    account = selectors.account_for_owner(request.user, pk)
    if not roles.can_review(request.user, account):
        raise PermissionDenied
    form = ReviewForm(request.POST or None, initial={"reviewed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(account=account, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The review has been recorded."))
            return redirect("accounts:detail", pk=pk)
    return render(
        request,
        "accounts/simple_form.html",
        {"form": form, "account": account, "title": _("Semiannual review")},
    )


@login_required
def reviews_overdue(request):
    if not roles.can_use_list(request.user):
        raise PermissionDenied
    qs = selectors.reviews_overdue(request.user)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/reviews_overdue.html", {"page": page})


def _successor_fields(form: forms.Form, accounts) -> dict[str, User]:
    """One choice list shared by every account's select: one query however many accounts."""
    kams = {str(u.pk): u for u in active_kams()}
    choices = [("", _("(the successor above)"))] + [(pk, str(u)) for pk, u in kams.items()]
    for account in accounts:
        form.fields[f"account_{account.pk}"] = forms.ChoiceField(
            label=account.name,
            choices=choices,
            required=False,
            widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            error_messages={
                "invalid_choice": _("Choose a successor from the list of active KAMs.")
            },
        )
    return kams


@login_required
def hand_over(request):
    if not roles.can_hand_over(request.user):
        raise PermissionDenied
    leaver_pk = request.POST.get("leaver") or request.GET.get("leaver")
    leaver = User.objects.filter(pk=leaver_pk, is_active=True).first() if leaver_pk else None
    accounts = list(KeyAccount.objects.filter(owner=leaver).order_by("name")) if leaver else []
    form = HandOverForm(request.POST or None, initial={"leaver": leaver})
    kams = _successor_fields(form, accounts)
    if request.method == "POST" and form.is_valid():
        per_account = {
            a.pk: kams[form.cleaned_data[f"account_{a.pk}"]]
            for a in accounts
            if form.cleaned_data.get(f"account_{a.pk}")
        }
        try:
            handover = services.accounts_hand_over(
                leaver=form.cleaned_data["leaver"],
                by=request.user,
                default_successor=form.cleaned_data["successor"],
                successors=per_account,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Hand-over recorded: %(n)d items moved; %(leaver)s can no longer sign in.")
                % {"n": handover.items.count(), "leaver": handover.leaver},
            )
            return redirect("accounts:handover_detail", pk=handover.pk)
    return render(
        request,
        "accounts/handover.html",
        {
            "form": form,
            "leaver": leaver,
            "accounts": accounts,
            "account_fields": [(a, form[f"account_{a.pk}"]) for a in accounts],
        },
    )


@login_required
def handover_detail(request, pk):
    if not roles.can_hand_over(request.user):
        raise PermissionDenied
    handover = get_object_or_404(HandOver.objects.select_related("leaver", "performed_by"), pk=pk)
    items = handover.items.select_related("successor")
    return render(request, "accounts/handover_detail.html", {"handover": handover, "items": items})
