"""Periodic jobs (§7). Each app declares its jobs in `<app>/reminders.py` with `@job(...)`; the
Celery beat schedule and `manage.py run_jobs` are both built from this one registry, so a job
runs the same way with or without Redis.

A job is a plain function `(today: date) -> int` returning how many rows it created. It must
be idempotent (reminders carry a unique key per recipient, kind, object and period), so a run
repeated after a failure or by a second beat creates nothing twice.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass

from celery.schedules import crontab

JOB_APPS = ["kam", "accounts", "visits", "receivables", "complaints", "appraisal", "analysis"]


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[dt.date], int]
    schedule: crontab
    at: tuple[int, int] = (7, 30)


JOBS: dict[str, Job] = {}


def job(name: str, *, hour: int = 7, minute: int = 30, **cron):
    """Register a daily job (Asia/Shanghai time); pass day_of_month etc. for rarer ones."""

    def register(func: Callable[[dt.date], int]) -> Callable[[dt.date], int]:
        JOBS[name] = Job(name, func, crontab(hour=hour, minute=minute, **cron), (hour, minute))
        return func

    return register


def load_all() -> dict[str, Job]:
    for app in JOB_APPS:
        try:
            importlib.import_module(f"{app}.reminders")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.reminders":
                raise
    return JOBS


def in_day_order() -> list[str]:
    """Job names in the order beat runs them through a day (the rollup before the reminders
    that read it), for `run_jobs`."""
    return [j.name for j in sorted(load_all().values(), key=lambda j: (j.at, j.name))]


def beat_schedule() -> dict:
    return {
        name: {"task": "kam.tasks.run_job", "schedule": j.schedule, "args": [name]}
        for name, j in sorted(load_all().items())
    }
