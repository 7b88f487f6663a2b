"""Who may open what under analysis/: every URL for every member of the cast and an anonymous
visitor, written out by hand (SPEC §2 and §6).

- tier review: the sales VP and administrators prepare it, the GM reads it, only the sales VP
  accepts or rejects; everyone else 403;
- risk list: scoped like the account list (KAM, sales manager, VP, GM, admin); staff 403;
- strategic criteria: part of the archive, kept by the owner KAM (or an administrator):
  readers by position get 403, those who cannot read the archive 404.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import KeyAccount
from accounts.models.archive import Tier
from analysis.models import AccountCriteria, ProposalStatus, TierProposal, TierReview
from kam.tests.cast import Cast, make_cast
from kam.tests.matrix import LOG, Members, assert_cell, client_for, covers_every_url, parametrize
from kam.tests.once import built_once

pytestmark = pytest.mark.django_db

MEMBERS = (
    "owner",
    "other_kam",
    "manager",
    "other_manager",
    "sales_vp",
    "gm",
    "admin",
    "staff",
    "anonymous",
)
TRS = "302 tiers"
ARC = "302 detail"

# fmt: off
MATRIX: dict[str, tuple] = {
    # columns:                  own  oKAM mgr  oMgr VP   GM   adm  stf  anon
    "analysis:tiers":           (403, 403, 403, 403, 200, 200, 200, 403, LOG),
    "analysis:tiers_prepare":   (403, 403, 403, 403, TRS, 403, TRS, 403, LOG),
    "analysis:proposal_decide": (403, 403, 403, 403, TRS, 403, 403, 403, LOG),
    "analysis:churn":           (200, 200, 200, 200, 200, 200, 200, 403, LOG),
    "analysis:criteria":        (200, 404, 403, 404, 403, 403, 200, 404, LOG),
}
# fmt: on

CRITERIA_POST = {"influential": "on"}


def make_proposal(cast) -> TierProposal:
    review = TierReview.objects.create(
        period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31)
    )
    return TierProposal.objects.create(
        review=review,
        account=cast.account,
        from_tier=Tier.IMPORTANT,
        to_tier=Tier.STRATEGIC,
        abc_class="A",
        revenue=Decimal(100),
        share=Decimal(100),
        criteria=3,
    )


# The cast and the proposal are built once for the module; each test gets its own copy of them,
# and its writes are rolled back (kam/tests/once.py).
@pytest.fixture(scope="module")
def built(django_db_setup, django_db_blocker):
    def build():
        cast = make_cast()
        return cast, make_proposal(cast)

    yield from built_once(django_db_blocker, build)


@pytest.fixture
def cast_and_proposal(built, db):
    return copy.deepcopy(built)


@pytest.fixture
def cast(cast_and_proposal) -> Cast:
    return cast_and_proposal[0]


@pytest.fixture
def proposal(cast_and_proposal) -> TierProposal:
    return cast_and_proposal[1]


def _request(name, cast, proposal):
    args = {
        "analysis:proposal_decide": [proposal.pk],
        "analysis:criteria": [cast.account.pk],
    }.get(name, [])
    posts = {
        "analysis:tiers_prepare": {"start": "2024-01-01", "end": "2024-12-31"},
        "analysis:proposal_decide": {"decision": "accept"},
        "analysis:criteria": CRITERIA_POST,
    }
    method = "post" if name in posts and name != "analysis:criteria" else "get"
    return method, reverse(name, args=args), posts.get(name, {})


@parametrize(MATRIX, MEMBERS)
def test_matrix(cast, proposal, name, member, expected):
    method, url, data = _request(name, cast, proposal)
    response = getattr(Members(cast).client(member), method)(url, data)
    where = {"login": reverse("login"), "tiers": reverse("analysis:tiers")}
    assert_cell(response, expected, where.__getitem__, f"{method} {url} as {member}")
    acted = isinstance(expected, str) and member != "anonymous"
    tier = KeyAccount.objects.get(pk=cast.account.pk).tier
    decided = TierProposal.objects.get(pk=proposal.pk).status
    if name == "analysis:proposal_decide" and acted:
        assert (tier, decided) == (Tier.STRATEGIC, ProposalStatus.ACCEPTED)
    else:
        assert (tier, decided) == (Tier.IMPORTANT, ProposalStatus.PROPOSED)
    prepared = name == "analysis:tiers_prepare" and acted
    assert TierReview.objects.count() == (2 if prepared else 1)


@pytest.mark.parametrize("member", ["owner", "other_kam", "manager", "sales_vp", "gm", "staff"])
def test_criteria_post_only_by_its_keeper(cast, member):
    client = client_for(getattr(cast, member))
    response = client.post(reverse("analysis:criteria", args=[cast.account.pk]), CRITERIA_POST)
    assert response.status_code == {"owner": 302, "manager": 403, "sales_vp": 403, "gm": 403}.get(
        member, 404
    )
    assert AccountCriteria.objects.filter(account=cast.account).exists() is (member == "owner")


@pytest.mark.parametrize(
    ("member", "listed"),
    [
        ("owner", True),
        ("manager", True),
        ("sales_vp", True),
        ("gm", True),
        ("admin", True),
        ("other_kam", False),
        ("other_manager", False),
    ],
)
def test_risk_list_is_scoped_like_the_account_list(cast, member, listed):
    client = client_for(getattr(cast, member))
    body = client.get(reverse("analysis:churn")).content.decode()
    assert (cast.account.name in body) is listed  # never visited: at risk


def test_gm_reads_the_review_without_buttons(cast, proposal):
    client = client_for(cast.gm)
    url = reverse("analysis:tiers") + "?start=2025-01-01&end=2025-12-31"
    body = client.get(url).content.decode()
    assert cast.account.name in body
    assert reverse("analysis:proposal_decide", args=[proposal.pk]) not in body
    assert reverse("analysis:tiers_prepare") not in body
    client.force_login(cast.sales_vp)
    body = client.get(url).content.decode()
    assert reverse("analysis:proposal_decide", args=[proposal.pk]) in body


def test_matrix_covers_every_analysis_url():
    covers_every_url("analysis", MATRIX)
