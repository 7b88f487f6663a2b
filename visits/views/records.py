"""Visit records (月度客户拜访记录表): visits, the month's record, itinerary changes, review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import SearchForm
from kam import drill, roles
from kam.exporting import export_start
from kam.forms import add_service_error
from kam.inputs import form_error_messages
from kam.roles import Role
from visits.forms.lists import MonthFilterForm, MonthlyListFilterForm
from visits.forms.records import ItineraryChangeForm, RecordReviewForm, VisitForm
from visits.models import PlanLine, Visit
from visits.models.choices import Purpose
from visits.models.records import RecordStatus
from visits.months import add_months, month_end, month_of, parse_month, this_month
from visits.selectors import records as selectors
from visits.selectors.checkins import checkin_of
from visits.selectors.plans import plans_visible_to
from visits.selectors.spot_checks import mark_spot_checks, spot_check_shown
from visits.services import record_returns
from visits.services import records as services


@login_required
def record_list(request):
    user = request.user
    if not roles.can_use_plans(user):
        raise PermissionDenied
    filters = MonthlyListFilterForm(
        request.GET, statuses=selectors.RECORD_FILTER_STATUSES, teams=drill.teams_to_filter(user)
    ).values()
    month, status, team = filters["month"], filters["status"], filters["team"]
    team_id = team.pk if team else None
    qs = selectors.records_list(user, month=month, status=status, team=team_id)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "visits/record_list.html",
        {
            "page": page,
            "month": month,
            "status": status,
            "team": team_id,
            "query": query.urlencode(),
            "statuses": RecordStatus.choices,
            "teams": drill.teams_to_filter(user),
            "today": timezone.localdate(),
            "last_month": add_months(this_month(), -1),
            "can_record": roles.can_record_visits(user),
        },
    )


def _record_page(request, visitor, month, record):
    data = selectors.month_record(visitor, month, record)
    mark_spot_checks(request.user, data.visits)
    review_form = None
    if (
        record is not None
        and not record.is_open
        and roles.can_review_record(request.user, record.kam)
    ):
        review_form = RecordReviewForm(rows=data.rows)
    is_own = visitor.pk == request.user.pk
    return render(
        request,
        "visits/record_detail.html",
        {
            "data": data,
            "record": record,
            "visitor": visitor,
            "month": month,
            "is_own": is_own,
            "can_check_in": is_own and roles.can_check_in(request.user),
            "is_kam": roles.can_write_plan(visitor),
            "can_submit": is_own
            and roles.can_write_plan(request.user)
            and (record is None or record.is_open)
            and timezone.localdate() >= month_end(month),
            "can_return": record is not None
            and record.status == RecordStatus.SUBMITTED
            and roles.can_return_record(request.user, record.kam),
            "transitions": list(selectors.record_transitions(record)) if record else [],
            "due_on": record.due_on if record else services.record_due_on(month),
            "review_form": review_form,
            "prev_month": add_months(month, -1),
            "next_month": add_months(month, 1),
            "this_month": this_month(),
        },
    )


@login_required
def my_record(request):
    user = request.user
    if not roles.can_record_visits(user):
        raise PermissionDenied
    month = MonthFilterForm(request.GET, default=this_month()).values()["month"]
    record = selectors.records_visible_to(user).filter(kam=user, month=month).first()
    return _record_page(request, user, month, record)


@login_required
def record_detail(request, pk):
    record = selectors.record_for_user(request.user, pk)
    return _record_page(request, record.kam, record.month, record)


@login_required
@require_POST
def record_submit(request):
    if not roles.can_write_plan(request.user):
        raise PermissionDenied
    month = parse_month(request.POST.get("month"))
    if month is None:
        raise Http404
    try:
        record = services.record_submit(kam=request.user, month=month, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        if record.is_late:
            messages.warning(request, _("The record has been submitted, after its due date."))
        else:
            messages.success(request, _("The record has been submitted."))
    return redirect(f"{reverse('visits:my_record')}?month={month:%Y-%m}")


@login_required
@require_POST
def record_review(request, pk):
    record = selectors.record_for_user(request.user, pk)
    if not roles.can_review_record(request.user, record.kam):
        raise PermissionDenied
    data = selectors.month_record(record.kam, record.month, record)
    form = RecordReviewForm(request.POST, rows=data.rows)
    try:
        if not form.is_valid():
            raise ValidationError(form_error_messages(form))
        services.record_review(record=record, by=request.user, reviews=form.reviews())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The record has been reviewed."))
    return redirect("visits:record_detail", pk=pk)


@login_required
@require_POST
def record_export(request, pk):
    """A month's record can be long: a worker writes it, the export page shows the progress."""
    record = selectors.record_for_user(request.user, pk)
    export = export_start(kind="visit_record", params={"record": record.pk}, by=request.user)
    return redirect("export_status", pk=export.pk)


