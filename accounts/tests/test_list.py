from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models.archive import Tier
from kam.roles import Role
from kam.tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_tier_sort_puts_strategic_first(client):
    kam = UserFactory(role=Role.KAM)
    AccountFactory(owner=kam, name="甲", tier=Tier.POTENTIAL)
    AccountFactory(owner=kam, name="乙", tier=Tier.STRATEGIC)
    AccountFactory(owner=kam, name="丙", tier=Tier.IMPORTANT)
    client.force_login(kam)
    page = client.get(reverse("accounts:list"), {"sort": "tier"}).context["page"]
    assert [a.tier for a in page] == [Tier.STRATEGIC, Tier.IMPORTANT, Tier.POTENTIAL]


def test_money_has_thousands_separators_in_chinese(client):
    account = AccountFactory(registered_capital=Decimal("12345678.90"))
    client.force_login(account.owner)
    html = client.get(reverse("accounts:detail", args=[account.pk])).content.decode()
    assert "12,345,678.90" in html


def test_search_finds_by_name_or_exact_code(client):
    kam = UserFactory(role=Role.KAM)
    a = AccountFactory(owner=kam, name="无锡恒达精密机械有限公司")
    b = AccountFactory(owner=kam, name="苏州新元电子科技有限公司")
    client.force_login(kam)
    by_name = client.get(reverse("accounts:list"), {"q": "恒达"}).context["page"]
    by_code = client.get(reverse("accounts:list"), {"q": b.credit_code.lower()}).context["page"]
    assert [x.pk for x in by_name] == [a.pk]
    assert [x.pk for x in by_code] == [b.pk]
