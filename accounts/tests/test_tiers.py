"""§3: a tier is the sales VP's decision (or an administrator's correction), never the KAM's;
it has a date of its own (`tier_since`), written by `account_set_tier` with a reason."""

import datetime as dt
import importlib

import pytest
import time_machine
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.forms import AccountForm
from accounts.models import KeyAccount, TimelineEntry
from accounts.models.archive import Tier
from kam.tests.factories import AccountFactory, make_credit_code

pytestmark = pytest.mark.django_db

SH = dt.timezone(dt.timedelta(hours=8))


def fresh(account) -> KeyAccount:
    return KeyAccount.objects.get(pk=account.pk)


# The service ---------------------------------------------------------------------------------


def test_the_sales_vp_and_an_administrator_set_the_tier_with_history_and_reason(cast):
    with time_machine.travel(dt.datetime(2026, 2, 15, 9, tzinfo=SH), tick=False):
        services.account_set_tier(
            account=cast.account, by=cast.sales_vp, tier=Tier.STRATEGIC, reason="年度层级评审"
        )
    account = fresh(cast.account)
    assert (account.tier, account.tier_since) == (Tier.STRATEGIC, dt.date(2026, 2, 15))
    row = account.history.order_by("-history_id").first()  # dated before the creation row
    assert (row.tier, row.history_user, row.history_change_reason) == (
        Tier.STRATEGIC,
        cast.sales_vp,
        "年度层级评审",
    )
    entry = TimelineEntry.objects.get(account=account, kind="tier_changed")
    assert entry.actor == cast.sales_vp and "年度层级评审" in entry.summary

    services.account_set_tier(account=account, by=cast.admin, tier=Tier.IMPORTANT, reason="纠正")
    account = fresh(account)
    assert (account.tier, account.tier_since) == (Tier.IMPORTANT, timezone.localdate())
    assert account.history.order_by("-history_id").first().history_user == cast.admin


def test_no_one_else_sets_a_tier(cast):
    before = (cast.account.tier, cast.account.tier_since, cast.account.history.count())
    for who in (cast.owner, cast.manager, cast.gm, cast.other_kam, cast.staff):
        with pytest.raises(PermissionDenied):
            services.account_set_tier(
                account=cast.account, by=who, tier=Tier.STRATEGIC, reason="我觉得是"
            )
    account = fresh(cast.account)
    assert (account.tier, account.tier_since, account.history.count()) == before


@pytest.mark.parametrize(
    ("tier", "reason", "field"),
    [
        (Tier.STRATEGIC, "  ", "tier_reason"),
        (Tier.IMPORTANT, "再评", "tier"),
        ("gold", "x", "tier"),
    ],
)
def test_a_tier_change_needs_a_reason_and_a_change(cast, tier, reason, field):
    history = cast.account.history.count()
    with pytest.raises(ValidationError) as exc:
        services.account_set_tier(account=cast.account, by=cast.sales_vp, tier=tier, reason=reason)
    assert field in exc.value.message_dict
    assert fresh(cast.account).tier == Tier.IMPORTANT
    assert cast.account.history.count() == history


def test_the_data_migration_gives_the_date_history_gave(cast):
    """tier_since is filled once from history: the first row of the latest run at the present
    tier after another tier, or else the creation day."""
    migration = importlib.import_module("accounts.migrations.0006_account_tier_since")
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, tzinfo=SH), tick=False):
        moved = AccountFactory(owner=cast.owner, tier=Tier.IMPORTANT)
        never = AccountFactory(owner=cast.owner, tier=Tier.IMPORTANT)
    with time_machine.travel(dt.datetime(2025, 9, 1, 9, tzinfo=SH), tick=False):
        moved.tier = Tier.STRATEGIC
        moved.save()
    with time_machine.travel(dt.datetime(2026, 2, 15, 23, 30, tzinfo=SH), tick=False):
        moved.tier = Tier.IMPORTANT
        moved.save()
    with time_machine.travel(dt.datetime(2026, 3, 1, 9, tzinfo=SH), tick=False):
        moved.name, never.name = "改名", "也改名"
        moved.save()
        never.save()
    KeyAccount.objects.update(tier_since=dt.date(2000, 1, 1))

    migration.tier_since_from_history(apps, None)

    assert fresh(moved).tier_since == dt.date(2026, 2, 15)  # Shanghai's day, not UTC's
    assert fresh(never).tier_since == dt.date(2025, 3, 1)


