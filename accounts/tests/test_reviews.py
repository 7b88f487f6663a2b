"""§11 定期调查: twice a year the KAM reviews each account; overdue reviews are visible."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from accounts import selectors, services
from accounts.models import ArchiveReview, TimelineEntry
from accounts.models.archive import Status
from accounts.selectors import REVIEW_INTERVAL_DAYS
from kam.roles import Role
from kam.tests.factories import AccountFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
# 00:30 in Shanghai is still the previous day in UTC: the day counts in local time.
CREATED = dt.datetime(2025, 1, 10, 0, 30, tzinfo=SH)
DAY0 = CREATED.date()


@pytest.fixture
def kam(db):
    return UserFactory(role=Role.KAM, team=TeamFactory())


@pytest.fixture
def account(kam):
    with time_machine.travel(CREATED, tick=False):
        return AccountFactory(owner=kam)


def overdue(user, on):
    return list(selectors.reviews_overdue(user, on=on).values_list("pk", flat=True))


def test_interval_is_half_a_year():
    assert REVIEW_INTERVAL_DAYS == 183


def test_never_reviewed_account_is_due_the_day_after_the_boundary(kam, account):
    assert overdue(kam, DAY0 + dt.timedelta(days=REVIEW_INTERVAL_DAYS)) == []
    assert overdue(kam, DAY0 + dt.timedelta(days=REVIEW_INTERVAL_DAYS + 1)) == [account.pk]


def test_review_clears_the_overdue_and_restarts_the_clock(kam, account):
    late = DAY0 + dt.timedelta(days=200)
    assert overdue(kam, late) == [account.pk]

    with time_machine.travel(dt.datetime.combine(late, dt.time(15), tzinfo=SH), tick=False):
        services.review_record(account=account, by=kam, reviewed_on=late, changed=False, notes="")

    assert overdue(kam, late) == []
    assert overdue(kam, late + dt.timedelta(days=REVIEW_INTERVAL_DAYS)) == []
    assert overdue(kam, late + dt.timedelta(days=REVIEW_INTERVAL_DAYS + 1)) == [account.pk]
    row = selectors.reviews_overdue(kam, on=late + dt.timedelta(days=400)).get()
    assert row.last_reviewed == late


def test_the_latest_review_counts(kam, account):
    with time_machine.travel(dt.datetime(2026, 1, 1, 12, tzinfo=SH), tick=False):
        for day in (dt.date(2025, 3, 1), dt.date(2025, 9, 1), dt.date(2025, 5, 1)):
            services.review_record(
                account=account, by=kam, reviewed_on=day, changed=False, notes=""
            )
    assert overdue(kam, dt.date(2026, 3, 3)) == []  # 183 days after 2025-09-01
    assert overdue(kam, dt.date(2026, 3, 4)) == [account.pk]


def test_retired_and_lost_accounts_are_not_due(kam, account):
    with time_machine.travel(CREATED, tick=False):
        retired = AccountFactory(owner=kam, is_archived=True)
        AccountFactory(owner=kam, status=Status.LOST, lost_on=DAY0)
    assert overdue(kam, DAY0 + dt.timedelta(days=400)) == [account.pk]
    assert retired.pk not in overdue(kam, DAY0 + dt.timedelta(days=400))


def test_overdue_list_is_scoped_to_the_users_list(kam, account):
    late = DAY0 + dt.timedelta(days=300)
    assert overdue(UserFactory(role=Role.KAM), late) == []
    assert overdue(kam.team.manager, late) == [account.pk]
    assert overdue(UserFactory(role=Role.SALES_VP), late) == [account.pk]
    assert overdue(UserFactory(role=Role.STAFF), late) == []


def test_overdue_page_lists_the_account_and_home_counts_it(client, kam, account):
    with time_machine.travel(CREATED + dt.timedelta(days=200), tick=False):
        client.force_login(kam)
        page = client.get(reverse("accounts:reviews_overdue"))
        assert page.status_code == 200
        assert [a.pk for a in page.context["page"]] == [account.pk]
        home = client.get(reverse("home"))
        # the to-do list counts it, linking to the page that lists it
        items = [item for _section, items in home.context["workbench"] for item in items]
        due = [i for i in items if i.url == reverse("accounts:reviews_overdue")]
        assert [(i.count, i.urgency) for i in due] == [(1, "overdue")]


def test_a_changed_review_needs_notes(kam, account):
    with pytest.raises(ValidationError) as exc:
        services.review_record(
            account=account, by=kam, reviewed_on=timezone.localdate(), changed=True, notes="  "
        )
    assert "notes" in exc.value.message_dict
    assert not ArchiveReview.objects.exists()


def test_the_database_also_refuses_a_changed_review_without_notes(kam, account):
    with pytest.raises(IntegrityError):
        ArchiveReview.objects.create(
            account=account, reviewer=kam, reviewed_on=DAY0, changed=True, notes=""
        )


def test_a_changed_review_with_notes_joins_the_timeline(kam, account):
    services.review_record(
        account=account,
        by=kam,
        reviewed_on=timezone.localdate(),
        changed=True,
        notes="新任采购经理：吴某",
    )
    entry = TimelineEntry.objects.get(account=account, kind="review")
    assert entry.summary == "新任采购经理：吴某"
    assert entry.actor == kam


def test_a_review_cannot_be_in_the_future(kam, account):
    with time_machine.travel(dt.datetime(2026, 3, 9, 23, 30, tzinfo=SH), tick=False):
        with pytest.raises(ValidationError):
            services.review_record(
                account=account,
                by=kam,
                reviewed_on=dt.date(2026, 3, 10),
                changed=False,
                notes="",
            )
        services.review_record(
            account=account, by=kam, reviewed_on=dt.date(2026, 3, 9), changed=False, notes=""
        )
    assert ArchiveReview.objects.count() == 1


def test_only_the_owner_reviews(kam, account):
    for role in (Role.SALES_VP, Role.ADMIN, Role.KAM):
        with pytest.raises(PermissionDenied):
            services.review_record(
                account=account,
                by=UserFactory(role=role),
                reviewed_on=timezone.localdate(),
                changed=False,
                notes="",
            )
    with pytest.raises(PermissionDenied):
        services.review_record(
            account=account,
            by=kam.team.manager,
            reviewed_on=timezone.localdate(),
            changed=False,
            notes="",
        )
    assert not ArchiveReview.objects.exists()


def test_review_form_requires_notes_when_changed(client, kam, account):
    client.force_login(kam)
    url = reverse("accounts:review_new", args=[account.pk])
    response = client.post(
        url, {"reviewed_on": timezone.localdate().isoformat(), "changed": "on", "notes": ""}
    )
    assert response.status_code == 200
    assert "notes" in response.context["form"].errors
    response = client.post(url, {"reviewed_on": timezone.localdate().isoformat(), "notes": ""})
    assert response.status_code == 302
    assert ArchiveReview.objects.get().changed is False
