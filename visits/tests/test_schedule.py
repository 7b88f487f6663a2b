"""The executive schedule (高层拜访日程, §14.1): the proposal engine and its spreading rule, the
GM office's services (propose, move, remove, add, publish), the done-by-visit match, the pages,
and a query budget on the schedule page with 200 accounts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from accounts.models import KeyAccount
from accounts.models.archive import Status, Tier
from kam.models import Notification, Team, User
from kam.roles import Role
from kam.tests.factories import AccountFactory, TeamFactory, UserFactory, make_credit_code
from visits.models import ExecutiveSchedule, FrequencyRule, ScheduledVisit, Visit
from visits.models.choices import VisitKind
from visits.months import month_end
from visits.scheduling import AccountNeed, Rule, Slot, propose, windows
from visits.selectors import schedule as sel
from visits.services import schedule as services
from visits.services.records import VisitInput, visit_create
from visits.tests.plan_fixtures import SH

DECEMBER = dt.datetime(2026, 12, 10, 10, tzinfo=SH)  # when the GM office sets 2027
JULY = dt.datetime(2026, 7, 15, 10, tzinfo=SH)

# The §13 table as the migration seeds it: the schedule's part of it.
SEEDED = [
    Rule("strategic", "sales_manager", "two_months"),
    Rule("strategic", "sales_vp", "quarter"),
    Rule("strategic", "tech_vp", "quarter"),
    Rule("strategic", "exec_vp", "quarter"),
    Rule("strategic", "gm", "half_year"),
    Rule("important", "sales_manager", "quarter"),
    Rule("important", "sales_vp", "half_year"),
    Rule("important", "tech_vp", "half_year"),
    Rule("important", "exec_vp", "half_year"),
    Rule("important", "gm", "year"),
    # Rows the schedule leaves alone: the KAM's own, the card, the festival calls.
    Rule("strategic", "kam", "month"),
    Rule("important", "kam", "year_end"),
    Rule("strategic", "executive", "festivals"),
]
HOLDERS = {"sales_vp": [1], "tech_vp": [2], "exec_vp": [3], "gm": [4]}


def _accounts(n: int, managers=(100, 101)) -> list[AccountNeed]:
    """Every fourth strategic, the rest important, alternating between two managers."""
    return [
        AccountNeed(i, Tier.STRATEGIC if i % 4 == 0 else Tier.IMPORTANT, managers[i % 2])
        for i in range(1, n + 1)
    ]


def _by_role(slots: list[Slot]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for s in slots:
        out.setdefault(s.visitor_role, []).append(s.month)
    return {role: sorted(months) for role, months in out.items()}


# The engine (pure) ---------------------------------------------------------------------------


def test_a_strategic_account_gets_every_row_of_its_tier_once_per_window():
    slots = propose(accounts=[AccountNeed(7, "strategic", 100)], rules=SEEDED, executives=HOLDERS)
    months = _by_role(slots.slots)
    assert set(months) == {"sales_manager", "sales_vp", "tech_vp", "exec_vp", "gm"}
    # one in each two-month window, quarter and half-year
    assert [(m + 1) // 2 for m in months["sales_manager"]] == [1, 2, 3, 4, 5, 6]
    for vp in ("sales_vp", "tech_vp", "exec_vp"):
        assert [(m + 2) // 3 for m in months[vp]] == [1, 2, 3, 4]
    assert [(m + 5) // 6 for m in months["gm"]] == [1, 2]
    assert {s.visitor_id for s in slots.slots if s.visitor_role == "sales_manager"} == {100}
    assert {s.visitor_id for s in slots.slots if s.visitor_role == "gm"} == {4}
    assert slots.unstaffed == []


def test_an_important_account_gets_its_lighter_rows():
    months = _by_role(
        propose(accounts=[AccountNeed(8, "important", 100)], rules=SEEDED, executives=HOLDERS).slots
    )
    assert [(m + 2) // 3 for m in months["sales_manager"]] == [1, 2, 3, 4]
    for vp in ("sales_vp", "tech_vp", "exec_vp"):
        assert [(m + 5) // 6 for m in months[vp]] == [1, 2]
    assert len(months["gm"]) == 1


def test_the_executives_of_one_account_do_not_all_come_in_the_same_month():
    slots = propose(accounts=[AccountNeed(7, "strategic", 100)], rules=SEEDED, executives=HOLDERS)
    per_month = Counter(s.month for s in slots.slots)
    # 20 visits in 12 months: never more than two in one month
    assert sum(per_month.values()) == 20
    assert max(per_month.values()) == 2


@pytest.mark.parametrize("n", [60, 600])
def test_every_visitor_s_months_are_even(n):
    """The spreading rule: nested windows (VPs, GM) leave months within one visit of each
    other; the managers' mixed two-month and quarterly windows within two."""
    slots = propose(accounts=_accounts(n), rules=SEEDED, executives=HOLDERS).slots
    load = Counter((s.visitor_id, s.month) for s in slots)
    for visitor in {s.visitor_id for s in slots}:
        months = [load[visitor, m] for m in range(1, 13)]
        spread = 2 if visitor >= 100 else 1
        assert max(months) - min(months) <= spread, (visitor, months)
    # The account's own spread only breaks ties: now and then three of its 20 visits share
    # a month, never more.
    accounts = Counter((s.account_id, s.month) for s in slots)
    assert max(accounts.values()) <= 3
    assert sum(n == 3 for n in accounts.values()) <= len(accounts) // 50


