"""Festival communication (§13, §7): the Spring Festival (春节, lunar 1/1) and the Mid-Autumn
Festival (中秋, lunar 8/15) move in the solar calendar; each KAM is reminded a week ahead,
once per festival and year, on exactly that day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation
from lunardate import LunarDate

from accounts.models.archive import Tier
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import AccountFactory, UserFactory
from visits import rules
from visits.reminders import festival_reminders, festivals_ahead
from visits.tests.plan_fixtures import make_office

D = dt.date

SPRING = {2025: D(2025, 1, 29), 2026: D(2026, 2, 17), 2027: D(2027, 2, 6), 2028: D(2028, 1, 26)}
MID_AUTUMN = {2025: D(2025, 10, 6), 2026: D(2026, 9, 25), 2027: D(2027, 9, 15)}
FESTIVALS = [(rules.SPRING_FESTIVAL, y, d) for y, d in SPRING.items()] + [
    (rules.MID_AUTUMN, y, d) for y, d in MID_AUTUMN.items()
]


@pytest.mark.parametrize(("year", "day"), SPRING.items())
def test_spring_festival_falls_on_lunar_new_year(year, day):
    assert LunarDate(year, 1, 1).to_solar_date() == day
    assert dict(rules.festival_days(year))[rules.SPRING_FESTIVAL] == day


@pytest.mark.parametrize(("year", "day"), MID_AUTUMN.items())
def test_mid_autumn_falls_on_the_15th_of_the_8th_lunar_month(year, day):
    assert LunarDate(year, 8, 15).to_solar_date() == day
    assert dict(rules.festival_days(year))[rules.MID_AUTUMN] == day


@pytest.mark.parametrize(("name", "year", "day"), FESTIVALS)
def test_the_notice_day_is_a_week_before_the_festival_and_no_other(name, year, day):
    notice = day - dt.timedelta(days=7)
    assert festivals_ahead(notice) == [rules.Festival(name, day)]
    for other in (notice - dt.timedelta(days=1), notice + dt.timedelta(days=1), day):
        assert festivals_ahead(other) == []


@pytest.fixture
def office(cast):
    return make_office(cast)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "year", "day"), FESTIVALS)
def test_each_kam_is_reminded_on_exactly_the_day(office, cast, name, year, day):
    AccountFactory(owner=UserFactory(role=Role.KAM), tier=Tier.POTENTIAL)  # no festival rule
    notice = day - dt.timedelta(days=7)
    assert festival_reminders(notice - dt.timedelta(days=1)) == 0
    with translation.override("en"):
        assert festival_reminders(notice) == 2
    assert festival_reminders(notice) == 0  # a second run
    assert festival_reminders(notice + dt.timedelta(days=1)) == 0
    rows = set(Notification.objects.values_list("recipient_id", "kind", "key"))
    key = f"festival:{name}:{year}"
    assert rows == {(office.owner.pk, "festival", key), (cast.other_kam.pk, "festival", key)}
    note = Notification.objects.get(recipient=office.owner)
    label = "Spring Festival" if name == rules.SPRING_FESTIVAL else "Mid-Autumn Festival"
    assert note.title == f"{label}: arrange greetings for your 3 key accounts"
    assert note.due_on == rules.working_day_on_or_before(day)  # worded when shown
    month = f"{day:%Y-%m}"
    assert note.url == reverse("visits:compliance_kam", args=[office.owner.pk]) + f"?p={month}"


@pytest.mark.django_db
def test_the_two_festivals_of_a_year_are_two_reminders(office):
    festival_reminders(SPRING[2027] - dt.timedelta(days=7))
    festival_reminders(MID_AUTUMN[2027] - dt.timedelta(days=7))
    keys = set(Notification.objects.filter(recipient=office.owner).values_list("key", flat=True))
    assert keys == {"festival:spring_festival:2027", "festival:mid_autumn:2027"}
