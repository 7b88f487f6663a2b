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

__all__ = [
    "AccountEvent",
    "ArchiveAccess",
    "ArchiveLoan",
    "ArchiveReview",
    "Contact",
    "FinancialReport",
    "HandOver",
    "HandOverItem",
    "KeyAccount",
    "MajorMatter",
    "TimelineEntry",
]
