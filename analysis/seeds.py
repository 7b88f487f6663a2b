"""The tier review thresholds and churn reasons shipped with the product, laid by a migration
(analysis 0002) and again by the test suite after a transactional test empties the tables.
Takes the app registry it is given, so a migration can pass its historical one."""

CHURN = {  # reason: (threshold, weight); the same as analysis.churn.DEFAULTS
    "revenue_drop": (30, 3),
    "receivables_overdue": (60, 3),
    "visits_missed": (45, 2),
    "complaints_open": (2, 1),
    "complaints_overdue": (0, 2),
    "decision_maker": (180, 2),
}


def seed_rules(apps, schema_editor=None) -> None:
    TierRule = apps.get_model("analysis", "TierRule")
    ChurnWeight = apps.get_model("analysis", "ChurnWeight")
    TierRule.objects.get_or_create(pk=1)
    for reason, (threshold, weight) in CHURN.items():
        ChurnWeight.objects.get_or_create(
            reason=reason, defaults={"threshold": threshold, "weight": weight}
        )
