import time

from django.core.management.base import BaseCommand

from visits.models import AccountTally, OwnerTally
from visits.tally import tally_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the compliance dashboard's rollup from visits, plan lines and the frequency "
        "rules: after data was written in bulk (demo data, imports)."
    )

    def handle(self, *args, **options):
        start = time.perf_counter()
        tally_rebuild()
        self.stdout.write(
            f"{AccountTally.objects.count()} account-years, {OwnerTally.objects.count()} "
            f"owner-years in {time.perf_counter() - start:.1f} s"
        )
