"""§6 重大事项报告: anyone reports a major contact; the owner KAM and the sales VPs hear of it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import MajorMatter, TimelineEntry
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def vps(db):
    return [
        UserFactory(role=Role.SALES_VP),
        UserFactory(role=Role.SALES_VP),
        UserFactory(role=Role.SALES_VP, is_active=False),  # a former VP hears nothing
    ]


def test_report_notifies_owner_and_every_active_sales_vp(cast, vps):
    reporter = cast.staff
    today = timezone.localdate()

    matter = services.major_matter_report(
        account=cast.account,
        by=reporter,
        occurred_on=today,
        subject="客户技术总监来访",
        content="讨论新产品试制",
    )

    assert (matter.reported_by, matter.occurred_on) == (reporter, today)
    recipients = set(
        Notification.objects.filter(kind="major_matter").values_list("recipient", flat=True)
    )
    assert recipients == {cast.owner.pk, cast.sales_vp.pk, vps[0].pk, vps[1].pk}
    note = Notification.objects.get(recipient=cast.owner, kind="major_matter")
    assert "客户技术总监来访" in note.title
    assert cast.account.name in note.title
    assert "讨论新产品试制" in note.body
    assert note.url == reverse("accounts:detail", args=[cast.account.pk])

    entry = TimelineEntry.objects.get(account=cast.account, kind="major_matter")
    assert (entry.summary, entry.actor) == ("客户技术总监来访", reporter)


def test_a_future_date_is_refused(cast, vps):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        services.major_matter_report(
            account=cast.account, by=cast.staff, occurred_on=tomorrow, subject="x", content="y"
        )
    assert "occurred_on" in exc.value.message_dict
    assert not MajorMatter.objects.exists()
    assert not Notification.objects.filter(kind="major_matter").exists()
    assert not TimelineEntry.objects.filter(kind="major_matter").exists()


def test_staff_reports_through_the_page(client, cast, vps):
    client.force_login(cast.staff)
    url = reverse("accounts:major_matter_new", args=[cast.account.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "occurred_on": timezone.localdate().isoformat(),
            "subject": "展会上遇到客户采购经理",
            "content": "对方提到明年扩产",
        },
    )
    assert response.status_code == 302
    assert MajorMatter.objects.get().reported_by == cast.staff
    assert Notification.objects.filter(recipient=cast.owner, kind="major_matter").exists()
    # the reporter does not gain the archive by reporting
    assert client.get(reverse("accounts:detail", args=[cast.account.pk])).status_code == 404


def test_the_page_refuses_a_future_date(client, cast, vps):
    client.force_login(cast.staff)
    response = client.post(
        reverse("accounts:major_matter_new", args=[cast.account.pk]),
        {
            "occurred_on": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
            "subject": "x",
            "content": "y",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not MajorMatter.objects.exists()


def test_every_role_may_report(client, cast):
    for user in cast.by_name().values():
        client.force_login(user)
        response = client.post(
            reverse("accounts:major_matter_new", args=[cast.account.pk]),
            {
                "occurred_on": timezone.localdate().isoformat(),
                "subject": f"来自{user.username}",
                "content": "z",
            },
        )
        assert response.status_code == 302, user.username
    assert MajorMatter.objects.count() == len(cast.by_name())
