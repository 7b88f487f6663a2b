"""Periodic jobs (§7). Each app adds its jobs to the registry (`kam.registry.JobSpec`) in its
`AppConfig.ready()`; the Celery beat schedule and `manage.py run_jobs` are both built from
there, so a job runs the same way with or without Redis.

A job is a plain function `(today: date) -> int` returning how many rows it created. It must
be idempotent (reminders carry a unique key per recipient, kind, object and period), so a run
repeated after a failure or by a second beat creates nothing twice.
"""

from __future__ import annotations

from celery.schedules import crontab

from kam.registry import JobSpec, registry


def all_jobs() -> dict[str, JobSpec]:
    return registry.jobs


def scheduled_on(job: JobSpec, day) -> bool:
    """Whether beat runs `job` on `day` (its crontab's day, weekday and month fields)."""
    cron = crontab(**job.cron)
    return (
        day.day in cron.day_of_month
        and day.month in cron.month_of_year
        and day.isoweekday() % 7 in cron.day_of_week
    )


def in_day_order() -> list[str]:
    """Job names in the order beat runs them through a day (the rollup before the reminders
    that read it), for `run_jobs`."""
    return [j.name for j in sorted(registry.jobs.values(), key=lambda j: (j.at, j.name))]


def beat_schedule() -> dict:
    return {
        name: {
            "task": "kam.tasks.run_job",
            "schedule": crontab(hour=j.hour, minute=j.minute, **j.cron),
            "args": [name],
        }
        for name, j in sorted(registry.jobs.items())
    }
