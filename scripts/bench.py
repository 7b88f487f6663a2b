"""Server-side timings of the main pages on whatever data the database holds.

Run by `make bench` on generated data (`demo_data --scale N`); prints figures, asserts nothing.
Then the visit record export on a month of 100,000 visits (`--export-rows`): time and memory.

A script rather than a management command: it reaches into every app, so it belongs to none
of them (kam/, the shell, imports no business app). `python scripts/bench.py --help`.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")

import django

django.setup()

import datetime as dt
import gc
import resource
import statistics
import time
import tracemalloc
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Contact, KeyAccount
from appraisal.models import AccountLine, Period, PeriodStatus
from appraisal.rollup import period_rollup
from kam.exporting import export_run
from kam.models import Export, ExportStatus, Team, User
from kam.roles import Role
from visits.models import ExecutiveSchedule, Visit, VisitRecord

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
        parser.add_argument(
            "--export-rows", type=int, default=100_000, help="visits in the record export"
        )
        parser.add_argument("--only-export", action="store_true", help="only the export")
        parser.add_argument(
            "--skip-pages", action="store_true", help="the rollup and the export, no pages"
        )

    def handle(self, *args, runs, export_rows, only_export, skip_pages, **options):
        if not only_export:
            if not skip_pages:
                self._pages(runs)
            appraisal_rollup(self.stdout)
        if export_rows:
            record_export(self.stdout, export_rows)

    def _pages(self, runs: int):
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
        schedule = ExecutiveSchedule.objects.order_by("-year").first()
        gm_office = User.objects.filter(role=Role.GM_OFFICE).first()
        if schedule and gm_office:
            url = f"/visits/schedule/{schedule.year}/"
            self._time("executive schedule, year", "GM office", gm_office, url, runs)
        period = Period.objects.filter(status=PeriodStatus.SCORED).first()
        if period:
            kam = period.rows.order_by("rank").values_list("kam_id", flat=True).first()
            self._time(
                "appraisal overview",
                "sales VP",
                users["sales VP"],
                f"/appraisal/{period.pk}/",
                runs,
            )
            self._time(
                "appraisal, one KAM",
                "sales VP",
                users["sales VP"],
                f"/appraisal/{period.pk}/kam/{kam}/",
                runs,
            )

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


def appraisal_rollup(out, runs: int = 3) -> None:
    """The rollup of the last scored quarter for every KAM (appraisal/rollup.py), rolled back
    after each run so the data stays as it was."""
    period = Period.objects.filter(kind="quarter", status=PeriodStatus.SCORED).first()
    if period is None:
        out.write("appraisal rollup: no scored quarter to re-score")
        return
    today = period.ends_on + dt.timedelta(days=1)
    times = []
    for _ in range(runs):
        with transaction.atomic():
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                rows = period_rollup(period=period, today=today)
                times.append(time.perf_counter() - start)
            transaction.set_rollback(True)
    out.write(
        f"appraisal rollup {period}: {rows} KAMs, "
        f"{AccountLine.objects.filter(period=period).count()} account lines, "
        f"median {statistics.median(times):.2f} s, max {max(times):.2f} s, {len(queries)} queries"
    )


# The visit record export (kam/exporting.py) on a month of `rows` visits ------------------------


def record_export(out, rows: int) -> None:
    """Time the record export of one KAM's month of `rows` visits and measure its peak memory:
    the process's peak resident set while the file is written (Linux VmHWM, reset first;
    ru_maxrss where that is not possible) and the peak of Python allocations (tracemalloc, a
    second run). The visits are made for the bench and rolled back afterwards."""
    with transaction.atomic():
        record = _big_record(rows)
        reset_queries()  # with DEBUG on, the bulk inserts would stay in connection.queries
        gc.collect()
        rss_before, reset = _rss_kb(), _reset_peak()
        start = time.perf_counter()
        size = _run_export(record)
        seconds = time.perf_counter() - start
        peak = _peak_kb(reset)
        out.write(
            f"record export, {rows} visits: {seconds:.1f} s, file {size / 2**20:.1f} MB, "
            f"peak RSS {peak / 1024:.0f} MB (+{(peak - rss_before) / 1024:.0f} MB over the "
            f"{rss_before / 1024:.0f} MB before; {'VmHWM' if reset else 'ru_maxrss'})"
        )
        tracemalloc.start()
        _run_export(record)
        python_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        out.write(f"record export, {rows} visits: tracemalloc peak {python_peak / 2**20:.1f} MB")
        floor = _openpyxl_floor(record)
        ours = _best_of(3, lambda: _run_export(record))
        out.write(
            f"record export, {rows} visits: {rows / ours:,.0f} rows/s (best of 3); openpyxl "
            f"alone, plain append of the same rows in write-only mode: {rows / floor:,.0f} rows/s;"
            f" ours is {floor / ours:.0%} of openpyxl's speed"
        )
        transaction.set_rollback(True)


def _best_of(runs: int, work) -> float:
    """The fastest of `runs` timings: on a shared machine the others are the noise."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def _openpyxl_floor(record) -> float:
    """openpyxl's own speed on the rows the export writes: the same values, read beforehand
    into memory, appended plainly to a write-only sheet and saved. The export does more (reads
    the database, styles every cell, keeps text as text), so it can only approach this."""
    import tempfile

    from openpyxl import Workbook

    from visits.exports import _visit_cells_maker
    from visits.selectors.records import month_visit_rows

    cells = _visit_cells_maker()
    values = [cells(n, row) for n, row in enumerate(month_visit_rows(record.kam, record.month), 1)]

    def write():
        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        for row in values:
            ws.append(row)
        with tempfile.TemporaryFile() as target:
            wb.save(target)

    return _best_of(3, write)


