"""The receivables view (应收账款): company → team → KAM → account, scoped like the list."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.forms import active_kams
from accounts.selectors import accounts_visible_to
from kam import drill, roles
from kam.drill import Level
from kam.models import Team
from kam.money import money_text
from receivables.aging import BUCKET_KEYS, BUCKET_LABELS, BUCKET_TONES
from receivables.charts import Bar, bar_chart
from receivables.forms import ReceivablesFilterForm
from receivables.selectors import report
from receivables.selectors.account import Aging

ROWS_PER_PAGE = 50


# The rows each drill-down step lists: the company its teams, a team its KAMs, a KAM her
# accounts.
ROWS_OF = {Level.COMPANY: "team", Level.TEAM: "kam", Level.KAM: "account"}


def _default_level(user, team, owner) -> str:
    if owner is not None:
        return ROWS_OF[Level.KAM]
    if team is not None:
        return ROWS_OF[Level.TEAM]
    return ROWS_OF.get(drill.start(user), "account")


def _link(**params) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("receivables:report") + (f"?{query}" if query else "")


def _row(level: str, values: dict, rate, period: str) -> dict:
    key, _names = report.LEVELS[level]
    pk = values[key]
    if level == "team":
        name = values["account__owner__team__name"] or _("(no team)")
        href = _link(team=pk, by="kam", period=period) if pk else ""
        owner = ""
    elif level == "kam":
        name = values["account__owner__name"] or values["account__owner__username"]
        href, owner = _link(owner=pk, by="account", period=period), ""
    else:
        name = values["account__name"]
        href = reverse("receivables:account", args=[pk])
        owner = values["account__owner__name"] or values["account__owner__username"]
    aging = Aging.from_row(values)
    return {"name": name, "href": href, "owner": owner, "aging": aging, "rate": rate}


def _aging_chart(total: Aging):
    bars = [
        Bar(str(BUCKET_LABELS[k]), total.buckets[k], money_text(total.buckets[k]), BUCKET_TONES[k])
        for k in BUCKET_KEYS
    ]
    return bar_chart(_("Outstanding by age (yuan)"), bars, bar_width=92, gap=22)


def _collection_chart(series):
    bars = [
        Bar(
            c.label,
            c.rate if c.rate is not None else Decimal(0),
            f"{c.rate}%" if c.rate is not None else "—",
            "primary",
        )
        for c in series
    ]
    return bar_chart(
        _("Collection rate per period (%)"),
        bars,
        scale_max=Decimal(100),
        guides=[(Decimal(50), "50%"), (Decimal(100), "100%")],
        bar_width=40,
        gap=14,
    )


def _step_url(step: drill.Step, period: str) -> str:
    if step.level is Level.COMPANY:
        return _link(period=period)
    if step.level is Level.TEAM:
        return _link(team=step.team.pk, by="kam", period=period)
    return _link(owner=step.kam.pk, by="account", period=period)


def _crumbs(user, team, owner, period: str) -> list[tuple[str, str]]:
    """The same trail as the compliance dashboard's."""
    return [(s.label, _step_url(s, period)) for s in drill.trail(user, team=team, kam=owner)]


def _filters(request):
    user = request.user
    visible = accounts_visible_to(user)
    owners = active_kams().filter(pk__in=visible.values("owner")).select_related("team")
    teams = Team.objects.filter(members__in=owners).distinct().order_by("name")
    form = ReceivablesFilterForm(request.GET or None, teams=teams, owners=owners)
    data = form.cleaned_data if form.is_valid() else {}
    return form, data.get("team"), data.get("owner"), data.get("by"), data.get("period")


@login_required
def receivables(request):
    user = request.user
    if not roles.can_use_receivables(user):
        raise PermissionDenied
    today = timezone.localdate()
    form, team, owner, level, period = _filters(request)
    level = level or _default_level(user, team, owner)
    top = drill.start(user)
    period = period or "month"
    accounts = report.scoped_accounts(user, team, owner)
    total, credit = report.aging_total(accounts, today)
    page = Paginator(report.aging_rows(accounts, level, today), ROWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    spans = report.periods(period, today)
    series = report.collection_series(accounts, spans)
    key = report.LEVELS[level][0]
    rates = report.collection_by_row(accounts, level, spans[-1], [r[key] for r in page])
    rows = [_row(level, r, rates.get(r[key]), period) for r in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "receivables/report.html",
        {
            "form": form,
            "show_team": top is Level.COMPANY,
            "show_owner": top in {Level.COMPANY, Level.TEAM},
            "crumbs": _crumbs(user, team, owner, period),
            "team": team,
            "owner": owner,
            "level": level,
            "period": period,
            "total": total,
            "credit": credit,
            "current": series[-1],
            "series": series,
            "page": page,
            "rows": rows,
            "top": report.top_overdue(accounts, today),
            "aging_chart": _aging_chart(total),
            "collection_chart": _collection_chart(series),
            "query": query.urlencode(),
            "today": today,
        },
    )
