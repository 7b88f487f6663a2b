"""Consequential actions ask first and say what follows (static/js/confirm.js): submitting a
plan or a month's record, approving a plan, retiring an account. Dismissing the question
sends nothing; agreeing goes on as before."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from accounts.models import KeyAccount
from accounts.models.archive import Tier
from kam.roles import Role
from kam.tests.browser import login
from kam.tests.factories import PASSWORD, AccountFactory, ContactFactory, TeamFactory, UserFactory
from visits.models import PlanLine, PlanTransition, VisitRecord
from visits.models.plans import PlanStatus
from visits.models.records import RecordStatus
from visits.tests.plan_fixtures import SH, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def june_30th():
    with time_machine.travel(dt.datetime(2026, 6, 30, 16, 0, tzinfo=SH), tick=True):
        yield


@pytest.fixture
def people(june_30th):
    team = TeamFactory(manager=UserFactory(username="wangjl", role=Role.SALES_MANAGER))
    kam = UserFactory(username="zhangwei", role=Role.KAM, team=team)
    vp = UserFactory(username="liuvp", role=Role.SALES_VP)
    account = AccountFactory(owner=kam, name="无锡恒达精密机械有限公司", tier=Tier.STRATEGIC)
    ContactFactory(account=account, name="李采购")
    july = make_plan(kam, dt.date(2026, 7, 1), days=[6])
    may = make_plan(kam, dt.date(2026, 5, 1), status=PlanStatus.SUBMITTED, days=[6])
    return {"kam": kam, "vp": vp, "account": account, "july": july, "may": may}


class Dialogs:
    """Answers every dialog as told, and remembers what each said."""

    def __init__(self, page):
        self.messages: list[str] = []
        self.agree = False
        page.on("dialog", self._answer)

    def _answer(self, dialog):
        self.messages.append(dialog.message)
        dialog.accept() if self.agree else dialog.dismiss()


def ask_and_dismiss(page, dialogs: Dialogs, selector: str) -> str:
    """Click, say no, and return what the dialog said: the text the button carries."""
    button = page.locator(selector)
    before = len(dialogs.messages)
    button.click()
    page.wait_for_timeout(300)  # room for a request that must not be sent
    assert len(dialogs.messages) == before + 1, f"{selector} did not ask"
    message = dialogs.messages[-1]
    assert message and message == button.get_attribute("data-confirm")
    return message


def test_kam_is_asked_before_submitting_and_no_means_nothing_is_saved(
    browser_page, live_server, people
):
    page, kam, july = browser_page, people["kam"], people["july"]
    dialogs = Dialogs(page)
    login(page, live_server, "zhangwei", PASSWORD)

    # The plan: an edit in the form and the submission, both left unsaved.
    page.goto(live_server.url + reverse("visits:plan_detail", args=[july.pk]))
    page.locator("#plan-rows input[name$=notes]").first.fill("改到下午")
    ask_and_dismiss(page, dialogs, "#submit-plan")
    july.refresh_from_db()
    assert july.status == PlanStatus.DRAFT and not PlanTransition.objects.filter(plan=july)
    assert PlanLine.objects.get(plan=july).notes == ""
    dialogs.agree = True
    with page.expect_navigation():
        page.locator("#submit-plan").click()
    july.refresh_from_db()
    assert july.status == PlanStatus.SUBMITTED
    assert PlanLine.objects.get(plan=july).notes == "改到下午"

    # June's record.
    dialogs.agree = False
    page.goto(live_server.url + reverse("visits:my_record") + "?month=2026-06")
    ask_and_dismiss(page, dialogs, "#submit-record")
    assert not VisitRecord.objects.filter(kam=kam).exclude(status=RecordStatus.OPEN).exists()
    dialogs.agree = True
    with page.expect_navigation():
        page.locator("#submit-record").click()
    assert VisitRecord.objects.get(kam=kam, month=dt.date(2026, 6, 1)).status == "submitted"

    # Retiring an account.
    dialogs.agree = False
    account = people["account"]
    # The retire button sits in the archive's history section.
    page.goto(live_server.url + reverse("accounts:detail", args=[account.pk]) + "#history")
    retire = "form[action$='/retire/'] button"
    ask_and_dismiss(page, dialogs, retire)
    assert not KeyAccount.objects.get(pk=account.pk).is_archived
    dialogs.agree = True
    with page.expect_navigation():
        page.locator(retire).click()
    assert KeyAccount.objects.get(pk=account.pk).is_archived
    # Restoring asks nothing: it takes nothing away.
    page.goto(live_server.url + reverse("accounts:detail", args=[account.pk]) + "#history")
    before = len(dialogs.messages)
    with page.expect_navigation():
        page.locator(retire).click()
    assert len(dialogs.messages) == before
    assert not KeyAccount.objects.get(pk=account.pk).is_archived


def test_vp_is_asked_before_approving(browser_page, live_server, people):
    page, may = browser_page, people["may"]
    dialogs = Dialogs(page)
    login(page, live_server, "liuvp", PASSWORD)
    page.goto(live_server.url + reverse("visits:plan_detail", args=[may.pk]))
    page.fill("#id_comment", "同意。")
    ask_and_dismiss(page, dialogs, "#approve-plan")
    may.refresh_from_db()
    assert may.status == PlanStatus.SUBMITTED
    # Returning is not asked about: the plan goes back to its author, nothing is settled.
    page.fill("#id_comment", "请补充。")
    with page.expect_navigation():
        page.locator("#return-plan").click()
    may.refresh_from_db()
    assert may.status == PlanStatus.RETURNED
    assert len(dialogs.messages) == 1
