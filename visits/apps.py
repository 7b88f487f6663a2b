from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = _("Visits")

    def ready(self):
        # The hand-over (accounts.services) moves open plans too; accounts cannot import us.
        from accounts.services import HANDOVER_STEPS
        from visits.services.handover import move_open_plans

        if move_open_plans not in HANDOVER_STEPS:
            HANDOVER_STEPS.append(move_open_plans)

        # The compliance rollup re-tallies accounts whose tier, status or owner change.
        from kam.registry import registry
        from visits import tally

        registry.on_account_changed(tally.account_changed)
