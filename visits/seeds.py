"""The frequency rules of §13 (SPEC §3 table) shipped with the product, laid by a migration
(visits 0002) and again by the test suite after a transactional test empties the table.
Administrators may edit them later. Takes the app registry it is given, so a migration can
pass its historical one."""

OPS = "operational,operational_head"
HEADS = "business_head"
DECIDER = "decision_maker"

RULES = [
    # tier, kind, visitor role, period, min, max, contact levels
    ("strategic", "visit", "kam", "month", 1, 2, OPS),
    ("strategic", "visit", "sales_manager", "two_months", 1, None, HEADS),
    ("strategic", "visit", "sales_vp", "quarter", 1, None, ""),
    ("strategic", "visit", "tech_vp", "quarter", 1, None, ""),
    ("strategic", "visit", "exec_vp", "quarter", 1, None, ""),
    ("strategic", "visit", "gm", "half_year", 1, None, ""),
    ("important", "visit", "kam", "month", 1, 2, OPS),
    ("important", "visit", "sales_manager", "quarter", 1, None, HEADS),
    ("important", "visit", "sales_vp", "half_year", 1, None, ""),
    ("important", "visit", "tech_vp", "half_year", 1, None, ""),
    ("important", "visit", "exec_vp", "half_year", 1, None, ""),
    ("important", "visit", "gm", "year", 1, None, ""),
    ("strategic", "year_end_card", "kam", "year_end", 1, None, ""),
    ("important", "year_end_card", "kam", "year_end", 1, None, ""),
    ("strategic", "festival", "executive", "festivals", 1, None, DECIDER),
    ("important", "festival", "executive", "festivals", 1, None, DECIDER),
]


def seed_frequency_rules(apps, schema_editor=None) -> None:
    FrequencyRule = apps.get_model("visits", "FrequencyRule")
    for tier, kind, role, period, low, high, levels in RULES:
        FrequencyRule.objects.get_or_create(
            tier=tier,
            kind=kind,
            visitor_role=role,
            defaults={
                "period": period,
                "min_count": low,
                "max_count": high,
                "contact_levels": levels,
            },
        )
