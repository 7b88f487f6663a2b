"""Helpers of scripts/check-forward-migration: empty a database, take a snapshot of the moved
tables (row counts, sums, content types, admin history) with plain SQL, so the same code reads
a database of either layout, and compare a snapshot with the database after the migration.

    python scripts/forward_migration.py reset DATABASE_URL
    python scripts/forward_migration.py snapshot > before.json   (DATABASE_URL set)
    python scripts/forward_migration.py compare before.json       (DATABASE_URL set)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The tables keep their accounts_* names: (table, the app that owns the model after the move).
MOVED = {
    "contract": "receivables",
    "invoice": "receivables",
    "payment": "receivables",
    "paymentallocation": "receivables",
    "collectionaction": "receivables",
    "reconciliation": "receivables",
    "complaint": "complaints",
    "complaintdeadline": "complaints",
}
MOVED |= {f"historical{model}": app for model, app in MOVED.items()}
SUMS = {
    "contract amounts": "SELECT SUM(amount) FROM accounts_contract",
    "invoice amounts": "SELECT SUM(amount) FROM accounts_invoice",
    "invoice paid": "SELECT SUM(paid) FROM accounts_invoice",
    "payment amounts": "SELECT SUM(amount) FROM accounts_payment",
    "payment applied": "SELECT SUM(applied) FROM accounts_payment",
    "allocation amounts": "SELECT SUM(amount) FROM accounts_paymentallocation",
    "promised amounts": "SELECT SUM(promised_amount) FROM accounts_collectionaction",
    "reconciled balances": "SELECT SUM(our_balance) FROM accounts_reconciliation",
    "complaint satisfaction": "SELECT SUM(satisfaction) FROM accounts_complaint",
    # Permissions of the moved models only: models added later bring permissions of their own.
    "permissions": "SELECT COUNT(*) FROM auth_permission p JOIN django_content_type c "
    "ON p.content_type_id = c.id WHERE c.model IN ("
    + ", ".join(f"'{model}'" for model in sorted(MOVED))
    + ")",
    "admin log entries": "SELECT COUNT(*) FROM django_admin_log",
    "timeline entries": "SELECT COUNT(*) FROM accounts_timelineentry",
}


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kam.settings")
    import django

    django.setup()


def _one(sql: str, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def reset(url: str) -> None:
    """An empty database at `url` (PostgreSQL: dropped and created again; SQLite: removed)."""
    import dj_database_url

    config = dj_database_url.parse(url)
    if "sqlite" in config["ENGINE"]:
        Path(config["NAME"]).unlink(missing_ok=True)
        return
    import psycopg2

    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"],
        password=config["PASSWORD"],
        host=config["HOST"],
        port=config["PORT"] or 5432,
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{config["NAME"]}"')
    admin.close()


def snapshot() -> dict:
    counts = {t: _one(f"SELECT COUNT(*) FROM accounts_{t}") for t in sorted(MOVED)}
    sums = {name: str(_one(sql) or 0) for name, sql in SUMS.items()}
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT app_label, model, id FROM django_content_type")
        types = {f"{app}.{model}": pk for app, model, pk in cursor.fetchall()}
    return {"counts": counts, "sums": sums, "content_types": types}


def _through_the_models() -> list[str]:
    """The rows read through the new apps' models, their foreign keys followed."""
    from django.apps import apps
    from django.contrib.admin.models import LogEntry
    from django.core.exceptions import ObjectDoesNotExist
    from django.db.models import Sum

    invoice = apps.get_model("receivables", "Invoice")
    allocation = apps.get_model("receivables", "PaymentAllocation")
    complaint = apps.get_model("complaints", "Complaint")
    problems = []
    joined = allocation.objects.select_related("invoice__account", "payment__account")
    if joined.count() != _one("SELECT COUNT(*) FROM accounts_paymentallocation"):
        problems.append("allocations lost their invoice or payment")
    if any(a.invoice.account_id != a.payment.account_id for a in joined):
        problems.append("an allocation joins two accounts")
    total = invoice.objects.aggregate(t=Sum("amount"))["t"] or 0
    if str(total) != str(_one("SELECT SUM(amount) FROM accounts_invoice") or 0):
        problems.append("invoice amounts differ through the model")
    if complaint.objects.select_related("account", "handler").count() != _one(
        "SELECT COUNT(*) FROM accounts_complaint"
    ):
        problems.append("complaints lost their account or handler")
    if invoice.history.count() != _one("SELECT COUNT(*) FROM accounts_historicalinvoice"):
        problems.append("invoice history unreadable")
    entries = [
        e
        for e in LogEntry.objects.select_related("content_type")
        if e.content_type.app_label in {"receivables", "complaints"}
    ]
    if not entries:
        problems.append("the admin log entry on an invoice did not follow it")
    for entry in entries:
        try:
            entry.get_edited_object()
        except ObjectDoesNotExist:
            problems.append(f"admin log entry {entry.pk} points nowhere")
    return problems


def compare(before: dict) -> int:
    after = snapshot()
    rows, problems = [], []
    for table, count in before["counts"].items():
        rows.append((f"accounts_{table}", count, after["counts"][table]))
    for name, value in before["sums"].items():
        rows.append((name, value, after["sums"][name]))
    for model, app in sorted(MOVED.items()):
        old = before["content_types"].get(f"accounts.{model}")
        new = after["content_types"].get(f"{app}.{model}")
        rows.append((f"content type {app}.{model}", old, new))
        if f"accounts.{model}" in after["content_types"]:
            problems.append(f"content type accounts.{model} is still there")
    width = max(len(r[0]) for r in rows)
    for name, old, new in rows:
        mark = "ok" if old == new else "DIFFERS"
        print(f"{name:<{width}}  {old!s:>16}  {new!s:>16}  {mark}")
        if old != new:
            problems.append(f"{name}: {old} before, {new} after")
    if not before["counts"]["invoice"] or not before["counts"]["complaint"]:
        problems.append("the database before the move had no invoices or complaints")
    problems += _through_the_models()
    for problem in problems:
        print(f"forward migration: {problem}", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    command = argv[1]
    if command == "reset":
        reset(argv[2])
        return 0
    _setup()
    if command == "snapshot":
        json.dump(snapshot(), sys.stdout, indent=1, sort_keys=True)
        return 0
    if command == "compare":
        return compare(json.loads(Path(argv[2]).read_text()))
    raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
