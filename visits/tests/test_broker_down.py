"""With Redis down, a KAM still records her visit: the task that would re-tally compliance is
not sent, the visit is saved, and the rollup catches up at its next read (§7)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from kam.tests.test_jobs import broker
from visits.models import TallyDirty, Visit, VisitRecord
from visits.tests.plan_fixtures import make_office

# Transactional: the visit really commits, so the on-commit hook that sends the task runs.
pytestmark = pytest.mark.django_db(transaction=True)

DEAD = {
    "broker_url": "redis://127.0.0.1:1/0",
    "broker_connection_timeout": 1,
    "broker_transport_options": {"max_retries": 0, "socket_connect_timeout": 1},
}


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
        response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    visit = Visit.objects.get(account=account, visitor=cast.owner, visited_on=today)
    assert visit.record == VisitRecord.objects.get(kam=cast.owner, month=today.replace(day=1))
    assert "could not enqueue" in caplog.text
    # What the task would have done waits in the rollup's queue for the next reader.
    assert TallyDirty.objects.filter(account_id=account.pk).exists()
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert account.name in page.content.decode()
