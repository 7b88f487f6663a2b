"""The compliance dashboard (SPEC §3): company → team → KAM → account → visit, for a month, a
quarter or a year; and the frequency rules in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.selectors import accounts_visible_to
from kam import drill, periods, roles
from kam.drill import Level
from kam.models import Team, User
from kam.roles import Role
from visits import compliance as c
from visits import rules
from visits.charts import Series, line_chart
from visits.compliance.windows import SLOTS
from visits.forms.lists import PeriodFilterForm
from visits.models import FrequencyRule, Visit
from visits.selectors.requirements import account_needs, rules_in_force
from visits.selectors.spot_checks import mark_spot_checks
from visits.tally import tally_catch_up

ACCOUNTS_PER_PAGE = 50
VISITS_PER_PAGE = 50


@dataclass
class Row:
    label: str
    figures: c.Figures
    url: str = ""
    note: str = ""
    badges: list[str] | None = None


@dataclass(frozen=True)
class NeedState:
    """A requirement's state on the account page, worded and toned here (kam.tones)."""

    key: str
    label: str
    tone: str
    title: str = ""

    @property
    def row_class(self) -> str:
        return "table-danger" if self.key == rules.MISSED else ""


def need_state(need: rules.Need, today: dt.date) -> NeedState:
    state = need.state(today)
    if state == rules.MET:
        return NeedState(state, _("Met"), "success")
    if state == rules.MISSED:
        return NeedState(state, _("Missed"), "danger")
    if state == rules.OPEN:
        due = date_format(need.window.due, "SHORT_DATE_FORMAT")
        return NeedState(state, _("Open, due %(due)s") % {"due": due}, "secondary")
    title = _("The account became a key account of its tier after this window began.")
    return NeedState(state, _("Not owed"), "light", title)


def period_label(period: c.Period) -> str:
    return periods.period_label(period.kind, period.start)


def slot_labels() -> dict[str, str]:
    """A slot is a visitor's role, named as kam/roles.py names it, or the card or festivals."""
    kinds = {"year_end_card": _("Year-end card"), "festival": _("Festivals")}
    return {s: kinds[s] if s in kinds else str(Role(s).label) for s in SLOTS}


def _url(name: str, period: c.Period, *args) -> str:
    return f"{reverse(name, args=args)}?p={period.param}"


def _trend_chart(points: list[c.TrendPoint], with_documents: bool):
    # The year is said on the first point and on each January; the other points name the month.
    labels = [
        periods.month_label(p.month)
        if i == 0 or p.month.month == 1
        else periods.month_name(p.month)
        for i, p in enumerate(points)
    ]
    series = [Series(_("Frequency rules met"), [p.rules_met for p in points])]
    if with_documents:
        series += [
            Series(_("Plans on time"), [p.plans_on_time for p in points]),
            Series(_("Records on time"), [p.records_on_time for p in points]),
        ]
    series.append(Series(_("Planned visits done"), [p.lines_done for p in points]))
    return line_chart(_("12-month trend"), labels, series)


def _prepare() -> tuple[dt.date, list]:
    """Today, the rules in force, and a rollup brought up to date with them."""
    today, rule_list = timezone.localdate(), rules_in_force()
    tally_catch_up(today=today, rule_list=rule_list)
    return today, rule_list


def _here(request, period: c.Period) -> str:
    """This page for another period."""
    match = request.resolver_match
    return f"{reverse(match.view_name, kwargs=match.kwargs)}?p={period.param}"


def _page(request, template: str, *, period, board, crumbs, **extra):
    today = timezone.localdate()
    documents = extra.pop("documents", True)
    total = board.total
    labels = slot_labels()
    context = {
        "period": period,
        "period_label": period_label(period),
        "kinds": [
            (kind, label, _here(request, period.as_kind(kind)))
            for kind, label in (
                ("month", _("Month")),
                ("quarter", _("Quarter")),
                ("year", _("Year")),
            )
        ],
        "prev_url": _here(request, period.shift(-1)),
        "next_url": _here(request, period.shift(1)),
        "now_url": _here(request, c.parse_period("", today).as_kind(period.kind)),
        "total": total,
        "crumbs": crumbs,
        "slots": [(labels[s], total.windows.overdue.get(s, 0)) for s in SLOTS],
        "chart": _trend_chart(board.trend, documents),
        "documents": documents,
        "today": today,
        **extra,
    }
    return render(request, template, context)


def _step_url(step: drill.Step, period: c.Period) -> str:
    if step.level is Level.COMPANY:
        return _url("visits:compliance", period)
    if step.level is Level.TEAM:
        return _url("visits:compliance_team", period, step.team.pk)
    return _url("visits:compliance_kam", period, step.kam.pk)


def _crumbs(period: c.Period, user: User, *, team: Team | None = None, kam: User | None = None):
    return [(s.label, _step_url(s, period)) for s in drill.trail(user, team=team, kam=kam)]


def _require_dashboard(user: User) -> None:
    if not roles.can_see_compliance(user):
        raise PermissionDenied


@login_required
def compliance_home(request):
    """The company for the sales VP, GM and administrators; others go to their own page."""
    user = request.user
    _require_dashboard(user)
    period = PeriodFilterForm(request.GET, today=timezone.localdate()).period()
    level = drill.start(user)
    if level is Level.TEAM:
        team = drill.led_team(user)
        if team is None:
            raise Http404
        return redirect(_url("visits:compliance_team", period, team.pk))
    if level is Level.KAM:
        return redirect(_url("visits:compliance_kam", period, user.pk))
    return _company(request, period)


