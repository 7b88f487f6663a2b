"""§7: a leaver's accounts move to named successors in one recorded step; access ends at once."""

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts import services
from accounts.models import HandOver, HandOverItem, KeyAccount, TimelineEntry
from kam.models import Notification, User
from kam.roles import Role
from kam.tests.factories import AccountFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    """A leaving KAM with three accounts (one retired), two successors, a sales VP."""
    team = TeamFactory()
    leaver = UserFactory(username="leaver", role=Role.KAM, team=team)
    accounts = [
        AccountFactory(owner=leaver, name="甲公司"),
        AccountFactory(owner=leaver, name="乙公司"),
        AccountFactory(owner=leaver, name="丙公司", is_archived=True),
    ]
    return {
        "leaver": leaver,
        "accounts": accounts,
        "heir": UserFactory(username="heir", role=Role.KAM, team=team),
        "heir2": UserFactory(username="heir2", role=Role.KAM, team=team),
        "vp": UserFactory(username="vp", role=Role.SALES_VP),
        "bystander": AccountFactory(name="丁公司"),  # someone else's account
    }


def snapshot():
    return {
        "owners": dict(KeyAccount.objects.values_list("pk", "owner_id")),
        "active": dict(User.objects.values_list("pk", "is_active")),
        "handovers": HandOver.objects.count(),
        "items": HandOverItem.objects.count(),
        "timeline": TimelineEntry.objects.count(),
        "notifications": Notification.objects.count(),
    }


def test_hand_over_moves_every_account_and_records_it(office):
    leaver, heir, heir2, vp = office["leaver"], office["heir"], office["heir2"], office["vp"]
    a, b, c = office["accounts"]

    handover = services.accounts_hand_over(
        leaver=leaver, by=vp, default_successor=heir, successors={b.pk: heir2}, note="离职"
    )

    owners = dict(KeyAccount.objects.values_list("pk", "owner_id"))
    assert owners[a.pk] == heir.pk
    assert owners[b.pk] == heir2.pk
    assert owners[c.pk] == heir.pk  # retired accounts are not left behind
    assert owners[office["bystander"].pk] == office["bystander"].owner_id
    assert not KeyAccount.objects.filter(owner=leaver).exists()

    assert (handover.leaver, handover.performed_by, handover.note) == (leaver, vp, "离职")
    items = {(i.kind, i.object_id): i.successor_id for i in handover.items.all()}
    assert items == {
        ("account", a.pk): heir.pk,
        ("account", b.pk): heir2.pk,
        ("account", c.pk): heir.pk,
    }

    for account in (a, b, c):
        entry = TimelineEntry.objects.get(account=account, kind="handover")
        assert entry.actor == vp
        assert str(leaver) in entry.summary
        row = account.history.order_by("-history_date", "-history_id").first()
        assert row.history_user == vp

    # Each successor's reminder opens what she took over: one archive, or her list.
    assert dict(Notification.objects.filter(kind="handover").values_list("recipient", "url")) == {
        heir.pk: reverse("accounts:list"),
        heir2.pk: reverse("accounts:detail", args=[b.pk]),
    }


def test_leaver_is_deactivated_and_no_account_is_left_with_an_inactive_owner(office):
    services.accounts_hand_over(
        leaver=office["leaver"], by=office["vp"], default_successor=office["heir"]
    )
    office["leaver"].refresh_from_db()
    assert office["leaver"].is_active is False
    assert User.objects.filter(pk=office["leaver"].pk).exists()  # deactivated, not deleted
    assert not KeyAccount.objects.filter(owner__is_active=False).exists()


def test_leaver_with_nothing_is_still_deactivated(office):
    empty = UserFactory(role=Role.KAM)
    handover = services.accounts_hand_over(
        leaver=empty, by=office["vp"], default_successor=office["heir"]
    )
    empty.refresh_from_db()
    assert not empty.is_active
    assert handover.items.count() == 0


def test_leaver_session_ends_at_once(client, office, django_capture_on_commit_callbacks):
    leaver = office["leaver"]
    client.force_login(leaver)
    assert client.get(reverse("home")).status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        services.accounts_hand_over(
            leaver=leaver, by=office["vp"], default_successor=office["heir"]
        )

    sessions = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(leaver.pk) not in sessions
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    archive = client.get(reverse("accounts:detail", args=[office["accounts"][0].pk]))
    assert archive.status_code == 302


