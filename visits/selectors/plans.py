"""Reads for monthly plans (月拜访计划表): who sees which plans, and what a plan page shows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Contact, KeyAccount
from accounts.models.archive import Status, Tier
from kam.models import User
from kam.periods import period_label
from kam.roles import in_scope
from visits import rules
from visits.models import ItineraryChange, PlanLine, PlanTransition, Visit, VisitPlan
from visits.models.choices import RuleKind
from visits.models.plans import PlanStatus
from visits.models.rules import VISITOR_ROLES
from visits.months import add_months
from visits.selectors.documents import monthly_list, row_count
from visits.selectors.requirements import plan_requirements

PLANNED_TIERS = (Tier.STRATEGIC, Tier.IMPORTANT)


def plans_visible_to(user: User) -> QuerySet[VisitPlan]:
    """A KAM her own plans, a sales manager his team's, the sales VP, GM and admins all."""
    qs = VisitPlan.objects.select_related("kam", "kam__team", "decided_by")
    return in_scope(qs, user, "kam")


def plans_waiting(user: User) -> QuerySet[VisitPlan]:
    """Plans submitted for the sales VP's review (核阅), earliest month and submission first:
    the order she works through them in, from the home page and from one plan to the next."""
    return (
        plans_visible_to(user)
        .filter(status=PlanStatus.SUBMITTED)
        .order_by("month", "submitted_at", "pk")
    )


def plan_for_user(user: User, pk: int) -> VisitPlan:
    """Read getter: 404 for a plan outside the user's scope, as for one that does not exist."""
    plan = plans_visible_to(user).filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def plan_for_owner(user: User, pk: int) -> VisitPlan:
    """Write getter: only the KAM herself changes her plan; readers get 403."""
    plan = plan_for_user(user, pk)
    if plan.kam_id != user.pk:
        raise PermissionDenied
    return plan


def plannable_accounts(kam: User) -> QuerySet[KeyAccount]:
    """§13 applies to strategic and important accounts the KAM owns and still serves."""
    return (
        KeyAccount.objects.filter(
            owner=kam, is_archived=False, tier__in=PLANNED_TIERS, status=Status.ACTIVE
        )
        .only("pk", "name", "tier", "status", "owner_id", "created_at")
        .order_by("name")
    )


def contacts_by_account(accounts: list[KeyAccount]) -> dict[int, list[Contact]]:
    rows = Contact.objects.filter(account__in=[a.pk for a in accounts], is_active=True).only(
        "pk", "name", "title", "level", "account_id"
    )
    out: dict[int, list[Contact]] = defaultdict(list)
    for contact in rows:
        out[contact.account_id].append(contact)
    return out


def plan_lines(plan: VisitPlan) -> QuerySet[PlanLine]:
    """The live lines with what the pages show of them, in a fixed number of queries."""
    return (
        plan.lines.filter(is_cancelled=False)
        .select_related("account", "contact")
        .prefetch_related(
            Prefetch(
                "changes", queryset=ItineraryChange.objects.select_related("visit", "reported_by")
            ),
            Prefetch(
                "visits",
                queryset=Visit.objects.filter(is_cancelled=False).only(
                    "pk", "visited_on", "plan_line_id"
                ),
                to_attr="done_visits",
            ),
        )
        .order_by("planned_on", "account__name", "pk")
    )


def plan_transitions(plan: VisitPlan) -> QuerySet[PlanTransition]:
    return plan.transitions.select_related("by")


def previous_plan(plan: VisitPlan) -> VisitPlan | None:
    return (
        VisitPlan.objects.filter(kam_id=plan.kam_id, month=add_months(plan.month, -1))
        .annotate(n=Count("lines", filter=Q(lines__is_cancelled=False)))
        .first()
    )


@dataclass(frozen=True)
class Verdict:
    """An account's standing in a monthly plan, with how the page shows it (a kam.tones tone)."""

    key: str
    mark: str
    tone: str
    is_gap: bool = False

    def as_json(self) -> dict:
        return {"mark": self.mark, "tone": self.tone, "gap": self.is_gap}


VERDICTS = {
    "gap": Verdict("gap", "⚠", "danger", is_gap=True),
    "met": Verdict("met", "✓", "success"),
    "over": Verdict("over", "ℹ", "info"),
}


