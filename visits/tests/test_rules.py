"""The frequency engine (visits/rules.py), row by row of §13 and at the edges. No database."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from kam.roles import EXECUTIVES
from visits import rules as r
from visits.rules import Done, Rule
from visits.seeds import RULES

D = dt.date

# §13, written out by hand: tier, kind, who, period, at least, at most.
POLICY = {
    ("strategic", "visit", "kam", "month", 1, 2),
    ("strategic", "visit", "sales_manager", "two_months", 1, None),
    ("strategic", "visit", "sales_vp", "quarter", 1, None),
    ("strategic", "visit", "tech_vp", "quarter", 1, None),
    ("strategic", "visit", "exec_vp", "quarter", 1, None),
    ("strategic", "visit", "gm", "half_year", 1, None),
    ("important", "visit", "kam", "month", 1, 2),
    ("important", "visit", "sales_manager", "quarter", 1, None),
    ("important", "visit", "sales_vp", "half_year", 1, None),
    ("important", "visit", "tech_vp", "half_year", 1, None),
    ("important", "visit", "exec_vp", "half_year", 1, None),
    ("important", "visit", "gm", "year", 1, None),
    ("strategic", "year_end_card", "kam", "year_end", 1, None),
    ("important", "year_end_card", "kam", "year_end", 1, None),
    ("strategic", "festival", "executive", "festivals", 1, None),
    ("important", "festival", "executive", "festivals", 1, None),
}


def seeded_rules() -> list[Rule]:
    return [
        Rule(tier=t, kind=k, visitor_role=who, period=p, min_count=lo, max_count=hi, id=n)
        for n, (t, k, who, p, lo, hi, _levels) in enumerate(RULES, start=1)
    ]


def rule(tier: str, kind: str, who: str) -> Rule:
    return next(x for x in seeded_rules() if (x.tier, x.kind, x.visitor_role) == (tier, kind, who))


LONG_AGO = D(2020, 1, 1)


def met(the_rule: Rule, window: r.Window, *done: Done, since: dt.date = LONG_AGO) -> bool:
    return r.assess(the_rule, window, done, key_since=since).met


def test_the_seed_is_the_policy_table():
    assert {row[:6] for row in RULES} == POLICY
    assert len(RULES) == len(POLICY)


def test_executive_means_the_three_vps_and_the_gm():
    assert {str(role) for role in EXECUTIVES} == r.EXECUTIVE_ROLES


# Row by row ------------------------------------------------------------------------------
# For each row: a day, the window it falls in, a visit that counts (on the window's last day),
# one that does not (the day before the window starts), and a wrong visitor.

ROWS = [
    # tier    kind          who           a day      window from  to       counts   does not
    "strategic visit         kam           2026-03-15 2026-03-01 2026-03-31 kam sales_manager",
    "strategic visit         sales_manager 2026-04-02 2026-03-01 2026-04-30 sales_manager kam",
    "strategic visit         sales_vp      2026-05-20 2026-04-01 2026-06-30 sales_vp tech_vp",
    "strategic visit         tech_vp       2026-05-20 2026-04-01 2026-06-30 tech_vp  exec_vp",
    "strategic visit         exec_vp       2026-05-20 2026-04-01 2026-06-30 exec_vp  gm",
    "strategic visit         gm            2026-08-08 2026-07-01 2026-12-31 gm       sales_vp",
    "important visit         kam           2026-02-10 2026-02-01 2026-02-28 kam sales_manager",
    "important visit         sales_manager 2026-11-03 2026-10-01 2026-12-31 sales_manager kam",
    "important visit         sales_vp      2026-03-03 2026-01-01 2026-06-30 sales_vp sales_manager",
    "important visit         tech_vp       2026-09-03 2026-07-01 2026-12-31 tech_vp  sales_vp",
    "important visit         exec_vp       2026-09-03 2026-07-01 2026-12-31 exec_vp  tech_vp",
    "important visit         gm            2026-06-01 2026-01-01 2026-12-31 gm       exec_vp",
    "strategic year_end_card kam           2026-12-20 2026-12-01 2026-12-31 kam sales_manager",
    "important year_end_card kam           2026-12-02 2026-12-01 2026-12-31 kam sales_manager",
    "strategic festival      executive     2026-09-20 2026-09-18 2026-09-25 gm sales_manager",
    "important festival      executive     2026-02-12 2026-02-10 2026-02-17 tech_vp  kam",
]


@pytest.mark.parametrize(
    ("tier", "kind", "who", "day", "start", "end", "good_role", "bad_role"),
    [row.split() for row in ROWS],
    ids=["-".join(row.split()[:3]) for row in ROWS],
)
def test_row(tier, kind, who, day, start, end, good_role, bad_role):
    day, start, end = (D.fromisoformat(x) for x in (day, start, end))
    the_rule = rule(tier, kind, who)
    window = r.window_of(the_rule.period, day)
    assert (window.start, window.end) == (start, end)

    def need(*done):
        return r.assess(the_rule, window, done, key_since=LONG_AGO)

    assert need().met is False
    assert need().required == 1
    assert need(Done(end, good_role, kind)).met
    assert need(Done(start, good_role, kind)).met
    assert not need(Done(start - dt.timedelta(days=1), good_role, kind)).met
    assert not need(Done(end + dt.timedelta(days=1), good_role, kind)).met
    assert not need(Done(day, bad_role, kind)).met
    other_kind = "visit" if kind != "visit" else "festival"
    assert not need(Done(day, good_role, other_kind)).met


def test_any_executive_meets_the_festival_rule_and_nobody_else_does():
    the_rule = rule("strategic", "festival", "executive")
    window = r.window_of("festivals", D(2025, 10, 6))
    for role in ("sales_vp", "tech_vp", "exec_vp", "gm"):
        assert r.assess(
            the_rule, window, [Done(D(2025, 10, 1), role, "festival")], key_since=LONG_AGO
        ).met
    for role in ("kam", "sales_manager"):
        assert not met(the_rule, window, Done(D(2025, 10, 1), role, "festival"))


def test_one_to_two_a_month_the_minimum_binds_more_is_no_breach():
    the_rule = rule("strategic", "visit", "kam")
    window = r.window_of("month", D(2026, 5, 1))
    three = [Done(D(2026, 5, d), "kam") for d in (6, 13, 20)]
    need = r.assess(the_rule, window, three, key_since=LONG_AGO)
    assert (need.required, need.done, need.met, need.short) == (1, 3, True, 0)
    assert the_rule.max_count == 2


def test_an_edited_minimum_is_honoured():
    the_rule = Rule("strategic", "visit", "kam", "month", min_count=2, max_count=3)
    window = r.window_of("month", D(2026, 5, 1))
    one = r.assess(the_rule, window, [Done(D(2026, 5, 6), "kam")], key_since=LONG_AGO)
    assert (one.met, one.short) == (False, 1)


def test_the_vps_are_counted_each_for_themselves():
    the_rule = rule("strategic", "visit", "tech_vp")
    window = r.window_of("quarter", D(2026, 1, 1))
    done = [
        Done(D(2026, 1, 5), "sales_vp"),
        Done(D(2026, 2, 5), "exec_vp"),
        Done(D(2026, 3, 5), "gm"),
    ]
    assert not r.assess(the_rule, window, done, key_since=LONG_AGO).met


# Boundaries ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "last_day", "next_day"),
    [
        ("month", D(2026, 1, 31), D(2026, 2, 1)),
        ("month", D(2025, 12, 31), D(2026, 1, 1)),
        ("two_months", D(2026, 2, 28), D(2026, 3, 1)),
        ("two_months", D(2026, 12, 31), D(2027, 1, 1)),
        ("quarter", D(2026, 3, 31), D(2026, 4, 1)),
        ("quarter", D(2026, 9, 30), D(2026, 10, 1)),
        ("half_year", D(2026, 6, 30), D(2026, 7, 1)),
        ("half_year", D(2026, 12, 31), D(2027, 1, 1)),
        ("year", D(2026, 12, 31), D(2027, 1, 1)),
    ],
)
def test_windows_end_on_the_last_day_and_the_next_begins_the_day_after(period, last_day, next_day):
    before, after = r.window_of(period, last_day), r.window_of(period, next_day)
    assert before.end == last_day
    assert after.start == next_day
    assert before != after
    the_rule = Rule("strategic", "visit", "kam", period)
    late = [Done(next_day, "kam")]
    assert not r.assess(the_rule, before, late, key_since=LONG_AGO).met
    assert r.assess(the_rule, after, late, key_since=LONG_AGO).met


def test_two_month_windows_are_jan_feb_mar_apr_and_so_on():
    windows = r.windows_between("two_months", D(2026, 1, 1), D(2026, 12, 31))
    assert [(w.start.month, w.end.month) for w in windows] == [
        (1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12)
    ]  # fmt: skip
    assert [w.key for w in windows][:2] == ["2026-01..02", "2026-03..04"]


def test_windows_between_crosses_the_year_boundary():
    windows = r.windows_between("two_months", D(2025, 12, 15), D(2026, 1, 10))
    assert [(w.start, w.end) for w in windows] == [
        (D(2025, 11, 1), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 2, 28)),
    ]
    assert [w.key for w in r.windows_between("half_year", D(2025, 6, 30), D(2026, 7, 1))] == [
        "2025-H1", "2025-H2", "2026-H1", "2026-H2"
    ]  # fmt: skip
    assert [w.key for w in r.windows_between("year_end", D(2025, 1, 1), D(2026, 11, 30))] == [
        "2025-12"
    ]
    assert r.windows_between("month", D(2026, 2, 1), D(2026, 1, 1)) == []


def test_quarter_and_year_keys():
    assert r.window_of("quarter", D(2026, 8, 1)).key == "2026-Q3"
    assert r.window_of("year", D(2026, 8, 1)).key == "2026"
    assert r.window_of("month", D(2026, 8, 1)).key == "2026-08"
    assert r.window_of("festivals", D(2026, 9, 25)).key == "2026-mid_autumn"


def test_leap_year_february():
    assert r.window_of("month", D(2028, 2, 29)).end == D(2028, 2, 29)
    assert r.window_of("month", D(2027, 2, 1)).end == D(2027, 2, 28)
    jan_feb_2024 = r.window_of("two_months", D(2024, 1, 10))
    assert jan_feb_2024.end == D(2024, 2, 29)
    leap_day = [Done(D(2024, 2, 29), "sales_manager")]
    assert met(rule("strategic", "visit", "sales_manager"), jan_feb_2024, *leap_day)
    q1 = r.window_of("quarter", D(2024, 2, 29))
    assert (q1.start, q1.end) == (D(2024, 1, 1), D(2024, 3, 31))
    assert len(r.windows_between("month", D(2024, 2, 29), D(2024, 2, 29))) == 1


def test_year_end_card_window_is_december_only():
    assert r.window_of("year_end", D(2026, 11, 30)) is None
    december = r.window_of("year_end", D(2026, 12, 1))
    assert (december.start, december.end) == (D(2026, 12, 1), D(2026, 12, 31))
    card = rule("important", "year_end_card", "kam")
    visit_in_december = [Done(D(2026, 12, 10), "kam", "visit")]
    assert not r.assess(card, december, visit_in_december, key_since=LONG_AGO).met


# Festivals by the lunar calendar ---------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "spring", "mid_autumn"),
    [
        (2025, D(2025, 1, 29), D(2025, 10, 6)),
        (2026, D(2026, 2, 17), D(2026, 9, 25)),
        (2027, D(2027, 2, 6), D(2027, 9, 15)),
    ],
)
def test_festival_days(year, spring, mid_autumn):
    assert r.festival_days(year) == [
        r.Festival("spring_festival", spring),
        r.Festival("mid_autumn", mid_autumn),
    ]
    windows = r.windows_between("festivals", D(year, 1, 1), D(year, 12, 31))
    assert [(w.festival, w.start, w.end) for w in windows] == [
        ("spring_festival", spring - dt.timedelta(days=7), spring),
        ("mid_autumn", mid_autumn - dt.timedelta(days=7), mid_autumn),
    ]


def test_between_festivals_there_is_no_window():
    assert r.window_of("festivals", D(2026, 2, 9)) is None
    assert r.window_of("festivals", D(2026, 2, 18)) is None
    assert r.window_of("festivals", D(2026, 2, 10)).festival == "spring_festival"


def test_a_communication_on_the_festival_day_itself_counts():
    window = r.window_of("festivals", D(2025, 1, 29))
    the_rule = rule("strategic", "festival", "executive")
    assert met(the_rule, window, Done(D(2025, 1, 29), "gm", "festival"))
    assert not met(the_rule, window, Done(D(2025, 1, 30), "gm", "festival"))


@pytest.mark.parametrize(
    ("festival", "due"),
    [
        # Spring Festival 2025 (Wed 29 Jan): the holiday runs 28 Jan – 4 Feb; Mon 27 Jan works.
        (D(2025, 1, 29), D(2025, 1, 27)),
        # Mid-Autumn 2025 falls inside the National Day holiday (1–8 Oct).
        (D(2025, 10, 6), D(2025, 9, 30)),
        # Spring Festival 2026: holiday 15–23 Feb; Saturday 14 Feb is a make-up working day.
        (D(2026, 2, 17), D(2026, 2, 14)),
        # Mid-Autumn 2026 (Fri 25 Sep) is a holiday: due the Thursday before.
        (D(2026, 9, 25), D(2026, 9, 24)),
        # 2027 is beyond the calendar's data: weekends only. Spring Festival is a Saturday…
        (D(2027, 2, 6), D(2027, 2, 5)),
        # …and Mid-Autumn a Wednesday, a working day as far as we know.
        (D(2027, 9, 15), D(2027, 9, 15)),
    ],
)
def test_festival_deadline_follows_the_working_calendar(festival, due):
    assert r.window_of("festivals", festival).due == due


def test_a_spring_festival_window_reaching_back_into_january_shows_in_both_months():
    window = r.window_of("festivals", D(2027, 2, 6))
    assert window.start == D(2027, 1, 30)
    rules = [rule("strategic", "festival", "executive")]
    for month in (D(2027, 1, 1), D(2027, 2, 1)):
        needs = r.month_needs("strategic", month, rules, [], D(2020, 1, 1))
        assert [n.window for n in needs] == [window]
    assert r.month_needs("strategic", D(2027, 3, 1), rules, [], D(2020, 1, 1)) == []


# Working calendar ------------------------------------------------------------------------


def test_the_calendar_has_data_to_2026_and_falls_back_to_weekends_beyond():
    assert r.has_holiday_data(2026)
    assert not r.has_holiday_data(2027)
    assert not r.has_holiday_data(2003)
    # With data: National Day is off, a make-up Saturday works.
    assert not r.is_working_day(D(2026, 10, 1))
    assert r.is_working_day(D(2026, 2, 14))
    # Without: weekdays work (even 1 October), weekends do not, and nothing else is known.
    assert r.is_working_day(D(2027, 10, 1))
    assert not r.is_working_day(D(2027, 10, 2))
    assert not r.is_working_day(D(2027, 10, 3))
    assert r.is_working_day(D(2003, 10, 1))


@pytest.mark.parametrize(
    ("month", "due"),
    [
        (D(2026, 1, 1), D(2026, 2, 5)),  # a Thursday
        (D(2025, 9, 1), D(2025, 10, 9)),  # the 5th is in the National Day holiday
        (D(2026, 4, 1), D(2026, 5, 6)),  # May Day holiday 1–5 May
        (D(2025, 12, 1), D(2026, 1, 5)),  # across the year
        (D(2027, 5, 1), D(2027, 6, 7)),  # fallback: Saturday 5 June moves to Monday
        (D(2026, 12, 1), D(2027, 1, 5)),  # fallback: a Tuesday
    ],
)
def test_record_due_by_the_fifth_moves_forward_past_holidays(month, due):
    assert r.record_due(month) == due


def test_window_due_moves_back_to_the_last_working_day():
    assert r.window_of("month", D(2026, 1, 1)).due == D(2026, 1, 30)  # 31 Jan is a Saturday
    assert r.window_of("month", D(2026, 9, 1)).due == D(2026, 9, 30)
    assert r.window_of("year_end", D(2027, 12, 1)).due == D(2027, 12, 31)  # fallback, a Friday
    assert r.window_of("quarter", D(2027, 7, 1)).due == D(2027, 9, 30)
    # National Day 2026: 1–7 October off, Saturday 10 October a make-up working day.
    assert r.working_day_on_or_before(D(2026, 10, 7)) == D(2026, 9, 30)
    assert r.working_day_on_or_after(D(2026, 10, 1)) == D(2026, 10, 8)
    assert r.working_day_on_or_after(D(2026, 10, 10)) == D(2026, 10, 10)


def test_state_open_then_missed_after_the_due_date():
    window = r.window_of("month", D(2026, 1, 1))  # due Friday 30 January
    need = r.assess(rule("strategic", "visit", "kam"), window, [], key_since=LONG_AGO)
    assert need.state(D(2026, 1, 30)) == r.OPEN
    assert need.state(D(2026, 1, 31)) == r.MISSED
    visited = [Done(D(2026, 1, 31), "kam")]
    done = r.assess(rule("strategic", "visit", "kam"), window, visited, key_since=LONG_AGO)
    assert done.state(D(2026, 2, 15)) == r.MET


# Created, re-tiered, lost, handed over mid-period ----------------------------------------


def test_an_account_created_mid_period_is_first_owed_the_next_full_window():
    since = D(2026, 3, 15)
    kam, manager, vp, gm = (
        rule("strategic", "visit", who) for who in ("kam", "sales_manager", "sales_vp", "gm")
    )
    cases = [
        (kam, D(2026, 3, 1), False), (kam, D(2026, 4, 1), True),
        (manager, D(2026, 3, 1), False), (manager, D(2026, 5, 1), True),
        (vp, D(2026, 1, 1), False), (vp, D(2026, 4, 1), True),
        (gm, D(2026, 1, 1), False), (gm, D(2026, 7, 1), True),
    ]  # fmt: skip
    for the_rule, day, expected in cases:
        window = r.window_of(the_rule.period, day)
        need = r.assess(the_rule, window, [], key_since=since)
        assert need.applies is expected, (the_rule.visitor_role, window.key)
        assert need.state(D(2027, 1, 1)) == (r.MISSED if expected else r.NOT_APPLICABLE)
        assert need.short == (1 if expected else 0)


def test_created_on_the_first_day_of_the_window_applies_at_once():
    window = r.window_of("quarter", D(2026, 4, 1))
    vp, gm = rule("strategic", "visit", "sales_vp"), rule("important", "visit", "gm")
    assert r.assess(vp, window, [], key_since=D(2026, 4, 1)).applies
    gm_year = r.window_of("year", D(2026, 1, 1))
    assert not r.assess(gm, gm_year, [], key_since=D(2026, 1, 2)).applies


def test_re_tiered_mid_period_the_new_tier_starts_with_its_first_full_window():
    # Important until 15 March 2026, strategic since: the caller passes the new tier and the
    # day it took effect; the important tier's rules are no longer asked of it.
    needs = r.month_needs("strategic", D(2026, 3, 1), seeded_rules(), [], D(2026, 3, 15))
    assert needs and not any(n.applies for n in needs)
    april = {
        (n.rule.visitor_role, n.applies)
        for n in r.month_needs("strategic", D(2026, 4, 1), seeded_rules(), [], D(2026, 3, 15))
    }
    assert april == {
        ("kam", True), ("sales_manager", False), ("sales_vp", True), ("tech_vp", True),
        ("exec_vp", True), ("gm", False),
    }  # fmt: skip


def test_a_lost_account_is_not_owed_the_window_it_was_lost_in():
    the_rule = rule("strategic", "visit", "kam")
    lost = D(2026, 5, 10)
    april = r.window_of("month", D(2026, 4, 1))
    may = r.window_of("month", D(2026, 5, 1))
    assert r.assess(the_rule, april, [], key_since=LONG_AGO, key_until=lost).applies
    assert not r.assess(the_rule, may, [], key_since=LONG_AGO, key_until=lost).applies
    assert not r.assess(the_rule, april, [], key_since=None).applies


def test_handed_over_mid_month_both_kams_visits_count_for_the_account():
    # The leaver visited on the 3rd, the successor on the 20th: the engine sees two KAM visits.
    done = [Done(D(2026, 6, 3), "kam"), Done(D(2026, 6, 20), "kam")]
    june = r.window_of("month", D(2026, 6, 1))
    need = r.assess(rule("important", "visit", "kam"), june, done, key_since=LONG_AGO)
    assert (need.done, need.met) == (2, True)


# What the plan page shows ----------------------------------------------------------------


def test_month_needs_for_a_strategic_account_in_march():
    done = [Done(D(2026, 3, 2), "sales_manager"), Done(D(2026, 2, 20), "sales_vp")]
    planned = [Done(D(2026, 3, 10), "kam"), Done(D(2026, 3, 24), "kam")]
    needs = r.month_needs(
        "strategic", D(2026, 3, 1), seeded_rules(), done, D(2025, 1, 1), planned=planned
    )
    rows = [(n.rule.visitor_role, n.window.key, n.done, n.planned, n.met, n.gap) for n in needs]
    assert rows == [
        ("kam", "2026-03", 0, 2, False, 0),
        ("sales_manager", "2026-03..04", 1, 0, True, 0),
        ("sales_vp", "2026-Q1", 1, 0, True, 0),
        ("tech_vp", "2026-Q1", 0, 0, False, 1),
        ("exec_vp", "2026-Q1", 0, 0, False, 1),
        ("gm", "2026-H1", 0, 0, False, 1),
    ]


def test_month_needs_in_december_and_february_add_the_card_and_the_festival():
    december = r.month_needs("important", D(2026, 12, 1), seeded_rules(), [], D(2025, 1, 1))
    assert [(n.rule.visitor_role, n.rule.kind, n.window.key) for n in december] == [
        ("kam", "visit", "2026-12"),
        ("kam", "year_end_card", "2026-12"),
        ("sales_manager", "visit", "2026-Q4"),
        ("sales_vp", "visit", "2026-H2"),
        ("tech_vp", "visit", "2026-H2"),
        ("exec_vp", "visit", "2026-H2"),
        ("gm", "visit", "2026"),
    ]
    february = r.month_needs("important", D(2026, 2, 1), seeded_rules(), [], D(2025, 1, 1))
    assert ("executive", "festival", "2026-spring_festival") in {
        (n.rule.visitor_role, n.rule.kind, n.window.key) for n in february
    }


def test_month_needs_ignores_other_tiers_and_accepts_any_day_of_the_month():
    needs = r.month_needs("potential", D(2026, 3, 1), seeded_rules(), [], D(2025, 1, 1))
    assert needs == []
    mid_month = r.month_needs("important", D(2026, 3, 17), seeded_rules(), [], D(2025, 1, 1))
    assert mid_month[0].window.start == D(2026, 3, 1)


def test_rule_from_a_row():
    row = SimpleNamespace(
        pk=7,
        tier="important",
        kind="visit",
        visitor_role="sales_manager",
        period="quarter",
        min_count=1,
        max_count=None,
        contact_levels="business_head, decision_maker",
    )
    the_rule = Rule.from_row(row)
    assert the_rule.contact_levels == ("business_head", "decision_maker")
    assert (the_rule.id, the_rule.roles) == (7, frozenset({"sales_manager"}))
    with pytest.raises(ValueError, match="unknown period"):
        r.window_of("fortnight", D(2026, 1, 1))
