"""Keeps the compliance rollup (visits/models/tally.py) in step with the data it is built from.

- Saving a visit, a plan line, a plan (its submission) or an account marks the account dirty
  (signals below: the rollup is a cache of derived data, like a search index, so the writers of
  visits and accounts need not know it exists). The marker commits with the change itself.
- Once the change commits, a task re-tallies the dirty accounts (`tally_catch_up()`: a few
  queries whatever their number; in the web process when there is no worker), and the
  dashboard calls it again before it reads, for anything still waiting. The frequency engine
  (visits/rules.py) judges each account-year.
- Data written in bulk (bulk_create, queryset.update: demo data, imports) sends no signals:
  whoever writes that way calls `tally_rebuild()` (or `manage.py visits_tally`). A change of the
  frequency rules, and a new year, rebuild everything at the next catch-up.
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
from django.db.models.signals import post_delete, post_init, post_save
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
    VisitPlan,
)
from visits.models.records import SpotResult
from visits.models.tally import MAX_WINDOWS, MONTHLY, MONTHS, SLOTS
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


def mark(account_ids: Iterable[int | None], owner_ids: Iterable[int | None] = ()) -> None:
    accounts = sorted({a for a in account_ids if a})
    owners = sorted({o for o in owner_ids if o})
    rows = [TallyDirty(account_id=a) for a in accounts]
    rows += [TallyDirty(account_id=0, owner_id=o) for o in owners]
    if rows:
        TallyDirty.objects.bulk_create(rows)
        _catch_up_after_commit()


def _catch_up_after_commit() -> None:
    """Re-tally soon after the change commits (a worker's task, or at once without one), so
    that a reader rarely finds work waiting; once per transaction however many rows it saved."""
    if not any(func is _send_catch_up for _, func, _ in connection.run_on_commit):
        transaction.on_commit(_send_catch_up)


def _send_catch_up() -> None:
    enqueue(tally_catch_up_task)


def _tracked(sender, instance) -> dict:
    # __dict__, not getattr: reading a deferred field would cost a query per loaded row.
    return {f: instance.__dict__.get(f) for f in TRACKED[sender]}


def _remember(sender, instance, **kwargs):
    # What the row held when loaded, so that a save moving it elsewhere re-tallies both.
    instance._tally_loaded = _tracked(sender, instance)


def _saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_tally_loaded", {})
    now = _tracked(sender, instance)
    if not created and before == now and sender in (VisitPlan, KeyAccount):
        return
    if sender is VisitPlan:
        accounts = instance.lines.values_list("account_id", flat=True).distinct()
        mark(list(accounts))
    elif sender is SpotCheck:
        cached = SpotCheck.visit.is_cached(instance)
        visits = Visit.objects.filter(pk=instance.visit_id).values_list("account_id", flat=True)
        mark([instance.visit.account_id] if cached else list(visits))
    elif sender is KeyAccount:
        moved = before.get("owner_id") != now["owner_id"]
        mark([instance.pk], [before.get("owner_id")] if moved else [])
    else:
        mark([now["account_id"], before.get("account_id")])
    instance._tally_loaded = now


# The fields whose change makes a row count differently. Visits, plan lines and spot checks
# are re-tallied on every save (a date, a role, a withdrawal, a result may have changed).
TRACKED = {
    Visit: ("account_id",),
    PlanLine: ("account_id",),
    SpotCheck: (),
    VisitPlan: ("submitted_at",),
    KeyAccount: ("tier", "status", "lost_on", "owner_id", "is_archived", "created_at"),
}


def _deleted(sender, instance, **kwargs):
    # The application never deletes these; scripts and the admin's shell may.
    if sender is SpotCheck:
        mark(Visit.objects.filter(pk=instance.visit_id).values_list("account_id", flat=True))
    elif sender in (Visit, PlanLine):
        mark([instance.account_id])


def connect() -> None:
    for model in TRACKED:
        post_init.connect(_remember, sender=model, dispatch_uid=f"tally-init-{model.__name__}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"tally-save-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"tally-del-{model.__name__}")


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
        cell[f"lines_{row['m']}"], cell[f"done_{row['m']}"] = row["n"], row["done"]
    visits = (
        Visit.objects.filter(account_id__in=account_ids, is_cancelled=False)
        .values("account_id", y=ExtractYear("visited_on"), m=ExtractMonth("visited_on"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in visits:
        out[(row["account_id"], row["y"])][f"visits_{row['m']}"] = row["n"]
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
        cell[f"checked_{row['m']}"], cell[f"confirmed_{row['m']}"] = (
            row["checked"],
            row["confirmed"],
        )
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
        masks |= {f"owe_{slot}": owe, f"met_{slot}": met, f"miss_{slot}": owe & ~met}
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
            sums.append((f"o_{slot}_{i}", f"SUM((t.owe_{slot} >> {i}) & 1)"))
            sums.append((f"m_{slot}_{i}", f"SUM((t.met_{slot} >> {i}) & 1)"))
    for m in MONTHS:
        sums += [(f"{name}_{m}", f"SUM(t.{name}_{m})") for name in MONTHLY]
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


def _locked_state(*, wait: bool = True) -> TallyState | None:
    """One writer at a time: two could otherwise write the same accounts' rows. Without
    `wait`, None while another is at it."""
    state = TallyState.objects.select_for_update(skip_locked=not wait).filter(pk=1).first()
    if state is None and not TallyState.objects.filter(pk=1).exists():
        # The migration makes the row; a flushed test database has lost it.
        TallyState.objects.get_or_create(pk=1)
        state = TallyState.objects.select_for_update().get(pk=1)
    return state


def tally_rebuild(*, today: dt.date | None = None) -> None:
    """Everything from scratch: after bulk writes (demo data, imports), a change of rules."""
    with transaction.atomic():
        _rebuild(_locked_state(), rules_in_force(), today or timezone.localdate())


@shared_task(name="visits.tally.rebuild")
def tally_rebuild_task() -> None:
    tally_rebuild()


@shared_task(name="visits.tally.catch_up")
def tally_catch_up_task() -> int:
    return tally_catch_up()


def tally_catch_up(*, today: dt.date | None = None, rule_list=None) -> int:
    """Bring the rollup up to date before it is read: the dirty accounts, or everything when
    the rules or the year have changed since it was built. Returns the accounts re-tallied.
    While another process rebuilds, the reader does not wait: it reads the figures as they
    were (PostgreSQL; SQLite has one writer at a time anyway)."""
    today = today or timezone.localdate()
    rule_list = rules_in_force() if rule_list is None else rule_list
    with transaction.atomic():
        state = _locked_state(wait=False)
        if state is None:
            return 0
        if state.rules != rules_key(rule_list) or state.through_year < today.year:
            _rebuild(state, rule_list, today)
            return AccountTally.objects.values("account_id").distinct().count()
        dirty = list(TallyDirty.objects.values_list("pk", "account_id", "owner_id"))
        if not dirty:
            return 0
        accounts = sorted({a for _, a, _ in dirty if a})
        _retally(accounts, rule_list, today.year)
        owners = set(KeyAccount.objects.filter(pk__in=accounts).values_list("owner_id", flat=True))
        _add_up_owners(owners | {o for _, _, o in dirty if o})
        TallyDirty.objects.filter(pk__in=[pk for pk, _, _ in dirty]).delete()
        return len(accounts)
