"""A KAM never learns which of her visits are picked for a spot check (抽查) until the call is
recorded: not on the visit, her month's record, the record list, the compliance pages, her
inbox, the spot-check page or the exported record. Once recorded, she sees the result."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kam.models import Export
from visits.models import SpotCheck
from visits.models.plans import PlanStatus
from visits.models.records import SpotResult
from visits.services import records as record_services
from visits.services import spot_checks as spot_services
from visits.services.records import VisitInput
from visits.tests.plan_fixtures import at, make_office, make_plan

pytestmark = pytest.mark.django_db

JUNE = dt.date(2026, 6, 1)
JULY_3 = at(dt.date(2026, 7, 3))


def label(result: str) -> str:
    with translation.override("zh-hans"):
        return str(SpotResult(result).label)


@pytest.fixture
def office(cast):
    """The KAM's June: two visits, her record submitted; the manager has started June's spot
    checks (both visits are picked: the sample is at least three)."""
    with time_machine.travel(at(dt.date(2026, 6, 20)), tick=False):
        office = make_office(cast)
        make_plan(cast.owner, JUNE, status=PlanStatus.APPROVED, days=[3])
        office.visits = [
            record_services.visit_create(
                by=cast.owner,
                data=VisitInput(
                    account=account,
                    visited_on=dt.date(2026, 6, day),
                    contacts=[office.contacts[account.pk]],
                    purposes=["relationship"],
                ),
            )
            for account, day in [(office.accounts[0], 5), (office.accounts[1], 9)]
        ]
    with time_machine.travel(JULY_3, tick=False):
        office.record = record_services.record_submit(kam=cast.owner, month=JUNE, by=cast.owner)
        office.checks = spot_services.spot_checks_start(
            manager=cast.manager, month=JUNE, by=cast.manager
        )
        yield office


def kam_pages(office) -> dict[str, str]:
    client = Client()
    client.force_login(office.owner)
    visit = office.visits[0]
    urls = {
        "visit": reverse("visits:visit_detail", args=[visit.pk]),
        "my_record": reverse("visits:my_record") + "?month=2026-06",
        "record": reverse("visits:record_detail", args=[office.record.pk]),
        "records": reverse("visits:records"),
        "compliance_account": reverse("visits:compliance_account", args=[visit.account_id])
        + "?p=2026-06",
        "compliance_kam": reverse("visits:compliance_kam", args=[office.owner.pk]) + "?p=2026-06",
        "inbox": reverse("inbox"),
        "home": reverse("home"),
    }
    pages = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        pages[name] = response.content.decode()
    assert client.get(reverse("visits:spot_checks") + "?month=2026-06").status_code == 403
    return pages


def exported_record(office, user, capture) -> str:
    client = Client()
    client.force_login(user)
    with capture(execute=True):  # no broker: the export is written right here
        response = client.post(reverse("visits:record_export", args=[office.record.pk]))
    export = Export.objects.filter(owner=user).latest("pk")
    assert response.url == reverse("export_status", args=[export.pk])
    download = client.get(reverse("export_download", args=[export.pk]))
    content = b"".join(download.streaming_content) if download.streaming else download.content
    sheet = load_workbook(io.BytesIO(content)).active
    return " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)


def test_a_pending_check_is_invisible_to_the_kam(office, django_capture_on_commit_callbacks):
    assert len(office.checks) == 2
    pending = label(SpotResult.PENDING)
    for name, html in kam_pages(office).items():
        assert 'id="spot-check"' not in html, name
        assert 'class="spot-check"' not in html, name
        assert pending not in html, name
    text = exported_record(office, office.owner, django_capture_on_commit_callbacks)
    assert pending not in text
    assert not office.owner.notifications.filter(kind__icontains="spot").exists()


def test_the_manager_sees_the_pending_checks(office):
    client = Client()
    client.force_login(office.cast.manager)
    html = client.get(reverse("visits:record_detail", args=[office.record.pk])).content.decode()
    assert html.count('class="spot-check"') == 2 and label(SpotResult.PENDING) in html
    visit = office.visits[0]
    html = client.get(reverse("visits:visit_detail", args=[visit.pk])).content.decode()
    assert 'id="spot-check"' in html


def test_a_recorded_check_is_shown_to_the_kam(office, django_capture_on_commit_callbacks):
    check = SpotCheck.objects.get(visit=office.visits[0])
    spot_services.spot_check_record(
        check=check,
        by=office.cast.manager,
        result=SpotResult.CONFIRMED,
        contact=office.contacts[office.visits[0].account_id],
    )
    confirmed = label(SpotResult.CONFIRMED)
    pages = kam_pages(office)
    assert 'id="spot-check"' in pages["visit"] and confirmed in pages["visit"]
    for name in ("my_record", "record", "compliance_account"):
        # The recorded one shows; the other visit's check, still to be called, does not.
        assert pages[name].count('class="spot-check"') == 1, name
        assert confirmed in pages[name] and label(SpotResult.PENDING) not in pages[name]
    text = exported_record(office, office.owner, django_capture_on_commit_callbacks)
    assert confirmed in text and label(SpotResult.PENDING) not in text
