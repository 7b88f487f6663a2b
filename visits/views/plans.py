"""Monthly visit plans (月拜访计划表): the list per role, the plan page, submit and review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam import drill, roles
from kam.exporting import file_name
from visits.exports import plan_workbook, xlsx_response
from visits.forms.lists import MonthlyListFilterForm
from visits.forms.plans import LineChoices, PlanLineFormSet, ReviewForm, line_initial
from visits.models.choices import Purpose
from visits.models.plans import PlanStatus
from visits.months import next_month, parse_month, this_month
from visits.selectors import plans as selectors
from visits.services import plans as services


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def plan_list(request):
    user = request.user
    if not roles.can_use_plans(user):
        raise PermissionDenied
    filters = MonthlyListFilterForm(
        request.GET, statuses=selectors.PLAN_FILTER_STATUSES, teams=drill.teams_to_filter(user)
    ).values()
    month, status, team = filters["month"], filters["status"], filters["team"]
    team_id = team.pk if team else None
    qs = selectors.plans_list(user, month=month, status=status, team=team_id)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "month": month,
        "status": status,
        "showing_queue": status == PlanStatus.SUBMITTED,
        "team": team_id,
        "query": query.urlencode(),
        "statuses": PlanStatus.choices,
        "teams": drill.teams_to_filter(user),
        "can_write": roles.can_write_plan(user),
        "can_review": roles.can_review_plan(user),
    }
    if roles.can_write_plan(user):
        mine = selectors.plans_visible_to(user).filter(month__in=[this_month(), next_month()])
        own = {p.month: p for p in mine}
        context["this_month"], context["next_month"] = this_month(), next_month()
        context["own_this"], context["own_next"] = own.get(this_month()), own.get(next_month())
    return render(request, "visits/plan_list.html", context)


@login_required
@require_POST
def plan_start(request):
    if not roles.can_write_plan(request.user):
        raise PermissionDenied
    month = parse_month(request.POST.get("month"), default=next_month())
    try:
        plan = services.plan_start(kam=request.user, month=month, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("visits:plans")
    return redirect("visits:plan_detail", pk=plan.pk)


def _page_data(plan):
    accounts = list(selectors.plannable_accounts(plan.kam))
    lines = list(selectors.plan_lines(plan))
    known = {a.pk for a in accounts}
    # Lines whose account has since left the KAM's list still show (and stay choosable).
    extra = {line.account.pk: line.account for line in lines if line.account.pk not in known}
    choosable = accounts + sorted(extra.values(), key=lambda a: a.name)
    contacts = selectors.contacts_by_account(choosable)
    return accounts, choosable, lines, contacts


def _formset(request, plan, choosable, contacts, lines):
    choices = LineChoices.build(choosable, contacts)
    kwargs = {"choices": choices, "month": plan.month, "prefix": "line"}
    if request.method == "POST":
        return PlanLineFormSet(request.POST, **kwargs)
    return PlanLineFormSet(initial=[line_initial(line) for line in lines], **kwargs)


def _save(request, plan, formset) -> bool:
    try:
        changed = services.plan_lines_save(plan=plan, by=request.user, rows=formset.inputs())
        if request.POST.get("action") == "submit":
            services.plan_submit(plan=plan, by=request.user)
            messages.success(request, _("The plan has been submitted to the sales VP."))
        elif changed:
            messages.success(request, _("The plan has been saved."))
        else:
            messages.info(request, _("Nothing was changed."))
    except ValidationError as exc:
        formset._non_form_errors = formset.error_class(exc.messages)
        return False
    return True


@login_required
def plan_detail(request, pk):
    user = request.user
    plan = selectors.plan_for_user(user, pk)
    if request.method == "POST":
        plan = selectors.plan_for_owner(user, pk)
    can_edit = plan.kam_id == user.pk and plan.is_editable and roles.can_write_plan(user)
    if request.method == "POST" and not can_edit:
        messages.error(request, _("This plan is waiting for review and cannot be changed."))
        return redirect("visits:plan_detail", pk=pk)
    accounts, choosable, lines, contacts = _page_data(plan)
    formset = _formset(request, plan, choosable, contacts, lines) if can_edit else None
    if request.method == "POST" and formset.is_valid() and _save(request, plan, formset):
        return redirect("visits:plan_detail", pk=pk)
    labels = dict(Purpose.choices)
    for line in lines:
        line.purpose_names = [labels.get(p, p) for p in line.purposes]
    needs = selectors.plan_requirements_for(plan.kam, plan.month, accounts, lines)
    context = {
        "plan": plan,
        "lines": lines,
        "formset": formset,
        "can_edit": can_edit,
        "needs": needs,
        "gaps": [n for n in needs if n.is_gap],
        "others": [n for n in needs if n.notes],
        "transitions": list(selectors.plan_transitions(plan)),
        "previous": selectors.previous_plan(plan) if can_edit else None,
        "review_form": ReviewForm()
        if roles.can_review_plan(user) and plan.status == PlanStatus.SUBMITTED
        else None,
        "is_owner": plan.kam_id == user.pk,
        # Once she has decided this one, the VP goes straight on to the next plan waiting.
        "next_waiting": selectors.plans_waiting(user).exclude(pk=plan.pk).first()
        if roles.can_review_plan(user) and plan.status != PlanStatus.SUBMITTED
        else None,
        # How the plan form's script shows a verdict it looks up (selectors.AccountNeed).
        "verdicts_json": {k: v.as_json() for k, v in selectors.VERDICTS.items()},
        "contacts_json": {
            str(k): [[c.pk, f"{c.name} · {c.title}" if c.title else c.name] for c in v]
            for k, v in contacts.items()
        },
        "total_hours": sum(line.expected_hours for line in lines),
    }
    return render(request, "visits/plan_detail.html", context)


@login_required
def plan_copy(request, pk):
    """Copying last month's plan is a step of its own: the KAM says whether last month's lines
    go beside the plan's own or replace them. Without a choice (an older page) it adds, which
    takes nothing out and never doubles a line."""
    plan = selectors.plan_for_owner(request.user, pk)
    if request.method != "POST":
        if not plan.is_editable:
            return redirect("visits:plan_detail", pk=pk)
        context = {
            "plan": plan,
            "previous": selectors.previous_plan(plan),
            "current": plan.lines.filter(is_cancelled=False).count(),
        }
        return render(request, "visits/plan_copy.html", context)
    mode = request.POST.get("mode") or services.COPY_ADD
    try:
        copied = services.plan_copy_previous(plan=plan, by=request.user, mode=mode)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("%(n)d lines copied from last month.") % {"n": copied})
    return redirect("visits:plan_detail", pk=pk)


@login_required
@require_POST
def plan_submit(request, pk):
    plan = selectors.plan_for_owner(request.user, pk)
    try:
        services.plan_submit(plan=plan, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The plan has been submitted to the sales VP."))
    return redirect("visits:plan_detail", pk=pk)


@login_required
@require_POST
def plan_review(request, pk):
    plan = selectors.plan_for_user(request.user, pk)
    if not roles.can_review_plan(request.user):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("visits:plan_detail", pk=pk)
    decision, comment = form.cleaned_data["decision"], form.cleaned_data["comment"]
    try:
        if decision == PlanStatus.APPROVED:
            services.plan_approve(plan=plan, by=request.user, comment=comment)
            messages.success(request, _("The plan is approved."))
        else:
            services.plan_return(plan=plan, by=request.user, comment=comment)
            messages.success(
                request, _("The plan has been returned to %(kam)s.") % {"kam": plan.kam}
            )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    if request.POST.get("next") == "queue":
        return redirect(f"{reverse('visits:plans')}?status=submitted")
    return redirect("visits:plan_detail", pk=pk)


@login_required
def plan_export(request, pk) -> HttpResponse:
    plan = selectors.plan_for_user(request.user, pk)
    lines = list(selectors.plan_lines(plan))
    filename = file_name(
        _("Visit plan %(kam)s %(month)s") % {"kam": plan.kam, "month": f"{plan.month:%Y-%m}"}
    )
    return xlsx_response(plan_workbook(plan, lines), filename)
