import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from kam.jobs import all_jobs, in_day_order
from kam.tasks import run_job_now


class Command(BaseCommand):
    help = "Run the periodic jobs now, in this process (no Redis needed)."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="jobs to run (default: all)")
        parser.add_argument("--date", help="run as if today were YYYY-MM-DD")

    def handle(self, *args, names, date, **options):
        jobs = all_jobs()
        unknown = set(names) - set(jobs)
        if unknown:
            raise CommandError(f"unknown jobs: {', '.join(sorted(unknown))}")
        today = dt.date.fromisoformat(date) if date else None
        for name in names or in_day_order():
            created = run_job_now(name, today)
            self.stdout.write(f"{name}: {created} created")
