"""With Redis down, a KAM still records her visit at normal speed: the task that would re-tally
compliance cannot be sent, so it runs in the web process once the visit commits (§7)."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.tests.test_jobs import broker
from visits.models import AccountTally, TallyDirty, Visit, VisitRecord
from visits.models.tally import month_column
from visits.months import add_months, month_of
from visits.services.plans import plan_lines_save, plan_start
from visits.tests.plan_fixtures import line_input, make_office

# Transactional: the visit really commits, so the on-commit hook that sends the task runs.
pytestmark = pytest.mark.django_db(transaction=True)

# Only the address: the connect timeout and retries are the project's settings under test.
DEAD = {"broker_url": "redis://127.0.0.1:1/0"}
# Generous for a loaded 2-core machine; the broker's retries alone used to take about 20 s.
NORMAL_SPEED = 1.0


def test_a_visit_is_saved_through_the_form_while_the_broker_is_down(cast, client, caplog):
    office = make_office(cast)
    account = office.accounts[1]
    today = timezone.localdate()
    client.force_login(cast.owner)
    url = f"{reverse('visits:visit_new')}?account={account.pk}"
    form = {
        "visited_on": today.isoformat(),
        "time_in": "09:30",
        "time_out": "11:00",
        "contacts": [str(office.contacts[account.pk].pk)],
        "purposes": ["relationship"],
        "outcome": "确认四季度订单",
        "plan_line": "",
        "change_reason": "",
    }
    with broker(**DEAD):
        started = time.monotonic()
        response = client.post(url, form)
        took = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[:2000]
    assert took < NORMAL_SPEED, took
    visit = Visit.objects.get(account=account, visitor=cast.owner, visited_on=today)
    assert visit.record == VisitRecord.objects.get(kam=cast.owner, month=today.replace(day=1))
    assert "could not enqueue" in caplog.text
    # What the task would have done is done: the rollup counts the visit, nothing waits.
    assert not TallyDirty.objects.exists()
    tally = AccountTally.objects.get(account=account, year=today.year)
    assert getattr(tally, month_column("visits", today.month)) == 1
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert account.name in page.content.decode()


def test_a_plan_is_saved_at_normal_speed_while_the_broker_is_down(cast):
    office = make_office(cast)
    month = add_months(month_of(timezone.localdate()), 1)
    with broker(**DEAD):
        started = time.monotonic()
        plan = plan_start(kam=cast.owner, month=month, by=cast.owner)
        plan_lines_save(
            plan=plan, by=cast.owner, rows=[line_input(office.accounts[1], month.replace(day=10))]
        )
        took = time.monotonic() - started
    assert took < NORMAL_SPEED, took
    assert plan.lines.count() == 1
    assert not TallyDirty.objects.exists()
