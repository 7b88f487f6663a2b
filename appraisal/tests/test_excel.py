"""The appraisal sheet (.xlsx) read back cell by cell, and the export pages around it: who may
start an export, who may follow and download it, and what a failed export leaves behind."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from appraisal.models import (
    AccountLine,
    Adjustment,
    Dimension,
    Period,
    PeriodKind,
    PeriodStatus,
    Row,
    Score,
)
from kam import exporting
from kam.models import Export, ExportStatus
from kam.tests.cast import Cast
from kam.tests.factories import AccountFactory

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
REASON = "=1+1 客户延期付款，已补回"
NOW = dt.datetime(2026, 4, 8, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
D = Decimal

# dimension: (figure, score, weight) of the owner's row; COLLECTIONS is adjusted 60 -> 75.
OWNER_SCORES = {
    Dimension.SALES: (D("112.50"), D("100.0"), D("30.00")),
    Dimension.NEW_ACCOUNTS: (D("50.00"), D("50.0"), D("15.00")),
    Dimension.LOST_ACCOUNTS: (D("1.00"), D("66.7"), D("10.00")),
    Dimension.COLLECTIONS: (D("80.00"), D("60.0"), D("15.00")),
    Dimension.RELATIONSHIP: (D("95.25"), D("90.5"), D("15.00")),
    Dimension.COMPLAINTS: (None, None, D("5.00")),
    Dimension.INFORMATION: (D("88.00"), D("76.0"), D("10.00")),
}


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


@dataclass
class Book:
    cast: Cast
    period: Period
    owner_row: Row
    other_row: Row


@pytest.fixture
def book(cast) -> Book:
    """A final 2026 Q1: the other team's KAM ranked first, the owner second with one
    adjusted score, and the account lines behind them."""
    with time_machine.travel(NOW, tick=False):
        period = Period.objects.create(
            kind=PeriodKind.QUARTER,
            year=2026,
            quarter=1,
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 3, 31),
            settle_by=dt.date(2026, 3, 31),
            status=PeriodStatus.FINAL,
            finalised_at=NOW,
            finalised_by=cast.sales_vp,
        )
        owner_row = Row.objects.create(
            period=period, kam=cast.owner, team=cast.owner.team, total=D("78.45"), rank=2
        )
        other_row = Row.objects.create(
            period=period, kam=cast.other_kam, team=cast.other_kam.team, total=D("91.20"), rank=1
        )
        for dimension, (figure, score, weight) in OWNER_SCORES.items():
            made = Score.objects.create(
                row=owner_row, dimension=dimension, figure=figure, score=score, weight=weight
            )
            if dimension == Dimension.COLLECTIONS:
                made.adjusted = D("75.0")
                made.save()
                Adjustment.objects.create(
                    score=made, before=D("60.0"), after=D("75.0"), reason=REASON, by=cast.manager
                )
        for dimension in Dimension.values:
            Score.objects.create(
                row=other_row, dimension=dimension, figure=D("91"), score=D("91.2"), weight=D(10)
            )
        cast.account.name = FORMULA
        cast.account.save()
        AccountLine.objects.create(
            period=period,
            account=cast.account,
            kam=cast.owner,
            figures={
                "kam_id": cast.owner.pk,
                "invoiced": "123456.78",
                "collected": "100000.00",
                "falling_due": "120000.00",
                "outstanding": "23456.78",
                "overdue": "0.00",
                "is_new": True,
                "is_lost": False,
                "visits": 5,
                "complaints": 2,
                "complaints_on_time": 1,
                "completeness": 80,
                "review_on_time": True,
            },
        )
        AccountLine.objects.create(
            period=period,
            account=AccountFactory(owner=cast.other_kam, name="北方重工"),
            kam=cast.other_kam,
            figures={"invoiced": "5.5"},  # a rollup that left the other figures out
        )
    return Book(cast, period, owner_row, other_row)


def workbook(period: Period):
    buffer = io.BytesIO()
    with time_machine.travel(NOW, tick=False):
        exporting.write_workbook("appraisal", {"period": period.pk}, buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def values(sheet, row: int) -> list:
    return [c.value for c in sheet[row]]


def test_appraisal_sheet_cell_by_cell(book):
    wb = workbook(book.period)
    assert wb.sheetnames == [zh("Appraisal sheet"), zh("Account details")]
    ws = wb.worksheets[0]
    assert ws["A1"].value == zh("Appraisal sheet %(period)s") % {"period": book.period.label}
    facts = ws["A2"].value
    assert settings.COMPANY_NAME in facts
    assert book.period.label in facts and "2026-01-01 – 2026-03-31" in facts
    assert zh("Final") in facts and str(book.cast.sales_vp) in facts
    assert f"{zh('Printed on')}：2026-04-08" in facts
    header = values(ws, 4)
    assert header[:3] == [zh("Rank"), zh("Key account manager"), zh("Team")]
    assert header[3] == zh(Dimension.SALES.label)
    assert header[3 + 3 * 6] == zh(Dimension.INFORMATION.label)
    assert header[-2:] == [zh("Total"), zh("Reasons for adjustments")]
    assert values(ws, 5)[3:6] == [zh("Figure"), "得分", zh("Weight (%)")]  # not the churn "Score"
    assert {"A4:A5", "D4:F4", "V4:X4", "Z4:Z5"} <= {str(r) for r in ws.merged_cells.ranges}

    first, second = values(ws, 6), values(ws, 7)
    assert first[:3] == [1, str(book.cast.other_kam), str(book.cast.other_kam.team)]
    assert second[:3] == [2, str(book.cast.owner), str(book.cast.owner.team)]
    owner = second[3:24]
    assert owner[0:3] == [112.5, 100, 30]  # sales: figure, score, weight
    assert owner[6:9] == [1, 66.7, 10]  # lost accounts: a count
    assert owner[9:12] == [80, 75, 15]  # collections: the adjusted score
    assert owner[15:18] == [None, None, 5]  # complaints: nothing to measure
    assert second[24] == 78.45
    reason = ws.cell(row=7, column=26)
    assert reason.value == f"{REASON}（{zh(Dimension.COLLECTIONS.label)} 60.0→75.0）"
    assert reason.data_type == "s"
    assert first[25] is None  # nobody adjusted the other KAM

    assert ws.cell(row=7, column=4).number_format == "0.0"  # a percentage
    assert ws.cell(row=7, column=10).number_format == "0"  # lost accounts
    assert ws.cell(row=7, column=14).number_format == "0.0"  # a score
    assert ws.cell(row=7, column=14).fill.fgColor.rgb.endswith("FFF2CC")  # adjusted: shaded
    assert ws.cell(row=7, column=5).fill.fill_type is None
    assert ws.cell(row=7, column=25).number_format == "0.0"
    assert ws.freeze_panes == "D6"
    assert ws.print_title_rows == "$4:$5"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.column_dimensions["Z"].width == 44


def test_details_sheet_has_a_row_per_account_line(book):
    ws = workbook(book.period).worksheets[1]
    assert ws["A1"].value == zh("Account details %(period)s") % {"period": book.period.label}
    header = values(ws, 3)
    assert header[:4] == [
        zh("Customer name"),
        zh("Key account manager"),
        zh("Tier"),
        zh("Invoiced"),
    ]
    assert header[-1] == zh("Review on time?")
    assert ws.max_row == 5
    at = {ws.cell(row=r, column=1).value: r for r in (4, 5)}
    own, north = values(ws, at[FORMULA]), values(ws, at["北方重工"])
    name = ws.cell(row=at[FORMULA], column=1)
    assert name.data_type == "s"  # the customer's name is text: no formula, no quote
    assert own[1:3] == [str(book.cast.owner), zh(book.cast.account.get_tier_display())]
    assert own[3:8] == [123456.78, 100000, 120000, 23456.78, 0]
    assert own[8:] == [zh("Yes"), zh("No"), 5, 2, 1, 80, zh("Yes")]
    assert north[3] == 5.5
    assert north[4:] == [None] * 11  # figures the rollup left out stay blank
    assert ws.cell(row=at[FORMULA], column=4).number_format == "#,##0.00"
    assert ws.cell(row=at[FORMULA], column=14).number_format == "0.0"
    assert ws.freeze_panes == "B4"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1


def test_no_cell_holds_a_formula(book):
    for ws in workbook(book.period).worksheets:
        assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_a_period_without_rows_has_just_the_headers(cast):
    period = Period.objects.create(
        kind=PeriodKind.YEAR,
        year=2025,
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
        settle_by=dt.date(2026, 1, 14),
    )
    wb = workbook(period)
    ws = wb.worksheets[0]
    assert ws.max_row == 5 and zh("Not scored yet") in ws["A2"].value
    assert wb.worksheets[1].max_row == 3


# Starting an export, following it, downloading it ----------------------------------------------


def start(client, user, period, capture):
    if user is not None:
        client.force_login(user)
    with capture(execute=True):  # without a broker the task runs when the request commits
        return client.post(reverse("appraisal:export", args=[period.pk]))


@pytest.mark.parametrize("member", ["admin", "sales_vp"])
def test_admin_and_sales_vp_export(book, client, member, django_capture_on_commit_callbacks):
    user = getattr(book.cast, member)
    response = start(client, user, book.period, django_capture_on_commit_callbacks)
    export = Export.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("export_status", args=[export.pk])
    assert (export.owner, export.kind, export.params) == (
        user,
        "appraisal",
        {"period": book.period.pk},
    )
    assert export.status == ExportStatus.DONE and export.progress == 100
    # Named in the language of the person who asked (catalogs: "考核表 %(period)s").
    assert export.filename == "考核表 2026年第一季度.xlsx"
    page = client.get(response.url).content.decode()
    assert reverse("export_download", args=[export.pk]) in page and "hx-trigger" not in page
    download = client.get(reverse("export_download", args=[export.pk]))
    assert download.status_code == 200
    assert "filename*=utf-8''%E8%80%83%E6%A0%B8%E8%A1%A8" in download["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert wb.worksheets[0].cell(row=7, column=2).value == str(book.cast.owner)


@pytest.mark.parametrize("member", ["owner", "other_kam", "manager", "gm", "staff"])
def test_everyone_else_is_refused(book, client, member, django_capture_on_commit_callbacks):
    response = start(
        client, getattr(book.cast, member), book.period, django_capture_on_commit_callbacks
    )
    assert response.status_code == 403
    assert not Export.objects.exists()


def test_anonymous_is_sent_to_login(book, client, django_capture_on_commit_callbacks):
    response = start(client, None, book.period, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_unknown_period_and_get(book, client):
    client.force_login(book.cast.admin)
    assert client.post(reverse("appraisal:export", args=[book.period.pk + 99])).status_code == 404
    assert client.get(reverse("appraisal:export", args=[book.period.pk])).status_code == 405
    assert not Export.objects.exists()


def test_only_the_owner_follows_and_downloads(book, client, django_capture_on_commit_callbacks):
    start(client, book.cast.admin, book.period, django_capture_on_commit_callbacks)
    export = Export.objects.get()
    status = reverse("export_status", args=[export.pk])
    download = reverse("export_download", args=[export.pk])
    for member in ["sales_vp", "owner", "manager", "staff"]:
        client.force_login(getattr(book.cast, member))
        assert client.get(status).status_code == 404
        assert client.get(download).status_code == 404
    client.logout()
    assert client.get(status).url.startswith(reverse("login"))
    assert client.get(download).url.startswith(reverse("login"))


def test_the_page_polls_until_the_file_is_ready(book, client):
    export = Export.objects.create(
        owner=book.cast.admin, kind="appraisal", params={"period": book.period.pk}, progress=42
    )
    client.force_login(book.cast.admin)
    url = reverse("export_status", args=[export.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and "42%" in page and "<nav" in page
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="export-progress"') and "<nav" not in partial
    assert client.get(reverse("export_download", args=[export.pk])).status_code == 404
    exporting.export_run(export.pk)
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in partial and reverse("export_download", args=[export.pk]) in partial


def media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_failing_export_is_marked_failed_and_leaves_no_file(book, client, monkeypatch):
    def half_then_fail(wb, params, progress):
        sheet = exporting.Sheet(wb, "half", [10])
        for n in range(1000):
            sheet.row([n])
        progress(0.5)
        raise RuntimeError("the database went away")

    broken = exporting.Exporter(
        "broken", lambda user, params: True, lambda p: "x.xlsx", half_then_fail
    )
    monkeypatch.setitem(exporting.EXPORTERS, "broken", broken)
    export = Export.objects.create(owner=book.cast.admin, kind="broken", filename="x.xlsx")
    exporting.export_run(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED
    assert "the database went away" in export.error and export.finished_at is not None
    assert not export.file and media_files() == []
    client.force_login(book.cast.admin)
    assert client.get(reverse("export_download", args=[export.pk])).status_code == 404
    page = client.get(reverse("export_status", args=[export.pk])).content.decode()
    assert "alert-danger" in page and "hx-trigger" not in page


def test_a_retry_rewrites_the_file_and_a_done_export_is_left_alone(book):
    export = Export.objects.create(
        owner=book.cast.admin, kind="appraisal", params={"period": book.period.pk}
    )
    stale = Path(settings.MEDIA_ROOT) / "exports" / f"export-{export.pk}.xlsx"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"half a file from a worker that died")
    Export.objects.filter(pk=export.pk).update(status=ExportStatus.RUNNING, progress=37)
    exporting.export_run(export.pk)
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE and export.file.name == f"exports/{stale.name}"
    assert media_files() == [stale]
    load_workbook(stale)  # a whole workbook now
    modified = stale.stat().st_mtime_ns
    exporting.export_run(export.pk)
    assert stale.stat().st_mtime_ns == modified


def test_with_the_broker_down_the_export_is_written_in_the_request(
    book, client, django_capture_on_commit_callbacks
):
    from kam.tests.test_jobs import DEAD, broker

    with broker(**DEAD):
        response = start(client, book.cast.admin, book.period, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Export.objects.get().status == ExportStatus.DONE


def test_progress_is_reported_now_and_then(book, monkeypatch):
    updates = []
    reporter = exporting._reporter(0)
    monkeypatch.setattr(
        Export.objects,
        "filter",
        lambda **kw: type("Q", (), {"update": lambda self, **kw: updates.append(kw)})(),
    )
    for fraction in [0.001, 0.004, 0.01, 0.015, 0.5, 0.5, 1.0]:
        reporter(fraction)
    assert [u["progress"] for u in updates] == [0, 1, 50, 99]
    seen = []
    list(exporting.report_every(range(2000), 2000, seen.append, every=500))
    assert seen == [0.25, 0.5, 0.75, 1.0]
