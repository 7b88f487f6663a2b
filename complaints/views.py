"""Complaints (投诉): per account (part of its archive) and the scoped list with the overdue."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.selectors import account_for_owner, diff_history
from accounts.views.access import log_read, read_archive
from complaints import selectors, services
from complaints.forms import (
    ComplaintFilterForm,
    ComplaintForm,
    DeadlinesForm,
    FollowUpForm,
    ResolveForm,
)
from complaints.models import Complaint, Severity
from kam import roles
from kam.forms import add_service_error

TAB_LABELS = {
    "overdue": gettext_lazy("Past the deadline"),
    "open": gettext_lazy("Open"),
    "follow_up": gettext_lazy("Awaiting follow-up call"),
    "all": gettext_lazy("All"),
}


@login_required
def complaint_list(request):
    """Every complaint in the user's list scope; the overdue tab is the one to act on."""
    if not roles.can_use_complaints(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    show, severity = ComplaintFilterForm(request.GET, tabs=TAB_LABELS).values()
    counts = selectors.complaint_tab_counts(request.user, today)
    listed = selectors.complaints_listed(request.user, today, show=show, severity=severity)
    days = selectors.deadline_days()
    page = Paginator(listed, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "complaints/list.html",
        {
            "page": page,
            "show": show,
            "tabs": [(name, label, counts[name]) for name, label in TAB_LABELS.items()],
            "severity": severity,
            "severities": Severity.choices,
            "query": f"show={show}&severity={severity}",
            "today": today,
            "deadlines": [(s.label, days[s.value]) for s in Severity],
            "can_set_deadlines": roles.can_set_complaint_deadlines(request.user),
        },
    )


@login_required
def account_complaints(request, pk):
    grant = read_archive(request, pk, "complaints")
    account = grant.account
    page = Paginator(account.complaints.select_related("handler"), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "complaints/account.html",
        {
            "account": account,
            "page": page,
            "today": timezone.localdate(),
            "can_edit": roles.can_edit_money(request.user, account),
        },
    )


@login_required
def complaint_detail(request, pk, complaint_pk):
    grant, complaint = selectors.complaint_for_user(request.user, pk, complaint_pk)
    log_read(request, grant, f"complaint {complaint.pk}")
    rows = list(
        complaint.history.select_related("history_user").order_by("-history_date", "-history_id")[
            :30
        ]
    )
    return render(
        request,
        "complaints/detail.html",
        {
            "account": grant.account,
            "complaint": complaint,
            "history": diff_history(rows, lambda r: r.subject),
            "today": timezone.localdate(),
            "can_edit": roles.can_edit_money(request.user, grant.account),
        },
    )


def _complaint_page(request, account, form, title, complaint=None):
    return render(
        request,
        "complaints/form.html",
        {"form": form, "account": account, "title": title, "complaint": complaint},
    )


@login_required
def complaint_edit(request, pk, complaint_pk=None):
    account = account_for_owner(request.user, pk)
    complaint = None
    if complaint_pk:
        _grant, complaint = selectors.complaint_for_user(request.user, pk, complaint_pk)
    initial = {"received_on": timezone.localdate(), "handler": account.owner_id}
    form = ComplaintForm(
        request.POST or None,
        instance=complaint,
        initial=None if complaint else initial,
        handlers=selectors.handler_choices(account),
        deadlines=selectors.deadline_days(),
    )
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in ComplaintForm.Meta.fields}
        try:
            if complaint is None:
                complaint = services.complaint_create(account=account, by=request.user, data=data)
            else:
                complaint = Complaint.objects.get(pk=complaint.pk)  # the form changed it
                services.complaint_update(complaint=complaint, by=request.user, data=data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Saved. The deadline is %(date)s.") % {"date": f"{complaint.due_on:%Y-%m-%d}"},
            )
            return redirect("complaints:detail", pk=pk, complaint_pk=complaint.pk)
    title = _("Edit complaint") if complaint_pk else _("New complaint")
    return _complaint_page(request, account, form, title, complaint)


def _step(request, pk, complaint_pk, form, act, title):
    """Resolve or follow up: one form, one service call."""
    account = account_for_owner(request.user, pk)
    _grant, complaint = selectors.complaint_for_user(request.user, pk, complaint_pk)
    if request.method == "POST" and form.is_valid():
        try:
            act(complaint, form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("complaints:detail", pk=pk, complaint_pk=complaint.pk)
    return _complaint_page(request, account, form, title, complaint)


@login_required
def complaint_resolve(request, pk, complaint_pk):
    form = ResolveForm(request.POST or None, initial={"resolved_on": timezone.localdate()})

    def act(complaint, data):
        services.complaint_resolve(complaint=complaint, by=request.user, **data)

    return _step(request, pk, complaint_pk, form, act, _("Resolve complaint"))


@login_required
def complaint_follow_up(request, pk, complaint_pk):
    form = FollowUpForm(request.POST or None, initial={"follow_up_on": timezone.localdate()})

    def act(complaint, data):
        services.complaint_follow_up(complaint=complaint, by=request.user, **data)

    return _step(request, pk, complaint_pk, form, act, _("Follow-up call"))


@login_required
def complaint_deadlines(request):
    if not roles.can_set_complaint_deadlines(request.user):
        raise PermissionDenied
    form = DeadlinesForm(request.POST or None, current=selectors.deadline_days())
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.deadlines_save(by=request.user, days=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            if changed:
                messages.success(request, _("The deadlines apply to complaints received from now."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("complaints:list")
    return render(
        request,
        "complaints/form.html",
        {
            "form": form,
            "title": _("Complaint deadlines"),
            "help": _(
                "Days allowed to resolve a complaint, by severity, counted from the day it is "
                "received. A change applies to complaints received afterwards; earlier ones "
                "keep their deadline."
            ),
        },
    )


def archive_panel(request, account, can_edit: bool) -> dict:
    """The archive page's count of open complaints and those past their deadline (an account
    panel, registered in complaints/apps.py): one query. Whoever reads the archive reads it."""
    counts = selectors.account_complaint_counts(account, timezone.localdate())
    return {"account": account, "counts": counts, "can_edit": can_edit}
