"""A visit form sent twice (the back button, a double tap) says why on the phone (390 px)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.tests.browser import login
from kam.tests.factories import PASSWORD
from kam.tests.phone import assert_fits_width, shot
from visits.models import Visit
from visits.models.plans import PlanStatus
from visits.tests.plan_fixtures import make_office, make_plan

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_send_of_a_visit_form_is_explained(cast, narrow_page, live_server):
    page = narrow_page
    today = timezone.localdate()
    office = make_office(cast)
    plan = make_plan(cast.owner, today.replace(day=1), PlanStatus.APPROVED, days=[today.day])
    line = plan.lines.get()
    login(page, live_server, cast.owner.username, PASSWORD)
    url = f"{reverse('visits:visit_new')}?account={line.account_id}&line={line.pk}"
    page.goto(live_server.url + url)
    page.check(f"input[name=contacts][value='{office.contacts[line.account_id].pk}']")
    page.fill("#id_outcome", "确认三季度订单")
    with page.expect_navigation():
        page.locator("#visit-form button[type=submit]").click()
    page.go_back()
    with page.expect_navigation():
        page.locator("#visit-form button[type=submit]").click()

    alert = page.locator("#visit-form .alert-danger")
    assert alert.count() == 1 and alert.inner_text()
    assert Visit.objects.filter(plan_line=line).count() == 1
    assert_fits_width(page)
    shot(page, "visit-form-sent-twice")
