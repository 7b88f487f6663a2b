"""The executive schedule (高层拜访日程, §14.1): the GM office's year page, item edits, and
each visitor's own schedule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.forms import SearchForm
from accounts.models import KeyAccount
from kam import roles
from kam.forms import add_service_error
from visits.forms.lists import YearFilterForm
from visits.forms.schedule import ScheduledVisitForm, ScheduleFilterForm
from visits.models import ExecutiveSchedule
from visits.months import add_months
from visits.selectors import schedule as sel
from visits.services import schedule as services
from visits.services.schedule import editable_years, first_open_month

ACCOUNTS_PER_PAGE = 25
MY_ITEMS_PER_PAGE = 50


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _default_year() -> int:
    """December is when next year's schedule is set; the rest of the year, this year's."""
    today = timezone.localdate()
    return today.year + 1 if today.month == 12 else today.year


@login_required
def schedule_home(request):
    _require(roles.can_see_schedule(request.user))
    return redirect("visits:schedule_year", year=_default_year())


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def schedule_year(request, year: int):
    user = request.user
    _require(roles.can_see_schedule(user))
    schedule = sel.schedule_of_year(year)
    can_edit = roles.can_edit_schedule(user) and year in editable_years()
    form = ScheduleFilterForm(request.GET or None, year=year)
    context = {
        "year": year,
        "schedule": schedule,
        "can_edit": can_edit,
        "form": form,
        "years": _year_links(year),
        "this_month": timezone.localdate().replace(day=1),
        "archive_links": roles.is_company_wide(user),
        "months": [dt.date(year, m, 1) for m in range(1, 13)],
    }
    if schedule is not None:
        f = form.to_filter()
        page = Paginator(sel.schedule_accounts(schedule, f), ACCOUNTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
        query = request.GET.copy()
        query.pop("page", None)
        context |= {
            "page": page,
            "query": query.urlencode(),
            "grid": sel.schedule_grid(schedule, f, list(page.object_list)),
            "load": sel.schedule_load(schedule),
        }
    return render(request, "visits/schedule_year.html", context)


def _year_links(year: int) -> list[int]:
    known = set(ExecutiveSchedule.objects.values_list("year", flat=True))
    return sorted(known | set(editable_years()) | {year})


@login_required
@require_POST
def schedule_propose(request, year: int):
    _require(roles.can_edit_schedule(request.user))
    try:
        result = services.schedule_propose(year=year, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("visits:schedule_year", year=year)
    if result.added:
        messages.success(
            request,
            ngettext(
                "%(n)s visit proposed from the frequency rules.",
                "%(n)s visits proposed from the frequency rules.",
                result.added,
            )
            % {"n": result.added},
        )
    else:
        messages.info(request, _("The schedule already has every visit the rules ask for."))
    if result.unstaffed:
        messages.warning(
            request,
            ngettext(
                "%(n)s visit could not be given to anyone: its account's KAM has no sales "
                "manager, or nobody holds the executive role.",
                "%(n)s visits could not be given to anyone: their accounts' KAMs have no sales "
                "manager, or nobody holds the executive role.",
                len(result.unstaffed),
            )
            % {"n": len(result.unstaffed)},
        )
    return redirect("visits:schedule_year", year=year)


@login_required
@require_POST
def schedule_publish(request, year: int):
    _require(roles.can_edit_schedule(request.user))
    schedule = get_object_or_404(ExecutiveSchedule, year=year)
    try:
        told = services.schedule_publish(schedule=schedule, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            ngettext(
                "Published: %(n)s person has been told about their visits.",
                "Published: %(n)s people have been told about their visits.",
                told,
            )
            % {"n": told},
        )
    return redirect("visits:schedule_year", year=year)


@login_required
def schedule_item(request, pk: int):
    """Move an item to another month or visitor; the page shows everyone's monthly load."""
    item = sel.item_for_editor(request.user, pk)
    schedule = item.schedule
    form = ScheduledVisitForm(
        request.POST or None,
        year=schedule.year,
        first_month=first_open_month(schedule.year),
        initial={"month": item.month.month, "visitor": item.visitor},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.scheduled_visit_move(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The visit has been moved."))
            return redirect("visits:schedule_year", year=schedule.year)
    return render(
        request,
        "visits/schedule_item.html",
        {
            "item": item,
            "schedule": schedule,
            "form": form,
            "load": sel.schedule_load(schedule),
            "months": [dt.date(schedule.year, m, 1) for m in range(1, 13)],
            "editable": item.done_visit_id is None and schedule.year in editable_years(),
        },
    )


@login_required
@require_POST
def schedule_item_remove(request, pk: int):
    item = sel.item_for_editor(request.user, pk)
    try:
        services.scheduled_visit_remove(item=item, by=request.user)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
        return redirect("visits:schedule_item", pk=pk)
    messages.success(
        request,
        _("%(visitor)s's visit to %(account)s has been removed.")
        % {"visitor": item.visitor, "account": item.account},
    )
    return redirect("visits:schedule_year", year=item.schedule.year)


@login_required
def schedule_add(request, year: int):
    """Add a visit for an account, found by name when none is chosen yet."""
    _require(roles.can_edit_schedule(request.user))
    schedule = get_object_or_404(ExecutiveSchedule, year=year)
    account_pk = request.GET.get("account") or request.POST.get("account")
    account = None
    if account_pk and account_pk.isdigit():
        account = get_object_or_404(KeyAccount, pk=account_pk, is_archived=False)
    query = SearchForm.text(request.GET)
    found = sel.accounts_to_schedule(query) if account is None and len(query) >= 2 else []
    form = ScheduledVisitForm(request.POST or None, year=year, first_month=first_open_month(year))
    if request.method == "POST" and account is not None and form.is_valid():
        try:
            services.scheduled_visit_add(
                schedule=schedule, by=request.user, account=account, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The visit has been added."))
            return redirect("visits:schedule_year", year=year)
    return render(
        request,
        "visits/schedule_add.html",
        {"schedule": schedule, "account": account, "query": query, "found": found, "form": form},
    )


@dataclass
class MonthTally:
    month: dt.date
    total: int = 0
    done: int = 0


@login_required
def my_schedule(request):
    """The visitor's year: a tally per month, then the visits still to make (overdue, this
    month's and next month's) or, with ?show=all, every visit of the year."""
    user = request.user
    _require(roles.has_own_schedule(user))
    this_month = timezone.localdate().replace(day=1)
    asked = YearFilterForm(request.GET, this_year=this_month.year).values()
    year, show_all = asked["year"], asked["show"] == "all"
    counts = sel.my_schedule_counts(user, year)
    tally = [MonthTally(dt.date(year, m, 1)) for m in range(1, 13)]
    for t in tally:
        t.total, t.done = counts.get(t.month, (0, 0))
    horizon = add_months(this_month, 1)
    if show_all:
        items = sel.my_scheduled_visits(user, year)
    else:
        items = sel.my_visits_to_do(user, year, horizon)
    # An executive's year can hold thousands of visits: a page at a time, with the tally of
    # every month above it.
    page = Paginator(items, MY_ITEMS_PER_PAGE).get_page(request.GET.get("page"))
    query = f"year={year}" + ("&show=all" if show_all else "")
    return render(
        request,
        "visits/my_schedule.html",
        {
            "year": year,
            "years": sorted(set(sel.my_schedule_years(user)) | {year}),
            "items": page.object_list,
            "page": page,
            "query": query,
            "total": sum(t.total for t in tally),
            "done": sum(t.done for t in tally),
            "tally": tally,
            "show_all": show_all,
            "this_month": this_month,
            "can_see_all": roles.can_see_schedule(user),
        },
    )
