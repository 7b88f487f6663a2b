"""签到 / 签退 (SPEC §8): the distance rule, and the services that check in, check out, keep a
photo and set a customer's location."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from PIL import Image

from accounts.models import TimelineEntry
from visits import geo
from visits.models import AccountLocation, CheckIn, LocationStatus, Visit
from visits.models.choices import Purpose
from visits.models.records import RecordStatus, VisitRecord
from visits.photos import reencode_photo
from visits.services import checkins as services
from visits.services.records import VisitInput, visit_create, visit_update, visit_withdraw
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

# The distance rule (pure) -------------------------------------------------------------------


def test_haversine_same_point_is_zero():
    assert geo.haversine_m(31.49, 120.31, 31.49, 120.31) == 0


def test_haversine_one_degree_of_latitude():
    assert geo.haversine_m(31.0, 120.0, 32.0, 120.0) == pytest.approx(111_195, rel=1e-4)


def test_haversine_shrinks_with_latitude_along_a_parallel():
    at_equator = geo.haversine_m(0.0, 120.0, 0.0, 121.0)
    at_wuxi = geo.haversine_m(31.5, 120.0, 31.5, 121.0)
    assert at_wuxi == pytest.approx(at_equator * 0.8526, rel=1e-3)  # cos 31.5°


def test_haversine_between_cities():
    # Shanghai People's Square to Beijing Tiananmen: about 1,067 km as the crow flies.
    assert geo.haversine_m(31.2304, 121.4737, 39.9042, 116.4074) == pytest.approx(
        1_067_000, rel=0.01
    )


def test_haversine_antipodes_do_not_fail():
    assert geo.haversine_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(20_015_115, rel=1e-4)


def test_haversine_is_symmetric():
    a, b = (CUSTOMER.latitude, CUSTOMER.longitude), (FAR.latitude, FAR.longitude)
    assert geo.haversine_m(*a, *b) == pytest.approx(geo.haversine_m(*b, *a))


@pytest.mark.parametrize(
    ("distance", "far"), [(None, False), (0, False), (1000, False), (1000.5, True), (5000, True)]
)
def test_is_far_only_beyond_the_limit(distance, far):
    assert geo.is_far(distance, 1000) is far


# Checking in --------------------------------------------------------------------------------


@pytest.fixture
def day(cast):
    with time_machine.travel(NOW, tick=False) as traveller:
        d = make_day(cast)
        d.traveller = traveller
        yield d


def _set_location(day: Day, fix=CUSTOMER) -> AccountLocation:
    first = services.checkin_create(by=day.cast.owner, account=day.cast.account, fix=fix)
    location = services.account_location_set(checkin=first, by=day.cast.owner)
    visit_withdraw(visit=first.visit, by=day.cast.owner)  # the test's own check-in follows
    return location


@pytest.mark.django_db
def test_check_in_to_todays_planned_visit_creates_the_visit(day):
    owner = day.cast.owner
    checkin = services.checkin_create(
        by=owner, account=day.cast.account, plan_line=day.line, fix=CUSTOMER
    )
    visit = checkin.visit
    assert visit.visitor == owner and visit.plan_line == day.line
    assert visit.visited_on == TODAY and visit.time_in is None and visit.hours is None
    assert visit.purposes == [Purpose.RELATIONSHIP]
    assert visit.record == VisitRecord.objects.get(kam=owner, month=dt.date(2026, 6, 1))
    assert checkin.checked_in_at == NOW
    assert (checkin.latitude, checkin.longitude, checkin.accuracy_m) == (31.49117, 120.31191, 15)
    assert checkin.location_status == LocationStatus.OK
    assert checkin.distance_m is None and not checkin.flagged  # no customer location yet
    assert checkin.history.get().history_user == owner


@pytest.mark.django_db
def test_check_in_attaches_to_the_visit_already_recorded_today(day):
    owner = day.cast.owner
    recorded = visit_create(
        by=owner,
        data=VisitInput(
            account=day.cast.account,
            visited_on=TODAY,
            purposes=[Purpose.NEW_PRODUCT],
            plan_line=day.line,
        ),
    )
    checkin = services.checkin_create(
        by=owner, account=day.cast.account, plan_line=day.line, fix=CUSTOMER
    )
    assert checkin.visit == recorded
    assert Visit.objects.filter(visitor=owner).count() == 1


@pytest.mark.django_db
def test_unplanned_check_in_at_her_own_account(day):
    account = day.office.accounts[1]
    checkin = services.checkin_create(by=day.cast.owner, account=account, fix=NEAR)
    assert checkin.visit.account == account and checkin.visit.is_unplanned


@pytest.mark.django_db
def test_check_in_refused_at_another_kams_account(day):
    with pytest.raises(PermissionDenied):
        services.checkin_create(by=day.cast.owner, account=day.office.other_account)
    with pytest.raises(PermissionDenied):
        services.checkin_create(by=day.cast.manager, account=day.cast.account)


@pytest.mark.django_db
def test_check_in_refused_on_a_line_of_another_day(day):
    other_day = day.plan.lines.exclude(pk=day.line.pk).get()
    with pytest.raises(ValidationError):
        services.checkin_create(
            by=day.cast.owner, account=other_day.account, plan_line=other_day, fix=CUSTOMER
        )
    assert not Visit.objects.exists()


@pytest.mark.django_db
def test_second_check_in_at_the_same_customer_waits_for_the_check_out(day):
    owner, account = day.cast.owner, day.cast.account
    services.checkin_create(by=owner, account=account, plan_line=day.line, fix=CUSTOMER)
    with translation.override("en"), pytest.raises(ValidationError, match="already checked in"):
        services.checkin_create(by=owner, account=account, fix=CUSTOMER)
    assert Visit.objects.count() == 1


# Location denied or unavailable -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("reported", "status"),
    [
        ("denied", LocationStatus.DENIED),
        ("unavailable", LocationStatus.UNAVAILABLE),
        ("", LocationStatus.UNAVAILABLE),  # no JavaScript
        ("ok", LocationStatus.UNAVAILABLE),  # says ok, sends no position
    ],
)
def test_check_in_without_a_position_says_why(day, reported, status):
    checkin = services.checkin_create(
        by=day.cast.owner, account=day.cast.account, plan_line=day.line, reported_status=reported
    )
    assert checkin.location_status == status
    assert checkin.latitude is None and checkin.distance_m is None and not checkin.flagged


@pytest.mark.django_db
def test_denied_check_in_still_checks_out_and_records_hours(day):
    checkin = services.checkin_create(
        by=day.cast.owner, account=day.cast.account, reported_status="denied"
    )
    day.traveller.shift(dt.timedelta(minutes=45))
    services.checkin_checkout(checkin=checkin, by=day.cast.owner)
    assert Visit.objects.get().hours == Decimal("0.8")


# Distance to the customer's location --------------------------------------------------------


@pytest.mark.django_db
def test_check_in_far_from_the_customer_is_flagged(day):
    _set_location(day)
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account, fix=FAR)
    assert checkin.distance_m == pytest.approx(2224, abs=3)
    assert checkin.flagged


@pytest.mark.django_db
def test_check_in_near_the_customer_is_not_flagged(day):
    _set_location(day)
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account, fix=NEAR)
    assert checkin.distance_m == pytest.approx(203, abs=3)
    assert not checkin.flagged


@pytest.mark.django_db
def test_the_limit_is_a_setting(day, settings):
    settings.CHECKIN_MAX_DISTANCE_M = 100
    _set_location(day)
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account, fix=NEAR)
    assert checkin.flagged


@pytest.mark.django_db
def test_no_customer_location_no_flag(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account, fix=FAR)
    assert checkin.distance_m is None and not checkin.flagged


@pytest.mark.django_db
def test_moving_the_location_later_keeps_the_flag_shown_at_the_time(day):
    _set_location(day)
    far = services.checkin_create(by=day.cast.owner, account=day.cast.account, fix=FAR)
    services.account_location_set(checkin=far, by=day.cast.owner)
    far.refresh_from_db()
    assert far.flagged and far.distance_m == pytest.approx(2224, abs=3)


# Setting the customer's location -----------------------------------------------------------


@pytest.mark.django_db
def test_owner_sets_the_location_from_a_check_in(day):
    owner = day.cast.owner
    checkin = services.checkin_create(by=owner, account=day.cast.account, fix=CUSTOMER)
    location = services.account_location_set(checkin=checkin, by=owner)
    assert (location.latitude, location.longitude, location.accuracy_m) == (31.49117, 120.31191, 15)
    assert location.set_from == checkin and location.set_by == owner and location.set_at == NOW
    assert TimelineEntry.objects.filter(account=day.cast.account, kind="location_set").exists()
    day.traveller.shift(dt.timedelta(minutes=30))
    services.checkin_checkout(checkin=checkin, by=owner)
    again = services.checkin_create(by=owner, account=day.cast.account, fix=NEAR)
    services.account_location_set(checkin=again, by=owner)
    location.refresh_from_db()
    assert location.latitude == NEAR.latitude
    assert location.history.count() == 2  # the earlier place is kept


@pytest.mark.django_db
def test_only_the_owner_kam_sets_the_location(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account, fix=CUSTOMER)
    for user in (day.cast.manager, day.cast.sales_vp, day.cast.admin, day.cast.other_kam):
        with pytest.raises(PermissionDenied):
            services.account_location_set(checkin=checkin, by=user)
    assert not AccountLocation.objects.exists()


@pytest.mark.django_db
def test_a_check_in_without_position_cannot_be_the_location(day):
    checkin = services.checkin_create(
        by=day.cast.owner, account=day.cast.account, reported_status="denied"
    )
    with pytest.raises(ValidationError):
        services.account_location_set(checkin=checkin, by=day.cast.owner)


# Checking out -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_check_out_writes_time_in_out_and_hours_to_the_visit(day):
    owner = day.cast.owner
    checkin = services.checkin_create(
        by=owner, account=day.cast.account, plan_line=day.line, fix=CUSTOMER
    )
    day.traveller.shift(dt.timedelta(hours=1, minutes=25, seconds=40))
    services.checkin_checkout(checkin=checkin, by=owner, fix=NEAR)
    visit = Visit.objects.get()
    assert (visit.time_in, visit.time_out) == (dt.time(9, 0), dt.time(10, 25))
    assert visit.hours == Decimal("1.4")  # 85 minutes, as the visit form computes it
    checkin.refresh_from_db()
    assert checkin.checked_out_at == NOW + dt.timedelta(hours=1, minutes=25, seconds=40)
    assert (checkin.out_latitude, checkin.out_accuracy_m) == (NEAR.latitude, 25)
    assert visit.history.first().history_user == owner


@pytest.mark.django_db
def test_check_out_twice_is_refused(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    day.traveller.shift(dt.timedelta(minutes=30))
    services.checkin_checkout(checkin=checkin, by=day.cast.owner)
    with translation.override("en"), pytest.raises(ValidationError, match="already checked out"):
        services.checkin_checkout(checkin=checkin, by=day.cast.owner)


@pytest.mark.django_db
def test_check_out_in_the_same_minute_is_refused(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    day.traveller.shift(dt.timedelta(seconds=40))
    with pytest.raises(ValidationError):
        services.checkin_checkout(checkin=checkin, by=day.cast.owner)
    assert Visit.objects.get().time_out is None


@pytest.mark.django_db
def test_check_out_the_next_day_is_refused(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    day.traveller.shift(dt.timedelta(days=1))
    with pytest.raises(ValidationError):
        services.checkin_checkout(checkin=checkin, by=day.cast.owner)


@pytest.mark.django_db
def test_only_the_visitor_checks_out(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    day.traveller.shift(dt.timedelta(minutes=30))
    with pytest.raises(PermissionDenied):
        services.checkin_checkout(checkin=checkin, by=day.cast.manager)


@pytest.mark.django_db
def test_a_withdrawn_visit_is_not_checked_out(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    visit_withdraw(visit=checkin.visit, by=day.cast.owner)
    day.traveller.shift(dt.timedelta(minutes=30))
    with translation.override("en"), pytest.raises(ValidationError, match="withdrawn"):
        services.checkin_checkout(checkin=checkin, by=day.cast.owner)
    assert CheckIn.objects.filter(pk=checkin.pk).exists()  # kept, never deleted


@pytest.mark.django_db
def test_the_visit_form_cannot_move_checked_in_times(day):
    owner = day.cast.owner
    checkin = services.checkin_create(by=owner, account=day.cast.account, plan_line=day.line)
    day.traveller.shift(dt.timedelta(hours=1))
    services.checkin_checkout(checkin=checkin, by=owner)
    visit = Visit.objects.get()
    data = VisitInput(
        account=visit.account,
        visited_on=TODAY,
        time_in=dt.time(8, 0),
        time_out=dt.time(11, 0),
        purposes=[Purpose.RELATIONSHIP],
        plan_line=day.line,
        outcome="谈妥了二季度的订单",
    )
    with pytest.raises(ValidationError):
        visit_update(visit=visit, by=owner, data=data)
    data.time_in, data.time_out = dt.time(9, 0), dt.time(10, 0)
    visit_update(visit=visit, by=owner, data=data)  # the rest of the record is hers to write
    visit.refresh_from_db()
    assert visit.outcome == "谈妥了二季度的订单" and visit.hours == Decimal("1.0")


# Photos -------------------------------------------------------------------------------------


def test_reencoding_strips_exif_and_gps_and_turns_the_picture_upright():
    source = photo_bytes(orientation=6)  # taken with the phone held upright
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(0x8825)
    clean = reencode_photo(photo_upload(source))
    image = Image.open(io.BytesIO(clean))
    assert image.format == "JPEG"
    assert image.size == (1067, 1600)  # turned, then fitted in 1600 px
    assert not dict(image.getexif()) and "exif" not in image.info
    assert b"Exif" not in clean and b"PhoneMaker" not in clean


def test_a_small_photo_keeps_its_size():
    image = Image.open(io.BytesIO(reencode_photo(photo_upload(photo_bytes(size=(800, 600))))))
    assert image.size == (800, 600)


def test_a_transparent_png_is_laid_on_white():
    source = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 0, 0, 0)).save(source, "PNG")
    clean = Image.open(io.BytesIO(reencode_photo(photo_upload(source.getvalue(), "a.png"))))
    assert clean.getpixel((5, 5)) == pytest.approx((255, 255, 255), abs=2)


def test_a_photo_over_the_limit_is_refused_with_a_clear_message(settings):
    big = photo_upload(b"\xff\xd8" + b"0" * settings.CHECKIN_PHOTO_MAX_BYTES)
    with pytest.raises(ValidationError) as caught:
        reencode_photo(big)
    assert "8 MB" in caught.value.messages[0]


def test_a_file_that_is_not_a_picture_is_refused():
    with pytest.raises(ValidationError):
        reencode_photo(photo_upload(b"%PDF-1.7 not a photo", "doc.jpg"))


@pytest.mark.django_db
def test_photo_is_stored_clean_under_an_unguessable_name(day, settings):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    services.checkin_photo_set(checkin=checkin, by=day.cast.owner, upload=photo_upload())
    checkin.refresh_from_db()
    name = Path(checkin.photo.name)
    assert name.parent == Path("checkins") and name.suffix == ".jpg"
    assert len(name.stem) >= 32 and "IMG_0001" not in name.stem
    stored = (Path(settings.MEDIA_ROOT) / checkin.photo.name).read_bytes()
    assert b"Exif" not in stored and b"PhoneMaker" not in stored


@pytest.mark.django_db
def test_a_refused_photo_changes_nothing(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    with pytest.raises(ValidationError):
        services.checkin_photo_set(
            checkin=checkin, by=day.cast.owner, upload=photo_upload(b"not a photo")
        )
    checkin.refresh_from_db()
    assert not checkin.photo


@pytest.mark.django_db
def test_only_the_visitor_adds_a_photo(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    with pytest.raises(PermissionDenied):
        services.checkin_photo_set(checkin=checkin, by=day.cast.manager, upload=photo_upload())


@pytest.mark.django_db
def test_no_photo_once_the_month_is_submitted(day):
    checkin = services.checkin_create(by=day.cast.owner, account=day.cast.account)
    VisitRecord.objects.filter(pk=checkin.visit.record_id).update(status=RecordStatus.SUBMITTED)
    with translation.override("en"), pytest.raises(ValidationError, match="submitted"):
        services.checkin_photo_set(checkin=checkin, by=day.cast.owner, upload=photo_upload())