@dataclass
class AccountNeed:
    """One account beside the plan: what §13 asks of its KAM this month (net of visits already
    made), the lines in this plan, and the other rules still open that touch the month."""

    account: KeyAccount
    min_count: int  # still owed this month; 0 when nothing is asked yet
    max_count: int | None
    done: int = 0
    planned: int = 0
    applies: bool = True
    # The other rules still open this month: `own_notes` are the KAM's own (the year-end
    # card), `notes` those of her sales manager and the executives (and their festival calls).
    notes: list[str] = field(default_factory=list)
    own_notes: list[str] = field(default_factory=list)

    def verdict_for(self, planned: int) -> Verdict:
        """How the account stands with `planned` visits in the plan: short of what is owed,
        within it, or beyond its ceiling. The one place this is judged: the page prints it and
        the plan form's script looks it up in `verdict_scale` as lines come and go."""
        if planned < self.min_count:
            return VERDICTS["gap"]
        if self.max_count is not None and planned > self.max_count:
            return VERDICTS["over"]
        return VERDICTS["met"]

    @property
    def verdict(self) -> Verdict:
        return self.verdict_for(self.planned)

    @property
    def verdict_scale(self) -> str:
        """The verdict for 0, 1, 2, … planned visits, space-separated; the last one holds for
        any larger count. The script reads it instead of knowing the rule."""
        top = self.max_count + 1 if self.max_count is not None else self.min_count
        return " ".join(self.verdict_for(n).key for n in range(top + 1))

    @property
    def required_text(self) -> str:
        """What is asked this month: "2", "1–2", or "—" when nothing is asked yet."""
        if not self.applies:
            return "—"
        if self.max_count is not None and self.max_count != self.min_count:
            return f"{self.min_count}–{self.max_count}"
        return str(self.min_count)

    @property
    def is_gap(self) -> bool:
        return self.verdict.is_gap

    @property
    def is_over(self) -> bool:
        return self.verdict.key == "over"


FESTIVAL_NAMES = {
    rules.SPRING_FESTIVAL: gettext_lazy("Spring Festival"),
    rules.MID_AUTUMN: gettext_lazy("Mid-Autumn Festival"),
}


def need_note(need: rules.Need) -> str:
    """A short line for a rule other than the KAM's monthly visits, e.g. the sales manager's
    visit owed in this two-month window."""
    who = str(dict(VISITOR_ROLES).get(need.rule.visitor_role, need.rule.visitor_role))
    if need.rule.kind != rules.VISIT:
        who = f"{who} · {RuleKind(need.rule.kind).label}"
    window = need.window
    when = (
        f"{FESTIVAL_NAMES.get(window.festival, window.festival)} {window.end:%m-%d}"
        if window.festival
        else period_label(window.period, window.start)
    )
    text = gettext("%(who)s, %(when)s: %(done)d of %(required)d done") % {
        "who": who,
        "when": when,
        "done": need.done,
        "required": need.required,
    }
    if need.planned:
        text += " " + gettext("(%(n)d scheduled)") % {"n": need.planned}
    return text


def _kam_need(account: KeyAccount, needs: list[rules.Need], planned: int) -> AccountNeed | None:
    own = next(
        (n for n in needs if n.rule.visitor_role == rules.KAM and n.rule.kind == rules.VISIT),
        None,
    )
    if own is None:
        return None
    owed = own.short
    top = own.rule.max_count
    # The rules still open this month besides the KAM's own visits: the manager's and the
    # executives' visits she arranges (安排上级领导的拜访), the year-end card, festival calls.
    # Hers come first on the page; the others' are kept apart, folded, below.
    open_ = [n for n in needs if n is not own and n.applies and not n.met]
    notes = [need_note(n) for n in open_ if n.rule.visitor_role != rules.KAM]
    own_notes = [need_note(n) for n in open_ if n.rule.visitor_role == rules.KAM]
    return AccountNeed(
        account=account,
        min_count=owed,
        max_count=max(0, top - own.done) if own.applies and top is not None else None,
        done=own.done,
        planned=planned,
        applies=own.applies,
        notes=notes,
        own_notes=own_notes,
    )


def plan_requirements_for(
    kam: User, month: dt.date, accounts: list[KeyAccount], lines: list[PlanLine]
) -> list[AccountNeed]:
    """Each account with its needs for the month (the engine's `plan_requirements`), the
    plan's own lines counted as planned; gaps first, so the eye lands on them."""
    needs = plan_requirements(accounts, month)
    planned: dict[int, int] = defaultdict(int)
    for line in lines:
        planned[line.account_id] += 1
    out = []
    for account in accounts:
        need = _kam_need(account, needs.get(account.pk, []), planned[account.pk])
        if need is not None:
            out.append(need)
    out.sort(key=lambda n: (not n.is_gap, n.account.tier != Tier.STRATEGIC, n.account.name))
    return out


PLAN_FILTER_STATUSES = ("draft", "submitted", "returned", "approved")


def plans_list(user: User, *, month: dt.date | None, status: str, team: int | None):
    lines = row_count(PlanLine.objects.filter(is_cancelled=False), "plan")
    qs = plans_visible_to(user).annotate(line_count=lines)
    return monthly_list(qs, month=month, status=status, statuses=PLAN_FILTER_STATUSES, team=team)
