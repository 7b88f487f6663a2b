"""A missed daily run (beat down, a worker dead for a day) catches up at the next run: the
reminders due on the missed day are sent late rather than never, and once (§7)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from kam.models import Notification
from kam.tasks import run_job_now
from visits.tests.plan_fixtures import at, make_office

pytestmark = pytest.mark.django_db

D = dt.date


def run_on(day: dt.date, name: str) -> int:
    """The job as beat runs it: no date given, the clock says which day it is."""
    with time_machine.travel(at(day, 7), tick=False):
        return run_job_now(name)


def keys(kind: str) -> list[str]:
    return sorted(set(Notification.objects.filter(kind=kind).values_list("key", flat=True)))


@pytest.fixture
def office(cast):
    return make_office(cast)


def test_a_record_reminder_due_on_a_missed_day_is_sent_the_next_day_once(office):
    # May 2026's record is due Friday 5 June; the run of the 5th never happened.
    assert run_on(D(2026, 6, 4), "record_due") == 0
    assert run_on(D(2026, 6, 6), "record_due") == 2  # the owner and the other KAM
    assert keys("record_due") == ["record_due:2026-05:due"]
    assert run_on(D(2026, 6, 6), "record_due") == 0
    assert run_on(D(2026, 6, 7), "record_due") == 0
    assert keys("record_due") == ["record_due:2026-05:due"]


def test_a_plan_reminder_missed_over_several_days_comes_late_once_per_stage(office):
    # The 22nd ("three days ahead") and the 25th (the due day) both fell in an outage.
    assert run_on(D(2026, 6, 21), "plan_due") == 0
    assert run_on(D(2026, 6, 27), "plan_due") == 4  # two KAMs, two stages
    assert keys("plan_due") == ["plan_due:2026-07:ahead", "plan_due:2026-07:due"]
    assert run_on(D(2026, 6, 28), "plan_due") == 0


def test_a_festival_reminder_is_sent_late_rather_than_never(office):
    # Spring Festival 2027 is 6 February: the notice day, 30 January, was missed.
    assert run_on(D(2027, 1, 29), "festival_reminders") == 0
    assert run_on(D(2027, 1, 31), "festival_reminders") == 2
    assert keys("festival") == ["festival:spring_festival:2027"]
    assert run_on(D(2027, 2, 1), "festival_reminders") == 0


def test_a_replay_of_an_earlier_day_runs_that_day_only(office):
    assert run_on(D(2026, 6, 10), "record_due") == 0
    assert run_job_now("record_due", D(2026, 6, 5)) == 2
    assert run_on(D(2026, 6, 11), "record_due") == 0


def test_a_first_run_replays_nothing():
    """No ledger yet (a new installation): nothing is known to be missed."""
    assert run_on(D(2026, 6, 6), "record_due") == 0
