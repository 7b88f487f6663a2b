"""Celery tasks: thin wrappers that take ids or names, re-fetch, and call plain functions."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from kam.jobs import all_jobs, scheduled_on
from kam.models import JobRun
from kam.registry import JobSpec

log = logging.getLogger(__name__)


@shared_task(
    name="kam.tasks.run_job",
    autoretry_for=(DatabaseError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def run_job(name: str) -> int:
    return run_job_now(name)


# How far back a run replays the days its job missed (an outage of beat, a dead worker).
CATCH_UP_DAYS = 7


def _days_to_run(job: JobSpec, last_day: dt.date | None, today: dt.date) -> list[dt.date]:
    """The scheduled days after the last one run, up to CATCH_UP_DAYS back, then today. A
    run for a day before the last one (a replay) runs that day only."""
    if last_day is None or last_day >= today:
        return [today]
    first = max(last_day + dt.timedelta(days=1), today - dt.timedelta(days=CATCH_UP_DAYS))
    missed = (first + dt.timedelta(days=i) for i in range((today - first).days))
    return [day for day in missed if scheduled_on(job, day)] + [today]


def run_job_now(name: str, today=None) -> int:
    """One job in one transaction: a failure leaves nothing half-written, and a retry redoes
    it all. Days the job missed since its last run are run first, in order (jobs are
    idempotent, so a reminder due on a missed day is sent once, late); the ledger row is
    locked, so two runs at once do not both replay them."""
    job = all_jobs()[name]
    today = today or timezone.localdate()
    if not job.atomic:
        return _run_in_pieces(job, today)
    with transaction.atomic():
        JobRun.objects.get_or_create(name=name, defaults={"last_day": today})
        ledger = JobRun.objects.select_for_update().get(name=name)
        created = 0
        for day in _days_to_run(job, ledger.last_day, today):
            if day != today:
                log.warning("job %s catches up on %s", name, day)
            created += job.func(day)
        if today > ledger.last_day:
            ledger.last_day = today
        ledger.save()
        return created


def _run_in_pieces(job, today) -> int:
    """A job that commits each piece itself (JobSpec.atomic False), with no transaction
    around it: its own unique claims keep two runs from doing a piece twice, so the ledger is
    only read before and moved on after, each in a short transaction of its own."""
    with transaction.atomic():
        ledger, _created = JobRun.objects.get_or_create(name=job.name, defaults={"last_day": today})
    created = sum(job.func(day) for day in _days_to_run(job, ledger.last_day, today))
    with transaction.atomic():
        ledger = JobRun.objects.select_for_update().get(name=job.name)
        if today > ledger.last_day:
            ledger.last_day = today
            ledger.save()
    return created


@shared_task(name="kam.tasks.ping")
def ping(value: str) -> str:
    """Used by the worker test and by operators to see that a worker answers."""
    return f"pong {value}"


@shared_task(
    name="kam.tasks.run_export",
    autoretry_for=(DatabaseError,),
    retry_backoff=5,
    max_retries=3,
)
def run_export(export_id: int) -> None:
    from kam.exporting import export_run

    export_run(export_id)


# The broker's outage as this process last saw it (time.monotonic()); 0 when none. Per process
# on purpose: each web worker finds out for itself at the cost of one refused connection.
_broker_down_until = 0.0


def broker_circuit_reset() -> None:
    """Forget a remembered outage (tests, and an operator's shell after fixing Redis)."""
    global _broker_down_until
    _broker_down_until = 0.0


def _broker_known_down() -> bool:
    return time.monotonic() < _broker_down_until


def _remember_outage() -> None:
    global _broker_down_until
    _broker_down_until = time.monotonic() + settings.BROKER_OUTAGE_SECONDS


def _publish(task, args) -> bool:
    """One attempt to hand the task to the broker: no reconnect loop (the connect timeout is
    short, settings.CELERY_BROKER_*), no result subscription (nobody in a request waits for
    these results, and the Redis result backend's subscribe retries for ~20 s on its own).
    After a failure the broker is taken for down for BROKER_OUTAGE_SECONDS, so the next
    saves do not pay for the connection attempt again."""
    if _broker_known_down():
        return False
    try:
        task.apply_async(args=args, retry=False, ignore_result=True)
    except Exception:  # kombu and redis raise several kinds for a dead broker
        _remember_outage()
        log.warning("could not enqueue %s; the broker is down", task.name, exc_info=True)
        return False
    return True


def enqueue(task, *args, fallback: Callable[[], object] | None = None) -> None:
    """Send a task after the surrounding transaction commits. When the broker is down the
    user's work is already saved and the request goes on at normal speed: the work is done
    here instead, in this process (`fallback`, or else the task's own body), so nothing waits
    for a worker that will never hear of it. A failure of that in-process run is logged, not
    raised: the save has committed, and the jobs and readers catch up (tally, exports)."""

    def send():
        eager = task.app.conf.task_always_eager  # no Redis configured: everything runs here
        if not eager and _publish(task, args):
            return
        if not eager:
            log.warning("could not enqueue %s; running it in this process", task.name)
        try:
            if fallback is not None:
                fallback()
            else:
                task.run(*args)
        except Exception:
            log.exception("%s failed in this process; the next job run picks it up", task.name)

    transaction.on_commit(send)
