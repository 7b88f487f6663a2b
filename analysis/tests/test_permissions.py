"""Who may open what under analysis/: every URL for every member of the cast and an anonymous
visitor, written out by hand (SPEC §2 and §6).

- tier review: the sales VP and administrators prepare it, the GM reads it, only the sales VP
  accepts or rejects; everyone else 403;
- risk list: scoped like the account list (KAM, sales manager, VP, GM, admin); staff 403;
- strategic criteria: part of the archive, kept by the owner KAM (or an administrator):
  readers by position get 403, those who cannot read the archive 404.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from accounts.models import KeyAccount
from accounts.models.archive import Tier
from accounts.tests.test_permissions import _url_names
from analysis.models import AccountCriteria, ProposalStatus, TierProposal, TierReview

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
LOG = "302 login"
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


@pytest.fixture
def proposal(cast) -> TierProposal:
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


CELLS = [
    pytest.param(name, member, expected, id=f"{name}-{member}")
    for name, row in MATRIX.items()
    for member, expected in zip(MEMBERS, row, strict=True)
]


@pytest.mark.parametrize(("name", "member", "expected"), CELLS)
def test_matrix(cast, proposal, name, member, expected):
    user = None if member == "anonymous" else getattr(cast, member)
    client = Client()
    if user is not None:
        client.force_login(user)
    method, url, data = _request(name, cast, proposal)
    response = getattr(client, method)(url, data)
    if isinstance(expected, int):
        assert response.status_code == expected, f"{method} {url} as {member}"
    else:
        status, target = expected.split()
        assert response.status_code == int(status)
        where = {"login": reverse("login"), "tiers": reverse("analysis:tiers")}[target]
        assert response.headers["Location"].split("?")[0] == where
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
    client = Client()
    client.force_login(getattr(cast, member))
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
    client = Client()
    client.force_login(getattr(cast, member))
    body = client.get(reverse("analysis:churn")).content.decode()
    assert (cast.account.name in body) is listed  # never visited: at risk


def test_gm_reads_the_review_without_buttons(cast, proposal):
    client = Client()
    client.force_login(cast.gm)
    url = reverse("analysis:tiers") + "?start=2025-01-01&end=2025-12-31"
    body = client.get(url).content.decode()
    assert cast.account.name in body
    assert reverse("analysis:proposal_decide", args=[proposal.pk]) not in body
    assert reverse("analysis:tiers_prepare") not in body
    client.force_login(cast.sales_vp)
    body = client.get(url).content.decode()
    assert reverse("analysis:proposal_decide", args=[proposal.pk]) in body


def test_matrix_covers_every_analysis_url():
    names = {n for n in _url_names(get_resolver().url_patterns) if n.startswith("analysis:")}
    assert names == set(MATRIX)