def test_what_the_schedule_has_is_kept_and_only_gaps_are_filled():
    accounts = _accounts(12)
    first = propose(accounts=accounts, rules=SEEDED, executives=HOLDERS).slots
    again = propose(accounts=accounts, rules=SEEDED, executives=HOLDERS, existing=first)
    assert again.slots == []
    dropped = first[5]
    refill = propose(
        accounts=accounts, rules=SEEDED, executives=HOLDERS, existing=first[:5] + first[6:]
    ).slots
    assert len(refill) == 1
    (slot,) = refill
    assert (slot.account_id, slot.visitor_role, slot.visitor_id) == (
        dropped.account_id,
        dropped.visitor_role,
        dropped.visitor_id,
    )
    tier = accounts[dropped.account_id - 1].tier
    rule = next(r for r in SEEDED if (r.tier, r.visitor_role) == (tier, slot.visitor_role))
    window = next(w for w in windows(rule.period) if dropped.month in w)
    assert slot.month in window


def test_a_late_start_plans_only_the_months_left():
    slots = propose(
        accounts=[AccountNeed(7, "strategic", 100)],
        rules=SEEDED,
        executives=HOLDERS,
        first_month=7,
    ).slots
    months = _by_role(slots)
    assert min(s.month for s in slots) >= 7
    assert len(months["sales_manager"]) == 3
    assert len(months["sales_vp"]) == 2
    assert len(months["gm"]) == 1


def test_accounts_are_shared_between_holders_of_a_role_and_stay_with_theirs():
    holders = {**HOLDERS, "tech_vp": [2, 22]}
    slots = propose(accounts=_accounts(40), rules=SEEDED, executives=holders).slots
    tech = {(s.account_id, s.visitor_id) for s in slots if s.visitor_role == "tech_vp"}
    per_account = Counter(a for a, _v in tech)
    assert set(per_account.values()) == {1}  # one tech VP per account, all year
    assert sorted(Counter(v for _a, v in tech).values()) == [20, 20]
    kept = [Slot(1, "tech_vp", 22, 3)]
    again = propose(
        accounts=[AccountNeed(1, "important", 100)],
        rules=SEEDED,
        executives=holders,
        existing=kept,
    ).slots
    assert {s.visitor_id for s in again if s.visitor_role == "tech_vp"} == {22}


def test_visits_nobody_can_make_are_reported():
    result = propose(
        accounts=[AccountNeed(1, "important", None)],
        rules=SEEDED,
        executives={"sales_vp": [1], "tech_vp": [2], "exec_vp": [3]},
    )
    assert set(result.unstaffed) == {(1, "sales_manager"), (1, "gm")}
    assert {s.visitor_role for s in result.slots} == {"sales_vp", "tech_vp", "exec_vp"}


def test_a_rule_asking_twice_a_window_gets_two_months():
    rules = [Rule("strategic", "gm", "half_year", min_count=2)]
    slots = propose(accounts=[AccountNeed(1, "strategic", None)], rules=rules, executives=HOLDERS)
    months = sorted(s.month for s in slots.slots)
    assert len(months) == 4 and len(set(months)) == 4
    assert sum(m <= 6 for m in months) == 2


