from accounts.models.access import ArchiveAccess, ArchiveLoan, HandOver, HandOverItem
from accounts.models.archive import (
    AccountEvent,
    ArchiveReview,
    Contact,
    FinancialReport,
    KeyAccount,
    MajorMatter,
    TimelineEntry,
)
from accounts.models.complaints import Complaint, ComplaintDeadline
from accounts.models.receivables import (
    CollectionAction,
    Contract,
    Invoice,
    Payment,
    PaymentAllocation,
    Reconciliation,
)

__all__ = [
    "AccountEvent",
    "ArchiveAccess",
    "ArchiveLoan",
    "ArchiveReview",
    "CollectionAction",
    "Complaint",
    "ComplaintDeadline",
    "Contact",
    "Contract",
    "FinancialReport",
    "HandOver",
    "HandOverItem",
    "Invoice",
    "KeyAccount",
    "MajorMatter",
    "Payment",
    "PaymentAllocation",
    "Reconciliation",
    "TimelineEntry",
]
