"""Shared helpers for the plan, record and spot-check tests (imported, not a conftest, so
that the other visits modules keep their own fixtures)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from accounts.models import Contact, KeyAccount
from accounts.models.archive import ContactLevel, Tier
from kam.models import User
from kam.tests.cast import Cast
from kam.tests.factories import AccountFactory, ContactFactory
from visits.models import PlanLine, VisitPlan
from visits.models.choices import Purpose
from visits.services.plans import LineInput, plan_due_on

SH = ZoneInfo("Asia/Shanghai")
# "Today" in most tests: 20 May 2026, so next month is June and its plan is due on 25 May.
TODAY = dt.datetime(2026, 5, 20, 10, 0, tzinfo=SH)
JUNE = dt.date(2026, 6, 1)
MAY = dt.date(2026, 5, 1)
LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=SH)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=SH)


@dataclass
class Office:
    """The permission cast, with three more accounts for the owner KAM and one for the KAM
    of the other team, each with a contact."""

    cast: Cast
    accounts: list[KeyAccount]  # the owner's: strategic, important, important
    contacts: dict[int, Contact]
    other_account: KeyAccount  # other_kam's

    @property
    def owner(self) -> User:
        return self.cast.owner


def make_office(cast: Cast) -> Office:
    # Key accounts of their tier for years, so every rule of §13 applies in the tests' months
    # (the engine asks nothing of an account in a window it joined late).
    KeyAccount.objects.filter(pk=cast.account.pk).update(tier=Tier.STRATEGIC)
    cast.account.refresh_from_db()
    accounts = [
        cast.account,
        AccountFactory(owner=cast.owner, name="江阴华润纺织有限公司", tier=Tier.IMPORTANT),
        AccountFactory(owner=cast.owner, name="宜兴紫砂陶瓷有限公司", tier=Tier.IMPORTANT),
    ]
    contacts = {cast.account.pk: cast.account.contacts.get()}
    for account in accounts[1:]:
        contacts[account.pk] = ContactFactory(
            account=account, name=f"{account.name[:2]}经理", level=ContactLevel.OPERATIONAL_HEAD
        )
    other = AccountFactory(owner=cast.other_kam, name="南通远洋船舶有限公司", tier=Tier.STRATEGIC)
    ContactFactory(account=other, name="外组联系人")
    KeyAccount.objects.update(created_at=LONG_AGO, tier_since=LONG_AGO.date())
    for account in (*accounts, other):
        account.refresh_from_db()
    return Office(cast, accounts, contacts, other)


def line_input(account: KeyAccount, day: dt.date, contact: Contact | None = None, **kw):
    return LineInput(
        account=account,
        planned_on=day,
        contact=contact,
        purposes=kw.pop("purposes", [Purpose.RELATIONSHIP]),
        expected_hours=kw.pop("expected_hours", Decimal("1.5")),
        **kw,
    )


def make_plan(kam: User, month: dt.date, status: str = "draft", days=()) -> VisitPlan:
    """A plan written straight to the database (for tests about something else)."""
    plan = VisitPlan.objects.create(kam=kam, month=month, status=status, due_on=plan_due_on(month))
    accounts = list(KeyAccount.objects.filter(owner=kam).order_by("pk"))
    for i, day in enumerate(days):
        PlanLine.objects.create(
            plan=plan,
            account=accounts[i % len(accounts)],
            planned_on=month.replace(day=day),
            purposes=[Purpose.RELATIONSHIP],
        )
    return plan
