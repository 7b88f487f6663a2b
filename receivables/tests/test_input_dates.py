"""Business dates outside a sensible range are refused on the money pages (kam/inputs.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kam.tests.factories import AccountFactory
from receivables.models import Payment

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


@pytest.mark.parametrize("day", ["0001-01-01", "1999-12-31"])
def test_a_payment_cannot_be_dated_before_2000(client, day):
    account = AccountFactory()
    client.force_login(account.owner)
    response = client.post(
        reverse("receivables:payment_new", args=[account.pk]),
        {"received_on": day, "amount": "100.00", "method": "transfer"},
        headers=EN,
    )
    assert response.status_code == 200
    [message] = response.context["form"].errors["received_on"]
    assert "too early" in message
    assert message in response.content.decode()
    assert not Payment.objects.exists()


def test_a_contract_cannot_end_a_century_ahead(client):
    account = AccountFactory()
    client.force_login(account.owner)
    response = client.post(
        reverse("receivables:contract_new", args=[account.pk]),
        {
            "number": "HT-1",
            "signed_on": "2026-01-05",
            "ends_on": "2126-01-04",
            "amount": "1000.00",
            "status": "performing",
        },
        headers=EN,
    )
    assert response.status_code == 200
    assert "too far ahead" in response.context["form"].errors["ends_on"][0]
