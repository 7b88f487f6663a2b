"""Who may open what among the executive schedule's URLs (visits/views/schedule.py): every URL
for every role, written out by hand from SPEC §1 and §14.1.

Rules the table encodes:
- the year's schedule: the GM office sets it, the GM and administrators may too; the sales VP
  reads it; everyone else is refused (403), sales managers and other executives included;
- one's own scheduled visits ("my schedule"): sales managers and the executives who visit
  (sales VP, technical VP, executive VP, GM); not the GM office, administrators, KAMs or staff;
- writes (propose, publish, move, remove, add) happen only when the row says they may.
"""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass
from functools import partial

import pytest
import time_machine
from django.urls import reverse

from kam.models import Notification
from kam.tests.cast import Cast, make_cast
from kam.tests.matrix import (
    LOG,
    Members,
    assert_cell,
    client_for,
    covers_every_url,
    extra_members,
    parametrize,
)
from kam.tests.once import built_once
from visits.models import ExecutiveSchedule, ScheduledVisit
from visits.services import schedule as services
from visits.tests.plan_fixtures import SH

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 10, 10, tzinfo=SH)  # June 2026: this year's schedule is in force

MEMBERS = (
    "gm_office",
    "gm",
    "sales_vp",
    "tech_vp",
    "exec_vp",
    "manager",
    "other_manager",
    "owner",  # the KAM
    "staff",
    "admin",
    "anonymous",
)

YR = "302 year"  # back to (or on to) the year's page

# Columns follow MEMBERS: GM office, GM, sales VP, technical VP, executive VP, the account's
# sales manager, another sales manager, the owner KAM, staff of another department, an
# administrator, nobody signed in.
# fmt: off
MATRIX: dict[str, tuple] = {
    # columns:                        gmo  GM   sVP  tVP  eVP  mgr  oMgr KAM  stf  adm  anon
    "visits:schedule":               (YR,  YR,  YR,  403, 403, 403, 403, 403, 403, YR,  LOG),
    "visits:schedule_year":          (200, 200, 200, 403, 403, 403, 403, 403, 403, 200, LOG),
    "visits:schedule_propose":       (YR,  YR,  403, 403, 403, 403, 403, 403, 403, YR,  LOG),
    "visits:schedule_publish":       (YR,  YR,  403, 403, 403, 403, 403, 403, 403, YR,  LOG),
    "visits:schedule_add":           (200, 200, 403, 403, 403, 403, 403, 403, 403, 200, LOG),
    "visits:schedule_item":          (200, 200, 403, 403, 403, 403, 403, 403, 403, 200, LOG),
    "visits:schedule_item_remove":   (YR,  YR,  403, 403, 403, 403, 403, 403, 403, YR,  LOG),
    "visits:my_schedule":            (403, 200, 200, 200, 200, 200, 200, 403, 403, 403, LOG),
}
# fmt: on


@dataclass
class World:
    cast: Cast
    gm_office: object
    tech_vp: object
    exec_vp: object
    schedule: ExecutiveSchedule  # 2026, published
    item: ScheduledVisit  # the manager's next visit after this month
    told: int  # people told when the schedule was published

    def user(self, member: str):
        extra = {"gm_office": self.gm_office, "tech_vp": self.tech_vp, "exec_vp": self.exec_vp}
        return Members(self.cast, **extra).user(member)

    def request(self, name: str) -> tuple[str, str, dict]:
        args = {
            "visits:schedule_year": [2026],
            "visits:schedule_propose": [2027],
            "visits:schedule_publish": [2026],
            "visits:schedule_add": [2026],
            "visits:schedule_item": [self.item.pk],
            "visits:schedule_item_remove": [self.item.pk],
        }.get(name, [])
        posts = {
            "visits:schedule_propose": {},
            "visits:schedule_publish": {},
            "visits:schedule_item_remove": {},
        }
        method = "post" if name in posts else "get"
        return method, reverse(name, args=args), posts.get(name, {})