def _run_export(record) -> int:
    export = Export.objects.create(
        owner=record.kam, kind="visit_record", params={"record": record.pk}, filename="bench.xlsx"
    )
    export_run(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE, export.error
    size = export.file.size
    export.file.delete(save=False)
    reset_queries()
    return size


def _big_record(rows: int) -> VisitRecord:
    month = dt.date(2001, 1, 1)  # long before any demo data
    kam = User.objects.create(username="bench-export", name="导出测试", role=Role.KAM)
    accounts = list(KeyAccount.objects.order_by("pk")[:200])
    contacts = {c.account_id: c for c in Contact.objects.filter(account__in=accounts)}
    record = VisitRecord.objects.create(kam=kam, month=month, due_on=dt.date(2001, 2, 5))
    texts = ["拜访采购部，确认二季度订单与交期", "=SUM(A1:A9) 客户原话", "竞品报价低5%，需跟进"]
    for first in range(0, rows, 5000):
        visits = Visit.objects.bulk_create(
            Visit(
                account=accounts[n % len(accounts)],
                visitor=kam,
                visitor_role=Role.KAM,
                visited_on=month + dt.timedelta(days=n % 31),
                time_in=dt.time(9, 0),
                time_out=dt.time(10, 30),
                hours=Decimal("1.5"),
                purposes=["relationship", "competitors"],
                outcome=texts[n % 3],
                competitor_news=texts[(n + 1) % 3],
                next_steps=texts[(n + 2) % 3],
                record=record,
            )
            for n in range(first, min(first + 5000, rows))
        )
        Visit.contacts.through.objects.bulk_create(
            Visit.contacts.through(visit_id=v.pk, contact_id=contacts[v.account_id].pk)
            for v in visits
            if v.account_id in contacts
        )
    return record


def _reset_peak() -> bool:
    """Reset the kernel's high-water mark of this process's resident set (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _rss_kb() -> int:
    return _status_kb("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _peak_kb(reset: bool) -> int:
    peak = _status_kb("VmHWM") if reset else None
    return peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


if __name__ == "__main__":
    Command().run_from_argv([sys.argv[0], "bench", *sys.argv[1:]])
