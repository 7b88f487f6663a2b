"""Journey 2 of SPEC §8 in real Chromium: the sales VP opens the compliance dashboard, sees which
team, KAM and account fall short, and drills down to a visit. Screenshots are kept."""

import datetime as dt
import re

import pytest
import time_machine
from django.apps import apps
from django.urls import reverse
from playwright.sync_api import expect

from kam.roles import Role
from kam.tests.browser import login, screenshot
from kam.tests.factories import PASSWORD
from visits.seeds import seed_frequency_rules
from visits.tests.compliance_data import SH, build_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def company(db):
    # A transactional test before this one may have flushed the rules the migrations seed.
    seed_frequency_rules(apps)
    # The figures worked out by hand are those of 15 April 2026.
    with time_machine.travel(dt.datetime(2026, 4, 15, 10, tzinfo=SH), tick=True):
        yield build_company()


def test_the_vp_drills_down_from_the_company_to_a_visit(browser_page, live_server, company):
    page = browser_page
    login(page, live_server, company.execs[Role.SALES_VP].username, PASSWORD)
    page.goto(live_server.url + reverse("visits:compliance") + "?p=2026-Q1")
    rows = page.locator("#compliance-rows tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#kpis")).to_contain_text("71%")  # rules met: 20 of 28
    expect(page.locator("svg[role=img] polyline").first).to_be_visible()
    screenshot(page, "compliance-company")

    page.get_by_role("link", name="华东组").click()
    expect(page).to_have_url(re.compile(r"/visits/compliance/team/\d+/\?p=2026-Q1$"))
    # Those falling short first: both KAMs have overdue accounts; 杨帆 has one, 陈静 two.
    expect(rows.first).to_contain_text("陈静")
    screenshot(page, "compliance-team")

    rows.first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/visits/compliance/kam/\d+/"))
    expect(rows.first).to_contain_text("客户a1")  # 5 of 8 windows met, behind a2's 4 of 5
    screenshot(page, "compliance-kam")

    page.get_by_role("link", name="客户a1").click()
    needs = page.locator("#needs tbody tr.table-danger")
    expect(needs).to_have_count(3)  # March's KAM visit, the tech VP and the exec VP
    expect(page.locator("#visits tbody tr")).to_have_count(6)
    screenshot(page, "compliance-account")

    page.locator("#visits tbody tr a").first.click()
    expect(page).to_have_url(re.compile(r"/visits/\d+/$"))

    page.go_back()
    page.locator("[aria-label] a.btn", has_text=re.compile("Year|年")).first.click()
    expect(page).to_have_url(re.compile(r"\?p=2026$"))
