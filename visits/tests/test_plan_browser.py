"""Journey 1 and 2 of SPEC §8 for the plan, in real Chromium: a KAM fills next month's plan
with the frequency rules in view and submits it; the sales VP returns it with a comment; the
KAM fixes it and resubmits; the VP approves."""

import datetime as dt
import re

import pytest
import time_machine
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from accounts.models.archive import ContactLevel, Tier
from kam.roles import Role
from kam.tests.browser import login, screenshot
from kam.tests.factories import PASSWORD, AccountFactory, ContactFactory, TeamFactory, UserFactory
from visits.models import PlanTransition, VisitPlan
from visits.models.plans import PlanStatus
from visits.seeds import seed_frequency_rules
from visits.tests.plan_fixtures import SH

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def seeded_rules(db):
    """An earlier transactional test's flush empties the frequency rules the migrations seed;
    these journeys show the requirements they state, so the seed is laid again."""
    seed_frequency_rules(django_apps)


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


@pytest.fixture
def may_20th():
    # The clock runs (tick) so sessions and timestamps behave; it starts on 20 May 2026.
    with time_machine.travel(dt.datetime(2026, 5, 20, 9, 0, tzinfo=SH), tick=True):
        yield


@pytest.fixture
def people(may_20th):
    team = TeamFactory(
        name="华东组",
        manager=UserFactory(username="wangjl", name="王经理", role=Role.SALES_MANAGER),
    )
    kam = UserFactory(username="zhangwei", name="张伟", role=Role.KAM, team=team)
    vp = UserFactory(username="liuvp", name="刘副总", role=Role.SALES_VP)
    accounts = {}
    for name, tier, contact in [
        ("无锡恒达精密机械有限公司", Tier.STRATEGIC, "李采购"),
        ("江阴华润纺织有限公司", Tier.IMPORTANT, "陈主任"),
        ("宜兴紫砂陶瓷有限公司", Tier.IMPORTANT, "周经理"),
        ("常州东方轴承有限公司", Tier.STRATEGIC, "吴科长"),
    ]:
        account = AccountFactory(owner=kam, name=name, tier=tier)
        ContactFactory(
            account=account, name=contact, title="采购经理", level=ContactLevel.OPERATIONAL_HEAD
        )
        accounts[name] = account
    return {"kam": kam, "vp": vp, "accounts": accounts}


def fill_row(row, account, day: str, purposes=("relationship",), hours="1.5"):
    row.locator("[data-role=account]").select_option(str(account.pk))
    row.locator("[data-role=date]").fill(day)
    row.locator("[data-role=contact]").select_option(index=1)
    for code in purposes:
        checkbox = row.locator(f"input[value={code}]")
        if not checkbox.is_checked():
            row.locator(f"input[value={code}] + label").click()
    row.locator("input[name$=expected_hours]").fill(hours)


def sign_out_and_in(page, live_server, username):
    page.context.clear_cookies()
    login(page, live_server, username, PASSWORD)


def accept_confirmations(page) -> None:
    """Submitting and approving ask first (static/js/confirm.js); these journeys agree."""
    page.on("dialog", lambda dialog: dialog.accept())


