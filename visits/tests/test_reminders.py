"""Reminders of the visits app (§7): visits due and overdue under the frequency rules, next
month's plan, last month's record (the 5th-of-month rule), year-end cards and the GM office's
December schedule. Each fires on its day only, to the right people only."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import KeyAccount
from accounts.models.archive import Tier
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import AccountFactory, UserFactory
from visits.models import ExecutiveSchedule, FrequencyRule, Visit, VisitPlan, VisitRecord
from visits.models.records import RecordStatus
from visits.reminders import (
    plan_due,
    record_due,
    schedule_due,
    visits_due,
    visits_overdue,
    year_end_cards,
)
from visits.services.records import record_due_on
from visits.tests.plan_fixtures import LONG_AGO, at, make_office, make_plan

pytestmark = pytest.mark.django_db

D = dt.date


def sent(kind: str) -> list[tuple[int, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", "key"))


def only_kam_rules() -> None:
    """The KAM's own monthly visit is the only visit rule: counts are then easy to follow."""
    FrequencyRule.objects.exclude(visitor_role="kam").update(is_active=False)


def kam_visit(account, day: dt.date) -> Visit:
    return Visit.objects.create(
        account=account, visitor=account.owner, visitor_role=Role.KAM, visited_on=day
    )


@pytest.fixture(autouse=True)
def _english():
    """Titles are checked word for word in English (the msgids)."""
    with translation.override("en"):
        yield


@pytest.fixture
def office(cast):
    return make_office(cast)


# Visits due and overdue ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "fires"),
    [
        (D(2026, 6, 22), False),
        (D(2026, 6, 23), True),  # a week before Tuesday 30 June, the month's last working day
        (D(2026, 6, 24), False),
    ],
)
def test_visits_due_a_week_before_the_months_windows_close(office, today, fires):
    only_kam_rules()
    kam_visit(office.accounts[0], D(2026, 6, 10))
    kam_visit(office.other_account, D(2026, 6, 3))  # the other KAM is done for June
    assert visits_due(today) == int(fires)
    if fires:
        note = Notification.objects.get()
        assert (note.recipient, note.kind, note.key) == (
            office.owner,
            "visits_due",
            "visits_due:2026-06",
        )
        # two of her three accounts still lack a visit
        assert note.title == "2 of your accounts still need a visit in June 2026"
        assert note.due_on == D(2026, 6, 30)  # worded when shown, never frozen in the title
        assert note.body == "Accounts short of a visit, by visitor: Key account manager 2"
        assert note.url == reverse("visits:compliance_kam", args=[office.owner.pk]) + "?p=2026-06"
        assert visits_due(today) == 0


def test_visits_due_moves_back_when_the_month_ends_on_a_weekend(office):
    only_kam_rules()
    # 31 May 2026 is a Sunday: May's windows are judged on Friday 29 May, so notice on the 22nd.
    assert visits_due(D(2026, 5, 24)) == 0
    assert visits_due(D(2026, 5, 22)) == 2  # the owner and the other KAM
    assert {k for _r, k in sent("visits_due")} == {"visits_due:2026-05"}


def test_visits_due_names_the_roles_still_owed(office):
    """Under the full §13 table June closes the managers' and executives' windows too."""
    assert visits_due(D(2026, 6, 23)) == 2
    note = Notification.objects.get(recipient=office.owner)
    assert note.title == "3 of your accounts still need a visit in June 2026"
    assert str(Role.SALES_MANAGER.label) in note.body
    assert str(Role.KAM.label) in note.body


@pytest.mark.parametrize(
    ("today", "fires"),
    [(D(2026, 5, 31), False), (D(2026, 6, 1), True), (D(2026, 6, 2), False)],
)
def test_visits_overdue_on_the_first_for_last_months_misses(office, today, fires):
    only_kam_rules()
    kam_visit(office.accounts[0], D(2026, 5, 12))
    kam_visit(office.accounts[1], D(2026, 5, 29))
    kam_visit(office.other_account, D(2026, 5, 20))
    assert visits_overdue(today) == int(fires)
    if fires:
        note = Notification.objects.get()
        assert (note.recipient, note.key) == (office.owner, "visits_overdue:2026-05")
        # the third account had no visit in May
        assert note.title == "1 of your accounts missed a required visit in May 2026"
        assert note.url.endswith("?p=2026-05")
        assert visits_overdue(today) == 0


