"""Money helpers every app shares: yuan as Decimal, two decimals, the same text in every
language. Pure functions, plus the one SQL sum that is 0.00 rather than NULL over no rows."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import numberformat

# Every amount of money in a model: yuan with fen, up to 999,999,999,999.99.
MONEY = {"max_digits": 14, "decimal_places": 2}

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# Sums get two more digits than a single amount can hold.
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)
ZERO_VALUE = Value(ZERO, output_field=MONEY_FIELD)


def money_text(value: Decimal | None) -> str:
    """12345.5 → "12,345.50", whatever the language: finance reads the same figures in both."""
    if value is None or value == "":  # a template's missing variable
        return "—"
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return numberformat.format(
        value.quantize(CENT), ".", decimal_pos=2, grouping=3, thousand_sep=",", force_grouping=True
    )


def percent(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole in percent, one decimal; None when there is nothing to divide by."""
    if whole <= 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"))


def money_sum(expression, filter: Q | None = None):
    """SUM that is 0.00, not NULL, over no rows: totals add up without None checks."""
    return Coalesce(Sum(expression, filter=filter, output_field=MONEY_FIELD), ZERO_VALUE)