def test_kam_plans_vp_returns_kam_fixes_vp_approves(browser_page, live_server, people):
    page = browser_page
    accept_confirmations(page)
    accounts = people["accounts"]
    hengda, huarun, zisha, dongfang = accounts.values()

    # The KAM starts next month's plan from her list of plans.
    login(page, live_server, "zhangwei", PASSWORD)
    page.goto(live_server.url + reverse("visits:plans"))
    page.locator("#own-plans form button").first.click()
    plan = VisitPlan.objects.get(kam=people["kam"])
    assert plan.month == dt.date(2026, 6, 1)
    expect(page).to_have_url(live_server.url + reverse("visits:plan_detail", args=[plan.pk]))
    expect(page.locator("#gap-count")).to_have_text("4")

    # One blank line is ready; Enter opens the next, the date carries over.
    rows = page.locator("#plan-rows tr.plan-row")
    expect(rows).to_have_count(1)
    fill_row(rows.nth(0), hengda, "2026-06-03", purposes=("relationship", "market_research"))
    rows.nth(0).locator("input[name$=notes]").press("Enter")
    expect(rows).to_have_count(2)
    expect(rows.nth(1).locator("[data-role=account]")).to_be_focused()
    expect(rows.nth(1).locator("[data-role=date]")).to_have_value("2026-06-03")
    fill_row(rows.nth(1), hengda, "2026-06-17")
    rows.nth(1).locator("input[name$=notes]").press("Enter")
    fill_row(rows.nth(2), huarun, "2026-06-10", purposes=("new_product",), hours="2")
    rows.nth(2).locator("input[name$=notes]").press("Enter")
    fill_row(rows.nth(3), dongfang, "2026-06-12")
    # The counts beside the form follow the lines as they are typed: 宜兴紫砂 is the gap.
    expect(page.locator("#gap-count")).to_have_text("1")
    expect(page.locator(f"[data-need='{zisha.pk}'] .need-planned")).to_have_text("0")
    expect(page.locator(f"[data-need='{hengda.pk}'] .need-planned")).to_have_text("2")
    screenshot(page, "visit_plan_filling")
    page.locator("#submit-plan").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#plan-lines tbody tr")).to_have_count(4)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED

    # The sales VP finds it in the review queue, sees the gap and returns it.
    sign_out_and_in(page, live_server, "liuvp")
    page.goto(live_server.url + reverse("visits:plans") + "?status=submitted")
    page.locator("#plans tbody a").first.click()
    expect(page.locator("#gap-count")).to_have_text("1")
    expect(page.locator(f"[data-need='{zisha.pk}']")).to_contain_text("0")
    page.fill("#id_comment", "宜兴紫砂陶瓷本月也要拜访一次。")
    screenshot(page, "visit_plan_review")
    page.locator("#return-plan").click()
    expect(page.locator(".alert-success")).to_be_visible()
    plan.refresh_from_db()
    assert (plan.status, plan.comment) == (PlanStatus.RETURNED, "宜兴紫砂陶瓷本月也要拜访一次。")

    # The KAM reads the comment, adds the missing account from the list beside the form.
    sign_out_and_in(page, live_server, "zhangwei")
    page.goto(live_server.url + reverse("visits:plan_detail", args=[plan.pk]))
    expect(page.locator("#return-comment")).to_contain_text("宜兴紫砂陶瓷本月也要拜访一次。")
    page.locator(f"[data-add-account='{zisha.pk}']").click()
    expect(rows).to_have_count(5)
    new_row = rows.nth(4)
    expect(new_row.locator("[data-role=account]")).to_have_value(str(zisha.pk))
    expect(new_row.locator("[data-role=date]")).to_be_focused()
    new_row.locator("[data-role=date]").fill("2026-06-19")
    new_row.locator("[data-role=contact]").select_option(index=1)
    expect(page.locator("#gap-alert")).to_be_hidden()
    screenshot(page, "visit_plan_revised")
    page.locator("#submit-plan").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # The VP approves.
    sign_out_and_in(page, live_server, "liuvp")
    page.goto(live_server.url + reverse("visits:plan_detail", args=[plan.pk]))
    page.fill("#id_comment", "同意。")
    page.locator("#approve-plan").click()
    expect(page.locator("h1")).to_contain_text(zh("Approved"))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.lines.filter(is_cancelled=False).count() == 5
    assert list(PlanTransition.objects.filter(plan=plan).values_list("to_status", flat=True)) == [
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]
    expect(page.locator("#transitions li")).to_have_count(5)
    screenshot(page, "visit_plan_approved")

    # The KAM sees the approval in her inbox and the plan in her list.
    sign_out_and_in(page, live_server, "zhangwei")
    page.goto(live_server.url + reverse("visits:plans"))
    expect(page.locator("#plans tbody")).to_contain_text(zh("Approved"))
    screenshot(page, "visit_plan_list")


