"""The check-in pages through Django's test client: what the KAM posts, what readers see on
the visit, the month's record and the spot checks, and what each page costs in queries."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kam.tests.factories import AccountFactory
from visits.models import CheckIn, LocationStatus, PlanLine, SpotCheck, Visit
from visits.models.choices import Purpose
from visits.services import checkins as services
from visits.tests.checkin_fixtures import (
    CUSTOMER,
    FAR,
    NEAR,
    NOW,
    TODAY,
    Day,
    make_day,
    photo_bytes,
    photo_upload,
)

pytestmark = pytest.mark.django_db

# Measured on PostgreSQL (10, 8, 8), plus one of margin: session, user, unread notifications
# and the session save with its savepoints are every page's frame; the today page adds its
# lines, their visits with check-ins, today's check-ins and the accounts; the check-in page its
# visit check and the check-in with visit, account, location and record.
TODAY_BUDGET = 11
CHECKIN_PAGE_BUDGET = 9
FORM_BUDGET = 9


@pytest.fixture
def day(cast):
    with time_machine.travel(NOW, tick=False) as traveller:
        d = make_day(cast)
        d.traveller = traveller
        yield d


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _far_checkin(day: Day) -> CheckIn:
    """The owner's customer location is set; today she checks in 2.2 km away from it."""
    owner = day.cast.owner
    first = services.checkin_create(by=owner, account=day.cast.account, fix=CUSTOMER)
    services.account_location_set(checkin=first, by=owner)
    day.traveller.shift(dt.timedelta(minutes=30))
    services.checkin_checkout(checkin=first, by=owner)
    return services.checkin_create(by=owner, account=day.cast.account, plan_line=day.line, fix=FAR)


# Checking in ------------------------------------------------------------------------------


def test_today_lists_the_planned_visit_with_a_check_in_link(day):
    response = client_for(day.cast.owner).get(reverse("visits:checkin"))
    html = response.content.decode()
    link = f"?account={day.cast.account.pk}&amp;line={day.line.pk}"
    assert f'data-line="{day.line.pk}"' in html and link in html
    # The line of the 17th is not today's; the accounts for an unplanned visit are hers only.
    assert html.count("data-line=") == 1
    assert f'data-account="{day.office.other_account.pk}"' not in html
    assert all(f'data-account="{a.pk}"' in html for a in day.office.accounts)


def test_check_in_with_a_position(day):
    url = f"{reverse('visits:checkin')}?account={day.cast.account.pk}&line={day.line.pk}"
    client = client_for(day.cast.owner)
    assert 'id="checkin-form"' in client.get(url).content.decode()
    data = {"latitude": "31.49117", "longitude": "120.31191", "accuracy": "14.6"}
    response = client.post(url, data | {"location_status": "ok"})
    checkin = CheckIn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("visits:checkin_visit", args=[checkin.visit_id])
    assert checkin.visit.plan_line == day.line
    assert (checkin.latitude, checkin.accuracy_m, checkin.checked_in_at) == (31.49117, 14.6, NOW)


def test_check_in_without_javascript_records_unavailable(day):
    url = f"{reverse('visits:checkin')}?account={day.cast.account.pk}"
    client_for(day.cast.owner).post(url, {})
    assert CheckIn.objects.get().location_status == LocationStatus.UNAVAILABLE


def test_check_in_refused_by_the_user_records_denied(day):
    url = f"{reverse('visits:checkin')}?account={day.cast.account.pk}"
    client_for(day.cast.owner).post(url, {"location_status": "denied"})
    checkin = CheckIn.objects.get()
    assert checkin.location_status == LocationStatus.DENIED
    page = client_for(day.cast.manager).get(reverse("visits:visit_detail", args=[checkin.visit_id]))
    assert 'data-status="denied"' in page.content.decode()


def test_an_impossible_position_is_not_recorded(day):
    url = f"{reverse('visits:checkin')}?account={day.cast.account.pk}"
    response = client_for(day.cast.owner).post(url, {"latitude": "95", "longitude": "120"})
    assert response.status_code == 200 and not CheckIn.objects.exists()


