from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Key accounts")

    def ready(self):
        # These modules add their steps to the hand-over (accounts.services.HANDOVER_STEPS).
        from accounts import collection, complaints  # noqa: F401
