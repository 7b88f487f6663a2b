"""Seed the tier review thresholds and the churn reasons with their defaults: analysis/seeds.py
holds them, so the test suite lays the same rows again after a transactional test empties the
tables."""

from django.db import migrations

from analysis.seeds import seed_rules


def seed(apps, schema_editor):
    seed_rules(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("analysis", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
