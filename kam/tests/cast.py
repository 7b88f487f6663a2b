"""The fixed cast of DESIGN.md's permission tests, around one account."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from accounts.models import KeyAccount
from accounts.models.access import LoanStatus
from kam.models import User
from kam.roles import Role
from kam.tests.factories import (
    AccountFactory,
    ContactFactory,
    LoanFactory,
    TeamFactory,
    UserFactory,
)


@dataclass
class Cast:
    account: KeyAccount
    owner: User  # the owner KAM
    other_kam: User  # a KAM of another team
    manager: User  # the owner's sales manager
    other_manager: User
    sales_vp: User
    gm: User
    admin: User
    staff: User  # another department, no loan
    staff_loan: User  # with an active, approved loan
    staff_expired: User  # whose approved loan has ended

    def by_name(self) -> dict[str, User]:
        return {k: v for k, v in self.__dict__.items() if isinstance(v, User)}


def make_cast() -> Cast:
    team = TeamFactory(name="华东组")
    other_team = TeamFactory(name="华北组")
    owner = UserFactory(username="owner", role=Role.KAM, team=team)
    other_kam = UserFactory(username="otherkam", role=Role.KAM, team=other_team)
    account = AccountFactory(owner=owner, name="无锡恒达精密机械有限公司")
    ContactFactory(account=account, name="李采购")
    staff_loan = UserFactory(username="loanee", role=Role.STAFF)
    staff_expired = UserFactory(username="expired", role=Role.STAFF)
    LoanFactory(account=account, requester=staff_loan, status=LoanStatus.APPROVED)
    LoanFactory(
        account=account,
        requester=staff_expired,
        status=LoanStatus.APPROVED,
        until=timezone.localdate() - dt.timedelta(days=1),
    )
    return Cast(
        account=account,
        owner=owner,
        other_kam=other_kam,
        manager=team.manager,
        other_manager=other_team.manager,
        sales_vp=UserFactory(username="salesvp", role=Role.SALES_VP),
        gm=UserFactory(username="gm", role=Role.GM),
        admin=UserFactory(username="admin", role=Role.ADMIN),
        staff=UserFactory(username="staff", role=Role.STAFF),
        staff_loan=staff_loan,
        staff_expired=staff_expired,
    )
