"""The days an appraisal's figures are taken over, and the accounts they are taken on, shared
by appraisal/metrics*.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Expression, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import KeyAccount
from kam.roles import Role

# Per-account or per-KAM figures: the key their rows are grouped by, on a model with `account`.
BY_ACCOUNT = "account_id"
BY_KAM = "account__owner_id"

COUNTED = {"is_archived": False, "owner__role": Role.KAM, "owner__is_active": True}


@dataclass(frozen=True)
class Span:
    """A period [start, end] as seen on `as_of`, the day the figures are taken."""

    start: dt.date
    end: dt.date
    as_of: dt.date

    @property
    def day(self) -> dt.date:
        """The last day counted: the period's end, or as_of when that comes first."""
        return min(self.end, self.as_of)

    @property
    def cutoff(self) -> dt.datetime:
        """The moment the figures are taken: the end of as_of (local time)."""
        return midnight(self.as_of + dt.timedelta(days=1))

    @property
    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The counted days [start, day] as moments, for datetime fields: [from, to)."""
        return midnight(self.start), midnight(self.day + dt.timedelta(days=1))


def midnight(day: dt.date) -> dt.datetime:
    """The local midnight that starts `day`."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def counted_accounts() -> QuerySet[KeyAccount]:
    """Accounts not retired, owned by an active KAM."""
    return KeyAccount.objects.filter(**COUNTED).order_by()


def on_counted(qs: QuerySet, via: str = "account") -> QuerySet:
    """The rows of `qs` on the counted accounts, `via` leading from its model to the account."""
    return qs.filter(**{f"{via}__{lookup}": value for lookup, value in COUNTED.items()})


def grouped_rows(
    qs: QuerySet, keys: tuple[str, ...], via: str = "account", **aggregates
) -> QuerySet:
    """The aggregates over the rows of `qs` on the counted accounts (as on_counted), one row
    (a dict) per combination of `keys`, in one query."""
    return on_counted(qs, via).order_by().values(*keys).annotate(**aggregates)


def grouped(qs: QuerySet, key: str, **aggregates) -> dict[int, dict]:
    """{key value: {name: aggregate}}, as grouped_rows; key is BY_ACCOUNT or BY_KAM."""
    return {row.pop(key): row for row in grouped_rows(qs, (key,), **aggregates)}


def per_account(qs: QuerySet, aggregate, default: Expression) -> Expression:
    """The aggregate over `qs` for the outer account row (a correlated subquery); `default`
    when the account has no such row."""
    rows = qs.filter(account=OuterRef("pk")).order_by().values("account")
    return Coalesce(
        Subquery(rows.annotate(v=aggregate).values("v")[:1]),
        default,
        output_field=aggregate.output_field,
    )