# The KAM proposes; the archive's form and service refuse a tier from her ---------------------


def test_a_kam_cannot_create_a_key_account_directly(cast):
    count = KeyAccount.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.account_create(by=cast.owner, data={"name": "新客户", "tier": Tier.STRATEGIC})
    assert "tier" in exc.value.message_dict
    assert KeyAccount.objects.count() == count


def test_a_kam_proposes_the_tier_of_a_new_account(cast):
    data = {"name": "新客户有限公司", "proposed_tier": Tier.STRATEGIC}
    account = services.account_create(by=cast.owner, data=data)
    assert (account.tier, account.proposed_tier) == (Tier.POTENTIAL, Tier.STRATEGIC)
    assert account.tier_since == timezone.localdate()


def test_a_kam_cannot_change_the_tier_of_her_account(cast):
    history = cast.account.history.count()
    with pytest.raises(ValidationError):
        services.account_update(
            account=cast.account, by=cast.owner, data={"tier": Tier.STRATEGIC, "phone": "1"}
        )
    assert (fresh(cast.account).tier, fresh(cast.account).phone) == (
        Tier.IMPORTANT,
        cast.account.phone,
    )
    assert cast.account.history.count() == history


def test_an_administrators_correction_goes_with_a_reason(cast):
    with pytest.raises(ValidationError):
        services.account_update(account=cast.account, by=cast.admin, data={"tier": Tier.POTENTIAL})
    assert fresh(cast.account).tier == Tier.IMPORTANT
    services.account_update(
        account=cast.account, by=cast.admin, data={"tier": Tier.POTENTIAL, "tier_reason": "录错"}
    )
    account = fresh(cast.account)
    assert account.tier == Tier.POTENTIAL
    assert account.history.latest().history_change_reason == "录错"


def test_the_form_offers_the_tier_by_role(cast):
    create = AccountForm(by=cast.owner)
    assert "tier" not in create.fields and "proposed_tier" in create.fields
    edit = AccountForm(instance=cast.account, by=cast.owner)
    assert edit.fields["tier"].disabled and "proposed_tier" not in edit.fields
    admin_edit = AccountForm(instance=cast.account, by=cast.admin)
    assert not admin_edit.fields["tier"].disabled and "tier_reason" in admin_edit.fields
    assert "proposed_tier" not in AccountForm(by=cast.admin).fields


def test_a_kam_posting_a_tier_on_the_new_account_page_gets_a_potential_account(client, cast):
    client.force_login(cast.owner)
    data = {
        "name": "直填层级有限公司",
        "credit_code": make_credit_code(777),
        "tier": Tier.STRATEGIC,
        "proposed_tier": Tier.IMPORTANT,
        "status": "developing",
    }
    response = client.post(reverse("accounts:create"), data)
    assert response.status_code == 302
    account = KeyAccount.objects.get(name="直填层级有限公司")
    assert (account.tier, account.proposed_tier) == (Tier.POTENTIAL, Tier.IMPORTANT)


def test_an_administrators_edit_page_asks_why_the_tier_changes(client, cast):
    client.force_login(cast.admin)
    account = cast.account
    data = {
        "name": account.name,
        "credit_code": account.credit_code,
        "tier": Tier.STRATEGIC,
        "status": account.status,
        "owner": account.owner_id,
    }
    response = client.post(reverse("accounts:edit", args=[account.pk]), data)
    assert response.status_code == 200
    assert "tier_reason" in response.context["form"].errors
    assert fresh(account).tier == Tier.IMPORTANT
    response = client.post(reverse("accounts:edit", args=[account.pk]), data | {"tier_reason": "x"})
    assert response.status_code == 302
    assert fresh(account).tier == Tier.STRATEGIC
