"""The tier review against the database: figures, preparing, accepting, rejecting, the job,
and the archive page's sales figures."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import KeyAccount, TimelineEntry
from accounts.models.archive import Status, Tier
from analysis import reminders, selectors, services, workbench
from analysis.models import AccountCriteria, ProposalStatus, TierProposal, TierReview
from kam.models import Notification
from kam.roles import Role
from kam.tests.factories import AccountFactory, UserFactory
from receivables.models import Invoice, Payment

pytestmark = pytest.mark.django_db
SEQ = [0]  # invoice numbers

START, END = dt.date(2025, 1, 1), dt.date(2025, 12, 31)


def _invoice(account, day, amount, **kw):
    SEQ[0] += 1
    return Invoice.objects.create(
        account=account,
        number=f"R{SEQ[0]:06d}",
        issued_on=day,
        due_on=day,
        amount=Decimal(amount),
        created_by=account.owner,
        **kw,
    )


@pytest.fixture
def book(cast):
    """Five accounts: 500 (3 criteria), 300, 100, 60, 40 in 2025; the third sold 200 in 2024."""
    owner = cast.owner
    a = cast.account  # important, 500, three criteria -> strategic
    AccountCriteria.objects.create(
        account=a, leads_business=True, influential=True, strategic_ally=True
    )
    b = AccountFactory(owner=owner, tier=Tier.STRATEGIC)  # 300 -> important
    c = AccountFactory(owner=owner, tier=Tier.IMPORTANT)  # 100, fell 50 % -> potential
    d = AccountFactory(owner=owner, tier=Tier.POTENTIAL, status=Status.DEVELOPING)  # 60 -> imp.
    e = AccountFactory(owner=owner, tier=Tier.POTENTIAL)  # 40, class C: stays
    lost = AccountFactory(
        owner=owner, tier=Tier.IMPORTANT, status=Status.LOST, lost_on=dt.date(2025, 3, 1)
    )
    for acc, amount in [(a, 400), (a, 100), (b, 300), (c, 100), (d, 60), (e, 40), (lost, 999)]:
        _invoice(acc, dt.date(2025, 6, 1), amount)
    _invoice(c, dt.date(2024, 6, 1), 200)
    _invoice(a, dt.date(2025, 7, 1), 10_000, is_cancelled=True)
    _invoice(b, dt.date(2026, 1, 1), 10_000)  # after the period
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_figures_are_added_up_by_the_database(book):
    figures = {f.pk: f for f in selectors.tier_figures(START, END)}
    assert len(figures) == 5  # the lost account is not reviewed
    a, c = figures[book["a"].pk], figures[book["c"].pk]
    assert (a.revenue, a.previous, a.criteria) == (Decimal(500), Decimal(0), 3)
    assert (c.revenue, c.previous, c.criteria) == (Decimal(100), Decimal(200), 0)


def test_prepare_writes_the_proposals(book, cast):
    review = services.review_prepare(start=START, end=END, by=cast.sales_vp)
    moves = {p.account_id: (p.from_tier, p.to_tier, p.abc_class) for p in review.proposals.all()}
    assert moves == {
        book["a"].pk: ("important", "strategic", "A"),
        book["b"].pk: ("strategic", "important", "A"),
        book["c"].pk: ("important", "potential", "B"),
        book["d"].pk: ("potential", "important", "B"),
    }
    p = review.proposals.get(account=book["a"])
    assert (p.share, p.revenue, p.criteria) == (Decimal("50.000"), Decimal(500), 3)
    # Prepared again: the same proposals, not twice.
    services.review_prepare(start=START, end=END, by=cast.sales_vp)
    assert TierProposal.objects.count() == 4
    assert TierReview.objects.count() == 1


def test_only_the_vp_and_admins_prepare(book, cast):
    services.review_prepare(start=START, end=END, by=cast.admin)
    for who in (cast.gm, cast.owner, cast.manager):
        with pytest.raises(PermissionDenied):
            services.review_prepare(start=START, end=END, by=who)


def test_accepting_changes_the_tier_through_the_service(book, cast):
    review = services.review_prepare(start=START, end=END, by=cast.sales_vp)
    proposal = review.proposals.get(account=book["a"])
    with translation.override("en"):  # the reason is worded in the decider's language
        services.proposal_accept(proposal=proposal, by=cast.sales_vp)
    account = KeyAccount.objects.get(pk=book["a"].pk)
    assert account.tier == Tier.STRATEGIC
    latest = account.history.latest()
    assert (latest.tier, latest.history_user) == (Tier.STRATEGIC, cast.sales_vp)
    assert latest.prev_record.tier == Tier.IMPORTANT
    assert TimelineEntry.objects.filter(account=account, kind="tier_changed", actor=cast.sales_vp)
    assert latest.history_change_reason.startswith("Tier review")
    assert account.tier_since == timezone.localdate()
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by) == (ProposalStatus.ACCEPTED, cast.sales_vp)
    with pytest.raises(ValidationError):
        services.proposal_accept(proposal=proposal, by=cast.sales_vp)
    # Decided proposals survive a new preparation.
    services.review_prepare(start=START, end=END, by=cast.sales_vp)
    assert review.proposals.get(account=book["a"]).status == ProposalStatus.ACCEPTED


def test_rejecting_changes_nothing_but_the_proposal(book, cast):
    review = services.review_prepare(start=START, end=END, by=cast.sales_vp)
    proposal = review.proposals.get(account=book["b"])
    history = book["b"].history.count()
    timeline = TimelineEntry.objects.count()
    services.proposal_reject(proposal=proposal, by=cast.sales_vp)
    account = KeyAccount.objects.get(pk=book["b"].pk)
    assert account.tier == Tier.STRATEGIC
    assert account.history.count() == history
    assert TimelineEntry.objects.count() == timeline
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REJECTED


def test_only_the_sales_vp_decides(book, cast):
    review = services.review_prepare(start=START, end=END, by=cast.sales_vp)
    proposal = review.proposals.get(account=book["a"])
    for who in (cast.admin, cast.gm, cast.owner):
        with pytest.raises(PermissionDenied):
            services.proposal_accept(proposal=proposal, by=who)
        with pytest.raises(PermissionDenied):
            services.proposal_reject(proposal=proposal, by=who)
    assert KeyAccount.objects.get(pk=book["a"].pk).tier == Tier.IMPORTANT


def test_vp_does_not_edit_archives_through_account_update(cast):
    from accounts.services import account_update

    with pytest.raises(PermissionDenied):
        account_update(account=cast.account, by=cast.sales_vp, data={"name": "改名"})


def test_stale_proposal_is_refused(book, cast):
    review = services.review_prepare(start=START, end=END, by=cast.sales_vp)
    KeyAccount.objects.filter(pk=book["a"].pk).update(tier=Tier.POTENTIAL)
    with pytest.raises(ValidationError):
        services.proposal_accept(proposal=review.proposals.get(account=book["a"]), by=cast.sales_vp)


def test_vp_decides_on_the_page(book, cast, client):
    review = services.review_prepare(start=START, end=END, by=cast.sales_vp)
    proposal = review.proposals.get(account=book["d"])
    client.force_login(cast.sales_vp)
    url = reverse("analysis:proposal_decide", args=[proposal.pk])
    response = client.post(url, {"decision": "accept"})
    assert response.status_code == 302
    assert KeyAccount.objects.get(pk=book["d"].pk).tier == Tier.IMPORTANT
    page = client.get(response.headers["Location"] + "&status=")
    body = page.content.decode()
    assert book["a"].name in body and 'id="proposals"' in body
    assert "<svg" in body and 'id="pareto-title"' in body


def test_january_job_prepares_last_year_once_and_tells_the_vp(book, cast):
    assert reminders.tier_review(dt.date(2026, 3, 2)) == 0
    assert not TierReview.objects.exists()
    assert reminders.tier_review(dt.date(2026, 1, 2)) == 1
    review = TierReview.objects.get()
    assert (review.period_start, review.period_end, review.prepared_by) == (START, END, None)
    assert review.proposals.count() == 4
    note = Notification.objects.get(recipient=cast.sales_vp)
    assert note.kind == "tier_review" and "4" in note.title
    assert reminders.tier_review(dt.date(2026, 1, 2)) == 0
    assert TierProposal.objects.count() == 4


# The archive page's sales figures -------------------------------------------------------


def test_sales_figures_by_month_and_share(cast, time_machine):
    time_machine.move_to(dt.datetime(2026, 6, 15, 10, 0))
    account = cast.account
    other = AccountFactory()
    _invoice(account, dt.date(2026, 6, 1), 300)
    _invoice(account, dt.date(2026, 6, 10), 100)
    _invoice(account, dt.date(2024, 7, 1), 50)  # the oldest month shown
    _invoice(account, dt.date(2024, 6, 30), 999)  # before it
    _invoice(account, dt.date(2026, 5, 1), 777, is_cancelled=True)
    _invoice(other, dt.date(2026, 1, 1), 600)
    Payment.objects.create(
        account=account,
        received_on=dt.date(2026, 5, 20),
        amount=Decimal(250),
        method="transfer",
        recorded_by=account.owner,
    )
    figures = selectors.sales_figures(account, dt.date(2026, 6, 15))
    assert figures.months[0] == dt.date(2024, 7, 1) and figures.months[-1] == dt.date(2026, 6, 1)
    assert len(figures.months) == 24
    assert figures.invoiced[-1] == Decimal(400) and figures.invoiced[0] == Decimal(50)
    assert figures.collected[-2] == Decimal(250)
    assert (figures.account_12, figures.company_12) == (Decimal(400), Decimal(1000))
    assert figures.share == Decimal(40)


def test_archive_page_shows_the_sales_figures(cast, client):
    _invoice(cast.account, dt.date.today(), 1234)
    client.force_login(cast.manager)
    body = client.get(reverse("accounts:detail", args=[cast.account.pk])).content.decode()
    assert 'id="sales-figures"' in body and 'id="sales-chart-title"' in body
    assert "1,234.00" in body and "100.00%" in body
    assert reverse("analysis:criteria", args=[cast.account.pk]) not in body  # read-only
    client.force_login(cast.owner)
    body = client.get(reverse("accounts:detail", args=[cast.account.pk])).content.decode()
    assert reverse("analysis:criteria", args=[cast.account.pk]) in body


def test_owner_ticks_the_criteria(cast, client):
    client.force_login(cast.owner)
    url = reverse("analysis:criteria", args=[cast.account.pk])
    response = client.post(url, {"leads_business": "on", "high_potential": "on"})
    assert response.status_code == 302
    row = AccountCriteria.objects.get(account=cast.account)
    assert (row.leads_business, row.high_potential, row.influential) == (True, True, False)
    assert row.history.latest().history_user == cast.owner


def test_kam_sees_her_accounts_at_risk_at_home(cast, client):
    UserFactory(role=Role.KAM)
    client.force_login(cast.owner)
    body = client.get(reverse("home")).content.decode()
    assert 'id="at-risk"' in body and cast.account.name in body  # never visited
    client.force_login(cast.manager)
    assert 'id="at-risk"' not in client.get(reverse("home")).content.decode()


def test_a_kams_proposal_waits_for_the_sales_vp(book, cast):
    """§3: the tier a KAM proposes for a new account joins the review; only the sales VP's
    acceptance makes it the account's tier, with history; a rejection answers it for good."""
    from accounts.services import account_create

    proposed = account_create(
        by=cast.owner, data={"name": "新建提议有限公司", "proposed_tier": "strategic"}
    )
    second = account_create(
        by=cast.owner, data={"name": "再提议有限公司", "proposed_tier": "important"}
    )
    assert proposed.tier == second.tier == Tier.POTENTIAL
    todo = {i.key: i for i in workbench.items(cast.sales_vp, timezone.localdate())}
    assert todo["tier-kam-proposals"].count == 2

    review = services.review_prepare(start=START, end=END, by=cast.sales_vp)
    todo = {i.key for i in workbench.items(cast.sales_vp, timezone.localdate())}
    assert "tier-kam-proposals" not in todo
    first = review.proposals.get(account=proposed)
    assert (first.from_tier, first.to_tier) == (Tier.POTENTIAL, Tier.STRATEGIC)
    assert {"code": "kam_proposal", "tier": "strategic"} in first.reasons
    services.proposal_accept(proposal=first, by=cast.sales_vp)
    account = KeyAccount.objects.get(pk=proposed.pk)
    assert (account.tier, account.proposed_tier) == (Tier.STRATEGIC, "")
    assert account.history.order_by("-history_id").first().history_user == cast.sales_vp

    services.proposal_reject(proposal=review.proposals.get(account=second), by=cast.sales_vp)
    assert KeyAccount.objects.get(pk=second.pk).proposed_tier == ""
    later = services.review_prepare(start=END, end=END + dt.timedelta(days=90), by=cast.sales_vp)
    assert not later.proposals.filter(account=second).exists()
