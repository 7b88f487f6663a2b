"""Downloads are named in the user's language (kam.exporting.file_name): people keep these
files, and a Chinese user finds 客户档案 … where she would not look for account-17.xlsx."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import translation

from kam.exporting import attachment, file_name

pytestmark = pytest.mark.django_db


def _named(response, name: str) -> bool:
    return f"filename*=utf-8''{quote(name)}" in response["Content-Disposition"]


def test_a_file_name_keeps_the_title_and_drops_what_file_systems_refuse():
    assert file_name("拜访记录表 陈静 2026-10") == "拜访记录表 陈静 2026-10.xlsx"
    assert file_name('客户档案 A/B:"C"?') == "客户档案 A_B_C.xlsx"
    assert 'filename="export.xlsx"' in attachment(file_name("///"))


def test_the_archive_export_and_the_import_template_are_named_in_chinese(client, cast):
    client.force_login(cast.owner)
    response = client.get(reverse("accounts:export", args=[cast.account.pk]))
    assert response.status_code == 200
    assert _named(response, f"客户档案 {cast.account.name}.xlsx")
    client.force_login(cast.admin)
    assert _named(client.get(reverse("accounts:import_template")), "大客户导入模板.xlsx")


def test_a_visit_plan_is_named_in_the_language_of_whoever_downloads_it(client, cast):
    from visits.tests.plan_fixtures import make_plan

    plan = make_plan(cast.owner, dt.date(2026, 12, 1))
    client.force_login(cast.owner)
    url = reverse("visits:plan_export", args=[plan.pk])
    assert _named(client.get(url), f"月拜访计划表 {cast.owner.name} 2026-12.xlsx")
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert _named(client.get(url), f"Visit plan {cast.owner.name} 2026-12.xlsx")
    translation.activate("zh-hans")
