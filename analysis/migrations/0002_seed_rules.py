"""Seed the tier review thresholds and the churn reasons with their defaults."""

from django.db import migrations

CHURN = {  # reason: (threshold, weight); the same as analysis.churn.DEFAULTS
    "revenue_drop": (30, 3),
    "receivables_overdue": (60, 3),
    "visits_missed": (45, 2),
    "complaints_open": (2, 1),
    "complaints_overdue": (0, 2),
    "decision_maker": (180, 2),
}


def seed(apps, schema_editor):
    TierRule = apps.get_model("analysis", "TierRule")
    ChurnWeight = apps.get_model("analysis", "ChurnWeight")
    TierRule.objects.get_or_create(pk=1)
    for reason, (threshold, weight) in CHURN.items():
        ChurnWeight.objects.get_or_create(
            reason=reason, defaults={"threshold": threshold, "weight": weight}
        )


class Migration(migrations.Migration):
    dependencies = [("analysis", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
