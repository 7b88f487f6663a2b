"""Refusals on the archive pages read well on a phone (390 px) and a laptop: 查重 with its
confirmation box, and a hand-over row that was tampered with."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import KeyAccount
from kam.roles import Role
from kam.tests.browser import login
from kam.tests.factories import PASSWORD, AccountFactory, TeamFactory, UserFactory
from kam.tests.phone import assert_fits_width, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("page_fixture", ["narrow_page", "wide_page"])
def test_a_taken_name_is_confirmed_on_the_page(request, live_server, page_fixture):
    page = request.getfixturevalue(page_fixture)
    team = TeamFactory(name="华东组")
    owner = UserFactory(username="lina", name="李娜", role=Role.KAM, team=team)
    AccountFactory(owner=owner, name="无锡微研有限公司")
    UserFactory(username="wangqiang", name="王强", role=Role.KAM, team=team)
    login(page, live_server, "wangqiang", PASSWORD)

    page.goto(live_server.url + reverse("accounts:create"))
    page.fill("#id_name", "无锡微研有限公司")
    page.fill("#id_phone", "0510-8189")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    name_error = page.locator("#id_name").locator("xpath=..").locator(".invalid-feedback")
    assert "李娜" in name_error.inner_text()
    assert page.locator("#id_phone.is-invalid").count() == 1
    assert page.locator("#id_confirm_same_name").is_visible()
    assert_fits_width(page)
    shot(page, "account-same-name")

    page.fill("#id_phone", "0510-8189 4459")
    page.check("#id_confirm_same_name")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert KeyAccount.objects.filter(name="无锡微研有限公司").count() == 2


@pytest.mark.parametrize("page_fixture", ["narrow_page", "wide_page"])
def test_a_tampered_hand_over_row_is_explained(request, live_server, page_fixture):
    page = request.getfixturevalue(page_fixture)
    team = TeamFactory(name="华东组")
    leaver = UserFactory(username="leaver", name="赵离", role=Role.KAM, team=team)
    account = AccountFactory(owner=leaver, name="江阴华润纺织有限公司")
    UserFactory(username="heir", name="钱接", role=Role.KAM, team=team)
    UserFactory(username="vp", role=Role.SALES_VP)
    login(page, live_server, "vp", PASSWORD)

    page.goto(live_server.url + reverse("accounts:handover") + f"?leaver={leaver.pk}")
    page.select_option("#id_successor", label="钱接")
    row = f"#id_account_{account.pk}"
    page.evaluate(f"document.querySelector('{row}').add(new Option('x', '999999', true, true))")
    with page.expect_navigation():
        page.locator("main form[method=post] button[type=submit]").click()

    feedback = page.locator(row).locator("xpath=..").locator(".invalid-feedback")
    assert feedback.count() == 1 and feedback.inner_text()
    assert_fits_width(page)
    shot(page, "handover-tampered")
    leaver.refresh_from_db()
    assert leaver.is_active
