"""The KAM's main journey through the archive, in real Chromium."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from accounts.models import KeyAccount
from accounts.models.archive import ContactLevel, Tier
from accounts.validators import credit_code_check_char
from kam.roles import Role
from kam.tests.browser import login, screenshot
from kam.tests.factories import PASSWORD, AccountFactory, TeamFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE_BODY = "91320211MA1N2C3D4"
VALID_CODE = CODE_BODY + credit_code_check_char(CODE_BODY)
WRONG_CODE = CODE_BODY + next(c for c in "0123456789" if c != VALID_CODE[-1])


def zh(text) -> str:
    """What the page shows for a msgid (or a lazy label), whether or not the catalog
    translates it yet."""
    with translation.override("zh-hans"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


def test_kam_creates_account_adds_contact_and_sees_history(browser_page, live_server):
    page = browser_page
    team = TeamFactory(name="华东组")
    kam = UserFactory(username="zhangwei", name="张伟", role=Role.KAM, team=team)
    AccountFactory(owner=kam, name="常州东方轴承有限公司", industry="轴承")

    page.goto(live_server.url + reverse("login"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    screenshot(page, "login")
    login(page, live_server, "zhangwei", PASSWORD)
    expect(page.locator("nav")).to_contain_text("张伟")
    screenshot(page, "home")

    # The list, then the form for a new account; a mistyped code is caught first.
    page.goto(live_server.url + reverse("accounts:list"))
    expect(page.locator("main table")).to_contain_text("常州东方轴承有限公司")
    page.locator(f"main a[href='{reverse('accounts:create')}']").click()
    page.fill("#id_name", "无锡新锐精工科技有限公司")
    page.fill("#id_credit_code", WRONG_CODE)
    # She proposes the tier; the sales VP decides it (§3).
    expect(page.locator("#id_tier")).to_have_count(0)
    page.select_option("#id_proposed_tier", Tier.IMPORTANT.value)
    page.fill("#id_legal_representative", "陈立")
    page.fill("#id_industry", "精密加工")
    page.fill("#id_phone", "0510-82001234")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#id_credit_code")).to_have_class(re.compile(r"\bis-invalid\b"))
    expect(page.locator("main form")).to_contain_text(
        zh("The check character does not match: please check the code for a typing error.")
    )
    screenshot(page, "account_form")
    page.fill("#id_credit_code", VALID_CODE.lower())  # typed in lower case: stored upper
    page.locator("main form button[type=submit]").click()

    account = KeyAccount.objects.get(name="无锡新锐精工科技有限公司")
    detail = reverse("accounts:detail", args=[account.pk])
    expect(page).to_have_url(live_server.url + detail)
    expect(page.locator(".alert-success")).to_contain_text(zh("The account has been created."))
    expect(page.locator("h1")).to_contain_text(zh(Tier.POTENTIAL.label))
    expect(page.locator("h1 [data-proposed-tier]")).to_contain_text(zh(Tier.IMPORTANT.label))
    fields = page.locator("#archive-fields")
    expect(fields).to_contain_text(VALID_CODE)
    expect(fields).to_contain_text("张伟")
    expect(fields).to_contain_text("0510-82001234")

    # A contact, added from the archive page's contacts tab.
    page.locator("#archive-nav a[href='#contacts']").click()
    page.locator(f"a[href='{reverse('accounts:contact_new', args=[account.pk])}']").click()
    page.fill("#id_name", "刘采购")
    page.fill("#id_title", "采购经理")
    page.select_option("#id_level", ContactLevel.BUSINESS_HEAD.value)
    page.fill("#id_phone", "13800001111")
    page.fill("#id_email", "liu@example.com")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + detail + "#contacts")  # back on its tab
    contacts = page.locator("#contacts tbody tr")
    expect(contacts.first).to_be_visible()
    expect(contacts).to_have_count(1)
    expect(contacts.first).to_contain_text("刘采购")
    expect(contacts.first).to_contain_text(zh(ContactLevel.BUSINESS_HEAD.label))
    expect(contacts.first).to_contain_text("13800001111")

    # The KAM reads the tier (not hers to change) and corrects the phone; the history shows
    # old → new.
    page.locator(f"main a[href='{reverse('accounts:edit', args=[account.pk])}']").click()
    expect(page.locator("#id_name")).to_have_value("无锡新锐精工科技有限公司")
    expect(page.locator("#id_tier")).to_be_disabled()
    screenshot(page, "account_edit")
    page.fill("#id_phone", "0510-82005678")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(live_server.url + detail)
    expect(page.locator(".alert-success")).to_contain_text(zh("Your changes have been saved."))
    expect(page.locator("h1")).to_contain_text(zh(Tier.POTENTIAL.label))
    expect(fields).to_contain_text("0510-82005678")
    history = page.locator("#history")
    expect(history).to_contain_text("0510-82001234 → 0510-82005678")
    expect(history).to_contain_text("刘采购")
    expect(history.locator("li").first).to_contain_text("张伟")
    screenshot(page, "archive")

    page.goto(live_server.url + reverse("accounts:list"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(2)
    new_row = rows.filter(has_text="无锡新锐精工科技有限公司")
    expect(new_row).to_contain_text(zh(Tier.POTENTIAL.label))
    expect(new_row).to_contain_text("张伟")
    screenshot(page, "account_list")

    # The two pages every employee uses, kept for a look at the layout.
    page.goto(live_server.url + reverse("accounts:lookup") + "?q=新锐")
    expect(page.locator("#lookup-results")).to_contain_text("无锡新锐精工科技有限公司")
    screenshot(page, "lookup")
    page.goto(live_server.url + reverse("accounts:loans"))
    expect(page.locator("h1")).to_be_visible()
    screenshot(page, "loans")
