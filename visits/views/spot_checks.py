"""Spot checks (抽查, §14.2): the proposed sample, starting it, and each call's result."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Contact
from accounts.selectors import archives_readable_by
from kam import roles
from kam.inputs import form_error_messages
from visits.forms.records import SpotCheckForm
from visits.models import Visit
from visits.models.records import SpotResult
from visits.months import add_months, parse_month, this_month
from visits.selectors import spot_checks as selectors
from visits.services import spot_checks as services


def _contacts(account_ids) -> dict[int, list[Contact]]:
    out: dict[int, list[Contact]] = defaultdict(list)
    for contact in Contact.objects.filter(account__in=account_ids, is_active=True):
        out[contact.account_id].append(contact)
    return out


def _phones(user, checks, contacts) -> dict[int, list[Contact]]:
    """Whom the checker may call, per account: contacts with a number, and only on accounts
    whose archive he may read (contacts are archive material, SPEC §2)."""
    readable = set(
        archives_readable_by(user)
        .filter(pk__in={c.visit.account_id for c in checks})
        .values_list("pk", flat=True)
    )
    return {
        account: [c for c in people if c.phone]
        for account, people in contacts.items()
        if account in readable
    }


CHECKS_PER_PAGE = 50


def _page_url(month) -> str:
    return f"{reverse('visits:spot_checks')}?month={month:%Y-%m}"


@login_required
def spot_check_list(request):
    user = request.user
    if not roles.can_see_spot_checks(user):
        raise PermissionDenied
    # Records arrive by the 5th: by default the checks are about last month.
    month = parse_month(request.GET.get("month"), default=add_months(this_month(), -1))
    # A page at a time: a sales manager of a large team has hundreds of checks in a month,
    # each with its own little form. The month's ids are paged in Python: with LIMIT in the
    # SQL, PostgreSQL walked every visit by date looking for the month's few checks (1 s at
    # --scale 20000).
    visible = selectors.spot_checks_visible_to(user)
    ids = list(
        visible.filter(month=month).order_by("visit__visited_on", "pk").values_list("pk", flat=True)
    )
    page = Paginator(ids, CHECKS_PER_PAGE).get_page(request.GET.get("page"))
    by_pk = visible.in_bulk(list(page.object_list))
    checks = [by_pk[pk] for pk in page.object_list]
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
            context["proposal"] = list(
                Visit.objects.filter(pk__in=selectors.spot_check_sample(user, month))
                .select_related("account", "visitor")
                .order_by("visited_on", "pk")
            )
        contacts = _contacts({c.visit.account_id for c in checks})
        context["phones"] = _phones(user, checks, contacts)
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
    check = selectors.spot_checks_visible_to(request.user).filter(pk=pk).first()
    if check is None:
        raise Http404
    contacts = list(Contact.objects.filter(account=check.visit.account_id))
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
