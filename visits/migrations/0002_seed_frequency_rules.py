"""Seed the frequency rules of §13 (SPEC §3 table): visits/seeds.py holds them, so the test
suite lays the same rows again after a transactional test empties the table."""

from django.db import migrations

from visits.seeds import seed_frequency_rules


def seed(apps, schema_editor):
    seed_frequency_rules(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
