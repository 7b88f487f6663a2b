"""Who may open what among the check-in URLs: every URL for every member of the cast
(kam/tests/cast.py), a technical VP and an anonymous visitor, written out by hand.

Rules the table encodes:
- only a KAM checks in, at her own accounts; other roles get 403 for the pages, and an
  account or plan line that is not hers is 404, like a guessed URL;
- the check-in page and its actions (check out, photo, use as the customer's location) are
  the visitor's: a reader of the visit gets 403, anyone else 404;
- the photo is served to whoever reads the visit (the visit detail page's rule): the owner,
  her sales manager, the sales VP, the GM and administrators; anyone else gets 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

import pytest
import time_machine
from django.urls import reverse

from kam.tests.matrix import (
    LOG,
    Members,
    assert_cell,
    client_for,
    covers_every_url,
    extra_members,
    parametrize,
)
from visits.models import AccountLocation, CheckIn, Visit
from visits.services import checkins as services
from visits.tests.checkin_fixtures import CUSTOMER, NOW, Day, make_day, photo_upload

pytestmark = pytest.mark.django_db

MEMBERS = (
    "owner",
    "other_kam",
    "manager",
    "other_manager",
    "sales_vp",
    "gm",
    "admin",
    "tech_vp",
    "staff",
    "anonymous",
)

NEW = "302 new_checkin"  # the page of the check-in just made
CHK = "302 checkin"  # back to the check-in page

# fmt: off
MATRIX: dict[str, tuple] = {
    # columns:                        own  oKAM mgr  oMgr VP   GM   adm  tech stf  anon
    "visits:checkin":                (200, 200, 403, 403, 403, 403, 403, 403, 403, LOG),
    "visits:checkin?account":        (200, 404, 403, 403, 403, 403, 403, 403, 403, LOG),
    "visits:checkin?account&line":   (200, 404, 403, 403, 403, 403, 403, 403, 403, LOG),
    "POST visits:checkin?account":   (NEW, 404, 403, 403, 403, 403, 403, 403, 403, LOG),
    "visits:checkin_visit":          (200, 404, 403, 404, 403, 403, 403, 404, 404, LOG),
    "visits:checkout":               (CHK, 404, 403, 404, 403, 403, 403, 404, 404, LOG),
    "visits:checkin_photo_upload":   (CHK, 404, 403, 404, 403, 403, 403, 404, 404, LOG),
    "visits:account_location_set":   (CHK, 404, 403, 404, 403, 403, 403, 404, 404, LOG),
    "visits:checkin_photo":          (200, 404, 200, 404, 200, 200, 200, 404, 404, LOG),
}
# fmt: on

LATER = NOW + dt.timedelta(hours=1)
ACTIONS = {"visits:checkout", "visits:checkin_photo_upload", "visits:account_location_set"}


@dataclass
class World:
    day: Day
    tech_vp: object
    visit: Visit  # the owner's checked-in visit on today's plan line, with a photo
    photo: str  # its stored name

    def user(self, member: str):
        return Members(self.day.cast, tech_vp=self.tech_vp).user(member)

    def request(self, name: str) -> tuple[str, str, dict]:
        method = "post" if name.startswith("POST ") else "get"
        name = name.removeprefix("POST ")
        base, _sep, params = name.partition("?")
        unplanned = self.day.office.accounts[1]  # nobody is checked in there yet
        args = [self.visit.pk] if base != "visits:checkin" else []
        url = reverse(base, args=args)
        if params == "account":
            url += f"?account={unplanned.pk}"
        elif params == "account&line":
            line = self.day.plan.lines.exclude(pk=self.day.line.pk).get()
            line.planned_on = self.day.line.planned_on  # a second visit planned for today
            line.save()
            url += f"?account={line.account_id}&line={line.pk}"
        if base in ACTIONS:
            method = "post"
        posts = {
            "visits:checkout": {"latitude": "31.4912", "longitude": "120.3119", "accuracy": "9"},
            "visits:checkin_photo_upload": {"photo": photo_upload()},
            "visits:checkin": {"latitude": "31.5", "longitude": "120.3", "accuracy": "12"},
        }
        data = posts.get(base, {}) if method == "post" else {}
        return method, url, data


@pytest.fixture
def world(cast) -> World:
    with time_machine.travel(NOW, tick=False):
        day = make_day(cast)
        checkin = services.checkin_create(
            by=cast.owner, account=cast.account, plan_line=day.line, fix=CUSTOMER
        )
        services.checkin_photo_set(checkin=checkin, by=cast.owner, upload=photo_upload())
        checkin.refresh_from_db()
        tech_vp = extra_members("tech_vp")["tech_vp"]
        yield World(day, tech_vp, checkin.visit, checkin.photo.name)


def _expected_location(world: World, target: str) -> str:
    if target == "new_checkin":
        visit = Visit.objects.exclude(pk=world.visit.pk).get()
        return reverse("visits:checkin_visit", args=[visit.pk])
    return {
        "login": reverse("login"),
        "checkin": reverse("visits:checkin_visit", args=[world.visit.pk]),
    }[target]


@parametrize(MATRIX, MEMBERS)
def test_matrix(world, name, member, expected):
    method, url, data = world.request(name)
    with time_machine.travel(LATER, tick=False):
        response = getattr(client_for(world.user(member)), method)(url, data)
    where = partial(_expected_location, world)
    assert_cell(response, expected, where, f"{method.upper()} {url} as {member}")
    if response.status_code == 200 and name == "visits:checkin_photo":
        assert response["Content-Type"] == "image/jpeg"
        assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    _check_effects(world, name, member, response.status_code)


def _check_effects(world: World, name: str, member: str, status: int) -> None:
    """Writes happen only where the row lets them; everything else is left as it was."""
    acted = status == 302 and member != "anonymous"
    checkin = CheckIn.objects.get(visit=world.visit)
    assert (checkin.checked_out_at is not None) == (name == "visits:checkout" and acted)
    assert (checkin.photo.name != world.photo) == (name == "visits:checkin_photo_upload" and acted)
    assert AccountLocation.objects.exists() == (name == "visits:account_location_set" and acted)
    assert CheckIn.objects.count() == (2 if name.startswith("POST") and acted else 1)


def test_media_files_are_not_served(world):
    """The photo's file name, even known, opens nothing: /media/ has no URL."""
    client = client_for(world.day.cast.owner)
    assert client.get(f"/media/{world.photo}").status_code == 404
    assert client.get(f"/{world.photo}").status_code == 404


def test_a_visit_without_photo_gives_404_to_its_readers(world):
    CheckIn.objects.filter(visit=world.visit).update(photo="")
    url = reverse("visits:checkin_photo", args=[world.visit.pk])
    assert client_for(world.day.cast.manager).get(url).status_code == 404


OWN_VIEWS = ("visits.views.checkins",)


def test_matrix_covers_every_url_of_these_views():
    covers_every_url("visits", MATRIX, views=OWN_VIEWS)
