"""Spot checks (抽查, §14.2): the proposed sample, starting it, and each call's result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kam import roles
from kam.inputs import form_error_messages
from visits.forms.lists import MonthFilterForm
from visits.forms.records import SpotCheckForm
from visits.models.records import SpotResult
from visits.months import add_months, parse_month, this_month
from visits.selectors import spot_checks as selectors
from visits.services import spot_checks as services


def _page_url(month) -> str:
    return f"{reverse('visits:spot_checks')}?month={month:%Y-%m}"


@login_required
def spot_check_list(request):
    user = request.user
    if not roles.can_see_spot_checks(user):
        raise PermissionDenied
    # Records arrive by the 5th: by default the checks are about last month.
    month = MonthFilterForm(request.GET, default=add_months(this_month(), -1)).values()["month"]
    page = selectors.spot_checks_page(user, month, request.GET.get("page"))
    checks = page.object_list
    context = {
        "month": month,
        "checks": checks,
        "can_check": roles.can_spot_check(user),
        "page": page,
        "query": f"month={month:%Y-%m}",
    }
    if roles.can_spot_check(user):
        population = selectors.spot_check_population(user, month)
        context["population"] = population.count()
        if not page.paginator.count:
            context["proposal"] = selectors.proposed_visits(user, month)
        contacts = selectors.active_contacts({c.visit.account_id for c in checks})
        context["phones"] = selectors.phones(user, checks, contacts)
        context["forms"] = {
            c.pk: SpotCheckForm(
                prefix=f"c{c.pk}",
                html_form=f"check-{c.pk}",
                about=f"{c.visit.account.name} {c.visit.visited_on:%Y-%m-%d}",
                contacts=contacts.get(c.visit.account_id, []),
                initial={
                    "result": c.result if c.result != SpotResult.PENDING else "",
                    "called_contact": str(c.called_contact_id or ""),
                    "notes": c.notes,
                },
            )
            for c in checks
        }
    phones = context.get("phones", {})
    context["rows"] = [
        (c, context.get("forms", {}).get(c.pk), phones.get(c.visit.account_id, [])) for c in checks
    ]
    context["prev_month"], context["next_month"] = add_months(month, -1), add_months(month, 1)
    return render(request, "visits/spot_checks.html", context)


@login_required
@require_POST
def spot_checks_start(request):
    if not roles.can_spot_check(request.user):
        raise PermissionDenied
    month = parse_month(request.POST.get("month"))
    if month is None:
        raise Http404
    try:
        checks = services.spot_checks_start(manager=request.user, month=month, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d visits to check by phone.") % {"n": len(checks)})
    return redirect(_page_url(month))


@login_required
@require_POST
def spot_check_record(request, pk):
    if not roles.can_spot_check(request.user):
        raise PermissionDenied
    check = selectors.spot_check_for_user(request.user, pk)
    contacts = selectors.account_contacts(check.visit.account_id)
    form = SpotCheckForm(request.POST, prefix=f"c{check.pk}", contacts=contacts)
    try:
        if not form.is_valid():
            raise ValidationError(form_error_messages(form))
        services.spot_check_record(
            check=check,
            by=request.user,
            result=form.cleaned_data["result"],
            contact=form.contact(),
            notes=form.cleaned_data["notes"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The result has been recorded."))
    return redirect(_page_url(check.month))
