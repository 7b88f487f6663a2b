"""The private iCalendar feed: read by a real parser (`icalendar`), it holds exactly the user's
items of the hand-made month, in Asia/Shanghai time, with stable UIDs; a reset kills the old
address at once; a deactivated user, a changed role or an account given away shows nothing
more. Also the writer's escaping and folding, and the subscription pages."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from lxml import html

from accounts.models import KeyAccount
from kam.roles import Role
from visits import ical
from visits.models import CalendarFeed, PlanLine
from visits.services.calendar import calendar_feed_create, calendar_feed_reset
from visits.tests.calendar_fixtures import NOW, Month, make_month

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timedelta(hours=8)


@pytest.fixture
def month(cast) -> Month:
    with time_machine.travel(NOW, tick=False):
        return make_month(cast)


def fetch(token: str, status: int = 200):
    with time_machine.travel(NOW, tick=False):
        response = Client().get(reverse("visits:calendar_feed", args=[token]))
    assert response.status_code == status
    return response


def events(user) -> dict[str, icalendar.Event]:
    feed = calendar_feed_create(user=user)
    parsed = icalendar.Calendar.from_ical(fetch(feed.token).content)
    found = {}
    for event in parsed.walk("VEVENT"):
        uid = str(event["UID"])
        assert uid not in found, f"{uid} twice"
        found[uid] = event
    return found


def uid(kind: str, obj) -> str:
    return f"{kind}-{obj.pk}@{ical.UID_DOMAIN}"


def test_the_feed_is_a_calendar_of_her_items_and_nobody_elses(month):
    found = events(month.cast.owner)
    assert set(found) == {
        uid("visit", month.visit),
        uid("visit", month.unplanned),
        uid("plan-line", month.missed_line),
        uid("plan-line", month.later_line),
        uid("plan-line", month.july_line),
        uid("scheduled-visit", month.tech_item),
        # The manager's item is done: his visit is its event (in his feed, not hers).
    }
    other = events(month.cast.other_kam)
    assert set(other) == {
        uid("visit", month.other_visit),
        uid("plan-line", month.other_line),
        uid("scheduled-visit", month.gm_item),  # the GM's July visit to her account
    }
    manager = events(month.cast.manager)
    assert set(manager) == {uid("visit", month.manager_visit)}
    assert set(events(month.tech_vp)) == {uid("scheduled-visit", month.tech_item)}
    assert set(events(month.cast.gm)) == {uid("scheduled-visit", month.gm_item)}


def test_the_response_is_private_utf8_calendar_text(month):
    feed = calendar_feed_create(user=month.cast.owner)
    response = fetch(feed.token)
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    body = response.content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines)
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    for line in lines:
        line.decode("utf-8")  # folding never splits a character
    assert "无锡恒达精密机械有限公司".encode() in body.replace(b"\r\n ", b"")
    parsed = icalendar.Calendar.from_ical(body)
    assert str(parsed["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["Asia/Shanghai"]


def test_times_are_beijing_time_and_dates_are_all_day(month):
    found = events(month.cast.owner)
    visit = found[uid("visit", month.visit)]
    start, end = visit.decoded("DTSTART"), visit.decoded("DTEND")
    assert start.utcoffset() == SHANGHAI and end.utcoffset() == SHANGHAI
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (
        dt.datetime(2026, 6, 3, 9, 30),
        dt.datetime(2026, 6, 3, 11, 0),
    )
    assert visit["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert start.astimezone(dt.UTC).hour == 1  # 09:30 in Beijing is 01:30 UTC
    # No times recorded: all day.
    unplanned = found[uid("visit", month.unplanned)]
    assert unplanned.decoded("DTSTART") == dt.date(2026, 6, 12)
    line = found[uid("plan-line", month.later_line)]
    assert (line.decoded("DTSTART"), line.decoded("DTEND")) == (
        dt.date(2026, 6, 24),
        dt.date(2026, 6, 25),
    )
    assert str(line["STATUS"]) == "CONFIRMED"  # an approved plan
    assert str(found[uid("plan-line", month.july_line)]["STATUS"]) == "TENTATIVE"  # a draft
    # A schedule item has a month: the whole month, shown as free time.
    item = found[uid("scheduled-visit", month.tech_item)]
    assert (item.decoded("DTSTART"), item.decoded("DTEND")) == (
        dt.date(2026, 6, 1),
        dt.date(2026, 7, 1),
    )
    assert str(item["TRANSP"]) == "TRANSPARENT"
    for event in found.values():
        assert event.decoded("DTSTAMP").utcoffset() == dt.timedelta(0)
        assert str(event["URL"]).startswith("http://testserver/")


def test_summaries_name_the_account_and_purpose_in_chinese(month):
    found = events(month.cast.owner)
    with translation.override("zh-hans"):
        relationship = translation.gettext("Relationship upkeep")
    line = str(found[uid("plan-line", month.later_line)]["SUMMARY"])
    assert month.later_line.account.name in line and relationship in line
    visit = str(found[uid("visit", month.visit)]["SUMMARY"])
    assert month.visit.account.name in visit
    item = str(found[uid("scheduled-visit", month.tech_item)]["SUMMARY"])
    assert month.tech_item.account.name in item and "陈总工" in item
    assert str(found[uid("visit", month.visit)]["URL"]).endswith(
        reverse("visits:visit_detail", args=[month.visit.pk])
    )


def test_text_with_separators_and_long_lines_survives_a_round_trip(month):
    note = "带样品，见王总；另：\n下午再约 " + "长" * 60
    PlanLine.objects.filter(pk=month.later_line.pk).update(notes=note)
    event = events(month.cast.owner)[uid("plan-line", month.later_line)]
    assert note in str(event["DESCRIPTION"])
    assert "带样品" not in str(event["SUMMARY"])  # the summary names the account and purpose


def test_uids_are_stable_between_fetches(month):
    first = events(month.cast.owner)
    assert set(events(month.cast.owner)) == set(first)


def test_a_reset_kills_the_old_address_at_once(month):
    owner = month.cast.owner
    old = calendar_feed_create(user=owner).token
    fetch(old)
    new = calendar_feed_reset(user=owner)
    assert new.token != old and new.reset_at is not None
    fetch(old, 404)
    fetch(new.token)
    assert CalendarFeed.objects.filter(user=owner).count() == 1


def test_a_deactivated_user_or_a_role_without_visits_gets_nothing(month):
    owner = month.cast.owner
    token = calendar_feed_create(user=owner).token
    owner.is_active = False
    owner.save()
    fetch(token, 404)
    owner.is_active = True
    owner.role = Role.STAFF
    owner.save()
    fetch(token, 404)
    owner.role = Role.KAM
    owner.save()
    fetch(token)


def test_an_account_given_away_leaves_the_feed(month):
    given = month.office.accounts[0]
    KeyAccount.objects.filter(pk=given.pk).update(owner=month.cast.other_kam)
    found = events(month.cast.owner)
    assert uid("scheduled-visit", month.tech_item) not in found
    assert uid("visit", month.visit) in found  # she made it; it stays hers
    assert uid("plan-line", month.missed_line) in found  # another account


@pytest.mark.parametrize(
    "token", ["nope", "x" * 43, "..%2E" + "a" * 30, "tok.en." + "b" * 30, "a" * 80]
)
def test_unknown_tokens_are_404(month, token):
    calendar_feed_create(user=month.cast.owner)
    fetch(token, 404)


def test_only_get_and_head(month):
    token = calendar_feed_create(user=month.cast.owner).token
    url = reverse("visits:calendar_feed", args=[token])
    assert Client().post(url).status_code == 405
    assert Client().head(url).status_code == 200


def test_the_range_is_two_months_back_to_a_year_ahead(month):
    owner = month.cast.owner
    PlanLine.objects.filter(pk=month.july_line.pk).update(planned_on=dt.date(2027, 6, 30))
    PlanLine.objects.filter(pk=month.missed_line.pk).update(planned_on=dt.date(2027, 7, 1))
    PlanLine.objects.filter(pk=month.later_line.pk).update(planned_on=dt.date(2026, 3, 31))
    found = events(owner)
    assert uid("plan-line", month.july_line) in found
    assert uid("plan-line", month.missed_line) not in found
    assert uid("plan-line", month.later_line) not in found


# The writer, pure ------------------------------------------------------------------------------


def test_escaping_follows_rfc_5545():
    assert ical.escape_text("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"


@pytest.mark.parametrize("text", ["A" * 200, "拜访" * 80, "a" + "无锡" * 50, "x" * 75, "é" * 90])
def test_folding_keeps_lines_within_75_octets_and_unfolds_back(text):
    folded = ical.fold("SUMMARY:" + text)
    pieces = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in pieces)
    assert all(p.startswith(" ") for p in pieces[1:])
    assert re.sub(r"\r\n ", "", folded) == "SUMMARY:" + text


# The subscription pages -----------------------------------------------------------------------


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_page_makes_the_address_on_request_and_shows_it(month):
    client = _client(month.cast.owner)
    url = reverse("visits:calendar_subscription")
    doc = html.fromstring(client.get(url).content)
    assert doc.get_element_by_id("create-feed") is not None
    assert not CalendarFeed.objects.exists()  # a GET changes nothing
    assert client.post(url).status_code == 302
    token = CalendarFeed.objects.get(user=month.cast.owner).token
    doc = html.fromstring(client.get(url).content)
    shown = doc.get_element_by_id("feed-url").get("value")
    assert shown == "http://testserver" + reverse("visits:calendar_feed", args=[token])
    assert doc.get_element_by_id("webcal-link").get("href").startswith("webcal://testserver/")
    client.post(url)
    assert CalendarFeed.objects.get().token == token  # asking again keeps the address


def test_reset_asks_first_then_replaces_the_token(month):
    owner = month.cast.owner
    token = calendar_feed_create(user=owner).token
    client = _client(owner)
    url = reverse("visits:calendar_subscription_reset")
    response = client.get(url)
    assert response.status_code == 200 and b"confirm-reset" in response.content
    assert CalendarFeed.objects.get().token == token
    response = client.post(url)
    assert response["Location"] == reverse("visits:calendar_subscription")
    assert CalendarFeed.objects.get().token != token
    fetch(token, 404)
