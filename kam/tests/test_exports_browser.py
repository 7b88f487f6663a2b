"""Journey 3 of SPEC §8, its last step, in real Chromium: an administrator exports the
appraisal sheet of a period from its overview, watches the export page until the file is
ready, downloads it and it opens as a workbook."""

from __future__ import annotations

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from appraisal.tests.factories import scored_period
from kam import tasks
from kam.exporting import export_run
from kam.models import Export, ExportStatus
from kam.tests.browser import login, screenshot
from kam.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_exports_the_appraisal_sheet(browser_page, live_server, cast, monkeypatch, tmp_path):
    page = browser_page
    period = scored_period([cast.owner, cast.other_kam])
    # Stand in for the worker: the task is only queued, so the page has something to wait for.
    queued: list[int] = []
    monkeypatch.setitem(tasks.run_export.app.conf, "task_always_eager", False)
    monkeypatch.setattr(tasks, "_publish", lambda task, args: queued.append(args[0]) or True)
    login(page, live_server, cast.admin.username, PASSWORD)
    page.goto(live_server.url + reverse("appraisal:overview", args=[period.pk]))
    with page.expect_navigation():
        page.locator("#export-sheet").click()
    export = Export.objects.get(owner=cast.admin)
    assert page.url.endswith(reverse("export_status", args=[export.pk]))
    progress = page.locator("#export-progress")
    expect(progress.locator(".progress-bar")).to_have_text("0%")
    assert progress.get_attribute("hx-trigger") == "every 1s"

    assert queued == [export.pk]
    export_run(export.pk)  # the worker writes the file; the page notices on its next poll
    download = page.locator("#export-download")
    expect(download).to_be_visible(timeout=10_000)
    screenshot(page, "export-ready")
    with page.expect_download() as info:
        download.click()
    assert info.value.suggested_filename == f"考核表 {period.label}.xlsx"
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)

    wb = load_workbook(path)
    sheet = wb.worksheets[0]
    names = [sheet.cell(row=r, column=2).value for r in (6, 7)]
    assert names == [str(cast.owner), str(cast.other_kam)]  # in rank order
    assert sheet.cell(row=6, column=1).value == 1
    export.refresh_from_db()
    assert export.status == ExportStatus.DONE
