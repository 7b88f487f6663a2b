"""The plan and the record as .xlsx in the layout of the paper forms, read back with openpyxl."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kam.models import Export
from kam.tests.factories import ContactFactory
from visits.models import VisitRecord
from visits.models.plans import PlanStatus
from visits.services import records as record_services
from visits.services.records import VisitInput
from visits.tests.plan_fixtures import at, make_office, make_plan

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
JUNE = dt.date(2026, 6, 1)


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


@pytest.fixture
def office(cast):
    with time_machine.travel(at(dt.date(2026, 7, 2)), tick=False):
        office = make_office(cast)
        cast.account.name = FORMULA
        cast.account.save()
        plan = make_plan(cast.owner, JUNE, status=PlanStatus.APPROVED, days=[3, 10, 17])
        line = plan.lines.get(planned_on=dt.date(2026, 6, 3))
        line.notes = "@SUM(A1:A2)"
        line.contact = office.contacts[cast.account.pk]
        line.save()
        office.plan = plan
        yield office


def read(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(content)).active


def no_formulas(sheet) -> bool:
    return all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def cells(sheet) -> list[list]:
    return [[c.value for c in row] for row in sheet.iter_rows()]


def find_row(sheet, value) -> list:
    return next(row for row in cells(sheet) if value in row)


def test_plan_export_in_the_layout_of_the_form(office, client):
    client.force_login(office.cast.sales_vp)
    sheet = read(client.get(reverse("visits:plan_export", args=[office.plan.pk])))
    assert sheet["A1"].value == zh("Monthly visit plan")
    assert "A1:K1" in {str(r) for r in sheet.merged_cells.ranges}
    facts = sheet["A2"].value
    assert settings.COMPANY_NAME in facts and str(office.owner) in facts and "2026" in facts
    header = find_row(sheet, zh("Customer name"))
    assert header[:4] == [zh("No."), zh("Customer name"), zh("Tier"), zh("Planned date")]
    first = find_row(sheet, 1)
    assert first[1] == FORMULA  # the customer's name comes back as text, not a formula
    assert sheet.cell(row=5, column=2).data_type == "s"
    assert first[3] == dt.datetime(2026, 6, 3)
    assert first[5] == "李采购"
    assert first[9] == "@SUM(A1:A2)"
    assert first[8] == 1.0
    total = find_row(sheet, zh("Total"))
    assert total[8] == 3.0
    text = " ".join(str(v) for row in cells(sheet) for v in row if v)
    assert zh("Sales VP, reviewed (signature)") in text
    assert sheet.page_setup.orientation == "landscape"
    assert no_formulas(sheet), "no cell may hold a formula"


def test_record_export_lists_visits_and_what_was_missed(
    office, client, django_capture_on_commit_callbacks
):
    a = office.cast.account
    line = office.plan.lines.get(planned_on=dt.date(2026, 6, 10))
    with time_machine.travel(at(dt.date(2026, 6, 20)), tick=False):
        record_services.visit_create(
            by=office.owner,
            data=VisitInput(
                account=a,
                visited_on=dt.date(2026, 6, 3),
                time_in=dt.time(9, 0),
                time_out=dt.time(10, 45),
                contacts=[office.contacts[a.pk]],
                purposes=["relationship", "competitors"],
                outcome="+SUM(1)",
                competitor_news="竞品降价5%",
                plan_line=office.plan.lines.get(planned_on=dt.date(2026, 6, 3)),
            ),
        )
        record_services.visit_create(
            by=office.owner,
            data=VisitInput(
                account=line.account,
                visited_on=dt.date(2026, 6, 12),
                contacts=[ContactFactory(account=line.account, name="临时联系人")],
                purposes=["share"],
                plan_line=line,
                change_reason="客户要求改期",
            ),
        )
    with time_machine.travel(at(dt.date(2026, 7, 3)), tick=False):
        record = record_services.record_submit(kam=office.owner, month=JUNE, by=office.owner)
    client.force_login(office.cast.manager)
    with django_capture_on_commit_callbacks(execute=True):  # no broker: written right here
        started = client.post(reverse("visits:record_export", args=[record.pk]))
    export = Export.objects.get(owner=office.cast.manager)
    assert started.url == reverse("export_status", args=[export.pk])
    assert client.get(started.url).status_code == 200
    sheet = read(client.get(reverse("export_download", args=[export.pk])))
    assert sheet["A1"].value == zh("Monthly visit record")
    first = find_row(sheet, 1)
    header = cells(sheet)[cells(sheet).index(first) - 1]
    assert header[6] == "会见人员"  # the people met (the same word as a rule met in English)
    assert first[1] == dt.datetime(2026, 6, 3)
    assert first[2] == FORMULA
    assert (first[3], first[4], first[5]) == ("09:00", "10:45", 1.8)
    assert first[8] == "+SUM(1)"
    assert no_formulas(sheet)
    assert first[9] == "竞品降价5%"
    second = find_row(sheet, 2)
    assert "客户要求改期" in second[12]
    total = find_row(sheet, zh("Total"))
    assert total[5] == 1.8
    missed = cells(sheet)[cells(sheet).index(find_row(sheet, zh("Planned but not visited"))) + 1]
    assert missed[1] == dt.datetime(2026, 6, 17)
    text = " ".join(str(v) for row in cells(sheet) for v in row if v)
    assert zh("Sales manager, reviewed (signature)") in text


def test_exports_follow_the_plan_scope(office, client):
    client.force_login(office.cast.other_kam)
    assert client.get(reverse("visits:plan_export", args=[office.plan.pk])).status_code == 404
    record = VisitRecord.objects.create(kam=office.owner, month=JUNE, due_on=dt.date(2026, 7, 6))
    assert client.post(reverse("visits:record_export", args=[record.pk])).status_code == 404
    assert not Export.objects.exists()
