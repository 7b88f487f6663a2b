"""§5.2: every change of an archive goes on record (who, when, old → new); nothing is deleted."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from accounts import selectors, services
from accounts.models import KeyAccount, TimelineEntry
from accounts.models.archive import ContactLevel, Tier
from kam.roles import Role
from kam.tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


def label(choice) -> str:
    """The label as the zh-hans interface shows it, whether or not the catalog is compiled."""
    with translation.override("zh-hans"):
        return str(choice.label)


def changes_of(entry) -> dict[str, tuple[str, str]]:
    return {c.field: (c.old, c.new) for c in entry.changes}


def test_update_writes_one_history_row_with_the_user(cast):
    account = cast.account
    before = account.history.count()

    changed = services.account_update(
        account=account,
        by=cast.admin,
        data={"tier": Tier.STRATEGIC, "tier_reason": "纠正", "phone": "0510-88886666"},
    )

    assert sorted(changed) == ["phone", "tier"]
    assert account.history.count() == before + 1
    row = account.history.order_by("-history_date", "-history_id").first()
    assert row.history_type == "~"
    assert row.history_user == cast.admin
    assert row.history_change_reason == "纠正"
    assert row.tier == Tier.STRATEGIC
    assert row.phone == "0510-88886666"


def test_account_history_shows_field_level_old_and_new(cast):
    account = cast.account
    account.phone = "0510-11112222"
    account.save()
    services.account_update(
        account=account,
        by=cast.admin,
        data={"tier": Tier.STRATEGIC, "tier_reason": "纠正", "phone": "0510-88886666"},
    )

    with translation.override("en"):
        history = selectors.account_history(account)
        latest = history[0]
        assert latest.user == cast.admin
        assert latest.kind == "~"
        assert latest.subject == account.name
        diff = changes_of(latest)
        tier_label = str(KeyAccount._meta.get_field("tier").verbose_name)
        phone_label = str(KeyAccount._meta.get_field("phone").verbose_name)
    assert diff == {
        tier_label: ("Important", "Strategic"),
        phone_label: ("0510-11112222", "0510-88886666"),
    }
    # the creation is on record too, and comes last (newest first)
    assert history[-1].kind == "+"


def test_contact_changes_appear_in_the_account_history(cast):
    contact = cast.account.contacts.get()
    services.contact_save(
        account=cast.account,
        by=cast.owner,
        contact=contact,
        data={"phone": "139-0000-1111", "level": ContactLevel.DECISION_MAKER},
    )
    services.contact_save(
        account=cast.account,
        by=cast.owner,
        data={"name": "周总", "level": ContactLevel.BUSINESS_HEAD, "title": "副总经理"},
    )

    with translation.override("en"):
        history = selectors.account_history(cast.account)
        by_subject = {(h.subject, h.kind): h for h in history}
        changed = by_subject[(contact.name, "~")]
        assert changed.user == cast.owner
        assert changes_of(changed) == {
            "phone": ("—", "139-0000-1111"),
            "level": ("Operational contact", "Key decision maker"),
        }
    added = by_subject[("周总", "+")]
    assert added.user == cast.owner
    kinds = set(TimelineEntry.objects.filter(account=cast.account).values_list("kind", flat=True))
    assert {"contact_added", "contact_changed"} <= kinds


def test_update_without_change_writes_nothing(cast):
    account = cast.account
    history_before = account.history.count()
    timeline_before = TimelineEntry.objects.filter(account=account).count()

    changed = services.account_update(
        account=account,
        by=cast.owner,
        data={"name": account.name, "tier": account.tier, "legal_representative": "王五"},
    )

    assert changed == []
    assert account.history.count() == history_before
    assert TimelineEntry.objects.filter(account=account).count() == timeline_before


def test_contact_save_without_change_writes_nothing(cast):
    contact = cast.account.contacts.get()
    before = contact.history.count()
    services.contact_save(
        account=cast.account, by=cast.owner, contact=contact, data={"name": contact.name}
    )
    assert contact.history.count() == before


def test_archive_page_shows_who_changed_what(client, cast):
    account = cast.account
    account.phone = "0510-11112222"
    account.save()
    services.account_update(
        account=account,
        by=cast.admin,
        data={"tier": Tier.STRATEGIC, "tier_reason": "纠正", "phone": "0510-88886666"},
    )

    client.force_login(cast.owner)
    response = client.get(reverse("accounts:detail", args=[account.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index('id="history"') :]
    assert str(cast.admin) in section
    assert '<span class="change-old">0510-11112222</span>' in section
    assert '<span class="change-new">0510-88886666</span>' in section
    assert f'<span class="change-old">{label(Tier.IMPORTANT)}</span>' in section
    assert f'<span class="change-new">{label(Tier.STRATEGIC)}</span>' in section


def test_edit_page_post_records_history_with_the_request_user_not_a_posted_tier(client, cast):
    """The owner's form reads the tier, it does not take it (§3): a posted tier is ignored."""
    account = cast.account
    client.force_login(cast.owner)
    data = {
        "name": account.name,
        "credit_code": account.credit_code,
        "tier": Tier.STRATEGIC,
        "status": account.status,
        "legal_representative": account.legal_representative,
        "industry": account.industry,
        "phone": "0510-82345678",
    }
    response = client.post(reverse("accounts:edit", args=[account.pk]), data)

    assert response.status_code == 302
    row = account.history.order_by("-history_date", "-history_id").first()
    assert row.history_user == cast.owner
    assert (row.tier, row.phone) == (Tier.IMPORTANT, "0510-82345678")


