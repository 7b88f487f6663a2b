"""Reminders say when their deadline has passed (kam/dues.py): the inbox and the home page word
a reminder's `due_on` on the day they are read, and open the object it is about."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from kam import dues
from kam.models import Notification
from visits.tests.plan_fixtures import at

D = dt.date
TODAY = D(2026, 5, 20)


@pytest.mark.parametrize(
    ("due_on", "text", "urgency"),
    [
        (D(2026, 5, 17), "Overdue by 3 days", "overdue"),
        (D(2026, 5, 19), "Overdue by 1 day", "overdue"),
        (D(2026, 5, 20), "Due today", "soon"),
        (D(2026, 5, 23), "Due 2026-05-23, 3 days left", "soon"),
        (D(2026, 5, 25), "Due 2026-05-25, 5 days left", "normal"),
        (None, "", "normal"),
    ],
)
def test_a_deadline_is_worded_from_the_day_it_is_read(due_on, text, urgency):
    with translation.override("en"):
        assert dues.due_text(due_on, TODAY) == text
    assert dues.urgency_for(due_on, TODAY) == urgency


def test_the_chinese_wording_is_used_once_translated():
    with translation.override("zh-hans"):
        text = dues.due_text(D(2026, 5, 17), TODAY)
    assert "3" in text and "2026-05-17" not in text


@pytest.fixture
def notes(cast):
    """A plan reminder read five days after its deadline, and one read before it."""
    with time_machine.travel(at(D(2026, 5, 12)), tick=False):
        late = Notification.objects.create(
            recipient=cast.owner,
            kind="plan_due",
            key="plan_due:2026-06:ahead",
            title="Submit your visit plan for 2026-06",
            url=reverse("visits:plans"),
            due_on=D(2026, 5, 15),
        )
        ahead = Notification.objects.create(
            recipient=cast.owner,
            kind="record_due",
            key="record_due:2026-05:ahead",
            title="Submit your visit record for 2026-05",
            url=f"{reverse('visits:my_record')}?month=2026-05",
            due_on=D(2026, 6, 5),
        )
    return late, ahead


@pytest.mark.parametrize("page", ["inbox", "home"])
def test_a_reminder_past_its_date_says_so_and_opens_its_object(client, cast, notes, page):
    late, ahead = notes
    client.force_login(cast.owner)
    with time_machine.travel(at(TODAY), tick=False):
        html = client.get(reverse(page), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert 'data-due="overdue">Overdue by 5 days<' in html
        assert "2026-05-15" not in html  # the passed deadline is never named as one
        assert 'data-due="normal">Due 2026-06-05, 16 days left<' in html
        # Each opens through the inbox (marked read), then goes to what it is about.
        assert reverse("notification_open", args=[late.pk]) in html
        response = client.post(reverse("notification_open", args=[ahead.pk]))
    assert response.url == f"{reverse('visits:my_record')}?month=2026-05"