# The services ----------------------------------------------------------------------------------


@dataclass
class Office:
    gm_office: User
    gm: User
    sales_vp: User
    tech_vp: User
    exec_vp: User
    team: Team
    other_team: Team
    kam: User
    other_kam: User
    strategic: KeyAccount  # the KAM's
    important: KeyAccount  # the other team's
    potential: KeyAccount
    staff: User
    admin: User


@pytest.fixture
def office(db) -> Office:
    team, other_team = TeamFactory(name="华东组"), TeamFactory(name="华北组")
    kam = UserFactory(role=Role.KAM, team=team)
    other_kam = UserFactory(role=Role.KAM, team=other_team)
    strategic = AccountFactory(owner=kam, tier=Tier.STRATEGIC, name="无锡恒达精密机械有限公司")
    important = AccountFactory(owner=other_kam, tier=Tier.IMPORTANT, name="南通远洋船舶有限公司")
    potential = AccountFactory(owner=kam, tier=Tier.POTENTIAL, status=Status.DEVELOPING)
    # Not scheduled: lost, retired.
    AccountFactory(owner=kam, tier=Tier.STRATEGIC, status=Status.LOST, lost_on=dt.date(2026, 1, 5))
    AccountFactory(owner=kam, tier=Tier.IMPORTANT, is_archived=True)
    return Office(
        gm_office=UserFactory(username="gmoffice", role=Role.GM_OFFICE),
        gm=UserFactory(username="gm", role=Role.GM),
        sales_vp=UserFactory(username="salesvp", role=Role.SALES_VP),
        tech_vp=UserFactory(username="techvp", role=Role.TECH_VP),
        exec_vp=UserFactory(username="execvp", role=Role.EXEC_VP),
        team=team,
        other_team=other_team,
        kam=kam,
        other_kam=other_kam,
        strategic=strategic,
        important=important,
        potential=potential,
        staff=UserFactory(role=Role.STAFF),
        admin=UserFactory(role=Role.ADMIN),
    )


@pytest.fixture
def december():
    with time_machine.travel(DECEMBER, tick=False):
        yield


def _items(year: int = 2027):
    return ScheduledVisit.objects.filter(schedule__year=year, is_cancelled=False)


def test_the_proposal_follows_the_rules_for_active_key_accounts(office, december):
    result = services.schedule_propose(year=2027, by=office.gm_office)
    assert result.added == 20 + 11 and result.unstaffed == []
    schedule = result.schedule
    assert (schedule.year, schedule.created_by, schedule.published_at) == (
        2027,
        office.gm_office,
        None,
    )
    items = _items()
    assert set(items.values_list("account", flat=True)) == {
        office.strategic.pk,
        office.important.pk,
    }
    roles = Counter(items.filter(account=office.strategic).values_list("visitor_role", flat=True))
    assert roles == {"sales_manager": 6, "sales_vp": 4, "tech_vp": 4, "exec_vp": 4, "gm": 2}
    managers = set(
        items.filter(visitor_role="sales_manager").values_list("account", "visitor").distinct()
    )
    assert managers == {
        (office.strategic.pk, office.team.manager_id),
        (office.important.pk, office.other_team.manager_id),
    }
    assert all(m.year == 2027 and m.day == 1 for m in items.values_list("month", flat=True))
    history = ScheduledVisit.history.filter(history_type="+")
    assert history.count() == 31 and {h.history_user for h in history} == {office.gm_office}


def test_proposing_again_adds_only_what_is_missing(office, december):
    services.schedule_propose(year=2027, by=office.gm_office)
    assert services.schedule_propose(year=2027, by=office.gm).added == 0
    newcomer = AccountFactory(owner=office.kam, tier=Tier.STRATEGIC)
    item = _items().filter(account=office.important, visitor_role="gm").get()
    services.scheduled_visit_remove(item=item, by=office.gm_office)
    result = services.schedule_propose(year=2027, by=office.gm_office)
    assert result.added == 20 + 1
    assert _items().filter(account=newcomer).count() == 20
    assert _items().filter(account=office.important, visitor_role="gm").count() == 1


def test_the_proposal_follows_rules_as_administrators_edit_them(office, december):
    FrequencyRule.objects.filter(tier="strategic", visitor_role="gm").update(period="quarter")
    FrequencyRule.objects.filter(visitor_role="tech_vp").update(is_active=False)
    services.schedule_propose(year=2027, by=office.gm_office)
    assert _items().filter(account=office.strategic, visitor_role="gm").count() == 4
    assert not _items().filter(visitor_role="tech_vp").exists()


