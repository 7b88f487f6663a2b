"""Contracts, receivables and complaints move to the receivables and complaints apps.

Only Django's picture of the models changes here: the tables stay where they are, with their
rows, under their accounts_* names (the new apps' models say so in Meta.db_table), and the
new apps' first migrations take the models over. Nothing is dropped or created in the
database. The content types follow in those migrations, so admin history and permissions
stay attached.
"""

from django.db import migrations

# Those that point at others go first, so no model is removed while another still refers to it.
MOVED = [
    "HistoricalPaymentAllocation",
    "PaymentAllocation",
    "HistoricalCollectionAction",
    "CollectionAction",
    "HistoricalReconciliation",
    "Reconciliation",
    "HistoricalPayment",
    "Payment",
    "HistoricalInvoice",
    "Invoice",
    "HistoricalContract",
    "Contract",
    "HistoricalComplaint",
    "Complaint",
    "HistoricalComplaintDeadline",
    "ComplaintDeadline",
]


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_receivables_complaints"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name=name) for name in MOVED],
            database_operations=[],
        ),
    ]