def test_leaver_is_locked_out_even_before_the_session_sweep(client, office):
    """Deactivation alone ends access: the session sweep runs after commit, but a request
    that slips in before it must already be refused."""
    leaver = office["leaver"]
    client.force_login(leaver)
    services.accounts_hand_over(leaver=leaver, by=office["vp"], default_successor=office["heir"])
    response = client.get(reverse("accounts:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_other_users_sessions_survive(client, office, django_capture_on_commit_callbacks):
    client.force_login(office["heir"])
    with django_capture_on_commit_callbacks(execute=True):
        services.accounts_hand_over(
            leaver=office["leaver"], by=office["vp"], default_successor=office["heir"]
        )
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    "make_successor",
    [
        pytest.param(lambda o: UserFactory(role=Role.KAM, is_active=False), id="inactive"),
        pytest.param(lambda o: UserFactory(role=Role.SALES_MANAGER), id="sales-manager"),
        pytest.param(lambda o: UserFactory(role=Role.STAFF), id="staff"),
        pytest.param(lambda o: o["vp"], id="sales-vp"),
        pytest.param(lambda o: o["leaver"], id="the-leaver"),
    ],
)
def test_bad_default_successor_is_refused_and_nothing_changes(office, make_successor):
    successor = make_successor(office)
    before = snapshot()
    with pytest.raises(ValidationError):
        services.accounts_hand_over(
            leaver=office["leaver"], by=office["vp"], default_successor=successor
        )
    assert snapshot() == before


@pytest.mark.parametrize("bad", ["inactive", "leaver"])
def test_bad_per_account_successor_is_refused_and_nothing_changes(office, bad):
    successor = (
        UserFactory(role=Role.KAM, is_active=False) if bad == "inactive" else office["leaver"]
    )
    before = snapshot()
    with pytest.raises(ValidationError):
        services.accounts_hand_over(
            leaver=office["leaver"],
            by=office["vp"],
            default_successor=office["heir"],
            successors={office["accounts"][1].pk: successor},
        )
    assert snapshot() == before


@pytest.mark.parametrize(
    "role", [Role.KAM, Role.SALES_MANAGER, Role.GM, Role.TECH_VP, Role.GM_OFFICE, Role.STAFF]
)
def test_unauthorised_roles_are_refused(office, role):
    user = UserFactory(role=role)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.accounts_hand_over(
            leaver=office["leaver"],
            by=user,
            default_successor=office["heir"],
        )
    assert snapshot() == before


def test_administrator_may_hand_over(office):
    admin = UserFactory(role=Role.ADMIN)
    handover = services.accounts_hand_over(
        leaver=office["leaver"], by=admin, default_successor=office["heir"]
    )
    assert handover.items.count() == 3


def test_hand_over_view_as_sales_vp(client, office):
    leaver, heir, heir2 = office["leaver"], office["heir"], office["heir2"]
    a, b, c = office["accounts"]
    client.force_login(office["vp"])

    page = client.get(reverse("accounts:handover"), {"leaver": leaver.pk})
    assert page.status_code == 200
    assert {x.pk for x in page.context["accounts"]} == {a.pk, b.pk, c.pk}

    response = client.post(
        reverse("accounts:handover"),
        {
            "leaver": leaver.pk,
            "successor": heir.pk,
            "note": "调岗",
            f"account_{a.pk}": "",
            f"account_{b.pk}": str(heir2.pk),
            f"account_{c.pk}": "",
        },
    )

    handover = HandOver.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("accounts:handover_detail", args=[handover.pk])
    assert handover.performed_by == office["vp"]
    assert handover.note == "调岗"
    owners = dict(KeyAccount.objects.filter(pk__in=[a.pk, b.pk, c.pk]).values_list("pk", "owner"))
    assert owners == {a.pk: heir.pk, b.pk: heir2.pk, c.pk: heir.pk}
    leaver.refresh_from_db()
    assert not leaver.is_active

    detail = client.get(response.url)
    assert detail.status_code == 200
    html = detail.content.decode()
    for account in (a, b, c):
        assert account.name in html
    assert str(heir2) in html


def test_hand_over_view_refuses_the_leaver_as_successor(client, office):
    leaver = office["leaver"]  # an active KAM, so the successor list offers him too
    client.force_login(office["vp"])
    before = snapshot()
    response = client.post(
        reverse("accounts:handover"),
        {"leaver": leaver.pk, "successor": leaver.pk, "note": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert snapshot() == before


@pytest.mark.parametrize("role", [Role.KAM, Role.SALES_MANAGER, Role.GM, Role.STAFF])
def test_hand_over_view_is_forbidden_to_other_roles(client, office, role):
    client.force_login(UserFactory(role=role))
    before = snapshot()
    assert client.get(reverse("accounts:handover")).status_code == 403
    response = client.post(
        reverse("accounts:handover"),
        {"leaver": office["leaver"].pk, "successor": office["heir"].pk},
    )
    assert response.status_code == 403
    assert snapshot() == before
