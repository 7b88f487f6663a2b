"""Writes on contracts and receivables (§4), one module per topic; the names callers use are
gathered here. Each write runs in one transaction with the account row locked
(services/common.py), records history (who) and a line on the account's timeline."""

from receivables.services.collection import collection_record, reconciliation_record
from receivables.services.invoices import (
    contract_invoiced,
    contract_save,
    invoice_cancel,
    invoice_save,
)
from receivables.services.payments import credit_apply, payment_record, payment_reverse

__all__ = [
    "collection_record",
    "contract_invoiced",
    "contract_save",
    "credit_apply",
    "invoice_cancel",
    "invoice_save",
    "payment_record",
    "payment_reverse",
    "reconciliation_record",
]