def test_visits_overdue_tells_no_one_whose_accounts_were_all_visited(office):
    only_kam_rules()
    for account in [*office.accounts, office.other_account]:
        kam_visit(account, D(2026, 5, 12))
    assert visits_overdue(D(2026, 6, 1)) == 0


def test_visits_overdue_leaves_out_archived_accounts_and_leavers(office, cast):
    only_kam_rules()
    leaver = UserFactory(role=Role.KAM, is_active=False)
    AccountFactory(owner=leaver, tier=Tier.STRATEGIC)
    AccountFactory(owner=cast.other_kam, tier=Tier.IMPORTANT, is_archived=True)
    KeyAccount.objects.update(created_at=LONG_AGO, tier_since=LONG_AGO.date())
    kam_visit(office.other_account, D(2026, 5, 12))
    visits_overdue(D(2026, 6, 1))
    assert [r for r, _k in sent("visits_overdue")] == [office.owner.pk]


def test_visits_overdue_in_january_reads_last_years_december(office):
    only_kam_rules()
    assert visits_overdue(D(2027, 1, 1)) == 2
    assert {k for _r, k in sent("visits_overdue")} == {"visits_overdue:2026-12"}


# Next month's plan --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (D(2026, 6, 21), None),
        (D(2026, 6, 22), "ahead"),  # three days before the 25th
        (D(2026, 6, 23), None),
        (D(2026, 6, 24), None),
        (D(2026, 6, 25), "due"),  # on the day, when still missing
        (D(2026, 6, 26), None),
    ],
)
def test_plan_reminder_three_days_ahead_and_on_the_25th(office, cast, today, stage):
    july = D(2026, 7, 1)
    VisitPlan.objects.filter(pk=make_plan(cast.other_kam, july, days=[3]).pk).update(
        submitted_at=timezone.now(), status="submitted"
    )
    drafter = UserFactory(role=Role.KAM)
    AccountFactory(owner=drafter, tier=Tier.IMPORTANT)
    draft = make_plan(drafter, july, days=[6])
    UserFactory(role=Role.KAM)  # no key accounts: nothing to plan
    AccountFactory(owner=UserFactory(role=Role.KAM), tier=Tier.POTENTIAL)
    created = plan_due(today)
    if stage is None:
        assert created == 0
        return
    assert sent("plan_due") == sorted(
        [(office.owner.pk, f"plan_due:2026-07:{stage}"), (drafter.pk, f"plan_due:2026-07:{stage}")]
    )
    urls = dict(Notification.objects.values_list("recipient_id", "url"))
    assert urls == {
        office.owner.pk: reverse("visits:plans"),
        drafter.pk: reverse("visits:plan_detail", args=[draft.pk]),
    }
    # One title for both stages: "due today" would be false when read the next day.
    assert set(Notification.objects.values_list("title", "due_on")) == {
        ("Submit your visit plan for July 2026", D(2026, 6, 25))
    }
    assert plan_due(today) == 0


def test_plan_reminder_on_the_due_day_comes_on_top_of_the_early_one(office):
    assert plan_due(D(2026, 11, 22)) == 2
    assert plan_due(D(2026, 11, 25)) == 2
    assert {k for _r, k in sent("plan_due")} == {"plan_due:2026-12:ahead", "plan_due:2026-12:due"}