# One visit -----------------------------------------------------------------------------------


def _open_lines(user, account, current: Visit | None = None):
    """Lines of the visitor's own plans for this account, around now, not yet visited."""
    month = this_month()
    made = Visit.objects.filter(plan_line=OuterRef("pk"), is_cancelled=False)
    if current is not None:
        made = made.exclude(pk=current.pk)
    return list(
        PlanLine.objects.filter(
            plan__kam=user,
            account=account,
            is_cancelled=False,
            plan__month__gte=add_months(month, -1),
            plan__month__lte=add_months(month, 1),
        )
        .exclude(Exists(made))
        .order_by("planned_on")
    )


def _visit_form(request, account, visit=None, initial=None):
    contacts = list(account.contacts.filter(is_active=True))
    if visit is not None:
        contacts += [c for c in visit.contacts.all() if c not in contacts]
    lines = _open_lines(request.user, account, visit) if roles.can_write_plan(request.user) else []
    return VisitForm(
        request.POST or None, account=account, contacts=contacts, lines=lines, initial=initial
    )


def _pick_account(request):
    """Step one of a new visit: which account. A KAM picks from hers; others search by name."""
    accounts = selectors.recordable_accounts(request.user)
    query = SearchForm.text(request.GET)
    if len(query) >= 2:
        accounts = accounts.filter(name__icontains=query)
    elif not roles.can_write_plan(request.user):
        accounts = accounts.none()
    return render(
        request,
        "visits/visit_pick.html",
        {
            "accounts": accounts.order_by("name")[:50],
            "q": query,
            "can_check_in": roles.can_check_in(request.user),
        },
    )


