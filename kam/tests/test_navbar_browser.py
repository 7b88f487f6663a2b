"""The navigation bar fits one line at 1280 px for the roles with the longest menus, in both
languages, and its dropdowns and search box work (real Chromium)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from kam.models import Notification
from kam.roles import Role
from kam.tests.browser import TIMEOUT_MS, login, screenshot
from kam.tests.factories import PASSWORD, AccountFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Bootstrap's navbar with one line of links is 56 px high; a wrapped one is at least 95.
ONE_LINE_PX = 70
LANGUAGES = [("zh-hans", "zh-CN"), ("en", "en-US")]


@pytest.fixture
def people():
    team = TeamFactory()
    users = {
        "admin": UserFactory(username="sysadmin", name="系统管理员", role=Role.ADMIN),
        "salesvp": UserFactory(username="salesvp", name="李明", role=Role.SALES_VP),
        "manager": team.manager,
        "kam": UserFactory(username="kam", name="陈静", role=Role.KAM, team=team),
    }
    AccountFactory(owner=users["kam"], name="无锡恒达精密机械有限公司")
    for user in users.values():  # a two-digit unread count widens the bar as it will in use
        Notification.objects.bulk_create(
            Notification(recipient=user, kind="review_due", key=f"k{i}", title="提醒")
            for i in range(12)
        )
    return users


def _page(chromium_browser, live_server, language: str, locale: str):
    context = chromium_browser.new_context(
        locale=locale,
        timezone_id="Asia/Shanghai",
        viewport={"width": 1280, "height": 900},
        base_url=live_server.url,
    )
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
    return context, context.new_page()


@pytest.mark.parametrize(("language", "locale"), LANGUAGES)
def test_every_menu_fits_one_line_at_1280(chromium_browser, live_server, people, language, locale):
    for key, user in people.items():
        context, page = _page(chromium_browser, live_server, language, locale)
        try:
            login(page, live_server, user.username, PASSWORD)
            assert page.locator("html").get_attribute("lang") == language
            expect(page.locator("#nav-search-input")).to_be_visible()  # the bar is not collapsed
            height = page.locator("nav.navbar").bounding_box()["height"]
            screenshot(page, f"navbar-{key}-{language}-1280")
            assert height < ONE_LINE_PX, f"{key} in {language}: the navbar is {height} px high"
        finally:
            context.close()


def test_a_dropdown_leads_to_its_page_and_the_search_box_to_the_lookup(
    chromium_browser, live_server, people
):
    context, page = _page(chromium_browser, live_server, "zh-hans", "zh-CN")
    try:
        login(page, live_server, "kam", PASSWORD)
        page.locator("#nav-analysis > a").click()
        with page.expect_navigation():
            page.locator("#nav-appraisal").click()
        expect(page).to_have_url(re.compile(re.escape(reverse("appraisal:periods"))))
        expect(page.locator("#nav-appraisal")).to_have_attribute("aria-current", "page")
        page.fill("#nav-search-input", "恒达")
        with page.expect_navigation():
            page.locator("#nav-search button[type=submit]").click()
        expect(page).to_have_url(re.compile(re.escape(reverse("accounts:lookup")) + r"\?q="))
        expect(page.locator("main")).to_contain_text("无锡恒达精密机械有限公司")
    finally:
        context.close()