# Last month's record: the 5th-of-month rule ---------------------------------------------------


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        # May 2026's record is due Friday 5 June.
        (D(2026, 6, 1), None),
        (D(2026, 6, 2), "ahead"),
        (D(2026, 6, 4), None),
        (D(2026, 6, 5), "due"),
        (D(2026, 6, 6), None),
        # June's: 5 July is a Sunday, so it is due Monday 6 July, not on the 5th.
        (D(2026, 7, 3), "ahead"),
        (D(2026, 7, 5), None),
        (D(2026, 7, 6), "due"),
        (D(2026, 7, 7), None),
        # September's: the National Day holidays run to 7 October; due Thursday 8 October.
        (D(2026, 10, 5), "ahead"),
        (D(2026, 10, 7), None),
        (D(2026, 10, 8), "due"),
        (D(2026, 10, 9), None),
    ],
)
def test_record_reminder_follows_the_5th_of_month_rule(office, cast, today, stage):
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    VisitRecord.objects.create(
        kam=cast.other_kam,
        month=month,
        due_on=today,
        status=RecordStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    without_accounts = UserFactory(role=Role.KAM)  # but with visits in an open record
    VisitRecord.objects.create(kam=without_accounts, month=month, due_on=today)
    created = record_due(today)
    if stage is None:
        assert created == 0
        return
    key = f"record_due:{month:%Y-%m}:{stage}"
    assert sent("record_due") == sorted([(office.owner.pk, key), (without_accounts.pk, key)])
    note = Notification.objects.filter(recipient=office.owner).get()
    assert note.url == f"{reverse('visits:my_record')}?month={month:%Y-%m}"
    assert note.title == f"Submit your visit record for {month:%B %Y}"
    assert note.due_on == record_due_on(month)
    assert record_due(today) == 0


def test_a_record_submitted_after_the_early_reminder_gets_no_second_one(office):
    assert record_due(D(2026, 6, 2)) == 2  # the owner and the other KAM
    VisitRecord.objects.create(
        kam=office.owner,
        month=D(2026, 5, 1),
        due_on=D(2026, 6, 5),
        status=RecordStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    assert record_due(D(2026, 6, 5)) == 1
    assert Notification.objects.filter(recipient=office.owner).count() == 1


# Year-end cards -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "fires"), [(D(2026, 11, 30), False), (D(2026, 12, 1), True), (D(2026, 12, 2), False)]
)
def test_year_end_cards_on_1_december_to_each_kam_with_key_accounts(office, cast, today, fires):
    AccountFactory(owner=UserFactory(role=Role.KAM), tier=Tier.POTENTIAL)  # no card rule
    AccountFactory(owner=UserFactory(role=Role.KAM, is_active=False), tier=Tier.STRATEGIC)
    created = year_end_cards(today)
    if not fires:
        assert created == 0
        return
    assert sent("year_end_cards") == sorted(
        [(office.owner.pk, "year_end_cards:2026"), (cast.other_kam.pk, "year_end_cards:2026")]
    )
    note = Notification.objects.get(recipient=office.owner)
    assert note.title == "Year-end cards: send them to the contacts of your 3 key accounts"
    assert note.url == reverse("visits:compliance_kam", args=[office.owner.pk]) + "?p=2026-12"
    assert year_end_cards(today) == 0


# The GM office's December schedule ------------------------------------------------------------


@pytest.fixture
def gm_office(db):
    return UserFactory(role=Role.GM_OFFICE)


@pytest.mark.parametrize(
    ("today", "fires"),
    [
        (D(2026, 11, 30), False),
        (D(2026, 12, 1), True),
        (D(2026, 12, 2), False),
        (D(2026, 12, 14), False),
        (D(2026, 12, 15), True),
        (D(2026, 12, 16), False),
        (D(2027, 1, 1), False),
    ],
)
def test_gm_office_reminded_on_1_and_15_december(cast, gm_office, today, fires):
    UserFactory(role=Role.GM_OFFICE, is_active=False)
    # A draft is not enough: the schedule counts once it is published.
    ExecutiveSchedule.objects.create(year=2027, created_by=gm_office)
    assert schedule_due(today) == int(fires)
    if fires:
        note = Notification.objects.get()
        assert (note.recipient, note.key) == (gm_office, f"schedule_due:2027:{today.day}")
        assert note.url == reverse("visits:schedule_year", args=[2027])
        assert note.due_on == D(2026, 12, 31)  # a Thursday: December's last working day


def test_gm_office_not_reminded_once_next_year_is_published(gm_office):
    with time_machine.travel(at(D(2026, 12, 10)), tick=False):
        ExecutiveSchedule.objects.create(
            year=2027, created_by=gm_office, published_at=timezone.now(), published_by=gm_office
        )
    assert schedule_due(D(2026, 12, 1)) == 0
    assert schedule_due(D(2026, 12, 15)) == 0
