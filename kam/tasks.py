"""Celery tasks: thin wrappers that take ids or names, re-fetch, and call plain functions."""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task
from django.db import DatabaseError, transaction
from django.utils import timezone

from kam.jobs import all_jobs

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


def run_job_now(name: str, today=None) -> int:
    """One job in one transaction: a failure leaves nothing half-written, and a retry redoes
    it all."""
    job = all_jobs()[name]
    with transaction.atomic():
        return job.func(today or timezone.localdate())


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


def enqueue(task, *args, fallback: Callable[[], object] | None = None) -> None:
    """Send a task after the surrounding transaction commits. When the broker is down the
    user's work is already saved: log and go on, never fail the request. A task nobody would
    run later (an export the user waits for) passes a `fallback` run here instead."""

    def send():
        try:
            task.apply_async(args=args, retry=False)
        except Exception:  # kombu and redis raise several kinds for a dead broker
            if fallback is None:
                log.exception(
                    "could not enqueue %s; it will run at the next scheduled pass", task.name
                )
                return
            log.exception("could not enqueue %s; running it in this process", task.name)
            fallback()

    transaction.on_commit(send)
