"""The complaint deadlines shipped with the product, laid by a migration (accounts 0004, which
keeps its own copy) and again by the test suite after a transactional test empties the table.
Takes the app registry it is given, so a migration can pass its historical one."""

from complaints.models import DEFAULT_DEADLINE_DAYS


def seed_deadlines(apps, schema_editor=None) -> None:
    deadline = apps.get_model("complaints", "ComplaintDeadline")
    for severity, days in DEFAULT_DEADLINE_DAYS.items():
        deadline.objects.get_or_create(severity=str(severity), defaults={"days": days})