def test_missing_people_are_reported_not_invented(office, december):
    office.gm.is_active = False
    office.gm.save()
    result = services.schedule_propose(year=2027, by=office.gm_office)
    assert set(result.unstaffed) == {(office.strategic.pk, "gm"), (office.important.pk, "gm")}
    assert not _items().filter(visitor_role="gm").exists()


def test_only_the_gm_office_the_gm_and_administrators_propose(office, december):
    for user in (office.sales_vp, office.tech_vp, office.kam, office.staff, office.team.manager):
        with pytest.raises(PermissionDenied):
            services.schedule_propose(year=2027, by=user)
    assert services.schedule_propose(year=2027, by=office.admin).added == 31
    assert not ExecutiveSchedule.objects.exclude(year=2027).exists()


@pytest.mark.parametrize("year", [2025, 2028])
def test_only_this_and_next_year_can_be_set(office, december, year):
    with pytest.raises(ValidationError):
        services.schedule_propose(year=year, by=office.gm_office)
    assert not ExecutiveSchedule.objects.exists()


def test_a_proposal_made_mid_year_starts_with_this_month(office):
    with time_machine.travel(JULY, tick=False):
        services.schedule_propose(year=2026, by=office.gm_office)
    months = set(_items(2026).values_list("month", flat=True))
    assert min(months) == dt.date(2026, 7, 1)


@pytest.fixture
def proposed(office, december) -> ExecutiveSchedule:
    return services.schedule_propose(year=2027, by=office.gm_office).schedule


def test_moving_an_item_to_another_month_and_visitor(office, proposed):
    item = _items().filter(account=office.strategic, visitor_role="tech_vp").first()
    target = dt.date(2027, 11, 1)
    services.scheduled_visit_move(
        item=item, by=office.gm_office, month=target, visitor=office.exec_vp
    )
    item.refresh_from_db()
    assert (item.month, item.visitor, item.visitor_role) == (target, office.exec_vp, "exec_vp")
    latest = item.history.first()
    assert (latest.history_type, latest.history_user) == ("~", office.gm_office)
    proposed.refresh_from_db()
    assert proposed.revised_at is not None
    assert _items().count() == 31


def _bad_move(office, item, **changes) -> str:
    values = {"month": item.month, "visitor": item.visitor} | changes
    before = ScheduledVisit.objects.values().get(pk=item.pk)
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.scheduled_visit_move(item=item, by=office.gm_office, **values)
    assert ScheduledVisit.objects.values().get(pk=item.pk) == before
    return " ".join(error.value.messages)


def test_moves_that_make_no_sense_are_refused(office, proposed):
    gm_items = list(_items().filter(account=office.strategic, visitor_role="gm"))
    item = gm_items[0]
    assert "already visits" in _bad_move(office, item, month=gm_items[1].month)
    assert "month of 2027" in _bad_move(office, item, month=dt.date(2028, 1, 1))
    assert "sales managers and executives" in _bad_move(office, item, visitor=office.staff)
    assert "sales manager of" in _bad_move(office, item, visitor=office.other_team.manager)
    office.tech_vp.is_active = False
    office.tech_vp.save()
    assert "sales managers and executives" in _bad_move(office, item, visitor=office.tech_vp)


def test_a_month_that_is_over_cannot_be_chosen(office):
    with time_machine.travel(JULY, tick=False):
        services.schedule_propose(year=2026, by=office.gm_office)
        item = _items(2026).filter(visitor_role="gm").first()
        assert "month is over" in _bad_move(office, item, month=dt.date(2026, 6, 1))


def test_removing_keeps_the_row(office, proposed):
    item = _items().first()
    services.scheduled_visit_remove(item=item, by=office.gm_office)
    item.refresh_from_db()
    assert item.is_cancelled
    assert _items().count() == 30
    with pytest.raises(ValidationError):
        services.scheduled_visit_remove(item=item, by=office.gm_office)


