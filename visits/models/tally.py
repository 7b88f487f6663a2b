"""The compliance dashboard's rollup: derived data, rebuilt from visits, plan lines and the
frequency rules by visits/tally.py, never edited by hand.

Why it exists: the dashboard's year view must answer in well under a second for 20,000
accounts and half a million visits a year; any query that reads a year of visits takes longer
than that on its own. So the frequency engine judges each account once, when its data changes,
and the dashboard only adds the results up.

- AccountTally: per key account and calendar year, for each rule slot (who visits, or the card,
  or festivals), bitmasks over the year's windows of the rule for the account's tier (bit i =
  the (i+1)-th window of the year, in time order): `owe_` the windows it was owed, `met_` those
  it got, `miss_` owed and not got; and per month the plan lines of submitted plans, those
  done, the visits, and the spot checks called and confirmed.
- OwnerTally: the same per owner, tier and year, added up window by window: what the company,
  team and KAM pages read.
- TallyDirty: accounts whose rows are out of date, marked by the services that change their
  data (visits/tally.py `mark_changed`), in the same transaction.
- TallyState: which rules and years the rollup was built for.
"""

from django.conf import settings
from django.db import models

from accounts.models import KeyAccount

SLOTS = (
    "kam",
    "sales_manager",
    "sales_vp",
    "tech_vp",
    "exec_vp",
    "gm",
    "year_end_card",
    "festival",
)
MONTHS = range(1, 13)
MAX_WINDOWS = 12  # a monthly rule has the most windows in a year
# Monthly counts: plan lines of submitted plans, of which done, visits, spot checks called
# (by the month they were drawn for), of which confirmed.
MONTHLY = ("lines", "done", "visits", "checked", "confirmed")
MASKS = ("owe", "met", "miss")  # AccountTally's bitmasks per slot
WINDOW_SUMS = {"owe": "o", "met": "m"}  # OwnerTally's per-window sums of those bitmasks


# The columns' names: this module is the only one that spells them out (migration 0005 froze
# the same names); everything else asks these functions.


def mask_column(mask: str, slot: str) -> str:
    """AccountTally's bitmask of one slot: "owe", "met" or "miss" (bit i: the i-th window)."""
    if mask not in MASKS:
        raise ValueError(mask)
    return f"{mask}_{slot}"


def window_column(mask: str, slot: str, i: int) -> str:
    """OwnerTally's count of accounts whose `mask` ("owe" or "met") has window i's bit set."""
    return f"{WINDOW_SUMS[mask]}_{slot}_{i}"


def month_column(name: str, month: int) -> str:
    """A monthly count of either table (a name of MONTHLY, month 1–12)."""
    if name not in MONTHLY:
        raise ValueError(name)
    return f"{name}_{month}"


def window_bit_sql(table: str, mask: str, slot: str, i: int) -> str:
    """SQL for 1 when window i's bit is set in `mask` of the row aliased `table`, else 0:
    what OwnerTally's window columns add up."""
    return f"(({table}.{mask_column(mask, slot)} >> {int(i)}) & 1)"


class AccountTally(models.Model):
    account = models.ForeignKey(KeyAccount, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    tier = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "year"], name="one_tally_per_account_year")
        ]
        indexes = [models.Index(fields=["year", "account"])]

    def __str__(self) -> str:
        return f"{self.account_id} {self.year}"


class OwnerTally(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    tier = models.CharField(max_length=20)
    accounts = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "tier", "year"], name="one_tally_per_owner_tier_year"
            )
        ]
        indexes = [models.Index(fields=["year", "owner"])]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.tier} {self.year}"


for _slot in SLOTS:
    for _mask in MASKS:
        AccountTally.add_to_class(mask_column(_mask, _slot), models.IntegerField(default=0))
    for _i in range(MAX_WINDOWS):
        for _mask in WINDOW_SUMS:
            OwnerTally.add_to_class(window_column(_mask, _slot, _i), models.IntegerField(default=0))
for _m in MONTHS:
    for _name in MONTHLY:
        AccountTally.add_to_class(month_column(_name, _m), models.SmallIntegerField(default=0))
        OwnerTally.add_to_class(month_column(_name, _m), models.IntegerField(default=0))


class TallyDirty(models.Model):
    """An account to re-tally; `owner_id` an owner to re-add up besides its present one."""

    account_id = models.BigIntegerField()
    owner_id = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return f"{self.account_id}"


class TallyState(models.Model):
    rules = models.CharField(max_length=2000, blank=True)
    through_year = models.PositiveSmallIntegerField(default=0)
    built_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.through_year} {self.built_at}"
