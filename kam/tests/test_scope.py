"""Whose work a user sees (kam.roles.reach / in_scope / people_in_scope / team_of), and the
one active-user guard every rule passes."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import ArchiveLoan, KeyAccount
from kam import roles
from kam.models import User
from kam.roles import Reach, Role
from kam.tests.factories import AccountFactory, LoanFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _deactivate(user: User) -> User:
    user.is_active = False
    user.save()
    return user


def _names(qs) -> set[str]:
    return {u.username for u in qs}


# The ladder, once per role --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("sales_vp", Reach.EVERYONE),
        ("gm", Reach.EVERYONE),
        ("admin", Reach.EVERYONE),
        ("manager", Reach.TEAM),
        ("owner", Reach.OWN),
        ("other_kam", Reach.OWN),
        ("staff", Reach.NOTHING),
    ],
)
def test_reach_of_each_role(cast, who, expected):
    assert roles.reach(getattr(cast, who)) is expected


@pytest.mark.parametrize("role", [Role.TECH_VP, Role.EXEC_VP, Role.GM_OFFICE, Role.STAFF])
def test_roles_off_the_ladder_reach_nobody(role):
    user = UserFactory(role=role)
    assert roles.reach(user) is Reach.NOTHING
    assert roles.people_in_scope(user).count() == 0
    assert not roles.in_scope(KeyAccount.objects.all(), user, "owner").exists()


def test_everyone_sees_every_person_and_account(cast):
    assert roles.people_in_scope(cast.sales_vp) is None  # None: no narrowing at all
    scoped = roles.in_scope(KeyAccount.objects.all(), cast.gm, "owner")
    AccountFactory(owner=cast.other_kam)
    assert scoped.count() == KeyAccount.objects.count() == 2


def test_a_sales_manager_sees_his_team_and_himself(cast):
    mate = UserFactory(username="mate", role=Role.KAM, team=cast.owner.team)
    assert _names(roles.people_in_scope(cast.manager)) == {"owner", "mate", cast.manager.username}
    assert _names(roles.team_of(cast.manager)) == {"owner", "mate", cast.manager.username}
    AccountFactory(owner=cast.other_kam)
    mine = AccountFactory(owner=mate)
    scoped = roles.in_scope(KeyAccount.objects.all(), cast.manager, "owner")
    assert set(scoped) == {cast.account, mine}


def test_a_kam_sees_herself_only(cast):
    AccountFactory(owner=cast.other_kam)
    assert _names(roles.people_in_scope(cast.owner)) == {"owner"}
    assert list(roles.in_scope(KeyAccount.objects.all(), cast.owner, "owner")) == [cast.account]


def test_any_of_several_people_paths_brings_a_row_in(cast):
    """A loan is the KAM's when she asked for it or when it is of her account."""
    other = AccountFactory(owner=cast.other_kam)
    LoanFactory(account=other, requester=cast.staff)
    scoped = roles.in_scope(ArchiveLoan.objects.all(), cast.owner, "requester", "account__owner")
    assert {loan.account_id for loan in scoped} == {cast.account.pk}
    mine = LoanFactory(account=other, requester=cast.owner)
    assert mine in scoped.all()
    assert scoped.all().count() == 3  # the two of her account (cast) and hers


@pytest.mark.parametrize("who", ["sales_vp", "gm", "admin", "manager", "owner"])
def test_a_deactivated_user_sees_nothing(cast, who):
    user = _deactivate(getattr(cast, who))
    assert roles.reach(user) is Reach.NOTHING
    assert roles.people_in_scope(user).count() == 0
    assert not roles.in_scope(KeyAccount.objects.all(), user, "owner").exists()
    assert not roles.sees_person(user, cast.owner)


def test_anonymous_sees_nothing(cast):
    anonymous = AnonymousUser()
    assert roles.reach(anonymous) is Reach.NOTHING
    assert not roles.in_scope(KeyAccount.objects.all(), anonymous, "owner").exists()


def test_sees_person_agrees_with_in_scope(cast):
    """The Python answer for one person and the database answer for many are one rule."""
    people = list(User.objects.all())
    for user in cast.by_name().values():
        in_db = roles.people_in_scope(user)
        expected = (
            {p.pk for p in people} if in_db is None else set(in_db.values_list("pk", flat=True))
        )
        assert {p.pk for p in people if roles.sees_person(user, p)} == expected, user.username


def test_people_who_see_is_the_ladder_read_upwards(cast):
    """Who may handle a complaint of a KAM's account: exactly those whose scope holds her."""
    UserFactory(username="mate", role=Role.KAM, team=cast.owner.team)
    _deactivate(cast.gm)
    everybody = list(User.objects.select_related("team"))
    for person in everybody:
        expected = {u.pk for u in everybody if roles.sees_person(u, person)}
        assert set(roles.people_who_see(person).values_list("pk", flat=True)) == expected


# The one active-user guard: rules that once let a deactivated user through --------------------


def _guarded_cases():
    """(rule, role, extra arguments builder) for each rule that had no is_active check."""
    return [
        ("can_use_list", Role.KAM, lambda c: ()),
        ("can_create_account", Role.KAM, lambda c: ()),
        ("can_read_access_log", Role.SALES_VP, lambda c: ()),
        ("can_hand_over", Role.ADMIN, lambda c: ()),
        ("can_import", Role.ADMIN, lambda c: ()),
        ("can_see_appraisal", Role.KAM, lambda c: ()),
        ("can_export_appraisal", Role.SALES_VP, lambda c: ()),
        ("can_finalise_appraisal", Role.SALES_VP, lambda c: ()),
        ("manages", Role.SALES_MANAGER, lambda c: (c.owner,)),
        ("can_adjust_score", Role.SALES_MANAGER, lambda c: (c.owner,)),
    ]


@pytest.mark.parametrize(
    ("rule", "role", "args"), [pytest.param(*case, id=case[0]) for case in _guarded_cases()]
)
def test_a_deactivated_user_passes_no_rule(cast, rule, role, args):
    user = cast.manager if role == Role.SALES_MANAGER else UserFactory(role=role)
    check = getattr(roles, rule)
    assert check(user, *args(cast))  # the role may, while active
    _deactivate(user)
    assert not check(user, *args(cast))


def test_every_rule_has_the_guard(cast):
    """Each public rule of kam.roles answers False for a deactivated administrator, whatever
    else it would say: no rule forgets the guard again."""
    admin = _deactivate(cast.admin)
    team = TeamFactory()
    kam = UserFactory(role=Role.KAM, team=team)
    account = AccountFactory(owner=admin)
    for name in dir(roles):
        if not name.startswith(("can_", "sees_", "is_", "has_", "manages")):
            continue
        rule = getattr(roles, name)
        args = {
            "sees_team": (admin.pk,),
            "sees_person": (kam,),
        }.get(name)
        if args is None:
            params = rule.__wrapped__.__code__.co_varnames if hasattr(rule, "__wrapped__") else ()
            args = (account,) if "account" in params else (kam,) if "kam" in params else ()
        if name == "is_active_user":
            continue
        assert not rule(admin, *args), name
