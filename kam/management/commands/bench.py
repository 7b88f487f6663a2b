"""Server-side timings of the main pages on whatever data the database holds.

Run by `make bench` on generated data (`demo_data --scale N`); prints figures, asserts nothing.
"""

import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import KeyAccount
from kam.models import Team, User
from kam.roles import Role

PAGES = [
    ("account list, page 1", "/accounts/"),
    ("account list, filtered and sorted", "/accounts/?tier=strategic&sort=owner&page=3"),
    ("account list, name search", "/accounts/?q=%E6%97%A0%E9%94%A1"),
    ("reviews overdue", "/accounts/reviews/overdue/"),
    ("home", "/"),
]


def compliance_pages(users: dict) -> list[tuple[str, str, str]]:
    """The visit compliance dashboard (visits/views/compliance.py) at each level: the year
    view (the one to keep under 300 ms) and a month."""
    year, month = timezone.localdate().year, f"{timezone.localdate():%Y-%m}"
    manager, kam = users["sales manager"], users["KAM"]
    team = Team.objects.filter(manager=manager).values_list("pk", flat=True).first()
    account = KeyAccount.objects.filter(owner=kam, tier__in=["strategic", "important"]).first()
    return [
        ("compliance, company, year", "sales VP", f"/visits/compliance/?p={year}"),
        ("compliance, company, month", "sales VP", f"/visits/compliance/?p={month}"),
        ("compliance, team, year", "sales manager", f"/visits/compliance/team/{team}/?p={year}"),
        ("compliance, KAM, year", "KAM", f"/visits/compliance/kam/{kam.pk}/?p={year}"),
        ("compliance, account, year", "KAM", f"/visits/compliance/account/{account.pk}/?p={year}"),
        ("frequency rules", "KAM", "/visits/rules/"),
    ]


class Command(BaseCommand):
    help = "Time the main pages (median of N runs) for a sales VP, a sales manager and a KAM."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15)

    def handle(self, *args, runs: int, **options):
        users = {
            "sales VP": User.objects.filter(role=Role.SALES_VP).first(),
            "sales manager": User.objects.filter(role=Role.SALES_MANAGER).first(),
            "KAM": User.objects.filter(role=Role.KAM).first(),
        }
        self.stdout.write(
            f"{KeyAccount.objects.count()} accounts, {User.objects.count()} users, {runs} runs each"
        )
        header = f"{'page':<36} {'who':<14} {'median ms':>10} {'max ms':>8} {'queries':>8}"
        self.stdout.write(header)
        for label, url in PAGES:
            for who, user in users.items():
                self._time(label, who, user, url, runs)
        account = KeyAccount.objects.order_by("pk").first()
        self._time("archive page", "owner KAM", account.owner, f"/accounts/{account.pk}/", runs)
        for label, who, url in compliance_pages(users):
            self._time(label, who, users[who], url, runs)

    def _time(self, label, who, user, url, runs):
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        client.get(url)  # warm caches and connections
        times = []
        for _ in range(runs):
            reset_queries()
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        self.stdout.write(
            f"{label:<36} {who:<14} {statistics.median(times):>10.1f} {max(times):>8.1f} "
            f"{len(queries):>8}"
        )
