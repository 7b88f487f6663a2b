"""Spot checks (抽查, §14.2): a random sample of the team's visits, the same on every reload,
phoned and recorded by the sales manager."""

from __future__ import annotations

import datetime as dt
import random

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import KeyAccount
from kam.roles import Role
from kam.tests.factories import AccountFactory, ContactFactory, TeamFactory, UserFactory
from visits.models import SpotCheck, Visit
from visits.models.choices import VisitKind
from visits.models.records import SpotResult
from visits.selectors.spot_checks import sample_size, spot_check_population, spot_check_sample
from visits.services import spot_checks as services
from visits.tests.plan_fixtures import at

pytestmark = pytest.mark.django_db

MAY = dt.date(2026, 5, 1)


@pytest.mark.parametrize(
    ("population", "size"), [(0, 0), (2, 2), (3, 3), (10, 3), (29, 3), (31, 4), (45, 5), (200, 20)]
)
def test_sample_size_is_a_tenth_with_a_minimum_of_three(population, size):
    assert sample_size(population) == size


def visits_for(kam, n: int, month=MAY, **kw) -> list[Visit]:
    account = KeyAccount.objects.filter(owner=kam).first() or AccountFactory(owner=kam)
    return Visit.objects.bulk_create(
        Visit(
            account=account,
            visitor=kam,
            visitor_role=kw.get("role", Role.KAM),
            kind=kw.get("kind", VisitKind.VISIT),
            visited_on=month + dt.timedelta(days=i % 28),
            purposes=["relationship"],
            is_cancelled=kw.get("cancelled", False),
        )
        for i in range(n)
    )


@pytest.fixture
def teams(db):
    east, north = TeamFactory(name="华东组"), TeamFactory(name="华北组")
    east_kams = [UserFactory(role=Role.KAM, team=east) for _ in range(3)]
    north_kam = UserFactory(role=Role.KAM, team=north)
    ours = [v for kam in east_kams for v in visits_for(kam, 15)]  # 45 → a sample of 5
    visits_for(north_kam, 20)
    visits_for(east_kams[0], 5, month=dt.date(2026, 4, 1))  # another month
    visits_for(east_kams[0], 4, cancelled=True)
    visits_for(east_kams[1], 3, kind=VisitKind.YEAR_END_CARD)
    visits_for(east.manager, 3, role=Role.SALES_MANAGER)  # the manager's own visits
    return {"east": east, "north": north, "ours": {v.pk for v in ours}}


def test_the_population_is_the_teams_kam_visits_of_the_month(teams):
    population = set(spot_check_population(teams["east"].manager, MAY).values_list("pk", flat=True))
    assert population == teams["ours"]


def test_the_sample_is_reproducible_per_manager_and_month(teams):
    manager = teams["east"].manager
    sample = spot_check_sample(manager, MAY)
    assert len(sample) == 5
    assert set(sample) <= teams["ours"]
    assert spot_check_sample(manager, MAY) == sample  # a reload does not reshuffle
    # Another month and another manager draw their own.
    assert len(spot_check_sample(manager, dt.date(2026, 4, 1))) == 3
    north = spot_check_sample(teams["north"].manager, MAY)
    assert len(north) == 3 and not set(north) & teams["ours"]


def test_the_sample_is_random_not_the_first_visits(teams):
    manager = teams["east"].manager
    sample = spot_check_sample(manager, MAY)
    assert sample != sorted(teams["ours"])[:5]
    # The seed is the manager and the month: another seed over the same visits draws others.
    other_seed = random.Random(f"spot-check:{manager.pk + 1}:2026-05").sample(
        sorted(teams["ours"]), 5
    )
    assert sorted(other_seed) != sample


def test_starting_fixes_the_sample_once(teams):
    manager = teams["east"].manager
    checks = services.spot_checks_start(manager=manager, month=MAY, by=manager)
    assert sorted(c.visit_id for c in checks) == spot_check_sample(manager, MAY)
    assert {c.result for c in checks} == {SpotResult.PENDING}
    visits_for(manager.led_team.members.first(), 30)  # more visits arrive
    again = services.spot_checks_start(manager=manager, month=MAY, by=manager)
    assert {c.pk for c in again} == {c.pk for c in checks}
    assert SpotCheck.objects.count() == 5


@pytest.mark.parametrize("role", [Role.KAM, Role.SALES_VP, Role.ADMIN])
def test_only_a_sales_manager_starts_checks(teams, role):
    user = UserFactory(role=role)
    with pytest.raises(PermissionDenied):
        services.spot_checks_start(manager=teams["east"].manager, month=MAY, by=user)


def test_a_month_without_visits_has_nothing_to_check(teams):
    manager = teams["east"].manager
    with pytest.raises(ValidationError):
        services.spot_checks_start(manager=manager, month=dt.date(2026, 1, 1), by=manager)


