"""Keeps the compliance rollup (visits/models/tally.py) in step with the data it is built from.

- Writers mark: the services that change what the rollup summarises (visits, plan lines, a
  plan's submission, spot checks: visits/services/*) call `mark_changed()` in their own
  transaction, and the accounts app's services call the registry's "account changed" hook
  (kam.registry), which lands in the same function. No signal receivers: loading or saving a
  row runs nothing here. Whoever writes these models any other way (a script, bulk demo data)
  calls `mark_changed()` or `tally_rebuild()` (`manage.py visits_tally`).
- Readers catch up: `tally_catch_up()` is the one place that re-tallies what is marked (a few
  queries whatever their number); the dashboard, the appraisal metrics and the reminders call
  it before they read (one query when nothing waits), and a task sent once a marking write
  commits calls it too (in the web process when there is no worker), so readers rarely wait.
- Time: a change of the frequency rules (the admin sends a rebuild) and a new year rebuild
  everything; the nightly job (`tally_roll_over()`) sees to the new year, and a reader that
  finds the rollup built for other rules or an old year rebuilds it first.
The frequency engine (visits/rules.py) judges each account-year.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import defaultdict
from collections.abc import Iterable

from celery import shared_task
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from accounts.models import KeyAccount
from kam.tasks import enqueue
from visits import rules
from visits.models import (
    AccountTally,
    OwnerTally,
    PlanLine,
    SpotCheck,
    TallyDirty,
    TallyState,
    Visit,
)
from visits.models.records import SpotResult
from visits.models.tally import (
    MAX_WINDOWS,
    MONTHLY,
    MONTHS,
    SLOTS,
    WINDOW_SUMS,
    mask_column,
    month_column,
    window_bit_sql,
    window_column,
)
from visits.selectors.requirements import KEY_TIERS, rules_in_force, with_key_dates

BATCH = 1000  # accounts per pass of a rebuild
HISTORY_YEARS = 10  # how far back an account's years are tallied


def slot_of(rule: rules.Rule) -> str:
    return rule.visitor_role if rule.kind == rules.VISIT else rule.kind


@functools.lru_cache(maxsize=1024)
def year_windows(rule: rules.Rule, year: int) -> list[rules.Window]:
    """The rule's windows of the year, in time order (cached: rules and years are few)."""
    return rules.windows_between(rule.period, dt.date(year, 1, 1), dt.date(year, 12, 31))


def rules_key(rule_list: list[rules.Rule]) -> str:
    """A fingerprint of the rules in force: the rollup is stale when it changes."""
    text = "|".join(sorted(repr(r) for r in rule_list))
    return hashlib.sha256(text.encode()).hexdigest()


# Marking -----------------------------------------------------------------------------------


def mark_changed(
    *, account_ids: Iterable[int | None] = (), owner_ids: Iterable[int | None] = ()
) -> None:
    """The one way a writer tells the rollup that accounts' figures may have changed: their
    visits, plan lines, plans' submission, spot checks, or (through the accounts registry's
    "account changed" hook) their tier, status or owner; `owner_ids` are former owners, whose
    sums lose the accounts. Call it inside the write's transaction: the marks commit, or roll
    back, with the change. Once it commits, a task catches up (at once when there is no
    worker), and every reader catches up before it reads, so a lost task loses nothing."""
    accounts = sorted({a for a in account_ids if a})
    owners = sorted({o for o in owner_ids if o})
    rows = [TallyDirty(account_id=a) for a in accounts]
    rows += [TallyDirty(account_id=0, owner_id=o) for o in owners]
    if rows:
        TallyDirty.objects.bulk_create(rows)
        _catch_up_after_commit()


def account_changed(account_ids: Iterable[int], owner_ids: Iterable[int]) -> None:
    """The accounts app's "account changed" hook (kam.registry), registered in our ready()."""
    mark_changed(account_ids=account_ids, owner_ids=owner_ids)


def _catch_up_after_commit() -> None:
    """Once per transaction however many writes it marked."""
    if not any(func is _send_catch_up for _, func, _ in connection.run_on_commit):
        transaction.on_commit(_send_catch_up)


def _send_catch_up() -> None:
    enqueue(tally_catch_up_task)


# Tallying ----------------------------------------------------------------------------------


