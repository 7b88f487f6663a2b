"""Every appraisal page for every role of the cast; the final appraisal refusing changes
through the pages and the admin; the overview's query budget."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from appraisal import services
from appraisal.models import Adjustment, PeriodStatus, Score, Target
from appraisal.tests.factories import scored_period
from kam.roles import Role
from kam.tests.factories import TeamFactory, UserFactory
from kam.tests.matrix import covers_every_url

pytestmark = pytest.mark.django_db

ROLES = ["owner", "other_kam", "manager", "other_manager", "sales_vp", "gm", "admin", "staff"]
EN = {"accept-language": "en"}
READERS = {"owner", "other_kam", "manager", "other_manager", "sales_vp", "gm", "admin"}


@pytest.fixture
def period(cast):
    return scored_period([cast.owner, cast.other_kam])


def _status(client, user, method, url, data=None):
    client.force_login(user)
    response = client.post(url, data or {}) if method == "post" else client.get(url)
    return response.status_code


def _pages(period, cast):
    score = Score.objects.get(row__period=period, row__kam=cast.owner, dimension=5)
    scheme = services.scheme_default()
    return {
        "periods": ("get", reverse("appraisal:periods"), READERS),
        "explanation": ("get", reverse("appraisal:explanation"), READERS),
        "overview": ("get", reverse("appraisal:overview", args=[period.pk]), READERS),
        "targets": ("get", reverse("appraisal:targets", args=[period.pk]), {"admin"}),
        "schemes": ("get", reverse("appraisal:schemes"), {"admin"}),
        "scheme_edit": ("get", reverse("appraisal:scheme_edit", args=[scheme.pk]), {"admin"}),
        "adjust": ("post", reverse("appraisal:adjust", args=[score.pk]), {"manager"}),
        "finalise": ("post", reverse("appraisal:finalise", args=[period.pk]), {"sales_vp"}),
        "scheme_copy": ("post", reverse("appraisal:scheme_copy", args=[scheme.pk]), {"admin"}),
        "rollup": ("post", reverse("appraisal:rollup", args=[period.pk]), {"admin"}),
        "targets_import": (
            "post",
            reverse("appraisal:targets_import", args=[period.pk]),
            {"admin"},
        ),
        "export": ("post", reverse("appraisal:export", args=[period.pk]), {"admin", "sales_vp"}),
    }


def test_the_table_covers_every_appraisal_url(cast, period):
    tested = {f"appraisal:{n}" for n in _pages(period, cast)} | {"appraisal:detail"}
    covers_every_url("appraisal", tested)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_for_every_role(client, cast, period, role):
    user = cast.by_name()[role]
    for name, (method, url, allowed) in _pages(period, cast).items():
        status = _status(client, user, method, url)
        if role in allowed:
            assert status in (200, 302), (name, role, status)
        else:
            assert status == 403, (name, role, status)


def test_anonymous_goes_to_login(client, cast, period):
    for _name, (method, url, _allowed) in _pages(period, cast).items():
        response = client.post(url) if method == "post" else client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


DETAIL = {
    "owner": 200,
    "other_kam": 404,
    "manager": 200,
    "other_manager": 404,
    "sales_vp": 200,
    "gm": 200,
    "admin": 200,
    "staff": 403,
}


@pytest.mark.parametrize("role,expected", DETAIL.items())
def test_a_kams_detail_is_seen_by_her_line_only(client, cast, period, role, expected):
    url = reverse("appraisal:detail", args=[period.pk, cast.owner.pk])
    assert _status(client, cast.by_name()[role], "get", url) == expected


@pytest.mark.parametrize(
    "role,names",
    [
        ("owner", {"owner"}),
        ("manager", {"owner"}),
        ("other_manager", {"otherkam"}),
        ("sales_vp", {"owner", "otherkam"}),
        ("admin", {"owner", "otherkam"}),
    ],
)
def test_the_overview_is_scoped(client, cast, period, role, names):
    client.force_login(cast.by_name()[role])
    response = client.get(reverse("appraisal:overview", args=[period.pk]))
    users = {u.pk: u.username for u in cast.by_name().values()}
    assert {users[row.kam_id] for row in response.context["rows"]} == names


def test_manager_adjusts_through_the_page(client, cast, period):
    score = Score.objects.get(row__period=period, row__kam=cast.owner, dimension=5)
    client.force_login(cast.manager)
    url = reverse("appraisal:adjust", args=[score.pk])
    response = client.post(url, {"score": "95", "reason": ""}, follow=True, headers=EN)
    assert "Write down why you change this score." in response.content.decode()
    assert not Adjustment.objects.exists()
    client.post(url, {"score": "95", "reason": "客户停产,改为电话沟通"})
    score.refresh_from_db()
    assert score.adjusted == D("95.0")
    page = client.get(reverse("appraisal:detail", args=[period.pk, cast.owner.pk]))
    assert "客户停产,改为电话沟通" in page.content.decode()


def test_a_final_appraisal_refuses_changes_through_the_pages(client, cast, period):
    services.period_finalise(period=period, by=cast.sales_vp)
    score = Score.objects.get(row__period=period, row__kam=cast.owner, dimension=5)
    client.force_login(cast.manager)
    response = client.post(
        reverse("appraisal:adjust", args=[score.pk]),
        {"score": "10", "reason": "x"},
        follow=True,
        headers=EN,
    )
    assert "This appraisal is final and can no longer change." in response.content.decode()
    client.force_login(cast.admin)
    field = f"sales_{cast.owner.pk}"
    client.post(reverse("appraisal:targets", args=[period.pk]), {field: "100000"})
    client.post(reverse("appraisal:rollup", args=[period.pk]))
    scheme = period.scheme
    client.post(reverse("appraisal:scheme_edit", args=[scheme.pk]), {"weight_1": "50"})
    score.refresh_from_db()
    period.refresh_from_db()
    assert score.adjusted is None and not Adjustment.objects.exists()
    assert not Target.objects.exists()
    assert period.status == PeriodStatus.FINAL
    assert services.scheme_rules(scheme)[1].weight == 30


def test_a_final_appraisal_refuses_changes_in_the_admin(client, cast, period):
    services.period_finalise(period=period, by=cast.sales_vp)
    target = Target.objects.create(period=period, kam=cast.owner, sales=D(1))
    cast.admin.is_staff = cast.admin.is_superuser = True
    cast.admin.save()
    client.force_login(cast.admin)
    urls = {
        reverse("admin:appraisal_period_change", args=[period.pk]): {"settle_by": "2027-01-01"},
        reverse("admin:appraisal_target_change", args=[target.pk]): {"sales": "9"},
        reverse("admin:appraisal_scheme_change", args=[period.scheme_id]): {"name": "x"},
    }
    score = Score.objects.filter(row__period=period).first()
    urls[reverse("admin:appraisal_score_change", args=[score.pk])] = {"score": "1"}
    for url, data in urls.items():
        assert client.post(url, data).status_code == 403, url
    for name in ("period", "target", "scheme", "score", "row", "adjustment"):
        assert client.get(reverse(f"admin:appraisal_{name}_changelist")).status_code == 200
    target.refresh_from_db()
    period.refresh_from_db()
    assert target.sales == D(1) and period.settle_by.isoformat() == "2026-09-30"


def test_overview_query_budget_does_not_grow_with_kams(client, cast, django_assert_max_num_queries):
    team = TeamFactory(name="华南组")
    kams = [cast.owner, cast.other_kam] + [
        UserFactory(username=f"k{i}", role=Role.KAM, team=team) for i in range(40)
    ]
    period = scored_period(kams)
    Adjustment.objects.create(
        score=Score.objects.filter(row__period=period).first(),
        before=D(1),
        after=D(2),
        reason="x",
        by=cast.manager,
    )
    client.force_login(cast.sales_vp)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("appraisal:overview", args=[period.pk]))
    assert len(response.context["rows"]) == 42
    with django_assert_max_num_queries(14):
        client.get(reverse("appraisal:detail", args=[period.pk, kams[5].pk]))


@pytest.mark.parametrize("role,count", [("owner", 1), ("manager", 1), ("sales_vp", 2)])
def test_the_period_list_counts_the_rows_each_reader_sees(client, cast, period, role, count):
    client.force_login(cast.by_name()[role])
    response = client.get(reverse("appraisal:periods"))
    assert [p.row_count for p in response.context["periods"]] == [count]


def test_the_totals_line_adds_up_the_rows_the_reader_sees(client, cast, period):
    client.force_login(cast.sales_vp)
    totals = client.get(reverse("appraisal:overview", args=[period.pk])).context["totals"]
    # two rows of 100,000.00 invoiced and one new account each; totals 90 and 80
    assert (totals["invoiced"], totals["new_accounts"], totals["kams"]) == (D("200000.00"), 2, 2)
    assert totals["average"] == D("85") and totals["collected"] == D("0")
    client.force_login(cast.manager)
    mine = client.get(reverse("appraisal:overview", args=[period.pk])).context["totals"]
    assert (mine["invoiced"], mine["kams"]) == (D("100000.00"), 1)
