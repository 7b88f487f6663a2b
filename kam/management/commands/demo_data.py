from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from kam.demo import DEMO_PASSWORD, build_demo, logins
from kam.models import User


class Command(BaseCommand):
    help = "Load a believable demo company into an empty database (--scale N for benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, default=0, help="generate N accounts")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when users already exist"
        )

    def handle(self, *args, scale: int, if_empty: bool, **options):
        if User.objects.exists():
            if if_empty:
                self.stdout.write("Demo data already loaded.")
                self._print_logins()
                return
            raise CommandError("The database already has users; demo data needs an empty one.")
        ctx = build_demo(scale=scale)
        if connection.vendor == "postgresql":
            # Fresh statistics: before autovacuum gets to the new rows the planner misjudges
            # them (the sales manager's list took 10 s instead of 84 ms at 20,000 accounts).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        for line in ctx.log:
            self.stdout.write(line)
        self._print_logins()

    def _print_logins(self):
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, name, role in logins():
            self.stdout.write(f"  {username:<10} {name:<6} {role}")