def _monthly(account_ids: list[int]) -> dict[tuple[int, int], dict[str, int]]:
    """{(account, year): {"lines_3": n, "done_3": n, "visits_3": n, …}}: three grouped queries."""
    out: dict[tuple[int, int], dict[str, int]] = defaultdict(dict)
    recorded = Visit.objects.filter(plan_line=OuterRef("pk"), is_cancelled=False)
    lines = (
        PlanLine.objects.filter(
            account_id__in=account_ids, is_cancelled=False, plan__submitted_at__isnull=False
        )
        .values("account_id", y=ExtractYear("planned_on"), m=ExtractMonth("planned_on"))
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(Exists(recorded))))
        .order_by()
    )
    for row in lines:
        cell = out[(row["account_id"], row["y"])]
        cell[month_column("lines", row["m"])] = row["n"]
        cell[month_column("done", row["m"])] = row["done"]
    visits = (
        Visit.objects.filter(account_id__in=account_ids, is_cancelled=False)
        .values("account_id", y=ExtractYear("visited_on"), m=ExtractMonth("visited_on"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in visits:
        out[(row["account_id"], row["y"])][month_column("visits", row["m"])] = row["n"]
    checks = (
        SpotCheck.objects.filter(visit__account_id__in=account_ids)
        .values(account_id=F("visit__account_id"), y=ExtractYear("month"), m=ExtractMonth("month"))
        .annotate(
            checked=Count("pk", filter=~Q(result=SpotResult.PENDING)),
            confirmed=Count("pk", filter=Q(result=SpotResult.CONFIRMED)),
        )
        .order_by()
    )
    for row in checks:
        cell = out[(row["account_id"], row["y"])]
        cell[month_column("checked", row["m"])] = row["checked"]
        cell[month_column("confirmed", row["m"])] = row["confirmed"]
    return out


def _done(account_ids: list[int]) -> dict[int, list[rules.Done]]:
    out: dict[int, list[rules.Done]] = defaultdict(list)
    rows = Visit.objects.filter(account_id__in=account_ids, is_cancelled=False).values_list(
        "account_id", "visited_on", "visitor_role", "kind"
    )
    for account_id, day, role, kind in rows:
        out[account_id].append(rules.Done(day, role, kind))
    return out


def _masks(rule_list, tier, year, done, since, until) -> dict[str, int]:
    """The engine's verdict on every window of the year, as bitmasks per slot."""
    masks = {}
    for rule in (r for r in rule_list if r.tier == tier):
        counted = [d for d in done if rule.counts(d)]
        owe = met = 0
        for i, window in enumerate(year_windows(rule, year)[:MAX_WINDOWS]):
            need = rules.assess(rule, window, counted, key_since=since, key_until=until)
            owe |= need.applies << i
            met |= (need.applies and need.met) << i
        slot = slot_of(rule)
        masks |= {
            mask_column("owe", slot): owe,
            mask_column("met", slot): met,
            mask_column("miss", slot): owe & ~met,
        }
    return masks


def _account_rows(account_ids: list[int], rule_list, this_year: int) -> list[AccountTally]:
    facts = with_key_dates(KeyAccount.objects.filter(pk__in=account_ids, tier__in=KEY_TIERS))
    facts = facts.values_list("pk", "tier", "key_since", "key_until")
    done, monthly = _done(account_ids), _monthly(account_ids)
    first_years = defaultdict(lambda: this_year)
    for account_id, year in monthly:
        first_years[account_id] = min(first_years[account_id], year)
    rows = []
    for pk, tier, since, until in facts:
        first = min(first_years[pk], since.year if since else this_year)
        for year in range(max(first, this_year - HISTORY_YEARS), this_year + 1):
            this = [d for d in done[pk] if d.date.year == year]
            values = _masks(rule_list, tier, year, this, since, until) | monthly.get((pk, year), {})
            rows.append(AccountTally(account_id=pk, year=year, tier=tier, **values))
    return rows


def _owner_sums() -> list[tuple[str, str]]:
    """(OwnerTally column, the SQL adding it up from AccountTally rows `t`)."""
    sums = [("accounts", "COUNT(*)")]
    for slot in SLOTS:
        for i in range(MAX_WINDOWS):
            for mask in WINDOW_SUMS:
                sums.append(
                    (window_column(mask, slot, i), f"SUM({window_bit_sql('t', mask, slot, i)})")
                )
    for m in MONTHS:
        sums += [(month_column(name, m), f"SUM(t.{month_column(name, m)})") for name in MONTHLY]
    return sums


def _add_up_owners(owner_ids: Iterable[int] | None) -> None:
    """OwnerTally = AccountTally added up per owner, tier and year (live accounts only). One
    INSERT … SELECT: the rows never pass through Python, and two hundred sums are cheaper
    written out than compiled from ORM expressions on every save."""
    accounts = KeyAccount.objects.filter(is_archived=False)
    owners = OwnerTally.objects.all()
    if owner_ids is not None:
        owner_ids = list(owner_ids)
        accounts = accounts.filter(owner_id__in=owner_ids)
        owners = owners.filter(owner_id__in=owner_ids)
    owners.delete()
    base, params = accounts.values("id", "owner_id").order_by().query.sql_with_params()
    sums = _owner_sums()
    columns = ", ".join(["owner_id", "tier", "year", *(name for name, _ in sums)])
    select = ", ".join(["a.owner_id", "t.tier", "t.year", *(sql for _, sql in sums)])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {OwnerTally._meta.db_table} ({columns}) SELECT {select} "
            f"FROM {AccountTally._meta.db_table} t JOIN ({base}) a ON a.id = t.account_id "
            "GROUP BY a.owner_id, t.tier, t.year",
            params,
        )


def _retally(account_ids: list[int], rule_list, this_year: int) -> None:
    AccountTally.objects.filter(account_id__in=account_ids).delete()
    AccountTally.objects.bulk_create(
        _account_rows(account_ids, rule_list, this_year), batch_size=BATCH
    )


def _rebuild(state: TallyState, rule_list, today: dt.date) -> None:
    TallyDirty.objects.all().delete()
    AccountTally.objects.all().delete()
    ids = list(KeyAccount.objects.filter(tier__in=KEY_TIERS).values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        AccountTally.objects.bulk_create(
            _account_rows(ids[start : start + BATCH], rule_list, today.year), batch_size=BATCH
        )
    _add_up_owners(None)
    state.rules, state.through_year = rules_key(rule_list), today.year
    state.built_at = timezone.now()
    state.save()
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner takes the new rows for a handful and nests loops.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE visits_accounttally, visits_ownertally")


def _locked_state() -> TallyState:
    """One writer at a time: two could otherwise write the same accounts' rows. A reader
    that finds another at it waits for it: re-tallying marked accounts takes milliseconds, and
    what it commits is what the reader came for."""
    state = TallyState.objects.select_for_update().filter(pk=1).first()
    if state is None:
        # The migration makes the row; a flushed test database has lost it.
        TallyState.objects.get_or_create(pk=1)
        state = TallyState.objects.select_for_update().get(pk=1)
    return state


def _stale(state: TallyState, rule_list, today: dt.date) -> bool:
    """Built for other rules, or before this year began: what time changes, not a writer."""
    return state.rules != rules_key(rule_list) or state.through_year < today.year


def tally_rebuild(*, today: dt.date | None = None) -> None:
    """Everything from scratch: after bulk writes (demo data), a change of rules."""
    with transaction.atomic():
        _rebuild(_locked_state(), rules_in_force(), today or timezone.localdate())


@shared_task(name="visits.tally.rebuild")
def tally_rebuild_task() -> None:
    tally_rebuild()


@shared_task(name="visits.tally.catch_up")
def tally_catch_up_task() -> int:
    return tally_catch_up()


def _behind(rule_list, today: dt.date) -> bool:
    """Whether anything waits: one query on the state's primary key and the first marked row."""
    row = (
        TallyState.objects.filter(pk=1)
        .annotate(marked=Exists(TallyDirty.objects.all()))
        .values_list("rules", "through_year", "marked")
        .first()
    )
    if row is None:
        return True
    rules, through_year, marked = row
    return marked or _stale(TallyState(rules=rules, through_year=through_year), rule_list, today)


def tally_catch_up(*, today: dt.date | None = None, rule_list=None) -> int:
    """The one place where the rollup is brought up to date: the marked accounts re-tallied
    (and their owners', and former owners', sums), or everything when the rules or the year
    have changed since it was built. Every reader calls it before it reads, and the task sent
    after a marking write; when nothing waits it costs one query. Returns the accounts
    re-tallied."""
    today = today or timezone.localdate()
    rule_list = rules_in_force() if rule_list is None else rule_list
    if not _behind(rule_list, today):
        return 0
    with transaction.atomic():
        state = _locked_state()
        if _stale(state, rule_list, today):
            _rebuild(state, rule_list, today)
            return AccountTally.objects.values("account_id").distinct().count()
        # Read under the lock: whoever held it before us may have cleared what we saw.
        marked = list(TallyDirty.objects.values_list("pk", "account_id", "owner_id"))
        if not marked:
            return 0
        accounts = sorted({a for _, a, _ in marked if a})
        _retally(accounts, rule_list, today.year)
        owners = set(KeyAccount.objects.filter(pk__in=accounts).values_list("owner_id", flat=True))
        _add_up_owners(owners | {o for _, _, o in marked if o})
        TallyDirty.objects.filter(pk__in=[pk for pk, _, _ in marked]).delete()
        return len(accounts)


def tally_roll_over(*, today: dt.date | None = None) -> int:
    """The nightly job's part: what time itself changes (a new year; rules changed where no
    one called the rebuild, e.g. from a shell). Marked accounts are the readers' business."""
    today = today or timezone.localdate()
    rule_list = rules_in_force()
    with transaction.atomic():
        state = _locked_state()
        if not _stale(state, rule_list, today):
            return 0
        _rebuild(state, rule_list, today)
        return AccountTally.objects.values("account_id").distinct().count()