def test_adding_a_visit_by_hand(office, proposed):
    item = services.scheduled_visit_add(
        schedule=proposed,
        by=office.gm_office,
        account=office.potential,
        visitor=office.gm,
        month=dt.date(2027, 5, 1),
    )
    assert (item.visitor_role, item.account) == ("gm", office.potential)
    with pytest.raises(ValidationError):
        services.scheduled_visit_add(
            schedule=proposed,
            by=office.gm_office,
            account=office.potential,
            visitor=office.gm,
            month=dt.date(2027, 5, 1),
        )
    with pytest.raises(PermissionDenied):
        services.scheduled_visit_add(
            schedule=proposed,
            by=office.sales_vp,
            account=office.potential,
            visitor=office.gm,
            month=dt.date(2027, 6, 1),
        )


def test_publishing_tells_each_visitor_their_count(office, proposed):
    told = services.schedule_publish(schedule=proposed, by=office.gm_office)
    assert told == 6  # two sales managers, three VPs, the GM
    notes = Notification.objects.filter(kind="executive_schedule")
    assert {n.recipient for n in notes} == {
        office.team.manager,
        office.other_team.manager,
        office.sales_vp,
        office.tech_vp,
        office.exec_vp,
        office.gm,
    }
    gm_note = notes.get(recipient=office.gm)
    assert "3" in gm_note.body and gm_note.url.endswith("?year=2027")
    proposed.refresh_from_db()
    assert proposed.is_published and not proposed.changed_since_published
    item = _items().filter(visitor_role="gm").first()
    with time_machine.travel(DECEMBER + dt.timedelta(hours=1), tick=False):
        services.scheduled_visit_move(
            item=item, by=office.gm_office, month=dt.date(2027, 12, 1), visitor=office.gm
        )
    proposed.refresh_from_db()
    assert proposed.changed_since_published
    with time_machine.travel(DECEMBER + dt.timedelta(hours=2), tick=False):
        assert services.schedule_publish(schedule=proposed, by=office.gm_office) == 6
    assert Notification.objects.filter(kind="executive_schedule").count() == 12
    proposed.refresh_from_db()
    assert not proposed.changed_since_published


def test_an_empty_schedule_is_not_published(office, december):
    schedule = ExecutiveSchedule.objects.create(year=2027, created_by=office.gm_office)
    with pytest.raises(ValidationError):
        services.schedule_publish(schedule=schedule, by=office.gm_office)
    schedule.refresh_from_db()
    assert schedule.published_at is None


# Done by a visit -------------------------------------------------------------------------------


def _visit(visitor, account, day, **kw) -> Visit:
    return Visit.objects.create(
        account=account,
        visitor=visitor,
        visitor_role=visitor.role,
        visited_on=day,
        purposes=["relationship"],
        **kw,
    )


def test_an_item_is_done_by_its_visitor_s_visit_in_its_month(office, proposed):
    item = _items().filter(account=office.strategic, visitor_role="gm").order_by("month").first()
    month = item.month
    _visit(office.gm, office.important, month)  # another account
    _visit(office.sales_vp, office.strategic, month)  # someone else
    _visit(office.gm, office.strategic, month - dt.timedelta(days=1))  # the month before
    _visit(office.gm, office.strategic, month, is_cancelled=True)  # withdrawn
    _visit(office.gm, office.strategic, month, kind=VisitKind.FESTIVAL)  # a festival call
    assert sel.with_done(ScheduledVisit.objects.filter(pk=item.pk)).get().done_visit_id is None
    assert not sel.item_is_done(item)
    visit = _visit(office.gm, office.strategic, month.replace(day=28))
    done = sel.with_done(ScheduledVisit.objects.filter(pk=item.pk)).get()
    assert (done.done_visit_id, done.done_on) == (visit.pk, visit.visited_on)
    assert sel.item_is_done(item)
    assert not ScheduledVisit.objects.filter(visit__isnull=False).exists()  # nothing written


def test_the_match_is_one_query_for_any_number_of_items(office, proposed):
    for item in _items()[:10]:
        _visit(item.visitor, item.account, item.month)
    with CaptureQueriesContext(connection) as queries:
        items = list(sel.with_done(_items()))
    assert len(queries) == 1
    assert sum(1 for i in items if i.done_visit_id) == 10


