"""Strict, explained input on the archive pages: 查重 at the point of entry, phone numbers,
dates, control characters, and a hand-over that never fails silently."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import KeyAccount
from kam.models import User
from kam.roles import Role
from kam.tests.factories import AccountFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"accept-language": "en"}


def new_account(**extra) -> dict:
    data = {"name": "无锡新客户有限公司", "tier": "potential", "status": "developing"}
    data["proposed_tier"] = "potential"  # what a KAM sends: she proposes, the VP decides
    data.update(extra)
    return data


def test_a_name_another_account_has_needs_a_confirmation_naming_it(client, cast):
    """查重: the lookup page shows anyone an account's name and KAM, so the refusal may too;
    it never links to an archive the user may not read."""
    client.force_login(cast.other_kam)
    url = reverse("accounts:create")
    taken = cast.account.name

    refused = client.post(url, new_account(name=f" {taken} "), headers=EN)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert f"“{taken}” of {cast.owner}" in html
    assert reverse("accounts:detail", args=[cast.account.pk]) not in html
    assert 'type="checkbox" name="confirm_same_name"' in html
    assert KeyAccount.objects.filter(name=taken).count() == 1

    confirmed = client.post(url, new_account(name=taken, confirm_same_name="on"), headers=EN)

    assert confirmed.status_code == 302
    assert KeyAccount.objects.filter(name=taken).count() == 2


def test_brackets_of_either_width_are_the_same_name(client, cast):
    AccountFactory(name="新华（无锡）机械有限公司")
    client.force_login(cast.owner)
    response = client.post(reverse("accounts:create"), new_account(name="新华(无锡)机械有限公司"))
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


def test_editing_other_fields_of_a_same_named_account_needs_no_confirmation(client, cast):
    AccountFactory(name=cast.account.name)  # an old duplicate
    client.force_login(cast.owner)
    account = cast.account
    data = new_account(name=account.name, tier=account.tier, status=account.status)
    response = client.post(reverse("accounts:edit", args=[account.pk]), data | {"notes": "新"})
    assert response.status_code == 302


def test_a_very_long_name_is_called_too_long(client, cast):
    client.force_login(cast.owner)
    response = client.post(reverse("accounts:create"), new_account(name="长" * 10_000), headers=EN)
    [message] = response.context["form"].errors["name"]
    assert "at most 200 characters" in message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "12345"),
        ("phone", "138123456789"),  # a digit too many
        ("fax", "8189 4459"),  # no area code
        ("phone", "0510-8189 4459 / abc"),
        ("cooperation_since", "0001-01-01"),
        ("cooperation_since", "2999-01-01"),
    ],
)
def test_bad_phone_numbers_and_dates_are_refused_beside_their_field(client, cast, field, value):
    client.force_login(cast.owner)
    response = client.post(reverse("accounts:create"), new_account(**{field: value}), headers=EN)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not KeyAccount.objects.filter(name="无锡新客户有限公司").exists()


def test_good_numbers_and_clean_text_are_saved(client, cast):
    client.force_login(cast.owner)
    data = new_account(
        name="无锡\x00新客户\u0085有限公司",
        phone="0510-81894459转8021/13812345678",
        fax="+852 2123 4567",
        notes="第一行\r\n第二行\x1b[31m\t完",
        cooperation_since="2015-03-01",
    )
    response = client.post(reverse("accounts:create"), data)
    assert response.status_code == 302
    account = KeyAccount.objects.get(name="无锡新客户有限公司")
    assert account.notes == "第一行\n第二行[31m\t完"


def test_contact_phone_is_checked(client, cast):
    client.force_login(cast.owner)
    url = reverse("accounts:contact_new", args=[cast.account.pk])
    data = {"name": "赵经理", "level": "operational", "is_active": "on", "phone": "1381234"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["phone"]


def test_a_tampered_hand_over_row_says_what_is_wrong(client, cast):
    """Before: the error sat on a select rendered without its errors; the page came back as
    if nothing had been clicked."""
    vp = UserFactory(role=Role.SALES_VP)
    client.force_login(vp)
    leaver, account = cast.owner, cast.account
    response = client.post(
        reverse("accounts:handover"),
        {"leaver": leaver.pk, "successor": cast.other_kam.pk, f"account_{account.pk}": "999999"},
        headers=EN,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a successor from the list of active KAMs." in html
    assert User.objects.get(pk=leaver.pk).is_active
    assert KeyAccount.objects.get(pk=account.pk).owner == leaver