def make_world() -> World:
    cast = make_cast()
    with time_machine.travel(NOW, tick=False):
        extra = extra_members("gm_office", "tech_vp", "exec_vp")
        gm_office, tech_vp, exec_vp = extra["gm_office"], extra["tech_vp"], extra["exec_vp"]
        schedule = services.schedule_propose(year=2026, by=gm_office).schedule
        told = services.schedule_publish(schedule=schedule, by=gm_office)
        item = (
            schedule.items.filter(visitor=cast.manager, month__gte=dt.date(2026, 7, 1))
            .order_by("month")
            .first()
        )
        return World(cast, gm_office, tech_vp, exec_vp, schedule, item, told)


# The cast and the world are built once for the module; each test gets its own copy of them,
# at NOW, and its writes are rolled back (kam/tests/once.py).
@pytest.fixture(scope="module")
def world_built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, make_world)


@pytest.fixture
def world(world_built, db):
    with time_machine.travel(NOW, tick=False):
        yield copy.deepcopy(world_built)


def _expected_location(target: str, *, year: int) -> str:
    return {
        "login": reverse("login"),
        "year": reverse("visits:schedule_year", args=[year]),
    }[target]


@parametrize(MATRIX, MEMBERS)
def test_matrix(world, name, member, expected):
    method, url, data = world.request(name)
    published = ExecutiveSchedule.objects.get(year=2026).published_at
    with time_machine.travel(NOW + dt.timedelta(hours=1), tick=False):
        response = getattr(client_for(world.user(member)), method)(url, data)
    # A proposal goes on to the year it proposes.
    year = 2027 if name == "visits:schedule_propose" else 2026
    where = partial(_expected_location, year=year)
    assert_cell(response, expected, where, f"{method.upper()} {url} as {member}")
    _check_effects(world, name, member, response.status_code, published)


def _check_effects(world: World, name: str, member: str, status: int, published) -> None:
    """Writes happen only when the row lets them, and only then."""
    acted = status == 302 and member != "anonymous"
    assert ExecutiveSchedule.objects.filter(year=2027).exists() == (
        name == "visits:schedule_propose" and acted
    )
    item = ScheduledVisit.objects.get(pk=world.item.pk)
    assert item.is_cancelled == (name == "visits:schedule_item_remove" and acted)
    republished = ExecutiveSchedule.objects.get(year=2026).published_at != published
    assert republished == (name == "visits:schedule_publish" and acted)
    told = Notification.objects.filter(kind="executive_schedule").count()
    assert told == world.told * (2 if republished else 1)


def test_matrix_covers_every_url_of_the_schedule_views():
    covers_every_url("visits", MATRIX, views=["visits.views.schedule"])


@pytest.mark.parametrize(
    "name", ["visits:schedule_propose", "visits:schedule_publish", "visits:schedule_item_remove"]
)
def test_writes_take_post_only(world, name):
    _method, url, _data = world.request(name)
    with time_machine.travel(NOW, tick=False):
        assert client_for(world.gm_office).get(url).status_code == 405


def test_an_item_that_is_removed_or_unknown_is_not_found(world):
    with time_machine.travel(NOW, tick=False):
        services.scheduled_visit_remove(item=world.item, by=world.gm_office)
        client = client_for(world.gm_office)
        for pk in (world.item.pk, 999_999):
            assert client.get(reverse("visits:schedule_item", args=[pk])).status_code == 404
        assert client.get(reverse("visits:schedule_add", args=[2031])).status_code == 404


@pytest.mark.parametrize("member", ["manager", "other_manager", "tech_vp", "gm"])
def test_my_schedule_shows_only_my_own_visits(world, member):
    user = world.user(member)
    with time_machine.travel(NOW, tick=False):
        response = client_for(user).get(reverse("visits:my_schedule"), {"show": "all"})
    items = response.context["items"]
    assert {i.visitor_id for i in items} <= {user.pk}
    assert bool(items) == (member != "other_manager")  # his team has no key account here
    if member == "manager":
        assert world.cast.account.name in response.content.decode()


def test_no_archive_links_for_those_who_may_not_read_archives(world):
    """The GM office sees the names on the schedule, not the archives behind them (§7–§10)."""
    detail = reverse("accounts:detail", args=[world.cast.account.pk])
    with time_machine.travel(NOW, tick=False):
        office = client_for(world.gm_office).get(reverse("visits:schedule_year", args=[2026]))
        gm = client_for(world.cast.gm).get(reverse("visits:schedule_year", args=[2026]))
    assert detail not in office.content.decode()
    assert detail in gm.content.decode()