def _company(request, period: c.Period):
    today, rule_list = _prepare()
    board = c.dashboard(c.company_scope(), "team", period, today=today, rule_list=rule_list)
    rows = [
        Row(
            team.name,
            board.rows.get(team.pk, c.Figures()),
            _url("visits:compliance_team", period, team.pk),
            str(team.manager),
        )
        for team in Team.objects.select_related("manager").order_by("name")
    ]
    if None in board.rows:
        no_team = _url("visits:compliance_team", period, 0)
        rows.append(Row(_("No team"), board.rows[None], no_team, ""))
    return _page(
        request,
        "visits/compliance/company.html",
        period=period,
        board=board,
        crumbs=[],
        rows=rows,
        heading=_("Visit compliance: company"),
    )


@login_required
def compliance_team(request, pk: int):
    user = request.user
    _require_dashboard(user)
    if drill.start(user) is Level.KAM:  # a KAM's drill-down starts at herself
        raise PermissionDenied
    team = None if pk == 0 else get_object_or_404(Team.objects.select_related("manager"), pk=pk)
    if not roles.sees_team(user, team.manager_id if team else None):
        raise Http404
    today, rule_list = _prepare()
    period = PeriodFilterForm(request.GET, today=today).period()
    scope = c.team_scope(pk or None)
    board = c.dashboard(scope, "kam", period, today=today, rule_list=rule_list)
    counted = Q(pk__in=[k for k in board.rows if k]) | Q(pk__in=scope.kams.values("pk"))
    people = User.objects.filter(counted)
    rows = [
        Row(
            str(person),
            board.rows.get(person.pk, c.Figures()),
            _url("visits:compliance_kam", period, person.pk) if person.role == Role.KAM else "",
            "" if person.is_active else _("left"),
        )
        for person in people.order_by("name", "username")
    ]
    rows.sort(key=_worst_first)
    name = team.name if team else _("No team")
    return _page(
        request,
        "visits/compliance/team.html",
        period=period,
        board=board,
        crumbs=_crumbs(period, user, team=team),
        rows=rows,
        team=team,
        heading=_("Visit compliance: %(team)s") % {"team": name},
    )


def _worst_first(row: Row) -> tuple:
    """Who falls short first: accounts overdue, then the share of rules met."""
    f = row.figures
    met = f.rules_met_pct if f.rules_met_pct is not None else 101
    return (-f.windows.overdue_accounts, met, row.label)


def _kam_for(user: User, pk: int) -> User:
    _require_dashboard(user)
    kam = get_object_or_404(User.objects.select_related("team"), pk=pk, role=Role.KAM)
    if not roles.sees_person(user, kam):
        raise Http404
    return kam


@login_required
def compliance_kam(request, pk: int):
    user = request.user
    kam = _kam_for(user, pk)
    today, rule_list = _prepare()
    period = PeriodFilterForm(request.GET, today=today).period()
    scope = c.kam_scope(kam)
    board = c.dashboard(
        scope, "account", period, today=today, rule_list=rule_list, documents_group="kam"
    )
    accounts = list(scope.accounts.only("pk", "name", "tier").order_by("name"))

    accounts.sort(key=lambda a: _worst_first(Row(a.name, board.rows.get(a.pk, c.Figures()))))
    page = Paginator(accounts, ACCOUNTS_PER_PAGE).get_page(request.GET.get("page"))
    labels = slot_labels()
    rows = []
    for account in page:
        figures = board.rows.get(account.pk, c.Figures())
        missed = [labels[s] for s in SLOTS if figures.windows.overdue.get(s)]
        url = _url("visits:compliance_account", period, account.pk)
        rows.append(Row(account.name, figures, url, account.get_tier_display(), missed))
    return _page(
        request,
        "visits/compliance/kam.html",
        period=period,
        board=board,
        crumbs=_crumbs(period, user, kam=kam),
        rows=rows,
        page=page,
        kam=kam,
        heading=_("Visit compliance: %(kam)s") % {"kam": kam},
    )


@login_required
def compliance_account(request, pk: int):
    user = request.user
    _require_dashboard(user)
    account = get_object_or_404(accounts_visible_to(user), pk=pk)
    today, rule_list = _prepare()
    period = PeriodFilterForm(request.GET, today=today).period()
    scope = c.accounts_scope([account.pk])
    board = c.dashboard(scope, "account", period, today=today, rule_list=rule_list)
    needs = account_needs(account, period.start, period.end, rule_list)
    visits = (
        Visit.objects.filter(account=account, visited_on__range=(period.start, period.end))
        .select_related("visitor", "plan_line", "spot_check")
        .order_by("-visited_on", "-pk")
    )
    page = Paginator(visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = mark_spot_checks(user, page.object_list)
    owner = account.owner
    crumbs = _crumbs(period, user, kam=owner) if owner.role == Role.KAM else []
    return _page(
        request,
        "visits/compliance/account.html",
        period=period,
        board=board,
        crumbs=[*crumbs, (account.name, "")],
        account=account,
        needs=[(n, need_state(n, today)) for n in needs],
        page=page,
        role_labels=dict(Role.choices),
        documents=False,
        heading=account.name,
    )


@login_required
def frequency_rules(request):
    """§13 as it stands: read-only for everyone who visits; administrators edit in the admin."""
    if not roles.can_see_frequency_rules(request.user):
        raise PermissionDenied
    rows = sorted(
        FrequencyRule.objects.filter(is_active=True),
        key=lambda r: (r.tier != "strategic", rules.Rule.from_row(r).sort_key),
    )
    return render(
        request,
        "visits/compliance/rules.html",
        {"rules": rows, "can_edit": roles.is_admin(request.user)},
    )
