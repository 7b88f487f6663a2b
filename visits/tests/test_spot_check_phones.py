"""The spot-check list offers the manager the numbers to call (tap to call on a phone), and
only where he may read the account's archive: contacts are archive material (SPEC §2)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from accounts.models import KeyAccount
from kam.roles import Role
from kam.tests.factories import AccountFactory, ContactFactory, TeamFactory, UserFactory
from visits.models import Visit
from visits.services import spot_checks as services

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 1)


@pytest.fixture
def checks(db):
    team, other_team = TeamFactory(name="华东组"), TeamFactory(name="华北组")
    kam = UserFactory(role=Role.KAM, team=team)
    accounts = [AccountFactory(owner=kam, name=f"客户{i}有限公司") for i in range(3)]
    for account in accounts:
        ContactFactory(account=account, name="有号码", phone="0510-8189 4459转8021")
        ContactFactory(account=account, name="没号码", phone="")
        ContactFactory(account=account, name="已离职", phone="13900000000", is_active=False)
    Visit.objects.bulk_create(
        Visit(
            account=account,
            visitor=kam,
            visitor_role=Role.KAM,
            visited_on=MAY + dt.timedelta(days=i),
            purposes=["relationship"],
        )
        for i, account in enumerate(accounts)
    )
    manager = team.manager
    started = services.spot_checks_start(manager=manager, month=MAY, by=manager)
    # One account has since gone to a KAM of another team: its archive is no longer his.
    KeyAccount.objects.filter(pk=accounts[2].pk).update(
        owner=UserFactory(role=Role.KAM, team=other_team)
    )
    return {"manager": manager, "checks": started, "moved": accounts[2]}


def tel_links(html: str) -> list[str]:
    return re.findall(r'href="(tel:[^"]+)"', html)


def test_the_manager_gets_the_current_numbers_of_accounts_he_may_read(client, checks):
    client.force_login(checks["manager"])
    response = client.get(reverse("visits:spot_checks"), {"month": "2026-05"})
    html = response.content.decode()

    # Two readable accounts, one current contact with a number each; the extension after a
    # pause, the spaces gone.
    assert tel_links(html) == ["tel:051081894459,8021"] * 2
    moved = response.context["phones"]
    assert checks["moved"].pk not in moved
    assert all(c.name == "有号码" for people in moved.values() for c in people)


def test_readers_who_do_not_call_get_no_numbers(client, checks):
    client.force_login(UserFactory(role=Role.SALES_VP))
    html = client.get(reverse("visits:spot_checks"), {"month": "2026-05"}).content.decode()
    assert 'id="checks"' in html and tel_links(html) == []