def test_the_check_in_form_of_a_customer_one_is_at_opens_that_check_in(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    url = f"{reverse('visits:checkin')}?account={day.cast.account.pk}"
    response = client_for(day.cast.owner).get(url)
    assert response["Location"] == reverse("visits:checkin_visit", args=[checkin.visit_id])


def test_a_refusal_is_shown_as_a_message(day):
    Visit.objects.create(  # the line's visit was recorded yesterday
        account=day.cast.account,
        visitor=day.cast.owner,
        visitor_role="kam",
        visited_on=TODAY - dt.timedelta(days=1),
        purposes=[Purpose.RELATIONSHIP],
        plan_line=day.line,
    )
    url = f"{reverse('visits:checkin')}?account={day.cast.account.pk}&line={day.line.pk}"
    response = client_for(day.cast.owner).post(url, {}, follow=True)
    assert "alert-danger" in response.content.decode()
    assert not CheckIn.objects.exists() and Visit.objects.count() == 1


# Check-out, photo and location through the pages ------------------------------------------


def test_check_out_through_the_page(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account, fix=CUSTOMER)
    day.traveller.shift(dt.timedelta(hours=2, minutes=3))
    client = client_for(day.cast.owner)
    client.post(reverse("visits:checkout", args=[checkin.visit_id]), {"latitude": "31.4912"})
    visit = Visit.objects.get()
    assert visit.hours == Decimal("2.1") and visit.time_out == dt.time(11, 3)
    page = client.get(reverse("visits:checkin_visit", args=[visit.pk])).content.decode()
    assert 'id="hours-stayed"' in page and 'id="checkout-form"' not in page


def test_photo_upload_and_who_sees_it(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    url = reverse("visits:checkin_photo_upload", args=[checkin.visit_id])
    client_for(day.cast.owner).post(url, {"photo": photo_upload()})
    checkin.refresh_from_db()
    assert checkin.photo
    detail = reverse("visits:visit_detail", args=[checkin.visit_id])
    photo_url = reverse("visits:checkin_photo", args=[checkin.visit_id])
    assert f'src="{photo_url}"' in client_for(day.cast.manager).get(detail).content.decode()
    response = client_for(day.cast.sales_vp).get(photo_url)
    assert response.status_code == 200 and response["Cache-Control"].startswith("private")
    assert b"Exif" not in b"".join(response.streaming_content)
    assert client_for(day.cast.other_kam).get(photo_url).status_code == 404


def test_a_photo_too_large_is_refused_with_a_message(day, settings):
    settings.CHECKIN_PHOTO_MAX_BYTES = 50_000
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    url = reverse("visits:checkin_photo_upload", args=[checkin.visit_id])
    big = photo_upload(photo_bytes(size=(2000, 2000)))
    assert big.size > 50_000
    response = client_for(day.cast.owner).post(url, {"photo": big}, follow=True)
    assert "alert-danger" in response.content.decode()
    checkin.refresh_from_db()
    assert not checkin.photo


def test_set_the_customer_location_through_the_page(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account, fix=CUSTOMER)
    client = client_for(day.cast.owner)
    page = reverse("visits:checkin_visit", args=[checkin.visit_id])
    assert 'id="set-location"' in client.get(page).content.decode()
    client.post(reverse("visits:account_location_set", args=[checkin.visit_id]))
    assert day.cast.account.location.set_from == checkin
    html = client.get(page).content.decode()
    assert 'id="set-location"' not in html and 'id="is-location"' in html


# The flag where the manager reads ------------------------------------------------------------


def _flag_marks(html: str) -> int:
    return len(re.findall(r'data-flagged="1"', html))


def test_far_check_in_is_flagged_on_the_visit_record_and_spot_checks(day):
    checkin = _far_checkin(day)
    visit = checkin.visit
    manager = client_for(day.cast.manager)
    detail = manager.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert _flag_marks(detail) == 1 and "data-flag>" in detail
    assert "31.51117, 120.31191" in detail  # coordinates to 5 decimals, no map
    mine = client_for(day.cast.owner).get(reverse("visits:my_record")).content.decode()
    assert _flag_marks(mine) == 1
    record = visit.record
    review = manager.get(reverse("visits:record_detail", args=[record.pk])).content.decode()
    assert _flag_marks(review) == 1
    SpotCheck.objects.create(visit=visit, month=dt.date(2026, 6, 1), checker=day.cast.manager)
    checks = manager.get(reverse("visits:spot_checks") + "?month=2026-06").content.decode()
    assert _flag_marks(checks) == 1


def test_near_check_in_is_not_flagged(day):
    owner = day.cast.owner
    services.checkin_create(by=owner, account=day.cast.account, plan_line=day.line, fix=CUSTOMER)
    mine = client_for(owner).get(reverse("visits:my_record")).content.decode()
    assert _flag_marks(mine) == 0 and 'data-flagged="0"' in mine


# Links from the record pages, and the visit form --------------------------------------------


def test_record_pages_link_to_check_in(day):
    client = client_for(day.cast.owner)
    checkin = reverse("visits:checkin")
    assert f'href="{checkin}"' in client.get(reverse("visits:my_record")).content.decode()
    assert f'href="{checkin}"' in client.get(reverse("visits:visit_new")).content.decode()
    manager = client_for(day.cast.manager).get(reverse("visits:my_record")).content.decode()
    assert f'href="{checkin}"' not in manager


def test_visit_detail_offers_check_in_for_todays_visit(day):
    visit = Visit.objects.create(
        account=day.cast.account,
        visitor=day.cast.owner,
        visitor_role="kam",
        visited_on=TODAY,
        purposes=[Purpose.RELATIONSHIP],
        plan_line=day.line,
    )
    html = client_for(day.cast.owner).get(reverse("visits:visit_detail", args=[visit.pk]))
    assert f"?account={day.cast.account.pk}&amp;line={day.line.pk}" in html.content.decode()


def test_visit_form_shows_checked_in_times_but_does_not_let_them_move(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    day.traveller.shift(dt.timedelta(hours=1))
    services.checkin_checkout(checkin=checkin, by=day.cast.owner)
    client = client_for(day.cast.owner)
    url = reverse("visits:visit_edit", args=[checkin.visit_id])
    html = client.get(url).content.decode()
    assert re.search(r'<input type="time" name="time_in" value="09:00"[^>]*disabled', html)
    data = {
        "visited_on": "2026-06-01",
        "time_in": "07:00",
        "time_out": "12:00",
        "purposes": ["relationship"],
        "outcome": "确认了样品",
    }
    client.post(url, data)
    visit = Visit.objects.get()
    assert (visit.visited_on, visit.time_in, visit.hours) == (TODAY, dt.time(9, 0), Decimal("1.0"))
    assert visit.outcome == "确认了样品"


# Query budgets -------------------------------------------------------------------------------


def _count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _busy_day(day: Day, n: int) -> None:
    """n more accounts planned for today, half of them checked in."""
    for i in range(n):
        account = AccountFactory(owner=day.cast.owner, name=f"客户{len(day.office.accounts)}{i}")
        line = PlanLine.objects.create(
            plan=day.plan, account=account, planned_on=TODAY, purposes=[Purpose.RELATIONSHIP]
        )
        if i % 2:
            services.checkin_create(by=day.cast.owner, account=account, plan_line=line, fix=NEAR)


def test_today_page_costs_the_same_however_busy_the_day(day):
    client = client_for(day.cast.owner)
    url = reverse("visits:checkin")
    _busy_day(day, 2)
    small = _count(client, url)
    _busy_day(day, 12)
    assert _count(client, url) == small <= TODAY_BUDGET


def test_check_in_pages_stay_within_budget(day):
    checkin = _far_checkin(day)
    client = client_for(day.cast.owner)
    assert _count(client, reverse("visits:checkin_visit", args=[checkin.visit_id])) <= (
        CHECKIN_PAGE_BUDGET
    )
    url = f"{reverse('visits:checkin')}?account={day.office.accounts[1].pk}"
    assert _count(client, url) <= FORM_BUDGET


def test_record_page_does_not_grow_with_check_ins(day):
    client = client_for(day.cast.manager)
    _busy_day(day, 2)
    record = Visit.objects.filter(record__isnull=False).first().record
    url = reverse("visits:record_detail", args=[record.pk])
    small = _count(client, url)
    _busy_day(day, 10)
    assert _count(client, url) == small
