"""Who may open the compliance dashboard and the frequency rules: every URL of that section of
visits/urls.py for every role, written out by hand.

- The sales VP, the GM and administrators see the company and every team, KAM and account.
- A sales manager sees his own team, its KAMs and their accounts; another team's are 404.
  Opening the dashboard takes him to his team.
- A KAM sees herself and her accounts (another KAM's are 404); team pages are not for her (403).
  Opening the dashboard takes her to her own page.
- Technical VP, executive VP, GM office and other departments: 403 (their visits are counted
  on the accounts' pages, not theirs to browse).
- Everyone but other departments reads the frequency rules; administrators edit them in the
  Django admin.
"""

from __future__ import annotations

import copy
from functools import partial

import pytest
from django.urls import reverse

from kam.roles import Role
from kam.tests.factories import UserFactory
from kam.tests.matrix import LOG, assert_cell, client_for, covers_every_url, parametrize
from kam.tests.once import built_once
from visits.tests.compliance_data import build_people

pytestmark = pytest.mark.django_db

MEMBERS = (
    "owner",  # KAM A, in 华东组, owns a1
    "other_kam",  # KAM C, in 华北组
    "manager",  # 华东组's sales manager
    "other_manager",
    "sales_vp",
    "gm",
    "admin",
    "tech_vp",
    "exec_vp",
    "gm_office",
    "staff",
    "anonymous",
)

OWN = "302 own"  # her own KAM page
TEAM = "302 team"  # his own team page
ADM = "302 admin_login"

# fmt: off
MATRIX: dict[str, tuple] = {
    # columns:                     own  oKAM mgr   oMgr  VP   GM   adm  tVP  eVP  gmo  stf  anon
    "visits:compliance":          (OWN, OWN, TEAM, TEAM, 200, 200, 200, 403, 403, 403, 403, LOG),
    "visits:compliance_team":     (403, 403, 200,  404,  200, 200, 200, 403, 403, 403, 403, LOG),
    "no_team":                    (403, 403, 404,  404,  200, 200, 200, 403, 403, 403, 403, LOG),
    "visits:compliance_kam":      (200, 404, 200,  404,  200, 200, 200, 403, 403, 403, 403, LOG),
    "other_kam_page":             (404, 200, 404,  200,  200, 200, 200, 403, 403, 403, 403, LOG),
    "manager_as_kam":             (404, 404, 404,  404,  404, 404, 404, 403, 403, 403, 403, LOG),
    "visits:compliance_account":  (200, 404, 200,  404,  200, 200, 200, 403, 403, 403, 403, LOG),
    "visits:frequency_rules":     (200, 200, 200,  200,  200, 200, 200, 200, 200, 200, 403, LOG),
    "admin:visits_frequencyrule_changelist":
                                  (ADM, ADM, ADM,  ADM,  ADM, ADM, 200, ADM, ADM, ADM, ADM, ADM),
}
# fmt: on


def make_world():
    company = build_people()
    users = {
        "owner": company.kams["A"],
        "other_kam": company.kams["C"],
        "manager": company.managers["m1"],
        "other_manager": company.managers["m2"],
        "sales_vp": company.execs[Role.SALES_VP],
        "gm": company.execs[Role.GM],
        "tech_vp": company.execs[Role.TECH_VP],
        "exec_vp": company.execs[Role.EXEC_VP],
        "admin": UserFactory(role=Role.ADMIN),
        "gm_office": UserFactory(role=Role.GM_OFFICE),
        "staff": UserFactory(role=Role.STAFF),
        "anonymous": None,
    }
    return company, users


# The company is built once for the module; each test gets its own copy of it, and its writes
# are rolled back (kam/tests/once.py).
@pytest.fixture(scope="module")
def world_built(django_db_setup, django_db_blocker):
    yield from built_once(django_db_blocker, make_world)


@pytest.fixture
def world(world_built, db):
    return copy.deepcopy(world_built)


def url_of(company, name: str) -> str:
    east = company.teams["east"].pk
    return {
        "visits:compliance": reverse("visits:compliance"),
        "visits:compliance_team": reverse("visits:compliance_team", args=[east]),
        "no_team": reverse("visits:compliance_team", args=[0]),
        "visits:compliance_kam": reverse("visits:compliance_kam", args=[company.kams["A"].pk]),
        "other_kam_page": reverse("visits:compliance_kam", args=[company.kams["C"].pk]),
        "manager_as_kam": reverse("visits:compliance_kam", args=[company.managers["m1"].pk]),
        "visits:compliance_account": reverse(
            "visits:compliance_account", args=[company.accounts["a1"].pk]
        ),
        "visits:frequency_rules": reverse("visits:frequency_rules"),
        "admin:visits_frequencyrule_changelist": reverse("admin:visits_frequencyrule_changelist"),
    }[name]


def expected_location(user, target: str) -> str:
    if target == "own":
        return reverse("visits:compliance_kam", args=[user.pk])
    if target == "team":
        return reverse("visits:compliance_team", args=[user.led_team.pk])
    return reverse({"login": "login", "admin_login": "admin:login"}[target])


@parametrize(MATRIX, MEMBERS)
def test_matrix(world, name, member, expected):
    company, users = world
    user = users[member]
    response = client_for(user).get(url_of(company, name), {"p": "2026-Q1"})
    assert_cell(response, expected, partial(expected_location, user))
    if expected in {OWN, TEAM}:
        # the period travels with the redirect
        assert response.headers["Location"].endswith("?p=2026-Q1")


# Rows that open a URL with other arguments than its own row's.
SAME_URL_AS = {
    "no_team": "visits:compliance_team",
    "other_kam_page": "visits:compliance_kam",
    "manager_as_kam": "visits:compliance_kam",
}


def test_every_compliance_url_is_in_the_matrix():
    rows = [SAME_URL_AS.get(row, row) for row in MATRIX]
    covers_every_url("visits", rows, views=["visits.views.compliance"])


def test_the_owner_kam_sees_only_her_accounts_on_her_page(world, client):
    company, users = world
    client.force_login(users["owner"])
    response = client.get(url_of(company, "visits:compliance_kam"), {"p": "2026-Q1"})
    names = {row.label for row in response.context["rows"]}
    assert names == {"客户a1", "客户a2"}


def test_the_manager_sees_his_team_only(world, client):
    company, users = world
    client.force_login(users["manager"])
    response = client.get(url_of(company, "visits:compliance_team"), {"p": "2026-Q1"})
    assert {row.label for row in response.context["rows"]} == {"陈静", "杨帆"}
    # No link up to the company, which is not his to see.
    assert [label for label, _url in response.context["crumbs"]] == ["华东组"]
