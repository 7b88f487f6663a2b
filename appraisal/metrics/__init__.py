"""Each KAM's raw figures for an appraisal period (SPEC §5), computed by the database.

A period runs from its first day to its last. The figures are taken on a day, `as_of`: normally
the day after the period ends; when a rollup runs earlier, the period is counted only up to
as_of ("the last day counted" below is the period's last day or as_of, whichever comes first).
Anything recorded later that is dated back into the period is counted when the figures are
taken again.

Whose figures: every active key account manager gets a line, with zeros if she has nothing.
The accounts counted are those not retired, owned today by an active KAM: an account's facts go
to its present owner, as on the compliance dashboard (an account handed over takes its
invoices, payments and complaints with it). Money is in yuan, to the cent.

1. Sales — invoiced: invoices issued in the period (up to the last day counted), cancelled
   invoices left out.
2. New key accounts — new_accounts: strategic or important accounts, not lost, that became
   customers in the period: the "customer since" date, or the day the archive was created when
   that date is empty.
3. Lost accounts — lost_accounts: accounts marked lost with a loss date in the period, whatever
   their tier (kept simple: an account lost may have been a key account before).
4. Collections — collected: payments received in the period, credit included; a payment
   reversed by the end of as_of does not count, one reversed later still does.
   falling_due: invoices (not cancelled) due in the period. outstanding: what was still unpaid
   at the end of the last day counted on the invoices issued by then: each invoice's amount
   less what payments received by that day paid on it (payments reversed by the end of as_of
   pay nothing). overdue: the part of outstanding on invoices due before that day.
5. Relationship — as the compliance dashboard shows them on as_of for the period (the frequency
   rollup is brought up to date first): rules_due / rules_met (closed windows of the frequency
   rules owed / met), plans_due / plans_on_time, records_due / records_on_time (monthly plans
   and records owed and handed in on time), spot_checked / spot_confirmed (spot checks called /
   confirmed).
6. Complaints — complaints: received in the period on her accounts. complaints_on_time: of
   those, the ones resolved by their deadline and by as_of. satisfaction_count / _sum: of those,
   the ones whose follow-up call (by as_of) recorded a satisfaction, and the sum of the marks
   (1–5).
7. Information — accounts: her key accounts (strategic or important, not lost).
   completeness_sum: over those, the share of the ten standard archive fields that are filled,
   in percent, added up (the mean is completeness_sum / accounts). reviews_on_time: of those,
   the accounts whose latest semiannual review up to the last day counted (or, without one, the
   archive's creation) is at most 183 days before that day. loans / loans_in_time: requests to
   borrow her accounts' archives made in the period / answered within 3 days of the request and
   by the end of as_of. Withdrawn requests are left out of both; one still waiting counts as not
   in time once its 3 days have run out by the end of as_of, and is left out before that.

Per account (account_figures) the same facts: kam_id, invoiced, collected, falling_due,
outstanding, overdue, is_new, is_lost, visits (visits recorded in the period by anyone, not
withdrawn), complaints, complaints_on_time, completeness (percent of the standard fields filled)
and review_on_time; for every account counted above that is a key account or has something in
the period (an amount, outstanding money, a visit, a complaint, or is new or lost).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import BooleanField, Count, ExpressionWrapper, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models.archive import STANDARD_FIELDS
from appraisal.metrics.money import MONEY_NAMES, money_figures
from appraisal.metrics.records import (
    account_conditions,
    complaint_figures,
    filled_fields,
    loan_figures,
    visit_figures,
)
from appraisal.metrics.span import BY_ACCOUNT, BY_KAM, Span, counted_accounts
from kam.money import CENT, ZERO
from visits import compliance
from visits.selectors.requirements import KEY_TIERS, rules_in_force
from visits.tally import tally_catch_up

RELATIONSHIP_NAMES = (
    "rules_due",
    "rules_met",
    "plans_due",
    "plans_on_time",
    "records_due",
    "records_on_time",
    "spot_checked",
    "spot_confirmed",
)
COUNT_NAMES = (
    "new_accounts",
    "lost_accounts",
    *RELATIONSHIP_NAMES,
    "complaints",
    "complaints_on_time",
    "satisfaction_count",
    "satisfaction_sum",
    "accounts",
    "completeness_sum",
    "reviews_on_time",
    "loans",
    "loans_in_time",
)
FIGURE_NAMES = MONEY_NAMES + COUNT_NAMES


def zeros() -> dict:
    return dict.fromkeys(MONEY_NAMES, ZERO) | dict.fromkeys(COUNT_NAMES, 0)


def kam_figures(*, start: dt.date, end: dt.date, as_of: dt.date) -> dict[int, dict]:
    """{kam_id: raw figures} for every active KAM (User role=KAM, is_active)."""
    span = Span(start, end, as_of)
    cond = account_conditions(span)
    rows = (
        counted_accounts()
        .values("owner_id")
        .annotate(
            new_accounts=Count("pk", filter=cond["is_new"]),
            lost_accounts=Count("pk", filter=cond["is_lost"]),
            accounts=Count("pk", filter=cond["kept"]),
            filled=Coalesce(Sum(filled_fields(), filter=cond["kept"]), 0),
            reviews_on_time=Count("pk", filter=cond["kept"] & cond["review_on_time"]),
        )
    )
    by_owner = {row.pop("owner_id"): row for row in rows}
    parts = [
        by_owner,
        money_figures(span, BY_KAM),
        complaint_figures(span, BY_KAM),
        loan_figures(span, BY_KAM),
        relationship_figures(span),
    ]
    out = {}
    for kam_id in compliance.active_kams().values_list("pk", flat=True):
        figures = zeros()
        for part in parts:
            figures |= part.get(kam_id, {})
        filled = figures.pop("filled", 0)
        figures["completeness_sum"] = round(100 * filled / len(STANDARD_FIELDS))
        out[kam_id] = _typed(figures)
    return out


ACCOUNT_MONEY = dict.fromkeys(MONEY_NAMES, ZERO)
ACCOUNT_COUNTS = {"visits": 0, "complaints": 0, "complaints_on_time": 0}


def account_figures(*, start: dt.date, end: dt.date, as_of: dt.date) -> dict[int, dict]:
    """{account_id: figures (incl. "kam_id": owner id)} for every non-retired account
    (is_archived=False) owned by an active KAM that has anything in the period or is a key
    account (tier in KEY_TIERS)."""
    span = Span(start, end, as_of)
    cond = account_conditions(span)
    flags = {
        f"f_{name}": ExpressionWrapper(cond[name], output_field=BooleanField())
        for name in ("is_new", "is_lost", "review_on_time")
    }
    rows = (
        counted_accounts()
        .annotate(**flags, filled=filled_fields())
        .values_list("pk", "owner_id", "tier", "filled", *flags)
    )
    money = money_figures(span, BY_ACCOUNT)
    visits = visit_figures(span, BY_ACCOUNT)
    complaints = complaint_figures(span, BY_ACCOUNT)
    out = {}
    for pk, owner_id, tier, filled, is_new, is_lost, review_on_time in rows:
        counts = ACCOUNT_COUNTS | visits.get(pk, {}) | complaints.get(pk, {})
        line = {"kam_id": owner_id} | money.get(pk, ACCOUNT_MONEY)
        line |= {name: counts[name] for name in ACCOUNT_COUNTS}
        line |= {"is_new": is_new, "is_lost": is_lost, "review_on_time": review_on_time}
        something = tier in KEY_TIERS or is_new or is_lost
        if something or any(line[name] > 0 for name in (*MONEY_NAMES, *ACCOUNT_COUNTS)):
            line["completeness"] = round(100 * filled / len(STANDARD_FIELDS))
            out[pk] = _typed(line)
    return out


def relationship_figures(span: Span) -> dict[int, dict[str, int]]:
    """Dimension 5 per KAM, from the compliance dashboard of the period as seen on as_of."""
    rule_list = rules_in_force()
    tally_catch_up(today=max(span.as_of, timezone.localdate()), rule_list=rule_list)
    board = compliance.dashboard(
        compliance.company_scope(),
        "kam",
        dashboard_period(span.start, span.end),
        today=span.as_of,
        rule_list=rule_list,
    )
    return {
        kam_id: {
            "rules_due": f.windows.due,
            "rules_met": f.windows.met,
            "plans_due": f.plans_due,
            "plans_on_time": f.plans_on_time,
            "records_due": f.records_due,
            "records_on_time": f.records_on_time,
            "spot_checked": f.spot_checked,
            "spot_confirmed": f.spot_confirmed,
        }
        for kam_id, f in board.rows.items()
    }


def dashboard_period(start: dt.date, end: dt.date) -> compliance.Period:
    """The dashboard's quarter (or year, or month) that runs from start to end."""
    for kind in ("quarter", "year", "month"):
        period = compliance.Period(kind, start)
        if start.day == 1 and period.end == end:
            return period
    raise ValueError(f"{start}–{end} is not a month, a quarter or a year")


def _typed(figures: dict) -> dict:
    """Money as Decimal to the cent; counts as int (PostgreSQL sums counts as numeric)."""
    return {
        name: (
            Decimal(value).quantize(CENT)
            if name in MONEY_NAMES
            else value
            if isinstance(value, bool)
            else int(value)
        )
        for name, value in figures.items()
    }
