"""Administrators' pages: each KAM's targets for a period (typed in or imported from Excel)
and the scoring schemes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import imports, services
from appraisal.forms import SchemeCopyForm, SchemeForm, TargetsForm, TargetsImportForm
from appraisal.models import Period, Scheme, Target
from kam.inputs import form_error_messages
from kam.models import User
from kam.roles import Role, can_manage_appraisal


def _admin_only(user) -> None:
    if not can_manage_appraisal(user):
        raise PermissionDenied


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def kams_for_targets():
    return (
        User.objects.filter(role=Role.KAM, is_active=True)
        .select_related("team")
        .order_by("team__name", "name", "username")
    )


@login_required
def targets(request, pk: int):
    _admin_only(request.user)
    period = get_object_or_404(Period, pk=pk)
    current = {t.kam_id: t for t in Target.objects.filter(period=period)}
    form = TargetsForm(request.POST or None, kams=kams_for_targets(), initial_targets=current)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.targets_save(period=period, by=request.user, values=form.values())
            messages.success(request, _("%(count)d targets saved.") % {"count": changed})
            return redirect("appraisal:targets", period.pk)
        except ValidationError as exc:
            _errors(request, exc)
    return render(
        request,
        "appraisal/targets.html",
        {"period": period, "form": form, "import_form": TargetsImportForm()},
    )


@login_required
@require_POST
def targets_import(request, pk: int):
    _admin_only(request.user)
    period = get_object_or_404(Period, pk=pk)
    form = TargetsImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose an Excel file to import."))
        return redirect("appraisal:targets", period.pk)
    try:
        changed = imports.targets_import(
            period=period, by=request.user, file=form.cleaned_data["file"]
        )
        messages.success(request, _("%(count)d targets imported.") % {"count": changed})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("appraisal:targets", period.pk)


@login_required
def scheme_list(request):
    _admin_only(request.user)
    if request.method == "POST":
        pk = request.POST.get("default", "")
        scheme = get_object_or_404(Scheme, pk=int(pk) if pk.isdigit() else 0)
        services.scheme_make_default(scheme=scheme, by=request.user)
        messages.success(request, _("New rollups will use %(name)s.") % {"name": scheme.name})
        return redirect("appraisal:schemes")
    services.scheme_default()
    schemes = Scheme.objects.prefetch_related("dimensions")
    frozen = set(
        Scheme.objects.filter(periods__status="final").values_list("pk", flat=True).distinct()
    )
    return render(request, "appraisal/schemes.html", {"schemes": schemes, "frozen": frozen})


@login_required
def scheme_edit(request, pk: int):
    _admin_only(request.user)
    scheme = get_object_or_404(Scheme, pk=pk)
    frozen = scheme.is_frozen
    form = SchemeForm(request.POST or None, rules=services.scheme_rules(scheme))
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_update(scheme=scheme, by=request.user, rules=form.rules())
            messages.success(request, _("The scheme is saved."))
            return redirect("appraisal:schemes")
        except ValidationError as exc:
            _errors(request, exc)
    return render(
        request,
        "appraisal/scheme_edit.html",
        {"scheme": scheme, "form": form, "frozen": frozen, "copy_form": SchemeCopyForm()},
    )


@login_required
@require_POST
def scheme_copy(request, pk: int):
    _admin_only(request.user)
    scheme = get_object_or_404(Scheme, pk=pk)
    form = SchemeCopyForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form_error_messages(form))
        copy = services.scheme_copy(scheme=scheme, by=request.user, name=form.cleaned_data["name"])
        return redirect("appraisal:scheme_edit", copy.pk)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("appraisal:scheme_edit", scheme.pk)
