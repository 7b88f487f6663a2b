"""The whole schedule (§7): every registered job, run twice on each day a reminder of ours is
due, leaves the same Notification rows as one run. No single calendar day carries every
reminder (the plan is due on the 25th, cards on 1 December, the festivals move with the moon),
so the test walks the autumn of 2026 through the days each one fires, 1 December carrying
most of them at once. And each reminder job reads in the same few queries whatever the number
of people and accounts it reminds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import AccountEvent, KeyAccount
from complaints.models import Complaint
from kam.jobs import all_jobs, in_day_order
from kam.models import Notification
from kam.registry import registry
from kam.roles import Role
from kam.tasks import run_job_now
from kam.tests.factories import AccountFactory, TeamFactory, UserFactory
from receivables.models import Invoice
from visits.tally import tally_catch_up
from visits.tests.plan_fixtures import LONG_AGO, at, make_office

pytestmark = pytest.mark.django_db

D = dt.date

# Each day, the kinds that must appear on it (others may too).
DAYS = [
    (D(2026, 9, 18), {"festival"}),  # a week before Mid-Autumn, 25 September
    (D(2026, 10, 5), {"record_due"}),  # three days before 8 October (National Day)
    (D(2026, 10, 8), {"record_due"}),
    (D(2026, 11, 22), {"plan_due"}),
    (D(2026, 11, 23), {"visits_due"}),  # a week before Monday 30 November
    (D(2026, 11, 25), {"plan_due"}),
    (
        D(2026, 12, 1),
        {
            "year_end_cards",
            "schedule_due",
            "visits_overdue",
            "receivable_overdue",  # 31 days past 31 October
            "complaint_overdue",  # deadline 30 November
            "account_event",
        },
    ),
    (D(2026, 12, 15), {"schedule_due"}),
    (D(2027, 1, 30), {"festival"}),  # a week before the Spring Festival, 6 February
]
OUR_KINDS = set().union(*(kinds for _day, kinds in DAYS))


@pytest.fixture
def company(cast):
    office = make_office(cast)
    UserFactory(role=Role.GM_OFFICE)
    account = office.accounts[0]
    Invoice.objects.create(
        account=account,
        number="FP-2026-031",
        issued_on=D(2026, 10, 1),
        due_on=D(2026, 10, 31),
        amount=Decimal("8800.00"),
        created_by=cast.owner,
    )
    Complaint.objects.create(
        account=account,
        received_on=D(2026, 11, 23),
        channel="phone",
        subject="包装破损",
        content="两箱外包装破损",
        severity="ordinary",
        handler=cast.owner,
        due_on=D(2026, 11, 30),
        created_by=cast.owner,
    )
    AccountEvent.objects.create(
        account=account, kind="anniversary", title="成立周年", date=D(2001, 12, 3), yearly=True
    )
    return office


def rows() -> list[tuple]:
    return sorted(
        Notification.objects.values_list("recipient_id", "kind", "key", "title", "body", "url")
    )


def run_all(day: dt.date) -> dict[str, int]:
    with time_machine.travel(at(day, hour=7), tick=False):
        return {name: run_job_now(name, day) for name in in_day_order()}


def test_every_job_run_twice_on_each_reminder_day_creates_nothing_twice(company):
    for day, kinds in DAYS:
        before = set(Notification.objects.values_list("pk", flat=True))
        first = run_all(day)
        fresh = set(Notification.objects.exclude(pk__in=before).values_list("kind", flat=True))
        assert kinds <= fresh, (day, first)
        after_first = rows()
        second = run_all(day)
        assert rows() == after_first, day
        assert second == dict.fromkeys(second, 0), (day, second)
    assert set(Notification.objects.values_list("kind", flat=True)) >= OUR_KINDS
    # Once per recipient and key, whatever the days: no reminder was made twice.
    keys = list(Notification.objects.values_list("recipient_id", "key"))
    assert len(keys) == len(set(keys))


# Query budget: a job's queries do not grow with the people and accounts it reminds ------------

FIRING_DAYS = [
    ("visits_due", D(2026, 11, 23)),
    ("visits_overdue", D(2026, 12, 1)),
    ("plan_due", D(2026, 11, 22)),
    ("record_due", D(2026, 10, 8)),
    ("year_end_cards", D(2026, 12, 1)),
    ("festival_reminders", D(2026, 9, 18)),
    ("schedule_due", D(2026, 12, 1)),
    ("receivable_reminders", D(2026, 12, 1)),
    ("complaint_reminders", D(2026, 12, 1)),
]


def add_kams(n: int, accounts_each: int = 3) -> None:
    """KAMs in a new team, each with key accounts, an invoice 31 days overdue on 1 December
    and a complaint whose deadline was 30 November, and a GM office user."""
    team = TeamFactory()
    UserFactory(role=Role.GM_OFFICE)
    for _i in range(n):
        kam = UserFactory(role=Role.KAM, team=team)
        for j in range(accounts_each):
            account = AccountFactory(owner=kam)
            Invoice.objects.create(
                account=account,
                number=f"FP-{account.pk}-{j}",
                issued_on=D(2026, 10, 1),
                due_on=D(2026, 10, 31),
                amount=Decimal("100.00"),
                created_by=kam,
            )
            Complaint.objects.create(
                account=account,
                received_on=D(2026, 11, 23),
                channel="phone",
                subject="延误",
                content="晚到",
                severity="ordinary",
                handler=kam,
                due_on=D(2026, 11, 30),
                created_by=kam,
            )
    KeyAccount.objects.update(created_at=LONG_AGO, tier_since=LONG_AGO.date())
    # Written past the archive's services (factories, update()): tell what follows accounts.
    registry.account_changed(KeyAccount.objects.values_list("pk", flat=True))


def queries_of(name: str, day: dt.date) -> tuple[int, int]:
    tally_catch_up(today=day)  # what the night's tally job has done before the reminders
    job = all_jobs()[name]
    with time_machine.travel(at(day, hour=7), tick=False), CaptureQueriesContext(connection) as q:
        created = job.func(day)
    return created, len(q.captured_queries)


@pytest.mark.parametrize(("name", "day"), FIRING_DAYS)
def test_a_jobs_queries_do_not_grow_with_the_data(db, name, day):
    add_kams(2)
    small, small_queries = queries_of(name, day)
    Notification.objects.all().delete()
    add_kams(6, accounts_each=5)
    large, large_queries = queries_of(name, day)
    assert 0 < small < large
    assert large_queries == small_queries <= 8