@login_required
def visit_new(request):
    if not roles.can_record_visits(request.user):
        raise PermissionDenied
    account_id = request.GET.get("account", "")
    if not account_id.isdigit():
        return _pick_account(request)
    account = selectors.recordable_accounts(request.user).filter(pk=account_id).first()
    if account is None:
        raise Http404
    initial = {"visited_on": timezone.localdate(), "purposes": ["relationship"]}
    line = request.GET.get("line", "")
    if line.isdigit():
        initial["plan_line"] = line
    form = _visit_form(request, account, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit = services.visit_create(by=request.user, data=form.to_input())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The visit has been recorded."))
            return redirect(f"{reverse('visits:my_record')}?month={visit.visited_on:%Y-%m}")
    return render(
        request, "visits/visit_form.html", {"form": form, "account": account, "visit": None}
    )


def _may_check_in(user, visit: Visit) -> bool:
    """Her own visit of today, at her own account, as a plan line of today or unplanned: the
    check-in page attaches to it (visits/services/checkins.py)."""
    line = visit.plan_line
    return (
        roles.can_check_in(user)
        and visit.account.owner_id == user.pk
        and visit.visited_on == timezone.localdate()
        and (line is None or line.planned_on == visit.visited_on)
    )


@login_required
def visit_detail(request, pk):
    visit = selectors.visit_for_user(request.user, pk)
    editable = visit.visitor_id == request.user.pk and not visit.is_cancelled
    if editable and visit.record_id is not None:
        editable = visit.record.is_open
    labels = dict(Purpose.choices)
    checkin = checkin_of(visit)
    context = {
        "visit": visit,
        "editable": editable,
        "checkin": checkin,
        "is_visitor": visit.visitor_id == request.user.pk,
        "can_check_in": checkin is None and editable and _may_check_in(request.user, visit),
        "purpose_names": [labels.get(p, p) for p in visit.purposes],
        "visitor_role": dict(Role.choices).get(visit.visitor_role, visit.visitor_role),
        "spot_check": spot_check_shown(request.user, visit),
    }
    return render(request, "visits/visit_detail.html", context)


@login_required
def visit_edit(request, pk):
    visit = selectors.visit_for_visitor(request.user, pk)
    if visit.is_cancelled:
        raise Http404
    initial = {
        "visited_on": visit.visited_on,
        "time_in": visit.time_in,
        "time_out": visit.time_out,
        "contacts": [str(c.pk) for c in visit.contacts.all()],
        "purposes": list(visit.purposes),
        "outcome": visit.outcome,
        "competitor_news": visit.competitor_news,
        "next_steps": visit.next_steps,
        "plan_line": str(visit.plan_line_id or ""),
    }
    form = _visit_form(request, visit.account, visit, initial)
    if checkin_of(visit) is not None:
        form.lock_checkin_fields()
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_update(visit=visit, by=request.user, data=form.to_input())
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your changes have been saved."))
            return redirect("visits:visit_detail", pk=pk)
    return render(
        request, "visits/visit_form.html", {"form": form, "account": visit.account, "visit": visit}
    )


@login_required
@require_POST
def visit_withdraw(request, pk):
    visit = selectors.visit_for_visitor(request.user, pk)
    try:
        services.visit_withdraw(visit=visit, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("visits:visit_detail", pk=pk)
    messages.success(request, _("The visit has been withdrawn."))
    return redirect(f"{reverse('visits:my_record')}?month={visit.visited_on:%Y-%m}")


# Itinerary changes (行程变更) -----------------------------------------------------------------


def _line_for_owner(user, pk) -> PlanLine:
    line = (
        PlanLine.objects.select_related("plan", "account")
        .filter(pk=pk, plan__in=plans_visible_to(user).values("pk"), is_cancelled=False)
        .first()
    )
    if line is None:
        raise Http404
    if line.plan.kam_id != user.pk or not roles.can_write_plan(user):
        raise PermissionDenied
    return line


@login_required
def itinerary_change(request, pk):
    line = _line_for_owner(request.user, pk)
    month = month_of(line.planned_on)
    visits = (
        Visit.objects.filter(
            visitor=request.user,
            account=line.account,
            is_cancelled=False,
            visited_on__gte=add_months(month, -1),
            visited_on__lte=month_end(add_months(month, 1)),
        )
        .filter(Q(plan_line__isnull=True) | Q(plan_line=line))
        .order_by("visited_on")
    )
    form = ItineraryChangeForm(request.POST or None, visits=list(visits))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.itinerary_change_report(
                line=line,
                by=request.user,
                what_changed=data["what_changed"],
                reason=data["reason"],
                new_date=data["new_date"],
                hours=data["hours"],
                visit=form.chosen_visit(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The change has been reported to your sales manager."))
            return redirect("visits:plan_detail", pk=line.plan_id)
    return render(request, "visits/itinerary_change.html", {"form": form, "line": line})


@login_required
@require_POST
def record_return(request, pk):
    """The sales manager or the sales VP sends a submitted record back with a comment."""
    record = selectors.record_for_user(request.user, pk)
    if not roles.can_return_record(request.user, record.kam):
        raise PermissionDenied
    try:
        record_returns.record_return(
            record=record, by=request.user, comment=request.POST.get("comment", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("The record has been returned to %(kam)s.") % {"kam": record.kam}
        )
    return redirect("visits:record_detail", pk=pk)
