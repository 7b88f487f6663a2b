"""The appraisal pages: periods, the overview with ranking, a KAM's detail, adjustments,
rollups on demand and finalisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from appraisal import rollup, selectors, services
from appraisal.forms import AdjustForm, PeriodForm, RollupForm
from appraisal.models import SHORT_LABELS, Dimension, Period, PeriodStatus, Score
from appraisal.periods import period_get_or_create
from kam import roles


def _period_for_read(user, pk: int) -> Period:
    if not roles.can_see_appraisal(user):
        raise PermissionDenied
    return get_object_or_404(Period.objects.select_related("scheme", "finalised_by"), pk=pk)


def _errors(request, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@login_required
def period_list(request):
    if not roles.can_see_appraisal(request.user):
        raise PermissionDenied
    form = PeriodForm(request.POST or None)
    if request.method == "POST":
        if not roles.can_manage_appraisal(request.user):
            raise PermissionDenied
        if form.is_valid():
            period = period_get_or_create(**form.cleaned_data)
            return redirect("appraisal:overview", period.pk)
    return render(
        request,
        "appraisal/periods.html",
        {
            "periods": selectors.periods_for(request.user),
            "form": form,
            "can_manage": roles.can_manage_appraisal(request.user),
        },
    )


@login_required
def overview(request, pk: int):
    period = _period_for_read(request.user, pk)
    visible = selectors.rows_visible_to(request.user, period)
    rows = selectors.overview_rows(visible)
    user = request.user
    return render(
        request,
        "appraisal/overview.html",
        {
            "period": period,
            "rows": rows,
            "totals": selectors.totals(visible),
            "dimensions": [(d.value, SHORT_LABELS[d], d.label) for d in Dimension],
            "can_manage": roles.can_manage_appraisal(user) and not period.is_final,
            "can_export": roles.can_export_appraisal(user),
            "can_finalise": roles.can_finalise_appraisal(user)
            and period.status == PeriodStatus.SCORED,
            "rollup_form": RollupForm(initial={"scheme": period.scheme_id}),
        },
    )


@login_required
def detail(request, pk: int, kam_id: int):
    period = _period_for_read(request.user, pk)
    row = get_object_or_404(
        selectors.rows_with_scores(selectors.rows_visible_to(request.user, period)), kam_id=kam_id
    )
    may_adjust = not period.is_final and roles.can_adjust_score(request.user, row.kam)
    return render(
        request,
        "appraisal/detail.html",
        {
            "period": period,
            "row": row,
            "targets": row.figures.get("targets", {}),
            "adjustments": selectors.adjustments_of(row),
            "lines": selectors.account_lines(row),
            "may_adjust": may_adjust,
            "adjust_form": AdjustForm() if may_adjust else None,
        },
    )


@login_required
@require_POST
def adjust(request, pk: int):
    score = get_object_or_404(Score.objects.select_related("row__kam__team", "row__period"), pk=pk)
    row = score.row
    visible = selectors.rows_visible_to(request.user, row.period).filter(pk=row.pk).exists()
    if not roles.can_see_appraisal(request.user) or not visible:
        raise PermissionDenied
    if not roles.can_adjust_score(request.user, row.kam):
        raise PermissionDenied
    form = AdjustForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    else:
        try:
            services.score_adjust(
                score=score,
                by=request.user,
                value=form.cleaned_data["score"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The score is changed and your reason is kept."))
        except ValidationError as exc:
            _errors(request, exc)
    return redirect("appraisal:detail", row.period_id, row.kam_id)


@login_required
@require_POST
def rollup_now(request, pk: int):
    period = _period_for_read(request.user, pk)
    if not roles.can_manage_appraisal(request.user):
        raise PermissionDenied
    form = RollupForm(request.POST)
    scheme = form.cleaned_data["scheme"] if form.is_valid() else None
    try:
        count = rollup.period_rollup(
            period=period, by=request.user, today=timezone.localdate(), scheme=scheme
        )
        messages.success(request, _("Scored %(count)d key account managers.") % {"count": count})
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("appraisal:overview", period.pk)


@login_required
@require_POST
def finalise(request, pk: int):
    period = _period_for_read(request.user, pk)
    if not roles.can_finalise_appraisal(request.user):
        raise PermissionDenied
    try:
        services.period_finalise(period=period, by=request.user)
        messages.success(request, _("The appraisal is final."))
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("appraisal:overview", period.pk)


@login_required
def explanation(request):
    if not roles.can_see_appraisal(request.user):
        raise PermissionDenied
    scheme = services.scheme_default()
    return render(
        request,
        "appraisal/explanation.html",
        {"scheme": scheme, "rules": services.scheme_rules(scheme), "dimensions": Dimension},
    )