@pytest.fixture
def june_30th():
    with time_machine.travel(dt.datetime(2026, 6, 30, 16, 0, tzinfo=SH), tick=True):
        yield


def test_kam_records_the_month_manager_reviews_and_spot_checks(
    browser_page, live_server, june_30th
):
    from visits.tests.plan_fixtures import make_plan

    page = browser_page
    accept_confirmations(page)
    team = TeamFactory(
        name="华东组",
        manager=UserFactory(username="wangjl", name="王经理", role=Role.SALES_MANAGER),
    )
    kam = UserFactory(username="zhangwei", name="张伟", role=Role.KAM, team=team)
    for name, contact in [
        ("无锡恒达精密机械有限公司", "李采购"),
        ("江阴华润纺织有限公司", "陈主任"),
    ]:
        account = AccountFactory(owner=kam, name=name, tier=Tier.STRATEGIC)
        ContactFactory(account=account, name=contact, title="采购经理")
    plan = make_plan(kam, dt.date(2026, 6, 1), status=PlanStatus.APPROVED, days=[3, 10, 24])
    first = plan.lines.order_by("planned_on").first()

    # The KAM records the visit of the 3rd from her approved plan.
    login(page, live_server, "zhangwei", PASSWORD)
    page.goto(live_server.url + reverse("visits:plan_detail", args=[plan.pk]))
    page.locator(f"a[href*='line={first.pk}']").click()
    expect(page.locator("#id_plan_line")).to_have_value(str(first.pk))
    page.fill("#id_visited_on", "2026-06-03")
    page.fill("#id_time_in", "09:30")
    page.fill("#id_time_out", "11:15")
    page.locator("#visit-form input[name=contacts]").first.check()
    page.fill("#id_outcome", "确认三季度订单，单价维持不变。")
    page.fill("#id_competitor_news", "某竞品报价下调5%。")
    page.fill("#id_next_steps", "七月初送样。")
    screenshot(page, "visit_form")
    page.locator("#visit-form button[type=submit]").click()
    expect(page.locator(".alert-success")).to_be_visible()
    # An unplanned visit, and a planned one made on another day with the reason.
    second = plan.lines.order_by("planned_on")[1]
    page.goto(
        live_server.url
        + reverse("visits:visit_new")
        + f"?account={second.account_id}&line={second.pk}"
    )
    page.fill("#id_visited_on", "2026-06-12")
    page.locator("#visit-form button[type=submit]").click()
    expect(page.locator("#id_change_reason")).to_have_class(re.compile(r"is-invalid"))
    page.fill("#id_change_reason", "客户周三开董事会，改到周五")
    page.locator("#visit-form button[type=submit]").click()
    expect(page.locator("#visits tbody tr")).to_have_count(2)
    screenshot(page, "visit_record_month")
    page.locator("#submit-record").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # The sales manager reads it against the plan and confirms the proposed classification.
    sign_out_and_in(page, live_server, "wangjl")
    page.goto(live_server.url + reverse("visits:records") + "?status=submitted")
    page.locator("#records tbody a").first.click()
    review = page.locator("#plan-review")
    expect(review.locator("select").nth(0)).to_have_value("as_planned")
    expect(review.locator("select").nth(1)).to_have_value("rescheduled")
    expect(review.locator("select").nth(2)).to_have_value("missed")
    review.locator("input").nth(2).fill("未说明原因")
    screenshot(page, "visit_record_review")
    page.locator("#save-review").click()
    expect(page.locator(".alert-success")).to_be_visible()

    # Spot checks for June: the proposed sample, started, one call recorded.
    page.goto(live_server.url + reverse("visits:spot_checks") + "?month=2026-06")
    expect(page.locator("#proposal tbody tr")).to_have_count(2)
    page.locator("#start-checks").click()
    rows = page.locator("#checks tbody tr")
    expect(rows).to_have_count(2)
    rows.nth(0).locator("select[name$=result]").select_option("confirmed")
    rows.nth(0).locator("select[name$=called_contact]").select_option(index=1)
    rows.nth(0).locator("button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    screenshot(page, "visit_spot_checks")
