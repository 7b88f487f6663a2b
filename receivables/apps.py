from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "receivables"
    verbose_name = _("Receivables")

    def ready(self):
        # Today's hand-over reads accounts.services.HANDOVER_STEPS (kam.registry later): open
        # invoices and promises to pay go to the successor too. accounts cannot import us.
        from accounts.services import HANDOVER_STEPS
        from receivables.services.handover import hand_over_receivables

        if hand_over_receivables not in HANDOVER_STEPS:
            HANDOVER_STEPS.append(hand_over_receivables)
