from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        # Today's hand-over reads accounts.services.HANDOVER_STEPS (kam.registry later): open
        # complaints go to the successor too. accounts cannot import us.
        from accounts.services import HANDOVER_STEPS
        from complaints.services import hand_over_complaints

        if hand_over_complaints not in HANDOVER_STEPS:
            HANDOVER_STEPS.append(hand_over_complaints)
