"""The exports_cleanup job: files go a week after they were written, rows stay; exports a dead
worker left behind are marked failed."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from kam.models import Export, ExportStatus
from kam.reminders import exports_cleanup

pytestmark = pytest.mark.django_db


def _export(owner, *, days_ago: float, status=ExportStatus.DONE) -> Export:
    export = Export.objects.create(owner=owner, kind="appraisal", filename="a.xlsx", status=status)
    when = timezone.now() - dt.timedelta(days=days_ago)
    if status == ExportStatus.DONE:
        export.file.save("a.xlsx", ContentFile(b"xlsx"), save=False)
    Export.objects.filter(pk=export.pk).update(
        file=export.file.name or "", created_at=when, finished_at=when if export.file else None
    )
    export.refresh_from_db()
    return export


def test_files_older_than_a_week_go_and_rows_stay(
    client, cast, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    old = _export(cast.admin, days_ago=8)
    fresh = _export(cast.admin, days_ago=6)
    old_path = old.file.path
    with django_capture_on_commit_callbacks(execute=True):
        exports_cleanup(timezone.localdate())
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert not old.file and fresh.file
    assert not (tmp_path / old_path).exists() and (tmp_path / fresh.file.name).exists()
    client.force_login(cast.admin)
    assert client.get(reverse("export_download", args=[old.pk])).status_code == 404
    page = client.get(reverse("export_status", args=[old.pk])).content.decode()
    assert 'id="export-removed"' in page
    download = client.get(reverse("export_download", args=[fresh.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"xlsx"
    download.close()


def test_an_export_left_running_for_a_day_is_marked_failed(cast):
    stuck = _export(cast.admin, days_ago=1.5, status=ExportStatus.RUNNING)
    recent = _export(cast.admin, days_ago=0.1, status=ExportStatus.QUEUED)
    exports_cleanup(timezone.localdate())
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert stuck.status == ExportStatus.FAILED and recent.status == ExportStatus.QUEUED