def test_recording_a_result(teams):
    manager = teams["east"].manager
    check = services.spot_checks_start(manager=manager, month=MAY, by=manager)[0]
    contact = ContactFactory(account=check.visit.account, name="赵主任", phone="13900001111")
    stranger = ContactFactory()
    with pytest.raises(ValidationError):  # whom he called
        services.spot_check_record(
            check=check, by=manager, result=SpotResult.CONFIRMED, contact=None
        )
    with pytest.raises(ValidationError):
        services.spot_check_record(
            check=check, by=manager, result=SpotResult.CONFIRMED, contact=stranger
        )
    with pytest.raises(ValidationError):
        services.spot_check_record(
            check=check, by=manager, result=SpotResult.PENDING, contact=contact
        )
    with pytest.raises(PermissionDenied):
        services.spot_check_record(
            check=check, by=teams["north"].manager, result=SpotResult.CONFIRMED, contact=contact
        )
    with time_machine.travel(at(dt.date(2026, 6, 8)), tick=False):
        services.spot_check_record(
            check=check,
            by=manager,
            result=SpotResult.NOT_CONFIRMED,
            contact=contact,
            notes="对方说没见过",
        )
    check.refresh_from_db()
    assert (check.result, check.called_contact, check.notes) == (
        SpotResult.NOT_CONFIRMED,
        contact,
        "对方说没见过",
    )
    assert check.checked_at.date() == dt.date(2026, 6, 8)
    unreachable = services.spot_checks_start(manager=manager, month=MAY, by=manager)[1]
    services.spot_check_record(
        check=unreachable, by=manager, result=SpotResult.UNREACHABLE, contact=None
    )


def test_the_page_proposes_then_records(teams, client):
    manager = teams["east"].manager
    client.force_login(manager)
    url = reverse("visits:spot_checks")
    page = client.get(url, {"month": "2026-05"})
    proposal = [v.pk for v in page.context["proposal"]]
    assert sorted(proposal) == spot_check_sample(manager, MAY)
    assert client.get(url, {"month": "2026-05"}).context["proposal"] == page.context["proposal"]
    client.post(reverse("visits:spot_checks_start"), {"month": "2026-05"})
    page = client.get(url, {"month": "2026-05"})
    assert len(page.context["checks"]) == 5
    assert "proposal" not in page.context
    check = page.context["checks"][0]
    contact = ContactFactory(account=check.visit.account)
    response = client.post(
        reverse("visits:spot_check_record", args=[check.pk]),
        {f"c{check.pk}-result": "confirmed", f"c{check.pk}-called_contact": contact.pk},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert (check.result, check.called_contact) == (SpotResult.CONFIRMED, contact)


def test_other_managers_and_kams_see_none_of_it(teams, client):
    manager = teams["east"].manager
    check = services.spot_checks_start(manager=manager, month=MAY, by=manager)[0]
    client.force_login(teams["north"].manager)
    page = client.get(reverse("visits:spot_checks"), {"month": "2026-05"})
    assert page.context["checks"] == []
    response = client.post(
        reverse("visits:spot_check_record", args=[check.pk]), {f"c{check.pk}-result": "confirmed"}
    )
    assert response.status_code == 404
    client.force_login(teams["east"].members.first())
    assert client.get(reverse("visits:spot_checks")).status_code == 403
    vp = UserFactory(role=Role.SALES_VP)
    client.force_login(vp)
    page = client.get(reverse("visits:spot_checks"), {"month": "2026-05"})
    assert len(page.context["checks"]) == 5  # the sales VP reads every team's checks
    assert "proposal" not in page.context


def test_a_large_months_checks_come_a_page_at_a_time(teams, client, django_assert_max_num_queries):
    manager = teams["east"].manager
    visits = Visit.objects.filter(pk__in=teams["ours"]).order_by("visited_on", "pk")
    SpotCheck.objects.bulk_create(SpotCheck(visit=v, month=MAY, checker=manager) for v in visits)
    client.force_login(manager)
    url = reverse("visits:spot_checks")
    with django_assert_max_num_queries(16):
        first = client.get(url, {"month": "2026-05"})
    assert len(first.context["checks"]) == 45 and "proposal" not in first.context
    # a new KAM's visits take the month past one page
    more = visits_for(UserFactory(role=Role.KAM, team=teams["east"]), 20)
    SpotCheck.objects.bulk_create(SpotCheck(visit=v, month=MAY, checker=manager) for v in more)
    with django_assert_max_num_queries(16):
        first = client.get(url, {"month": "2026-05"})
    second = client.get(url, {"month": "2026-05", "page": "2"})
    assert len(first.context["checks"]) == 50 and len(second.context["checks"]) == 15
    assert not {c.pk for c in first.context["checks"]} & {c.pk for c in second.context["checks"]}
    assert "page=2" in first.content.decode()