def test_a_visit_recorded_through_the_visit_service_counts(office):
    with time_machine.travel(JULY, tick=False):
        schedule = services.schedule_propose(year=2026, by=office.gm_office).schedule
        services.schedule_publish(schedule=schedule, by=office.gm_office)
        item = _items(2026).filter(visitor=office.tech_vp, month=dt.date(2026, 7, 1)).first()
        if item is None:
            item = _items(2026).filter(visitor=office.tech_vp).order_by("month").first()
            services.scheduled_visit_move(
                item=item, by=office.gm_office, month=dt.date(2026, 7, 1), visitor=office.tech_vp
            )
        visit_create(
            by=office.tech_vp,
            data=VisitInput(
                account=item.account, visited_on=dt.date(2026, 7, 14), purposes=["new_product"]
            ),
        )
        mine = {i.pk: i for i in sel.my_scheduled_visits(office.tech_vp, 2026)}
    assert mine[item.pk].done_on == dt.date(2026, 7, 14)
    with pytest.raises(ValidationError):  # done: it stays as it was done
        services.scheduled_visit_remove(item=item, by=office.gm_office)


def test_my_schedule_shows_my_published_items_only(office, proposed):
    assert list(sel.my_scheduled_visits(office.gm, 2027)) == []  # a draft is nobody's yet
    services.schedule_publish(schedule=proposed, by=office.gm_office)
    mine = list(sel.my_scheduled_visits(office.team.manager, 2027))
    assert len(mine) == 6 and {i.account for i in mine} == {office.strategic}
    assert sel.my_schedule_years(office.team.manager) == [2027]


# The pages -------------------------------------------------------------------------------------


def test_the_schedule_opens_on_next_year_in_december_and_this_year_otherwise(office, client):
    with time_machine.travel(DECEMBER, tick=False):
        client.force_login(office.gm_office)
        assert client.get(reverse("visits:schedule")).url == reverse(
            "visits:schedule_year", args=[2027]
        )
    with time_machine.travel(JULY, tick=False):
        client.force_login(office.gm_office)
        assert client.get(reverse("visits:schedule")).url == reverse(
            "visits:schedule_year", args=[2026]
        )


def test_the_gm_office_proposes_adjusts_and_publishes_in_the_browser(office, december, client):
    client.force_login(office.gm_office)
    year_url = reverse("visits:schedule_year", args=[2027])
    page = client.get(year_url)
    assert page.context["schedule"] is None and b'id="propose"' in page.content
    response = client.post(reverse("visits:schedule_propose", args=[2027]), follow=True)
    assert "31" in str(list(response.context["messages"])[0])
    page = client.get(year_url)
    assert len(page.context["grid"]) == 2 and len(page.context["load"]) == 6
    item = _items().filter(visitor_role="exec_vp").first()
    item_url = reverse("visits:schedule_item", args=[item.pk])
    assert client.get(item_url).status_code == 200
    response = client.post(item_url, {"month": "12", "visitor": office.tech_vp.pk})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.month, item.visitor_role) == (dt.date(2027, 12, 1), "tech_vp")
    client.post(reverse("visits:schedule_item_remove", args=[item.pk]))
    item.refresh_from_db()
    assert item.is_cancelled
    add_url = reverse("visits:schedule_add", args=[2027])
    found = client.get(add_url, {"q": "恒达"})
    assert [a.pk for a in found.context["found"]] == [office.strategic.pk]
    client.post(
        add_url + f"?account={office.strategic.pk}", {"month": "3", "visitor": office.gm.pk}
    )
    assert _items().filter(account=office.strategic, visitor=office.gm).count() == 3
    client.post(reverse("visits:schedule_publish", args=[2027]))
    assert ExecutiveSchedule.objects.get(year=2027).is_published
    filtered = client.get(year_url, {"visitor": office.gm.pk, "month": "3", "tier": "strategic"})
    cells = [i for row in filtered.context["grid"] for cell in row.months for i in cell]
    assert {(i.visitor_id, i.month.month) for i in cells} == {(office.gm.pk, 3)}


def test_a_bad_move_says_why_and_changes_nothing(office, proposed, client):
    client.force_login(office.gm_office)
    gm_items = list(_items().filter(account=office.strategic, visitor_role="gm"))
    url = reverse("visits:schedule_item", args=[gm_items[0].pk])
    response = client.post(
        url,
        {"month": gm_items[1].month.month, "visitor": office.gm.pk},
        headers={"accept-language": "en"},
    )
    assert response.status_code == 200
    assert "already visits" in str(response.context["form"].non_field_errors())
    gm_items[0].refresh_from_db()
    assert gm_items[0].month != gm_items[1].month
    response = client.post(url, {"month": "13", "visitor": "nobody"})
    assert set(response.context["form"].errors) == {"month", "visitor"}


