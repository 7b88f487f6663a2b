"""Pages of the analysis (SPEC §6): the tier review and the churn risk list."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.selectors import account_for_owner
from analysis import churn, pareto, selectors, services
from analysis.charts import pareto_chart, sales_chart
from analysis.forms import CriteriaForm, PeriodForm, ProposalFilterForm
from analysis.models import AccountCriteria, ProposalStatus, TierProposal, TierRule
from kam import roles

TOP = 10


def _period(data) -> tuple[PeriodForm, tuple]:
    start, end = selectors.default_period(timezone.localdate())
    form = PeriodForm(data if "start" in data else None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        return form, (form.cleaned_data["start"], form.cleaned_data["end"])
    return form, (start, end)


def _review_url(start, end) -> str:
    return f"{reverse('analysis:tiers')}?{urlencode({'start': start, 'end': end})}"


@login_required
def tier_review(request):
    if not roles.can_see_tier_review(request.user):
        raise PermissionDenied
    form, (start, end) = _period(request.GET)
    rule = TierRule.current()
    t = services.thresholds(rule)
    ranked = pareto.rank(selectors.tier_figures(start, end), t)
    named = selectors.accounts_named([r.figure.pk for r in ranked[:TOP]])
    review = selectors.review_for(start, end)
    status = ProposalFilterForm.status_of(request.GET)
    page = None
    if review is not None:
        proposals = selectors.proposals_of(review, status=status)
        page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "analysis/tiers.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "rule": rule,
            "ranked_count": len(ranked),
            "top": [(r, named[r.figure.pk]) for r in ranked[:TOP]],
            "classes": pareto.classes(ranked),
            "chart": pareto_chart(pareto.curve(ranked)),
            "review": review,
            "page": page,
            "status": status,
            "statuses": [("", _("All")), *ProposalStatus.choices],
            "query": urlencode({"start": start, "end": end, "status": status}),
            "can_prepare": roles.can_prepare_tier_review(request.user),
            "can_decide": roles.can_decide_tier(request.user),
            "recent": selectors.recent_reviews(),
        },
    )


@login_required
@require_POST
def tier_review_prepare(request):
    if not roles.can_prepare_tier_review(request.user):
        raise PermissionDenied
    form, (start, end) = _period(request.POST)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Choose a valid period."))
        return redirect("analysis:tiers")
    review = services.review_prepare(start=start, end=end, by=request.user)
    n = review.proposals.filter(status=ProposalStatus.PROPOSED).count()
    messages.success(request, _("The review is prepared: %(n)d proposals.") % {"n": n})
    return redirect(_review_url(start, end))


@login_required
@require_POST
def proposal_decide(request, pk):
    if not roles.can_decide_tier(request.user):
        raise PermissionDenied
    proposal = get_object_or_404(TierProposal.objects.select_related("review", "account"), pk=pk)
    decision = request.POST.get("decision")
    try:
        if decision == "accept":
            services.proposal_accept(proposal=proposal, by=request.user)
            messages.success(
                request,
                _("%(account)s is now %(tier)s.")
                % {"account": proposal.account, "tier": proposal.get_to_tier_display()},
            )
        elif decision == "reject":
            services.proposal_reject(proposal=proposal, by=request.user)
            messages.info(request, _("%(account)s keeps its tier.") % {"account": proposal.account})
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    review = proposal.review
    return redirect(_review_url(review.period_start, review.period_end))


def reasons_of(account, w) -> list[tuple[str, str]]:
    """The reasons that are on for one row of the risk list, as (label, detail)."""
    out = []
    for reason, row in w.items():
        if row.weight and getattr(account, f"r_{reason}"):
            out.append((reason, row))
    return out


@login_required
def churn_list(request):
    if not roles.can_see_churn(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    w = churn.weights()
    qs = selectors.accounts_at_risk(request.user, today, w)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(a, reasons_of(a, w)) for a in page]
    return render(
        request,
        "analysis/churn.html",
        {"page": page, "rows": rows, "weights": w.values(), "query": "", "today": today},
    )


@login_required
def criteria_edit(request, pk):
    account = account_for_owner(request.user, pk)
    instance = AccountCriteria.objects.filter(account=account).first()
    form = CriteriaForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.criteria_save(account=account, by=request.user, data=form.cleaned_data)
        messages.success(request, _("The criteria have been saved."))
        return redirect("accounts:detail", pk=account.pk)
    return render(request, "analysis/criteria.html", {"form": form, "account": account})


def sales_figures_panel(request, account, can_edit: bool) -> dict:
    """The archive page's sales figures (an account panel, registered in analysis/apps.py):
    24 months invoiced and collected, the share of company revenue, and the qualitative
    criteria (four queries)."""
    figures = selectors.sales_figures(account, timezone.localdate())
    return {
        "account": account,
        "figures": figures,
        "rows": list(zip(figures.months, figures.invoiced, figures.collected, strict=True)),
        "chart": sales_chart(figures.months, figures.invoiced, figures.collected),
        "criteria": AccountCriteria.objects.filter(account=account).first(),
        "can_edit_criteria": roles.can_edit_criteria(request.user, account),
    }
