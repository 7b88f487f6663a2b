from django.db import migrations, models


def cancel_doubles(apps, schema_editor):
    """Plans written before the rule may hold an account twice on a day: the later lines are
    taken out (kept, marked removed, as the plan editor does), the first one stays."""
    PlanLine = apps.get_model("visits", "PlanLine")
    seen = set()
    doubles = []
    rows = PlanLine.objects.filter(is_cancelled=False).order_by("plan_id", "account_id", "planned_on", "pk")
    for pk, plan, account, day in rows.values_list("pk", "plan_id", "account_id", "planned_on").iterator():
        key = (plan, account, day)
        if key in seen:
            doubles.append(pk)
        seen.add(key)
    PlanLine.objects.filter(pk__in=doubles).update(is_cancelled=True)


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_receivables_complaints'),
        ('visits', '0005_compliance_tally'),
    ]

    operations = [
        migrations.RunPython(cancel_doubles, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='planline',
            constraint=models.UniqueConstraint(condition=models.Q(('is_cancelled', False)), fields=('plan', 'account', 'planned_on'), name='plan_line_one_live_per_account_day'),
        ),
    ]