def test_the_sales_vp_reads_without_buttons(office, proposed, client):
    client.force_login(office.sales_vp)
    page = client.get(reverse("visits:schedule_year", args=[2027]))
    assert page.status_code == 200 and not page.context["can_edit"]
    assert b'id="propose"' not in page.content and b"/visits/schedule/items/" not in page.content


def test_my_schedule_page_lists_what_is_to_do(office, client):
    with time_machine.travel(JULY, tick=False):
        schedule = services.schedule_propose(year=2026, by=office.gm_office).schedule
        services.schedule_publish(schedule=schedule, by=office.gm_office)
        client.force_login(office.gm)
        todo = client.get(reverse("visits:my_schedule"))
        full = client.get(reverse("visits:my_schedule"), {"show": "all"})
    assert todo.context["total"] == full.context["total"] == 2
    assert all(i.month <= dt.date(2026, 8, 1) for i in todo.context["items"])
    assert len(full.context["items"]) == 2
    assert sum(t.total for t in full.context["tally"]) == 2
    assert b"/visits/new/?account=" in todo.content or not todo.context["items"]


# Query budget ----------------------------------------------------------------------------------

# Measured on PostgreSQL: the year page costs 14 queries (session, user, the schedule, the year
# links, the page count and page, the page's items with their match, the load counts and their
# visitors, the unread count, the visitor choices, the session save and its savepoint pair),
# an item page 9 to 10 (its form's visitor choices when it can still move), my schedule 10
# (the month counts, then a page of the year: its count and its items);
# one of margin each.
YEAR_BUDGET, ITEM_BUDGET, MINE_BUDGET = 15, 11, 11


def _grow(office: Office, n: int) -> None:
    """Strategic and important accounts up to n, for KAMs of both teams."""
    have = KeyAccount.objects.count()
    owners = [office.kam, office.other_kam]
    KeyAccount.objects.bulk_create(
        KeyAccount(
            name=f"批量客户{i:04d}有限公司",
            credit_code=make_credit_code(700_000 + i),
            owner=owners[i % 2],
            tier=Tier.STRATEGIC if i % 3 == 0 else Tier.IMPORTANT,
            status=Status.ACTIVE,
        )
        for i in range(have, n)
    )


def _visit_half(schedule: ExecutiveSchedule, extra: int) -> None:
    """Make every other item done, and add visits that match nothing."""
    items = list(schedule.items.filter(is_cancelled=False).select_related("visitor"))
    visits = [
        Visit(
            account_id=i.account_id,
            visitor=i.visitor,
            visitor_role=i.visitor_role,
            visited_on=i.month.replace(day=10),
            purposes=["relationship"],
        )
        for i in items[::2]
    ]
    visits += [
        Visit(
            account_id=items[n % len(items)].account_id,
            visitor=items[n % len(items)].visitor,
            visitor_role="gm",
            visited_on=dt.date(2025, 1, 1) + dt.timedelta(days=n % 300),
            purposes=["relationship"],
        )
        for n in range(extra)
    ]
    Visit.objects.bulk_create(visits, batch_size=2000)


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["gm_office", "sales_vp"])
def test_schedule_pages_cost_the_same_with_200_accounts(
    office, client, django_assert_max_num_queries, who
):
    with time_machine.travel(DECEMBER, tick=False):
        _grow(office, 20)
        small_schedule = services.schedule_propose(year=2027, by=office.gm_office).schedule
        _visit_half(small_schedule, 100)
        client.force_login(getattr(office, who))
        url = reverse("visits:schedule_year", args=[2027])
        filtered = {"tier": "strategic", "visitor": office.gm.pk, "q": "批量"}
        small = (_count(client, url), _count(client, url, filtered))

        ExecutiveSchedule.objects.filter(pk=small_schedule.pk).update(year=2026)
        _grow(office, 200)
        schedule = services.schedule_propose(year=2027, by=office.gm_office).schedule
        _visit_half(schedule, 5000)
        assert schedule.items.count() > 2500 and Visit.objects.count() > 5000
        large = (_count(client, url), _count(client, url, filtered))
        assert small == large
        with django_assert_max_num_queries(YEAR_BUDGET):
            response = client.get(url, {"page": "3"})
        grid = response.context["grid"]
        assert len(grid) == 25 and any(i.done_visit_id for r in grid for c in r.months for i in c)
        scheduled = schedule.items.values("account").distinct().count()
        assert response.context["page"].paginator.count == scheduled > 190
        if who == "gm_office":
            item = sel.with_done(schedule.items.all()).filter(done_visit_id=None).first()
            with django_assert_max_num_queries(ITEM_BUDGET):
                page = client.get(reverse("visits:schedule_item", args=[item.pk]))
            assert page.context["editable"] and len(page.context["load"]) == 6


