"""The working calendar administrators keep (visits.OfficialDay): the State Council's holidays
and make-up working days for years `chinese-calendar` does not know yet (2027 as installed).
Deadlines follow the table at once, stored ones are recomputed, and the pages say which
years have official data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from kam.models import Notification
from visits import rules, working_calendar
from visits.calendar_days import day_of
from visits.models import DayKind, OfficialDay, VisitRecord
from visits.reminders import reminder_due_on
from visits.services.records import record_due_on

EN = {"accept-language": "en"}
pytestmark = pytest.mark.django_db

D = dt.date
SEPTEMBER = D(2027, 9, 1)  # its record is due by 5 October: a Tuesday, inside National Day
NATIONAL_DAY = "\n".join(f"2027-10-0{d},holiday,国庆节" for d in range(1, 8))
IMPORT = reverse("admin:visits_officialday_import")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def admin_client(client, cast):
    client.force_login(cast.admin)
    return client


def test_2027_is_not_in_the_package():
    assert not rules.package_has_year(2027)
    assert rules.holiday_source(2027) == ""
    assert record_due_on(SEPTEMBER) == D(2027, 10, 5)  # weekends only


def test_a_2027_holiday_entered_in_the_admin_moves_a_deadline(admin_client):
    response = admin_client.post(
        reverse("admin:visits_officialday_add"),
        {"day": "2027-10-05", "kind": DayKind.HOLIDAY, "name": "国庆节"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not rules.is_working_day(D(2027, 10, 5))
    assert record_due_on(SEPTEMBER) == D(2027, 10, 6)
    assert rules.holiday_source(2027) == "table"
    assert day_of(D(2027, 10, 5)).holiday == "国庆节"


def test_a_make_up_working_day_counts_as_working():
    # 5 June 2027 is a Saturday: May's record would be due Monday the 7th.
    assert record_due_on(D(2027, 5, 1)) == D(2027, 6, 7)
    OfficialDay.objects.create(day=D(2027, 6, 5), kind=DayKind.WORKDAY, name="端午节调休")
    working_calendar.calendar_changed([2027])
    assert rules.is_working_day(D(2027, 6, 5))
    assert record_due_on(D(2027, 5, 1)) == D(2027, 6, 5)
    # A month ending on a Sunday worked is judged on that Sunday, not the Friday before.
    OfficialDay.objects.create(day=D(2027, 2, 28), kind=DayKind.WORKDAY, name="春节调休")
    working_calendar.calendar_changed([2027])
    assert rules.working_day_on_or_before(D(2027, 2, 28)) == D(2027, 2, 28)
    assert day_of(D(2027, 2, 28)).is_makeup and not day_of(D(2027, 2, 28)).is_day_off


def test_the_table_overrides_the_package_in_a_year_it_knows():
    assert not rules.is_working_day(D(2026, 10, 5))  # National Day week, per the package
    OfficialDay.objects.create(day=D(2026, 10, 5), kind=DayKind.WORKDAY, name="")
    # A weekday marked as a workday is refused by the form; the engine still obeys the table.
    working_calendar.calendar_changed([2026])
    assert rules.is_working_day(D(2026, 10, 5))


def test_importing_the_years_arrangement_recomputes_stored_due_dates(admin_client, cast):
    record = VisitRecord.objects.create(kam=cast.owner, month=SEPTEMBER, due_on=D(2027, 10, 5))
    note = Notification.objects.create(
        recipient=cast.owner,
        kind="record_due",
        key="record_due:2027-09:ahead",
        title="Submit your visit record for September 2027",
        due_on=D(2027, 10, 5),
    )
    text = NATIONAL_DAY + "\n2027-09-26,workday,国庆节调休\n"
    response = admin_client.post(
        IMPORT, {"year": "2027", "text": text}, headers={"accept-language": "en"}
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert OfficialDay.objects.filter(day__year=2027).count() == 8
    record.refresh_from_db()
    note.refresh_from_db()
    assert record.due_on == note.due_on == D(2027, 10, 8)
    assert rules.is_working_day(D(2027, 9, 26))
    # Imported again without the holidays: the dates go back.
    response = admin_client.post(IMPORT, {"year": "2027", "text": "2027-09-26,班,国庆节调休"})
    assert response.status_code == 302
    record.refresh_from_db()
    note.refresh_from_db()
    assert record.due_on == note.due_on == D(2027, 10, 5)
    assert OfficialDay.objects.filter(day__year=2027).count() == 1


def test_deleting_an_entry_in_the_admin_recomputes_stored_due_dates(admin_client, cast):
    day = OfficialDay.objects.create(day=D(2027, 10, 5), kind=DayKind.HOLIDAY, name="国庆节")
    working_calendar.calendar_changed([2027])
    record = VisitRecord.objects.create(
        kam=cast.owner, month=SEPTEMBER, due_on=record_due_on(SEPTEMBER)
    )
    assert record.due_on == D(2027, 10, 6)
    response = admin_client.post(
        reverse("admin:visits_officialday_delete", args=[day.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.due_on == D(2027, 10, 5)


def test_a_bad_list_imports_nothing_and_says_which_lines(admin_client):
    text = "2027-10-01,holiday,国庆节\n2027-13-01,holiday\n2027-10-04,maybe\n2028-01-01,休\n"
    text += "2027-10-06,workday\n2027-10-01,休\n"
    response = admin_client.post(
        IMPORT, {"year": "2027", "text": text}, headers={"accept-language": "en"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Line 2: “2027-13-01” is not a date (YYYY-MM-DD)." in page
    assert "Line 3: say holiday or workday" in page
    assert "Line 4: 2028-01-01 is not in 2027." in page
    assert "Line 5: 2027-10-06 is a weekday" in page
    assert "Line 6: 2027-10-01 is listed twice." in page
    assert not OfficialDay.objects.exists()


def test_an_uploaded_file_is_read_like_the_pasted_list(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("2027.csv", ("\ufeff" + NATIONAL_DAY).encode(), "text/csv")
    response = admin_client.post(IMPORT, {"year": "2027", "file": upload})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert OfficialDay.objects.filter(day__year=2027, kind=DayKind.HOLIDAY).count() == 7


def test_only_administrators_import(client, cast):
    client.force_login(cast.owner)
    response = client.post(IMPORT, {"year": "2027", "text": NATIONAL_DAY})
    assert response.status_code in (302, 403)
    assert not OfficialDay.objects.exists()


def test_the_admin_list_says_which_years_have_official_data(admin_client):
    OfficialDay.objects.create(day=D(2027, 10, 1), kind=DayKind.HOLIDAY, name="国庆节")
    working_calendar.calendar_changed([2027])
    this_year = timezone.localdate().year
    page = admin_client.get(reverse("admin:visits_officialday_changelist")).content.decode()
    sources = {y: s for y, s in working_calendar.official_years(this_year - 1, this_year + 2)}
    for year, source in sources.items():
        assert f'data-year="{year}" data-source="{source or "none"}"' in page
    assert sources.get(2026, "package") == "package"
    assert sources.get(2027, "table") == "table"


def test_the_calendar_page_says_when_a_year_has_no_official_holidays(client, cast):
    client.force_login(cast.owner)
    url = reverse("visits:calendar") + "?month=2028-10"
    page = client.get(url, headers={"accept-language": "en"}).content.decode()
    assert "No official holidays for 2028 yet" in page
    page = client.get(reverse("visits:calendar") + "?month=2026-10").content.decode()
    assert "No official holidays" not in page


def test_a_change_in_another_process_is_seen_within_the_reload_time(monkeypatch):
    working_calendar.forget()
    assert rules.is_working_day(D(2027, 10, 5))  # reads the (empty) table and keeps it
    OfficialDay.objects.create(day=D(2027, 10, 5), kind=DayKind.HOLIDAY)  # another process
    assert rules.is_working_day(D(2027, 10, 5))  # still the kept table
    later = working_calendar.time.monotonic() + working_calendar.RELOAD_SECONDS + 1
    monkeypatch.setattr(working_calendar.time, "monotonic", lambda: later)
    assert not rules.is_working_day(D(2027, 10, 5))


def test_reminders_due_dates_are_worked_out_from_their_keys():
    assert reminder_due_on("record_due", "record_due:2027-09:due") == D(2027, 10, 5)
    assert reminder_due_on("festival", "festival:spring_festival:2027") == D(2027, 2, 5)
    assert reminder_due_on("schedule_due", "schedule_due:2028:15") == D(2027, 12, 31)
    assert reminder_due_on("visits_due", "visits_due:2027-02") == D(2027, 2, 26)
    assert reminder_due_on("record_due", "record_due:garbage") is None


def test_compliance_windows_follow_a_change_made_in_another_process(monkeypatch):
    """The rollup caches each rule's windows with their deadlines; a reload that finds the
    table changed drops them."""
    from visits.tally import year_windows

    rule = rules.Rule(
        tier="strategic",
        kind=rules.VISIT,
        visitor_role=rules.KAM,
        period=rules.MONTH,
        min_count=1,
        max_count=None,
    )
    working_calendar.forget()
    september = [w for w in year_windows(rule, 2027) if w.start == SEPTEMBER][0]
    assert september.due == D(2027, 9, 30)
    OfficialDay.objects.create(day=D(2027, 9, 30), kind=DayKind.HOLIDAY)  # another process
    later = working_calendar.time.monotonic() + working_calendar.RELOAD_SECONDS + 1
    monkeypatch.setattr(working_calendar.time, "monotonic", lambda: later)
    rules.is_working_day(D(2027, 1, 4))  # any question reloads the table
    september = [w for w in year_windows(rule, 2027) if w.start == SEPTEMBER][0]
    assert september.due == D(2027, 9, 29)
