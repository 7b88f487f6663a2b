"""Who may open what among the calendar's URLs (visits/views/calendar.py), for every member of
the cast, a technical VP, the GM office and an anonymous visitor, written out by hand:

- the calendar page: everyone who plans or makes visits (KAMs, sales managers, the VPs, the
  GM) and the GM office, which reads the executive schedule there; not administrators or
  staff of other departments (403);
- the subscription page and its reset: those who have visits of their own; the GM office,
  administrators and staff get 403. A reset changes only the user's own address;
- the feed: no session at all (calendar apps cannot sign in); its token is the credential,
  so everyone who holds the owner's address reads the owner's feed, and nothing else does
  (see test_calendar_feed.py for unknown, replaced and dead tokens).
"""

from __future__ import annotations

import copy

import pytest
import time_machine
from django.urls import reverse

from kam.tests.cast import make_cast
from kam.tests.matrix import LOG, Members, assert_cell, client_for, covers_every_url, parametrize
from kam.tests.once import built_once
from visits.models import CalendarFeed
from visits.services.calendar import calendar_feed_create
from visits.tests.calendar_fixtures import NOW, Month, make_month

pytestmark = pytest.mark.django_db

MEMBERS = (
    "owner",
    "other_kam",
    "manager",
    "other_manager",
    "sales_vp",
    "gm",
    "tech_vp",
    "gm_office",
    "admin",
    "staff",
    "anonymous",
)
SUB = "302 subscription"

# fmt: off
MATRIX: dict[str, tuple] = {
    # columns:           own  oKAM mgr  oMgr sVP  GM   tVP  gmo  adm  stf  anon
    "calendar":         (200, 200, 200, 200, 200, 200, 200, 200, 403, 403, LOG),
    "subscription":     (200, 200, 200, 200, 200, 200, 200, 403, 403, 403, LOG),
    "subscription+":    (SUB, SUB, SUB, SUB, SUB, SUB, SUB, 403, 403, 403, LOG),
    "reset":            (200, 200, 200, 200, 200, 200, 200, 403, 403, 403, LOG),
    "reset+":           (SUB, SUB, SUB, SUB, SUB, SUB, SUB, 403, 403, 403, LOG),
    "feed":             (200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200),
}
# fmt: on

SUB_URL = "visits:calendar_subscription"
# A row's URL name and method ("+" marks a POST).
ROUTES = {
    "calendar": ("visits:calendar", "get"),
    "subscription": ("visits:calendar_subscription", "get"),
    "subscription+": ("visits:calendar_subscription", "post"),
    "reset": ("visits:calendar_subscription_reset", "get"),
    "reset+": ("visits:calendar_subscription_reset", "post"),
    "feed": ("visits:calendar_feed", "get"),
}
SUBSCRIBERS = ("owner", "other_kam", "manager", "other_manager", "sales_vp", "gm", "tech_vp")


def _user(month: Month, member: str):
    extra = {"tech_vp": month.tech_vp, "gm_office": month.gm_office}
    return Members(month.cast, **extra).user(member)


def make_subscribed_month() -> Month:
    cast = make_cast()
    with time_machine.travel(NOW, tick=False):
        month = make_month(cast)
        for member in SUBSCRIBERS:
            calendar_feed_create(user=_user(month, member))
    return month


# The month is built once for the module; each test gets its own copy of it, and its writes
# are rolled back (kam/tests/once.py).
@pytest.fixture(scope="module")
def month_built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, make_subscribed_month)


@pytest.fixture
def month(month_built, db) -> Month:
    return copy.deepcopy(month_built)


@parametrize(MATRIX, MEMBERS, row="row")
def test_matrix(month, row, member, expected):
    name, method = ROUTES[row]
    tokens = dict(CalendarFeed.objects.values_list("user_id", "token"))
    owner_token = tokens[month.cast.owner.pk]
    args = [owner_token] if name == "visits:calendar_feed" else []
    url = reverse(name, args=args)
    user = _user(month, member)
    with time_machine.travel(NOW, tick=False):
        response = getattr(client_for(user), method)(url)
    where = {"login": reverse("login"), "subscription": reverse(SUB_URL)}
    assert_cell(response, expected, where.__getitem__, f"{method.upper()} {url} as {member}")
    after = dict(CalendarFeed.objects.values_list("user_id", "token"))
    reset = name == "visits:calendar_subscription_reset" and method == "post"
    changed = {pk for pk in tokens if after[pk] != tokens[pk]}
    acted = response.status_code == 302 and member != "anonymous"
    assert changed == ({user.pk} if reset and acted else set())
    assert set(after) == set(tokens)  # nobody else got an address


def test_the_feed_of_the_token_is_the_owners_whoever_asks(month):
    token = CalendarFeed.objects.get(user=month.cast.owner).token
    client = client_for(month.cast.other_kam)
    with time_machine.travel(NOW, tick=False):
        body = client.get(reverse("visits:calendar_feed", args=[token])).content
    assert f"visit-{month.visit.pk}@".encode() in body
    assert f"visit-{month.other_visit.pk}@".encode() not in body


def test_matrix_covers_every_url_of_the_calendar_views():
    routes = {name for name, _method in ROUTES.values()}
    covers_every_url("visits", routes, views=["visits.views.calendar"])
    assert set(ROUTES) == set(MATRIX)
