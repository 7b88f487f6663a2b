"""Drill-downs start where the user's scope starts and climb back the same way on the
compliance dashboard and the receivables report (kam/drill.py)."""

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from kam import drill
from kam.drill import Level

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "level"),
    [
        ("sales_vp", Level.COMPANY),
        ("gm", Level.COMPANY),
        ("admin", Level.COMPANY),
        ("manager", Level.TEAM),
        ("owner", Level.KAM),
        ("staff", None),
    ],
)
def test_the_drill_down_starts_at_the_users_scope(cast, who, level):
    assert drill.start(getattr(cast, who)) is level


def test_a_deactivated_lead_has_no_drill_down(cast):
    cast.sales_vp.is_active = False
    cast.sales_vp.save()
    assert drill.start(cast.sales_vp) is None
    assert drill.trail(cast.sales_vp) == []


def _labels(steps) -> list[str]:
    return [s.label for s in steps]


def test_the_trail_down_to_a_kam(cast):
    company = gettext("Company")
    assert _labels(drill.trail(cast.sales_vp, kam=cast.owner)) == [
        company,
        "华东组",
        str(cast.owner),
    ]
    assert _labels(drill.trail(cast.manager, kam=cast.owner)) == ["华东组", str(cast.owner)]
    assert _labels(drill.trail(cast.owner, kam=cast.owner)) == [str(cast.owner)]


def test_with_nothing_named_the_trail_is_the_users_own_top(cast):
    assert _labels(drill.trail(cast.sales_vp)) == [gettext("Company")]
    assert _labels(drill.trail(cast.manager)) == ["华东组"]
    assert _labels(drill.trail(cast.owner)) == [str(cast.owner)]


def _crumbs(client, url) -> list[str]:
    response = client.get(url, follow=True)
    assert response.status_code == 200
    return [label for label, _url in response.context["crumbs"]]


@pytest.mark.parametrize("who", ["sales_vp", "manager", "owner"])
def test_compliance_and_receivables_climb_back_alike(client, cast, who):
    client.force_login(getattr(cast, who))
    kam_page = reverse("visits:compliance_kam", args=[cast.owner.pk])
    owner_report = reverse("receivables:report") + f"?owner={cast.owner.pk}&by=account"
    assert _crumbs(client, kam_page) == _crumbs(client, owner_report)


@pytest.mark.parametrize("who", ["manager", "owner"])
def test_both_pages_open_at_the_same_step(client, cast, who):
    """A manager opens his team on both, a KAM herself (the company has its own page on the
    dashboard, with no trail above it)."""
    client.force_login(getattr(cast, who))
    home = _crumbs(client, reverse("visits:compliance"))
    report = _crumbs(client, reverse("receivables:report"))
    assert home == report == _labels(drill.trail(getattr(cast, who)))