def test_my_schedule_costs_the_same_with_200_accounts(
    office, client, django_assert_max_num_queries
):
    with time_machine.travel(DECEMBER, tick=False):
        _grow(office, 20)
        first = services.schedule_propose(year=2027, by=office.gm_office).schedule
        services.schedule_publish(schedule=first, by=office.gm_office)
        client.force_login(office.gm)
        url = reverse("visits:my_schedule")
        small = _count(client, url, {"year": 2027, "show": "all"})
        _grow(office, 200)
        services.schedule_propose(year=2027, by=office.gm_office)
        _visit_half(first, 5000)
        with django_assert_max_num_queries(MINE_BUDGET):
            response = client.get(url, {"year": 2027, "show": "all"})
        page = response.context["page"]
        assert page.paginator.count > 200 and len(response.context["items"]) == 50
        assert response.context["total"] == page.paginator.count
        assert small == _count(client, url, {"year": 2027, "show": "all"})
        last = client.get(url, {"year": 2027, "show": "all", "page": page.paginator.num_pages})
        assert len(last.context["items"]) == (page.paginator.count % 50 or 50)
        assert b"page=2" in response.content  # the way to the next page


def test_the_load_counts_an_item_done_exactly_when_its_own_match_says_so(office):
    """schedule_load joins the year's visits by hash; each visitor's done count must equal the
    items that item_is_done (the per-item definition) calls done, edge days included."""
    with time_machine.travel(DECEMBER, tick=False):
        _grow(office, 30)
        schedule = services.schedule_propose(year=2027, by=office.gm_office).schedule
    items = list(schedule.items.filter(is_cancelled=False).select_related("visitor"))
    visits = []
    for n, i in enumerate(items):
        kind = n % 6
        day = {0: i.month, 1: month_end(i.month), 2: month_end(i.month) + dt.timedelta(days=1)}
        if kind in day:  # first and last day of the month match; the next month's first not
            visits.append(Visit(account_id=i.account_id, visitor=i.visitor,
                                visitor_role=i.visitor_role, visited_on=day[kind],
                                purposes=["relationship"]))  # fmt: skip
        elif kind == 3:  # withdrawn: no match
            visits.append(Visit(account_id=i.account_id, visitor=i.visitor,
                                visitor_role=i.visitor_role, visited_on=i.month,
                                purposes=["relationship"], is_cancelled=True))  # fmt: skip
        elif kind == 4:  # someone else's visit: no match
            visits.append(Visit(account_id=i.account_id, visitor=office.kam, visitor_role="kam",
                                visited_on=i.month, purposes=["relationship"]))  # fmt: skip
    Visit.objects.bulk_create(visits)
    expected = Counter(i.visitor_id for i in items if sel.item_is_done(i))
    load = sel.schedule_load(schedule)
    assert {r.visitor.pk: r.done for r in load} == {
        r.visitor.pk: expected.get(r.visitor.pk, 0) for r in load
    }
    assert sum(expected.values()) > 0 and sum(r.total for r in load) == len(items)

    # One visitor's own year (my scheduled visits) follows the same definition.
    services.schedule_publish(schedule=schedule, by=office.gm_office)
    for visitor in {i.visitor for i in items}:
        mine = [i for i in items if i.visitor_id == visitor.pk]
        done = {i.pk for i in mine if sel.item_is_done(i)}
        counts = sel.my_schedule_counts(visitor, 2027)
        assert sum(n for n, _d in counts.values()) == len(mine)
        assert sum(d for _n, d in counts.values()) == len(done)
        to_do = sel.my_visits_to_do(visitor, 2027, dt.date(2027, 12, 1))
        assert set(to_do.values_list("pk", flat=True)) == {i.pk for i in mine} - done
