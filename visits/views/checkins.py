"""签到 / 签退 (SPEC §8): the KAM's check-in pages, on her phone at the customer.

`visits:checkin` is where the workbench and the record pages send her: without parameters it
lists today's planned visits and her accounts; `?account=<pk>` (and `&line=<plan line pk>` for
a planned visit) is the check-in form for one customer.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.forms import SearchForm
from kam import roles
from visits.forms.checkins import LocationForm, PhotoForm
from visits.models.records import RecordStatus
from visits.selectors import checkins as selectors
from visits.services import checkins as services

ACCOUNTS_SHOWN = 50


def _error(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _today(request):
    """Today's planned visits, her check-ins of the day, and her accounts for an unplanned one."""
    query = SearchForm.text(request.GET)
    accounts = selectors.checkin_accounts(request.user)
    if query:
        accounts = accounts.filter(name__icontains=query)
    return render(
        request,
        "visits/checkin_today.html",
        {
            "rows": selectors.today_rows(request.user),
            "checkins": selectors.today_checkins(request.user),
            "accounts": accounts.order_by("name")[:ACCOUNTS_SHOWN],
            "q": query,
            "today": timezone.localdate(),
        },
    )


def _target(request):
    """The account (hers, live) and the plan line (today's, approved) named in the URL."""
    account_id, line_id = request.GET.get("account", ""), request.GET.get("line", "")
    accounts = selectors.checkin_accounts(request.user).select_related("location")
    account = accounts.filter(pk=account_id).first()
    if account is None:
        raise Http404
    if not line_id:
        return account, None
    if not line_id.isdigit():
        raise Http404
    line = selectors.today_lines(request.user).filter(pk=line_id, account=account).first()
    if line is None:
        raise Http404
    return account, line


@login_required
def checkin_start(request):
    if not roles.can_check_in(request.user):
        raise PermissionDenied
    if not request.GET.get("account", "").isdigit():
        return _today(request)
    account, line = _target(request)
    current = selectors.open_checkin(request.user, account)
    if current is not None:
        return redirect("visits:checkin_visit", pk=current.visit_id)
    # Not `request.POST or None`: a form posted without a position is empty, and still a post.
    form = LocationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            checkin = services.checkin_create(
                by=request.user,
                account=account,
                plan_line=line,
                fix=form.fix(),
                reported_status=form.reported_status(),
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("You have checked in."))
            return redirect("visits:checkin_visit", pk=checkin.visit_id)
    return render(
        request,
        "visits/checkin_form.html",
        {
            "account": account,
            "line": line,
            "form": form,
            "location": getattr(account, "location", None),  # None when not set yet
        },
    )


@login_required
def checkin_visit(request, pk):
    """The visitor's page of one check-in: check out, add a photo, use as the location."""
    checkin = selectors.checkin_for_visitor(request.user, pk)
    visit = checkin.visit
    account = visit.account
    location = getattr(account, "location", None)
    record_open = visit.record is None or visit.record.status == RecordStatus.OPEN
    return render(
        request,
        "visits/checkin_visit.html",
        {
            "checkin": checkin,
            "visit": visit,
            "account": account,
            "location": location,
            "checkout_form": LocationForm(),
            "photo_form": PhotoForm(),
            "can_act": not visit.is_cancelled and record_open,
            "can_set_location": checkin.is_located
            and account.owner_id == request.user.pk
            and not visit.is_cancelled
            and (location is None or location.set_from_id != checkin.pk),
            "photo_max_mb": settings.CHECKIN_PHOTO_MAX_BYTES // (1024 * 1024),
        },
    )


@login_required
@require_POST
def checkin_checkout(request, pk):
    checkin = selectors.checkin_for_visitor(request.user, pk)
    form = LocationForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("The position sent by the browser could not be read."))
        services.checkin_checkout(checkin=checkin, by=request.user, fix=form.fix())
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("You have checked out: the hours stayed are in the visit."))
    return redirect("visits:checkin_visit", pk=pk)


@login_required
@require_POST
def checkin_photo_upload(request, pk):
    checkin = selectors.checkin_for_visitor(request.user, pk)
    form = PhotoForm(request.POST, request.FILES)
    try:
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        services.checkin_photo_set(checkin=checkin, by=request.user, upload=form.files["photo"])
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The photo has been added."))
    return redirect("visits:checkin_visit", pk=pk)


@login_required
def checkin_photo(request, pk):
    """The photo, to whoever may read the visit, from here only: MEDIA_ROOT is not served."""
    checkin = selectors.photo_for_reader(request.user, pk)
    try:
        handle = checkin.photo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def account_location_set(request, pk):
    checkin = selectors.checkin_for_visitor(request.user, pk)
    try:
        services.account_location_set(checkin=checkin, by=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("This position is now the customer's location."))
    return redirect("visits:checkin_visit", pk=pk)