def test_outsider_cannot_update(cast):
    from django.core.exceptions import PermissionDenied

    before = cast.account.history.count()
    for user in (cast.other_kam, cast.manager, cast.sales_vp, cast.staff_loan):
        with pytest.raises(PermissionDenied):
            services.account_update(account=cast.account, by=user, data={"phone": "1"})
    assert cast.account.history.count() == before


def test_retiring_keeps_the_account_and_hides_it_from_the_default_list(client, cast):
    account = cast.account
    other = ContactFactory(account__owner=cast.owner).account
    client.force_login(cast.owner)

    response = client.post(reverse("accounts:retire", args=[account.pk]), {"retire": "1"})

    assert response.status_code == 302
    account.refresh_from_db()
    assert account.is_archived
    assert KeyAccount.objects.filter(pk=account.pk).exists()
    assert account.contacts.count() == 1  # its archive stays whole
    assert TimelineEntry.objects.filter(account=account, kind="retired").exists()
    row = account.history.order_by("-history_date", "-history_id").first()
    assert row.is_archived and row.history_user == cast.owner

    listed = client.get(reverse("accounts:list")).context["page"].object_list
    assert [a.pk for a in listed] == [other.pk]
    with_retired = client.get(reverse("accounts:list"), {"archived": "on"})
    assert account.pk in [a.pk for a in with_retired.context["page"].object_list]
    # the archive itself stays readable by its owner
    assert client.get(reverse("accounts:detail", args=[account.pk])).status_code == 200


def test_retired_account_can_be_restored(cast):
    services.account_set_retired(account=cast.account, by=cast.owner, retired=True)
    services.account_set_retired(account=cast.account, by=cast.owner, retired=False)
    cast.account.refresh_from_db()
    assert not cast.account.is_archived


def test_there_is_no_way_to_delete_an_account(client, cast):
    # a superuser has every permission but the one the admin withholds
    client.force_login(UserFactory(username="root", role=Role.ADMIN, is_superuser=True))
    response = client.post(
        reverse("admin:accounts_keyaccount_delete", args=[cast.account.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert KeyAccount.objects.filter(pk=cast.account.pk).exists()


def test_editing_a_contact_and_an_event_through_their_forms_saves_and_records(client):
    from accounts.models import AccountEvent, Contact
    from kam.tests.factories import AccountFactory, ContactFactory

    account = AccountFactory()
    contact = ContactFactory(account=account, name="王经理", title="采购专员")
    event = AccountEvent.objects.create(
        account=account, kind="honour", title="旧标题", date=dt.date(2026, 1, 5)
    )
    client.force_login(account.owner)
    response = client.post(
        reverse("accounts:contact_edit", args=[account.pk, contact.pk]),
        {"name": "王经理", "title": "采购部经理", "level": contact.level, "is_active": "on"},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(pk=contact.pk)
    assert contact.title == "采购部经理"
    assert contact.history.first().history_user == account.owner
    client.post(
        reverse("accounts:event_edit", args=[account.pk, event.pk]),
        {"kind": "honour", "title": "新标题", "date": "2026-01-05"},
    )
    assert AccountEvent.objects.get(pk=event.pk).title == "新标题"
