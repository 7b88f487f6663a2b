from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReceivablesConfig(AppConfig):
    name = "receivables"
    verbose_name = _("Receivables")

    def ready(self):
        # What contracts, receivables and payments plug into the shell (kam/registry.py).
        from kam import roles
        from kam.registry import AccountPanel, JobSpec, MenuEntry, registry
        from receivables import demo, reminders, workbench
        from receivables.services.handover import hand_over_receivables
        from receivables.views.account import archive_panel

        registry.add_menu(
            MenuEntry(
                "receivables",
                _("Receivables"),
                "receivables:report",
                visible=roles.can_use_receivables,
                group="accounts",
                order=50,
            )
        )
        registry.add_jobs(JobSpec("receivable_reminders", reminders.receivable_reminders))
        registry.add_notification_kinds({"receivable_overdue": _("Overdue receivables")})
        registry.add_handover_step(
            hand_over_receivables,
            kinds={"invoice": _("Open invoice"), "promise": _("Payment promise to follow up")},
        )
        registry.add_account_panel(
            AccountPanel("receivables", "receivables/card.html", archive_panel, order=10)
        )
        registry.add_workbench(workbench.items)
        registry.add_demo(demo.build)
