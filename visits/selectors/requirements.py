"""What the frequency rules (§13) ask of each account, read from the database and judged by the
pure engine (visits/rules.py). The plan page calls `plan_requirements`; the compliance
dashboard shares `with_key_dates` and `rules_in_force`.

`key_since` is the day an account became a key account of its present tier: its `tier_since`,
which the account's tier service writes (not read from history, which may be pruned).
`key_until` is the day it was lost. See visits/rules.py for what they decide.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Case, DateField, Exists, F, OuterRef, QuerySet, When

from accounts.models import KeyAccount
from accounts.models.archive import Status, Tier
from visits import rules
from visits.models import FrequencyRule, PlanLine, ScheduledVisit, Visit
from visits.months import month_end
from visits.selectors.schedule import with_done

KEY_TIERS = (Tier.STRATEGIC, Tier.IMPORTANT)


def rules_in_force() -> list[rules.Rule]:
    return [rules.Rule.from_row(row) for row in FrequencyRule.objects.filter(is_active=True)]


def with_key_dates(accounts: QuerySet[KeyAccount]) -> QuerySet[KeyAccount]:
    """Annotate key_since and key_until (dates) for the engine's `applies`."""
    return accounts.annotate(
        key_since=F("tier_since"),
        key_until=Case(When(status=Status.LOST, then="lost_on"), output_field=DateField()),
    )


def _span(rule_list: list[rules.Rule], first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """The days every window touching [first, last] covers: what must be read."""
    windows = [w for r in rule_list for w in rules.windows_between(r.period, first, last)]
    if not windows:
        return first, last
    return min(w.start for w in windows), max(w.end for w in windows)


def _done(account_ids: list[int], start: dt.date, end: dt.date) -> dict[int, list[rules.Done]]:
    out: dict[int, list[rules.Done]] = defaultdict(list)
    rows = Visit.objects.filter(
        account_id__in=account_ids, visited_on__range=(start, end), is_cancelled=False
    ).values_list("account_id", "visited_on", "visitor_role", "kind")
    for account_id, day, role, kind in rows:
        out[account_id].append(rules.Done(day, role, kind))
    return out


def _planned(account_ids: list[int], start: dt.date, end: dt.date) -> dict[int, list[rules.Done]]:
    """Plan lines not yet done (KAM visits) and published executive schedule items."""
    out: dict[int, list[rules.Done]] = defaultdict(list)
    recorded = Visit.objects.filter(plan_line=OuterRef("pk"), is_cancelled=False)
    lines = (
        PlanLine.objects.filter(
            account_id__in=account_ids, planned_on__range=(start, end), is_cancelled=False
        )
        .exclude(Exists(recorded))
        .values_list("account_id", "planned_on")
    )
    for account_id, day in lines:
        out[account_id].append(rules.Done(day, rules.KAM))
    # An item is done when its visitor recorded a visit that month (the schedule's own
    # matching); its `visit` link is never filled in, so it cannot tell.
    items = (
        with_done(
            ScheduledVisit.objects.filter(
                account_id__in=account_ids,
                month__range=(start.replace(day=1), end),
                is_cancelled=False,
                schedule__published_at__isnull=False,
            )
        )
        .filter(done_visit_id=None)
        .values_list("account_id", "month", "visitor_role", "visitor__role")
    )
    for account_id, month, role, current_role in items:
        out[account_id].append(rules.Done(month, role or current_role))
    return out


def plan_requirements(
    accounts: Iterable[KeyAccount], month: dt.date
) -> dict[int, list[rules.Need]]:
    """For each account (by pk): every §13 need whose window touches `month` — the KAM's visits
    this month, the sales manager's two-month or quarter window, the VPs' and the GM's, the
    year-end card in December, festival windows — with the visits done and planned so far.

    Five queries whatever the number of accounts: rules, key dates, visits, plan lines,
    schedule items. Accounts of no key tier get an empty list. Needs with applies=False are
    kept (the account joined its tier after the window began: nothing is asked yet)."""
    ids = [a.pk for a in accounts]
    first = month.replace(day=1)
    rule_list = rules_in_force()
    facts = with_key_dates(KeyAccount.objects.filter(pk__in=ids)).values_list(
        "pk", "tier", "key_since", "key_until"
    )
    facts = {pk: (tier, since, until) for pk, tier, since, until in facts}
    start, end = _span(rule_list, first, month_end(first))
    done, planned = _done(ids, start, end), _planned(ids, start, end)
    out: dict[int, list[rules.Need]] = {}
    for pk in ids:
        tier, since, until = facts.get(pk, ("", None, None))
        out[pk] = rules.month_needs(
            tier, first, rule_list, done[pk], since, key_until=until, planned=planned[pk]
        )
    return out


def account_needs(
    account: KeyAccount, start: dt.date, end: dt.date, rule_list: list[rules.Rule]
) -> list[rules.Need]:
    """Every need of one account in every window overlapping [start, end], judged by the
    engine (the dashboard's account page). Two queries: key dates and visits."""
    facts = with_key_dates(KeyAccount.objects.filter(pk=account.pk)).values_list(
        "tier", "key_since", "key_until"
    )
    tier, since, until = facts.get()
    span_start, span_end = _span(rule_list, start, end)
    done = _done([account.pk], span_start, span_end)[account.pk]
    ordered = sorted((r for r in rule_list if r.tier == tier), key=lambda r: r.sort_key)
    return [
        rules.assess(rule, window, done, key_since=since, key_until=until)
        for rule in ordered
        for window in rules.windows_between(rule.period, start, end)
    ]
